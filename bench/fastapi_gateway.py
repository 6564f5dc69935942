"""Baseline for scripts/bench-gateway.sh: the same gateway work in Python, for a side-by-side comparison.

FastAPI + google-auth (RS256 ID token verification against a key set) + SQLite (WAL): per request it verifies
the Bearer token, resolves the tier, and for a generation reserves quota in one IMMEDIATE transaction, stores the
job, runs an instant provider (a fixed 8x8 PNG, like the Swift benchmark's), records the attempt, settles the
reservation and stores the image. Verified tokens are cached by token string until `exp`, as the Swift gateway's
AuthKit does. Run: GATEWAY_DB=... GATEWAY_TOKEN_FILE=... uvicorn fastapi_gateway:app --workers 2
"""

import base64
import json
import os
import sqlite3
import struct
import threading
import time
import uuid
import zlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Body, FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse
from google.auth import crypt, jwt

ISSUER = "http://127.0.0.1/dev"
AUDIENCE = "diffusion-gateway-dev"
KEY_FILE = os.environ.get("GATEWAY_KEY_FILE", "/tmp/fastapi-gateway-key.pem")
DB_PATH = os.environ.get("GATEWAY_DB", "/tmp/fastapi-gateway.sqlite")
TOKEN_FILE = os.environ.get("GATEWAY_TOKEN_FILE", "/tmp/fastapi-gateway-token")
PRICE_MICROS_PER_SECOND = 1000
ESTIMATE_MICROS = PRICE_MICROS_PER_SECOND * 120


def load_key():
    """One key shared by the workers (the first worker to start writes it)."""
    lock_path = KEY_FILE + ".lock"
    with open(lock_path, "w") as lock:
        import fcntl

        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(KEY_FILE):
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            with open(KEY_FILE, "wb") as handle:
                handle.write(pem)
        with open(KEY_FILE, "rb") as handle:
            pem = handle.read()
    private = serialization.load_pem_private_key(pem, password=None)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return pem.decode(), public


PRIVATE_PEM, PUBLIC_PEM = load_key()
CERTS = {"dev": PUBLIC_PEM}


def mint_token(email):
    signer = crypt.RSASigner.from_string(PRIVATE_PEM, key_id="dev")
    now = int(time.time())
    claims = {
        "iss": ISSUER, "aud": AUDIENCE, "sub": "dev-" + email, "email": email, "email_verified": True,
        "iat": now, "exp": now + 6 * 3600,
    }
    return jwt.encode(signer, claims).decode()


def png_8x8():
    raw = b"".join(b"\x00" + bytes([128] * 24) for _ in range(8))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


IMAGE = png_8x8()
SCHEMA = """
CREATE TABLE IF NOT EXISTS reservations (job_id TEXT PRIMARY KEY, user_key TEXT NOT NULL, state TEXT NOT NULL,
    estimate_micros INTEGER NOT NULL, charged_micros INTEGER NOT NULL DEFAULT 0, day_start INTEGER NOT NULL,
    month_start INTEGER NOT NULL, reserved_ms INTEGER NOT NULL, closed_ms INTEGER);
CREATE INDEX IF NOT EXISTS reservations_held ON reservations (user_key) WHERE state = 'held';
CREATE TABLE IF NOT EXISTS attempts (job_id TEXT NOT NULL, attempt INTEGER NOT NULL, provider TEXT NOT NULL,
    outcome TEXT NOT NULL, duration_ms INTEGER NOT NULL, cost_micros INTEGER NOT NULL,
    PRIMARY KEY (job_id, attempt)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quota_windows (user_key TEXT NOT NULL, period TEXT NOT NULL, period_start INTEGER NOT NULL,
    images INTEGER NOT NULL, spend_micros INTEGER NOT NULL, PRIMARY KEY (user_key, period, period_start)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, user_key TEXT NOT NULL, request_json TEXT NOT NULL,
    status TEXT NOT NULL, provider TEXT, created_ms INTEGER NOT NULL, finished_ms INTEGER, cost_micros INTEGER,
    image BLOB);
"""

local = threading.local()


def db():
    connection = getattr(local, "connection", None)
    if connection is None:
        connection = sqlite3.connect(DB_PATH, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA busy_timeout = 5000")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.executescript(SCHEMA)
        local.connection = connection
    return connection


verified = {}


def authenticate(authorization):
    if not authorization or not authorization.lower().startswith("bearer "):
        raise HTTPException(401, {"code": "missing_token"})
    token = authorization[7:].strip()
    now = time.time()
    cached = verified.get(token)
    if cached and cached["exp"] > now:
        return cached
    try:
        claims = jwt.decode(token, certs=CERTS, audience=AUDIENCE)
    except Exception as error:
        raise HTTPException(401, {"code": "invalid_token", "reason": str(error)[:80]})
    if claims.get("iss") != ISSUER:
        raise HTTPException(401, {"code": "invalid_token", "reason": "wrong_issuer"})
    verified[token] = claims
    return claims


def windows(now):
    day = int(now // 86400 * 86400)
    month = int(time.mktime(time.gmtime(now)[:2] + (1, 0, 0, 0, 0, 0, 0)) - time.timezone)
    return day, month


app = FastAPI()


@app.on_event("startup")
def startup():
    db()
    with open(TOKEN_FILE, "w") as handle:
        handle.write(mint_token("bench@example.com"))


@app.get("/v1/me")
def me(authorization: str = Header(None)):
    claims = authenticate(authorization)
    user = claims["iss"] + " " + claims["sub"]
    day, month = windows(time.time())
    rows = db().execute(
        "SELECT period, images, spend_micros FROM quota_windows WHERE user_key = ? AND "
        "((period = 'day' AND period_start = ?) OR (period = 'month' AND period_start = ?))",
        (user, day, month),
    ).fetchall()
    used = {period: (images, spend) for period, images, spend in rows}
    return {
        "identity": {"subject": claims["sub"], "email": claims.get("email"), "issuer": claims["iss"]},
        "tier": {"name": "bench", "providers": ["instant"]},
        "matched_rule": "default",
        "quota": [
            {"window": "images_per_day", "used": used.get("day", (0, 0))[0]},
            {"window": "images_per_month", "used": used.get("month", (0, 0))[0]},
        ],
    }


@app.post("/v1/images/generations")
def images(body: dict = Body(...), authorization: str = Header(None)):
    claims = authenticate(authorization)
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise HTTPException(400, {"code": "invalid_parameter", "param": "prompt"})
    if body.get("n", 1) != 1:
        raise HTTPException(422, {"code": "invalid_parameter", "param": "n"})
    width, height = (int(part) for part in body.get("size", "512x512").split("x"))
    steps = int(body.get("steps", 20))
    return generate(claims, {"prompt": prompt, "width": width, "height": height, "steps": steps})


def generate(claims, parameters):
    user = claims["iss"] + " " + claims["sub"]
    connection = db()
    now = time.time()
    day, month = windows(now)
    job_id = "gen_" + uuid.uuid4().hex[:24]
    connection.execute("BEGIN IMMEDIATE")
    try:
        held = connection.execute(
            "SELECT count(*) FROM reservations WHERE user_key = ? AND state = 'held'", (user,)
        ).fetchone()[0]
        if held >= 1000:
            raise HTTPException(429, {"code": "quota_exceeded", "window": "concurrent_jobs"})
        connection.execute(
            "INSERT INTO reservations (job_id, user_key, state, estimate_micros, day_start, month_start, reserved_ms)"
            " VALUES (?, ?, 'held', ?, ?, ?, ?)",
            (job_id, user, ESTIMATE_MICROS, day, month, int(now * 1000)),
        )
        for period, start in (("day", day), ("month", month)):
            connection.execute(
                "INSERT INTO quota_windows VALUES (?, ?, ?, 1, ?) ON CONFLICT (user_key, period, period_start) "
                "DO UPDATE SET images = images + 1, spend_micros = spend_micros + excluded.spend_micros",
                (user, period, start, ESTIMATE_MICROS),
            )
        connection.execute("COMMIT")
    except Exception:
        connection.execute("ROLLBACK")
        raise
    connection.execute(
        "INSERT INTO jobs (id, user_key, request_json, status, created_ms) VALUES (?, ?, ?, 'running', ?)",
        (job_id, user, json.dumps(parameters), int(now * 1000)),
    )
    started = time.time()
    image = IMAGE
    duration_ms = int((time.time() - started) * 1000)
    cost = PRICE_MICROS_PER_SECOND * 1  # the instant provider reports 0.001 s of paid time
    connection.execute(
        "INSERT INTO attempts VALUES (?, 1, 'instant', 'succeeded', ?, ?)", (job_id, duration_ms, cost)
    )
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "UPDATE reservations SET state = 'settled', charged_micros = ?, closed_ms = ? WHERE job_id = ?",
        (cost, int(time.time() * 1000), job_id),
    )
    for period, start in (("day", day), ("month", month)):
        connection.execute(
            "UPDATE quota_windows SET spend_micros = spend_micros + ? WHERE user_key = ? AND period = ? AND period_start = ?",
            (cost - ESTIMATE_MICROS, user, period, start),
        )
    connection.execute("COMMIT")
    connection.execute(
        "UPDATE jobs SET status = 'succeeded', provider = 'instant', finished_ms = ?, cost_micros = ?, image = ? WHERE id = ?",
        (int(time.time() * 1000), cost, image, job_id),
    )
    return {"created": int(now), "data": [{"b64_json": base64.b64encode(image).decode()}]}


@app.exception_handler(HTTPException)
def error(request, exception):
    return JSONResponse({"error": exception.detail}, status_code=exception.status_code)
