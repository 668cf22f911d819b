"""Misbehaving endpoints on 127.0.0.1 for the timeout and bad-answer tests.

- :func:`silent_endpoint`: a socket that accepts connections and never answers (a proxy or a
  firewall that swallows the request), so the client's read timeout is what ends the call.
- :func:`html_endpoint`: an HTTP server that answers every request ``200 OK`` with an HTML page (a
  captive portal or a web server where an API endpoint was expected).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from providers.localhttp import EmulatorRequestHandler

HTML = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><p>Welcome</p></body></html>"


@contextmanager
def silent_endpoint() -> Iterator[int]:
    """Yield the port of a listener that accepts every connection and never sends a byte."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()
        for connection in held:
            connection.close()
        thread.join(timeout=2)


class _HtmlHandler(EmulatorRequestHandler):
    def _dispatch(self, method: str) -> None:
        self._body()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(HTML)))
        self.end_headers()
        self.wfile.write(HTML)


@contextmanager
def html_endpoint() -> Iterator[str]:
    """Yield the base URL of a server that answers everything with ``200`` and an HTML page."""
    with serving(_HtmlHandler) as url:
        yield url


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Yield the base URL of a threaded HTTP server on 127.0.0.1 with ``handler``; stop it on exit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)
