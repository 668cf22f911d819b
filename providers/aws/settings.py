"""How the adapter talks to AWS: pool size, retries and an optional hook on every session it opens.

Retries follow botocore's adaptive mode (client-side rate limiting plus retries on throttling). The
standard ``AWS_RETRY_MODE`` and ``AWS_MAX_ATTEMPTS`` variables override the defaults, as they do for
the AWS CLI, so a test or a slow proxy can change them without code.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_REGION = "ap-northeast-1"
DEFAULT_WORKERS = 16
DEFAULT_ATTEMPTS = 8


@dataclass(frozen=True)
class AwsSettings:
    """Knobs of one collection. ``session_hook`` sees every boto3 session opened (tests, benchmarks)."""

    max_workers: int = DEFAULT_WORKERS
    max_attempts: int | None = None
    retry_mode: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    credential_report_wait: float = 60.0
    max_clients: int = 64  # clients kept per account (about 0.3 MB each); older ones are dropped
    session_hook: Callable[[Any], None] | None = None

    def retries(self, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        env = os.environ if environ is None else environ
        configured = str(env.get("AWS_MAX_ATTEMPTS") or "").strip()
        attempts = self.max_attempts or (int(configured) if configured.isdigit() else DEFAULT_ATTEMPTS)
        mode = self.retry_mode or env.get("AWS_RETRY_MODE") or "adaptive"
        return {"mode": mode, "total_max_attempts": max(1, attempts)}

    def client_config(self):
        """The botocore ``Config`` every client uses (imported here: botocore stays out of import time)."""
        from botocore.config import Config

        return Config(
            retries=self.retries(),
            max_pool_connections=max(10, self.max_workers),
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            user_agent_extra="municipal-cloud-auditor",
        )
