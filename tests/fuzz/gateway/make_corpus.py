#!/usr/bin/env python3
"""Writes the token_fuzzer seed corpus (standard library only): python3 make_corpus.py corpus/"""
import base64, hashlib, hmac, json, os, sys

SECRET = b"tandem-fuzz-secret-0123456789abcdef"
NOW = 1700000000


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def segment(obj):
    return b64(json.dumps(obj, separators=(",", ":")).encode())


def token(header, claims, secret=SECRET):
    signing_input = segment(header) + b"." + segment(claims)
    return signing_input + b"." + b64(hmac.new(secret, signing_input, hashlib.sha256).digest())


def main(out):
    os.makedirs(out, exist_ok=True)
    good = {"sub": "1001", "aud": "tandem", "exp": NOW + 600, "iat": NOW, "allow": ["600", "601"]}
    hs = {"alg": "HS256", "typ": "JWT"}
    seeds = {
        "query-valid": b"\x00/sip?token=" + token(hs, good),
        "bearer-valid": b"\x00/api/ice-servers\nBearer " + token(hs, good),
        "expired": b"\x00?token=" + token(hs, dict(good, exp=NOW - 100)),
        "nbf-future": b"\x00?token=" + token(hs, dict(good, nbf=NOW + 3600)),
        "aud-array": b"\x00?token=" + token(hs, dict(good, aud=["x", "tandem"])),
        "forged": b"\x00?token=" + token(hs, good, b"another-secret-of-some-32-bytes-or-more"),
        "alg-none": b"\x00?token=" + segment({"alg": "none"}) + b"." + segment(good) + b".",
        "rs256-header": b"\x00?token=" + token({"alg": "RS256"}, good),
        "percent": b"\x00/sip?a=1&token=abc%2Edef%2Eghi&b=2",
        "missing": b"\x00/sip\n",
        "signed-good": b"\x01" + segment(hs) + b"." + segment(good),
        "signed-no-sub": b"\x01" + segment(hs) + b"." + segment({"aud": "tandem", "exp": NOW + 60}),
        "signed-crit": b"\x01" + segment(dict(hs, crit=["b64"])) + b"." + segment(good),
        "signed-float-exp": b"\x01" + segment(hs) + b"." + segment(dict(good, exp=1e300)),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus")
