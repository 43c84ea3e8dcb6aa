"""A WebDAV host whose disk is full, for the publishing tests: run as a script on 127.0.0.1.

``python fullserver.py PORT`` answers every PUT with 507 Insufficient Storage (RFC 4918
11.5), HEAD with 404 (no file yet), PROPFIND with 401 and DELETE with 204.
"""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FullDisk(BaseHTTPRequestHandler):
    """What a WebDAV server with no room left answers."""

    def _answer(self, status: int) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_PUT(self) -> None:
        self._answer(507)

    def do_HEAD(self) -> None:
        self._answer(404)

    def do_PROPFIND(self) -> None:
        self._answer(401)

    def do_DELETE(self) -> None:
        self._answer(204)

    def log_message(self, format: str, *args: Any) -> None:
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), FullDisk).serve_forever()
