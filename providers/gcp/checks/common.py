"""Shared pieces of the GCP check tables: the row constructor and the permissions evidence needs."""

from __future__ import annotations

from collections.abc import Callable

from auditor.checks import Check, Verdict
from auditor.model import Evidence, Said, said
from providers.gcp.calls import (
    LIST_ACCESS_POLICIES,
    LIST_IAM_POLICIES,
    LIST_IDS_ENDPOINTS,
    LIST_ORG_POLICIES,
    LIST_RESOURCES,
    LIST_SCC_SERVICES,
    LIST_USER_ACCESS_BINDINGS,
    LIST_VULNERABILITY_REPORTS,
)

PROVIDER = "gcp"

RESOURCES = (LIST_RESOURCES.permission,)
IAM = (LIST_RESOURCES.permission, LIST_IAM_POLICIES.permission)
ORG_POLICIES = (LIST_RESOURCES.permission, LIST_ORG_POLICIES.permission)
THREATS = (LIST_RESOURCES.permission, LIST_IDS_ENDPOINTS.permission, LIST_SCC_SERVICES.permission)
VULNERABILITIES = (LIST_RESOURCES.permission, LIST_VULNERABILITY_REPORTS.permission)
ACCESS = (LIST_RESOURCES.permission, LIST_ACCESS_POLICIES.permission, LIST_USER_ACCESS_BINDINGS.permission)

#: Load-balancing schemes that face the internet (TLS and WAF checks skip internal ones).
EXTERNAL_SCHEMES = ("EXTERNAL", "EXTERNAL_MANAGED")


def check(
    check_id: str,
    control_id: str,
    resource_type: str,
    evaluate: Callable[[Evidence], Verdict],
    *,
    expected: Said,
    title: str,
    title_ja: str,
    permissions: tuple[str, ...] = RESOURCES,
) -> Check:
    """One row of a check table; ``expected`` is ``(Japanese, English)``, ``title`` the English title."""
    expected_ja, expected_en = said(expected)
    return Check(
        id=check_id, control_id=control_id, provider=PROVIDER, resource_type=resource_type,
        permissions=permissions, expected=expected_ja, evaluate=evaluate, title=title, title_ja=title_ja,
        expected_en=expected_en,
    )


def readable(evidence: Evidence, attribute: str) -> bool:
    return attribute not in evidence.unreadable and evidence.attributes.get(attribute) is not None
