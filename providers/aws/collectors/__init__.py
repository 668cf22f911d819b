"""Collectors, one module per service family; :data:`COLLECTORS` and :data:`KINDS` list them all.

Importing this package loads no SDK: collectors only call through the account context they are handed.
"""

from __future__ import annotations

from providers.aws.collectors import (
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
