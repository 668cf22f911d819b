"""A failed call as a value: the HTTP status, the service's error code and message, and which call it was.

ARM, Resource Graph and Microsoft Graph answer errors as ``{"error": {"code", "message"}}``; the
channels of :mod:`providers.azure.transport` raise :class:`CallFailed` with what that body says (or
the azure-core exception's name when no answer came), and the collection turns it into the cause of
a :class:`~auditor.model.Gap` or of an unreadable attribute.
"""

from __future__ import annotations

from typing import Any


class CallFailed(Exception):
    """An API call that did not succeed: refused (401/403), missing (404) or failed otherwise."""

    def __init__(self, status: int, code: str, message: str, source: str) -> None:
        super().__init__(f"{source}: HTTP {status} {code}: {message}")
        self.status = status
        self.code = code or f"HTTP{status}"
        self.message = message
        self.source = source

    @property
    def denied(self) -> bool:
        return self.status in (401, 403)


def error_of(body: Any) -> tuple[str, str]:
    """The ``(code, message)`` of an error body (``{"error": {...}}`` or the error itself)."""
    if isinstance(body, dict):
        error = body.get("error") if isinstance(body.get("error"), dict) else body
        return str(error.get("code") or ""), str(error.get("message") or "")
    return "", ""
