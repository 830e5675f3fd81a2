#!/usr/bin/env bash
# Installs every Debian package Tandem's build, tests and tools need.
# Idempotent and non-interactive; runs `apt-get update` at most once per call,
# and not at all when everything is already installed.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang clang-format clang-tidy
  libclang-rt-dev
  # libraries (see docs/architecture.md for why each one)
  libboost-dev libboost-system-dev libssl-dev libspdlog-dev libfmt-dev
  libcli11-dev nlohmann-json3-dev
  # Nettle: HMAC-SHA1 for AES-CM SRTP (src/srtp/prekeyed_hmac)
  nettle-dev
  # toml11: the gateway's configuration file (src/app/config_loader)
  libtoml11-dev
  # Opus encode/decode (src/codec)
  libopus-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev libosip2-dev libsrtp2-dev
  # spandsp: an independent G.711 implementation the codec tests check ours against
  libspandsp-dev
  # third-party peers for interop tests (coturn: turnutils_stunclient, turnserver for the relay
  # e2e; sip-tester: SIPp; tshark: Wireshark's RTCP dissector)
  coturn sip-tester tshark
  # python3 (standard library only): the services test decodes captured RTP with it
  python3
  # browser tests: Debian's Chromium driven by playwright-core (npm)
  chromium
  # RFC 3263 target resolution: c-ares (asynchronous NAPTR/SRV/A/AAAA lookups) and dnsmasq, the
  # name server its interop test serves records from
  libc-ares-dev dnsmasq-base
  # Kamailio: the registrar/proxy tandem-ua registers to and calls through (UDP, TCP, TLS)
  kamailio kamailio-tls-modules
  # `make demo` (scripts/demo.sh): openssl makes its self-signed certificate and token key, ss
  # (iproute2) names a busy port before starting
  openssl iproute2
  # recorded human speech (Asterisk's English prompts, 8 kHz WAV): the transcoding benchmark's input
  asterisk-core-sounds-en-wav
)
# Node.js and npm drive the browser and JsSIP tests. Keep an existing Node (the image may ship a
# newer one than Debian's); install Debian's only when there is none.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}"
