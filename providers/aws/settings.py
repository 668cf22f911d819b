"""How the adapter talks to AWS: pool size, timeouts, retries and an optional hook on every session it opens.

Timeouts and attempts follow :class:`auditor.network.NetworkLimits` (``AUDITOR_CONNECT_TIMEOUT``,
``AUDITOR_READ_TIMEOUT``, ``AUDITOR_MAX_ATTEMPTS``); the standard ``AWS_MAX_ATTEMPTS`` is honoured
when ``AUDITOR_MAX_ATTEMPTS`` is not set, as it is for the AWS CLI. Retries follow botocore's adaptive
mode (client-side rate limiting plus retries on throttling) unless ``AWS_RETRY_MODE`` says otherwise.
The credential check at the start is tried once (:meth:`AwsSettings.probe_config`), so a silent
endpoint is reported after one read timeout. Requests are paced per account, Region and API by the
published rates (:func:`published_rate`, :mod:`providers.ratelimit`; docs/limits.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from auditor.network import MAX_ATTEMPTS_VAR, NetworkLimits
from providers.ratelimit import EC2_NON_MUTATING, Limiter, Rate

DEFAULT_REGION = "ap-northeast-1"
DEFAULT_WORKERS = 16


@dataclass(frozen=True)
class AwsSettings:
    """Knobs of one collection. ``session_hook`` sees every boto3 session opened (tests, benchmarks)."""

    max_workers: int = DEFAULT_WORKERS
    max_attempts: int | None = None
    retry_mode: str | None = None
    connect_timeout: float | None = None  # None: from the environment (NetworkLimits)
    read_timeout: float | None = None
    credential_report_wait: float = 60.0
    max_clients: int = 64  # clients kept per account (about 0.3 MB each); older ones are dropped
    session_hook: Callable[[Any], None] | None = None
    new_limiter: Callable[[], Limiter] | None = None  # None: the published rates, real time

    def limiter(self) -> Limiter:
        """The buckets of one account's requests (AWS throttles per account and Region)."""
        return self.new_limiter() if self.new_limiter is not None else Limiter(published_rate)

    def retries(self, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        env = os.environ if environ is None else environ
        attempts = self.max_attempts or _attempts(env)
        mode = self.retry_mode or env.get("AWS_RETRY_MODE") or "adaptive"
        return {"mode": mode, "total_max_attempts": max(1, attempts)}

    def client_config(self, environ: Mapping[str, str] | None = None, attempts: int | None = None):
        """The botocore ``Config`` every client uses (imported here: botocore stays out of import time)."""
        from botocore.config import Config

        limits = NetworkLimits.from_environ(environ)
        retries = self.retries(environ)
        if attempts is not None:
            retries["total_max_attempts"] = attempts
        return Config(
            retries=retries,
            max_pool_connections=max(10, self.max_workers),
            connect_timeout=limits.connect_timeout if self.connect_timeout is None else self.connect_timeout,
            read_timeout=limits.read_timeout if self.read_timeout is None else self.read_timeout,
            user_agent_extra="municipal-cloud-auditor",
        )

    def probe_config(self, environ: Mapping[str, str] | None = None):
        """The ``Config`` of the first calls (credential check, role assumption): one try, so that an
        endpoint that does not answer is reported after one timeout rather than after every retry."""
        return self.client_config(environ, attempts=1)


def published_rate(scope: tuple[str, str, str]) -> Rate | None:
    """The rate of one (Region, service, Operation): EC2's published bucket for its reads; other services
    publish no figure for their reads and are paced by botocore's adaptive retries (one rate limiter per
    client, that is per service and Region, slowed down on the first throttling answer)."""
    _, service, _ = scope
    return EC2_NON_MUTATING if service == "ec2" else None


def _attempts(env: Mapping[str, str]) -> int:
    if str(env.get(MAX_ATTEMPTS_VAR) or "").strip():
        return NetworkLimits.from_environ(env).max_attempts
    configured = str(env.get("AWS_MAX_ATTEMPTS") or "").strip()
    return int(configured) if configured.isdigit() and int(configured) > 0 else NetworkLimits().max_attempts
