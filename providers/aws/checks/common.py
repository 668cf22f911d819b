"""Shared pieces of the AWS checks: building a :class:`~auditor.checks.Check` from a table row, Japan's
regions, dates, and the verdict for services that matter only in regions in use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence
from providers.aws.collectors import KINDS

JAPAN = {"ap-northeast-1": "東京", "ap-northeast-3": "大阪"}
STALE_DAYS = 90


def check(check_id: str, control_id: str, resource_type: str, expected: str,
          evaluate: Callable[[Evidence], Verdict], title_ja: str, title: str = "") -> Check:
    """One row of the check table; the permissions come from how the kind is collected."""
    return Check(
        id=f"aws.{check_id}", control_id=control_id, provider="aws", resource_type=resource_type,
        permissions=KINDS[resource_type].permissions(), expected=expected, evaluate=evaluate,
        title=title or title_ja, title_ja=title_ja,
    )


def in_japan(region: str) -> bool:
    return region in JAPAN


def region_label(region: str) -> str:
    return f"{region}（{JAPAN[region]}）" if region in JAPAN else region


def days_since(moment: str | None, evidence: Evidence) -> int | None:
    """Whole days between an ISO timestamp and the time the evidence was collected."""
    if not moment:
        return None
    when = datetime.fromisoformat(str(moment).replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=evidence.collected_at.tzinfo)
    return (evidence.collected_at - when).days


def where_used(evidence: Evidence) -> str:
    counts = evidence.attributes.get("resources_in_region") or {}
    kinds = ", ".join(f"{KINDS[k].title_ja if k in KINDS else k} {n}" for k, n in sorted(counts.items()))
    return kinds or "資源"


def regional_service(evidence: Evidence, enabled: bool, if_enabled: str, if_missing: str,
                     observed: object = None, relevant: frozenset[str] | None = None) -> Verdict:
    """PASS when enabled; FAIL when off in a region that holds resources (of the ``relevant`` kinds, if
    given); NOT_APPLICABLE in a region without them."""
    if enabled:
        return Verdict.passed(if_enabled, observed)
    if need(evidence, "in_use") and relevant is not None:
        counts = evidence.attributes.get("resources_in_region") or {}
        if not set(counts) & relevant:
            kinds = "・".join(sorted(KINDS[k].title_ja for k in relevant))
            return Verdict.not_applicable(f"{if_missing}。ただしこのリージョンには対象（{kinds}）がない", observed)
    if need(evidence, "in_use"):
        return Verdict.failed(f"{if_missing}（このリージョンには {where_used(evidence)} があります）", observed)
    return Verdict.not_applicable(f"{if_missing}。ただしこのリージョンには資源がないため対象外", observed)
