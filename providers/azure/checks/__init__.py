"""The Azure checks: one small pure function per check over one kind of evidence, listed in tables.

Every function reads the normalised attributes :mod:`providers.azure.collect.normalize` builds,
through :func:`auditor.checks.need` where an attribute may have been unreadable, and returns a
:class:`~auditor.checks.Verdict`. Nothing here calls Azure or imports an Azure SDK. Reasons are
``(Japanese, English)`` pairs, the Japanese as the municipal reports print it; Azure's own product and
setting names (minimumTlsVersion, Defender for Cloud, Log Analytics …) keep their usual form in both.

Each control area has its module and its table (:mod:`.residency`, :mod:`.encryption`,
:mod:`.transport`, :mod:`.identity`, :mod:`.logging`, :mod:`.network`, :mod:`.resilience`,
:mod:`.operations`); :data:`CHECKS` lists them in that order, which is the order reports list them in.
"""

from __future__ import annotations

from auditor.checks import Check
from auditor.model import Said
from providers.azure.checks import (
    encryption,
    identity,
    logging,
    network,
    operations,
    residency,
    resilience,
    transport,
)

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

#: Controls no Azure check decides, each with its (Japanese, English) reason (shown as UNKNOWN, never PASS).
NOT_AUTOMATED: dict[str, Said] = {}
