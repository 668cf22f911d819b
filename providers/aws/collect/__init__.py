"""Collection of one AWS audit: the run, the listings and follow-ups of each service family, the evidence.

:mod:`~providers.aws.collect.run` is the run (who the audit runs as, which accounts and regions, the
pool); :mod:`~providers.aws.collect.account` is one account as the collectors see it (cached clients,
guarded calls, evidence builders); one module per service family lists its kinds and makes their
follow-ups (:mod:`~providers.aws.collect.compute`, :mod:`~providers.aws.collect.storage`,
:mod:`~providers.aws.collect.identity` …, helpers shared by them in :mod:`~providers.aws.collect.common`);
:mod:`~providers.aws.collect.derive` adds the facts that need more than one answer. :data:`COLLECTORS`
and :data:`KINDS` list every family's collectors and kinds. The entry point :func:`collect` is
re-exported on first use, so the tables can be imported without loading the run.

Importing this package loads no SDK: collectors only call through the account context they are handed.
"""

from __future__ import annotations

from typing import Any

from providers.aws.collect import (
    backup,
    compute,
    databases,
    edge,
    identity,
    monitoring,
    organizations,
    patching,
    security,
    storage,
    trail,
)
from providers.aws.kinds import Collector, Kind

__all__ = ["COLLECTORS", "KINDS", "collect"]

COLLECTORS: tuple[Collector, ...] = (
    *compute.COLLECTORS,
    *databases.COLLECTORS,
    *storage.COLLECTORS,
    *edge.COLLECTORS,
    *trail.COLLECTORS,
    *identity.COLLECTORS,
    *security.COLLECTORS,
    *patching.COLLECTORS,
    *backup.COLLECTORS,
    *monitoring.COLLECTORS,
    *organizations.COLLECTORS,
)
KINDS: dict[str, Kind] = {kind.resource_type: kind for c in COLLECTORS for kind in c.kinds}


def __getattr__(name: str) -> Any:
    if name == "collect":
        from providers.aws.collect.run import collect

        return collect
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
