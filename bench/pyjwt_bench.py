#!/usr/bin/env python3
"""Verify the tokens written by AuthBenchmarks with PyJWT + cryptography, with the same claim checks
(RS256 only, aud, iss, exp/iat, 60 s leeway). Creates bench/.venv-auth with PyJWT on first use.
Usage: pyjwt_bench.py FOLDER [SECONDS]   Prints one JSON object."""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv-auth")
VENV_PYTHON = os.path.join(VENV, "bin", "python")


def ensure_venv():
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(VENV_PYTHON):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([VENV_PYTHON, "-m", "pip", "install", "--quiet", "PyJWT[crypto]>=2.9", "cryptography"],
                       check=True)
    os.execv(VENV_PYTHON, [VENV_PYTHON] + sys.argv)


def main():
    ensure_venv()
    import jwt  # noqa: E402  (installed into the venv above)
    import cryptography

    folder = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    with open(os.path.join(folder, "tokens.txt")) as f:
        tokens = f.read().split("\n")
    with open(os.path.join(folder, "jwks.json")) as f:
        jwks = json.load(f)
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    keys = {k["kid"]: jwt.PyJWK(k).key for k in jwks["keys"]}
    issuers = ["accounts.google.com", "https://accounts.google.com"]

    def verify(token):
        kid = jwt.get_unverified_header(token)["kid"]
        claims = jwt.decode(token, keys[kid], algorithms=["RS256"], audience=config["client_id"], issuer=issuers,
                            leeway=60, options={"require": ["exp", "iat", "iss", "aud", "sub"]})
        return claims["sub"]

    verify(tokens[0])
    count = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    while time.perf_counter() - start < seconds:
        for token in tokens:
            verify(token)
        count += len(tokens)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print(json.dumps({"pyjwt_version": jwt.__version__, "cryptography_version": cryptography.__version__,
                      "python": sys.version.split()[0], "per_second": count / elapsed,
                      "per_cpu_second": count / cpu}, sort_keys=True))


if __name__ == "__main__":
    main()
