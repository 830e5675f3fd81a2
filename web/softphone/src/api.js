// Tandem's HTTP API as the softphone uses it: /api/ice-servers (checks the token first, because a
// refused WebSocket upgrade reaches the page only as a bare close code 1006), and the demo login.
const TOKEN_REASONS = {
  missing_token: 'No access token was given.',
  malformed: 'The access token is not a valid JWT.',
  unsupported_alg: 'The access token uses an algorithm this server does not accept.',
  bad_signature: 'The access token was not signed by this server (bad signature).',
  expired: 'Your access token has expired. Get a new one and sign in again.',
  not_yet_valid: 'The access token is not valid yet (check the clocks).',
  wrong_audience: 'The access token was issued for another service (wrong audience).',
  missing_sub: 'The access token names no user (no "sub" claim).',
};

export class ApiError extends Error {
  constructor(message, code = null) {
    super(message);
    this.code = code;
  }
}

// Where the gateway is: the page's own origin unless ?server=https://host:port says otherwise.
export function gatewayFrom(location) {
  const params = new URLSearchParams(location.search);
  const base = new URL(params.get('server') || location.origin);
  const ws = new URL('/sip', base);
  ws.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    base: base.origin,
    wsUrl: (token) => `${ws.href}?token=${encodeURIComponent(token)}`,
    domain: params.get('domain') || 'tandem.invalid',
  };
}

async function request(url, options) {
  try {
    return await fetch(url, options);
  } catch (e) {
    throw new ApiError(`The gateway is unreachable (${new URL(url).host}): ${e.message}`, 'unreachable');
  }
}

async function jsonBody(response) {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

// The RTCIceServer list for the next call; throws ApiError with the token's refusal reason.
export async function fetchIceServers(base, token) {
  const r = await request(`${base}/api/ice-servers`, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
  const body = await jsonBody(r);
  if (r.status === 401) {
    const why = TOKEN_REASONS[body.error] || `The access token was refused (${body.error || 'HTTP 401'}).`;
    throw new ApiError(body.detail ? `${why} (${body.detail})` : why, body.error || 'unauthorized');
  }
  if (!r.ok) throw new ApiError(`The gateway answered ${r.status} to /api/ice-servers: ${body.error || r.statusText}`, 'http');
  return Array.isArray(body.iceServers) ? body.iceServers : [];
}

// { enabled, users } when the server runs in demo mode, else null (404 or unreachable).
export async function demoInfo(base) {
  try {
    const r = await fetch(`${base}/api/demo`, { cache: 'no-store' });
    if (!r.ok) return null;
    const body = await r.json();
    return body.enabled ? body : null;
  } catch {
    return null;
  }
}

export async function demoToken(base, user) {
  const r = await request(`${base}/api/demo/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) });
  const body = await jsonBody(r);
  if (!r.ok || !body.token) throw new ApiError(`Demo login failed (${r.status}): ${body.error || r.statusText}`, 'demo');
  return body.token;
}

// The `sub` claim of a JWT (display only: the server verifies it).
export function tokenSubject(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part)).sub || null;
  } catch {
    return null;
  }
}
