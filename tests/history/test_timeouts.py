"""A PostgreSQL history store that accepts the connection and never answers fails within the
connect timeout (``AUDITOR_CONNECT_TIMEOUT``, default 5 s) with one clear error, not after minutes."""

from __future__ import annotations

import time

import pytest

from auditor.errors import AuditorError
from auditor.history import open_store
from tests.endpoints import silent_endpoint


def _open_silent(port: int) -> tuple[AuditorError, float]:
    started = time.monotonic()
    with pytest.raises(AuditorError) as raised:
        open_store(f"postgresql://auditor:s3cret-pw@127.0.0.1:{port}/history")
    return raised.value, time.monotonic() - started


def test_a_silent_server_times_out_promptly(monkeypatch):
    monkeypatch.setenv("AUDITOR_CONNECT_TIMEOUT", "2")
    with silent_endpoint() as port:
        error, elapsed = _open_silent(port)
    message = error.message("en")
    assert f"Cannot use the history store postgresql+psycopg://auditor:***@127.0.0.1:{port}/history" in message
    assert "timeout" in message.lower() and "s3cret-pw" not in message
    assert elapsed < 6, f"took {elapsed:.1f} s"


def test_the_default_connect_timeout_is_short(monkeypatch):
    monkeypatch.delenv("AUDITOR_CONNECT_TIMEOUT", raising=False)
    with silent_endpoint() as port:
        _error, elapsed = _open_silent(port)
    assert 4 <= elapsed < 12, f"took {elapsed:.1f} s"
