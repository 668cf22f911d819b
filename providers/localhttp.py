"""The request-handler plumbing the local cloud emulators share (the Azure and Google API fakes).

Each emulator speaks its provider's real protocol; what they have in common is only the HTTP side:
keep-alive HTTP/1.1 without Nagle's delay (or a client would manage ~20 requests a second), no
access log on the terminal, the request body read by Content-Length, and every method handed to the
emulator's own ``_dispatch(method)`` so that a write can be answered (and refused) like a read.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from typing import Any


class EmulatorRequestHandler(BaseHTTPRequestHandler):
    """Base handler: subclasses implement ``_dispatch(method)`` and their own response format."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self, method: str) -> None:
        self.send_error(501, f"{type(self).__name__} routes no {method} requests")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")
