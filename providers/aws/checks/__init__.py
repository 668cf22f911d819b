"""Every AWS check, as table rows grouped by control family (pure: no SDK, no calls).

Each check names its control, the evidence kind it reads and what passes; its permissions come from
how that kind is collected (:mod:`providers.aws.collect`), so ``auditor permissions aws`` grants
exactly what the collection calls.
"""

from __future__ import annotations

from auditor.checks import Check
from providers.aws.checks import encryption, identity, logging, network, operations, residency, resilience, transport

CHECKS: tuple[Check, ...] = (
    *residency.CHECKS,
    *encryption.CHECKS,
    *transport.CHECKS,
    *identity.CHECKS,
    *logging.CHECKS,
    *network.CHECKS,
    *resilience.CHECKS,
    *operations.CHECKS,
)
