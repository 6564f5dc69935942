#!/usr/bin/env python3
"""A banana-style (v4) backend for scripts/test-contract.sh: every start is answered at once, finished, with a
grey PNG of the asked size, so the contract run exercises the gateway (and its real banana adapter) without
waiting on image generation. Prints the port it listens on (127.0.0.1) and serves until killed."""
import base64
import json
import struct
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        inputs = json.loads(self.rfile.read(length) or b"{}").get("modelInputs", {})
        image = png(int(inputs.get("width", 512)), int(inputs.get("height", 512)))
        reply = json.dumps(
            {"id": "contract", "message": "", "finished": True,
             "modelOutputs": [{"image_base64": base64.b64encode(image).decode()}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
