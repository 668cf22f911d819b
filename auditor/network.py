"""How long the auditor waits on a network endpoint and how often it tries a call: one set of limits
for every cloud adapter and the history store.

A silent endpoint (a proxy that accepts the connection and never answers, a firewall that drops
packets) must end in a clear message a person is willing to wait for, not after minutes. The
defaults give the first message in under 30 seconds: 5 s to connect, 20 s for an answer, and the
first call of an audit (the credential check) is tried once. Later calls are tried up to
``max_attempts`` times, with the SDKs' back-off, so throttling does not turn into gaps.

Listings that page stop after ``max_pages`` pages (a next link or token that never ends is a
broken or hostile endpoint, not an estate): the adapters record the listing as a gap.

``AUDITOR_CONNECT_TIMEOUT``, ``AUDITOR_READ_TIMEOUT`` (seconds), ``AUDITOR_MAX_ATTEMPTS`` and
``AUDITOR_MAX_PAGES`` change them for a slow proxy, a very large estate or a test. A value that is
not a positive number stops the run with a clear message instead of being ignored.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

from auditor.errors import AuditorError

CONNECT_TIMEOUT_VAR = "AUDITOR_CONNECT_TIMEOUT"
READ_TIMEOUT_VAR = "AUDITOR_READ_TIMEOUT"
MAX_ATTEMPTS_VAR = "AUDITOR_MAX_ATTEMPTS"
MAX_PAGES_VAR = "AUDITOR_MAX_PAGES"
MAX_TIMEOUT = 3600.0
MAX_ATTEMPTS = 20
MAX_PAGES = 1_000_000


@dataclass(frozen=True)
class NetworkLimits:
    """Seconds to establish a connection, seconds to wait for each answer, tries per call, pages per listing."""

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 3
    max_pages: int = 5000

    @property
    def retries(self) -> int:
        """Retries after the first try (what azure-core and requests call ``total``)."""
        return self.max_attempts - 1

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> NetworkLimits:
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            connect_timeout=_seconds(env, CONNECT_TIMEOUT_VAR, defaults.connect_timeout),
            read_timeout=_seconds(env, READ_TIMEOUT_VAR, defaults.read_timeout),
            max_attempts=_count(env, MAX_ATTEMPTS_VAR, defaults.max_attempts, MAX_ATTEMPTS),
            max_pages=_count(env, MAX_PAGES_VAR, defaults.max_pages, MAX_PAGES),
        )


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = str(env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (0 < value <= MAX_TIMEOUT):
        raise AuditorError(
            "raw",
            ja=f"{name}={raw!r} は使えません（0 より大きく {MAX_TIMEOUT:g} 以下の秒数を指定してください）。",
            en=f"{name}={raw!r} is not usable (give a number of seconds above 0 and at most {MAX_TIMEOUT:g}).",
        )
    return value


def _count(env: Mapping[str, str], name: str, default: int, highest: int) -> int:
    raw = str(env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not (1 <= int(raw) <= highest):
        raise AuditorError(
            "raw",
            ja=f"{name}={raw!r} は使えません（1 から {highest} までの整数を指定してください）。",
            en=f"{name}={raw!r} is not usable (give a whole number from 1 to {highest}).",
        )
    return int(raw)
