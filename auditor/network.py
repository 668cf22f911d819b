"""How long the auditor waits on a network endpoint and how often it tries a call: one set of limits
for every cloud adapter and the history store.

A silent endpoint (a proxy that accepts the connection and never answers, a firewall that drops
packets) must end in a clear message a person is willing to wait for, not after minutes. The
defaults give the first message in under 30 seconds: 5 s to connect, 20 s for an answer, and the
first call of an audit (the credential check) is tried once. Later calls are tried up to
``max_attempts`` times, with the SDKs' back-off, so throttling does not turn into gaps.

``AUDITOR_CONNECT_TIMEOUT``, ``AUDITOR_READ_TIMEOUT`` (seconds) and ``AUDITOR_MAX_ATTEMPTS`` change
them for a slow proxy or a test. A value that is not a positive number stops the run with a clear
message instead of being ignored.
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
MAX_TIMEOUT = 3600.0
MAX_ATTEMPTS = 20


@dataclass(frozen=True)
class NetworkLimits:
    """Seconds to establish a connection, seconds to wait for each answer, tries per call."""

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 3

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
            max_attempts=_attempts(env, defaults.max_attempts),
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


def _attempts(env: Mapping[str, str], default: int) -> int:
    raw = str(env.get(MAX_ATTEMPTS_VAR) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not (1 <= int(raw) <= MAX_ATTEMPTS):
        raise AuditorError(
            "raw",
            ja=f"{MAX_ATTEMPTS_VAR}={raw!r} は使えません（1 から {MAX_ATTEMPTS} までの整数を指定してください）。",
            en=f"{MAX_ATTEMPTS_VAR}={raw!r} is not usable (give a whole number from 1 to {MAX_ATTEMPTS}).",
        )
    return int(raw)
