"""Shared pieces of the AWS checks: building a :class:`~auditor.checks.Check` from a table row, Japan's
regions, dates, and the verdict for services that matter only in regions in use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence, Said, said
from providers.aws.collect import KINDS

JAPAN = {"ap-northeast-1": "東京", "ap-northeast-3": "大阪"}
STALE_DAYS = 90


def check(check_id: str, control_id: str, resource_type: str, expected: Said,
          evaluate: Callable[[Evidence], Verdict], title_ja: str, title: str = "") -> Check:
    """One row of the check table; the permissions come from how the kind is collected.

    ``expected`` is ``(Japanese, English)``; ``title`` is the English title."""
    expected_ja, expected_en = said(expected)
    return Check(
        id=f"aws.{check_id}", control_id=control_id, provider="aws", resource_type=resource_type,
        permissions=KINDS[resource_type].permissions(), expected=expected_ja, evaluate=evaluate,
        title=title or title_ja, title_ja=title_ja, expected_en=expected_en,
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


def where_used(evidence: Evidence) -> tuple[str, str]:
    """The resources that make a region in use, ``(Japanese, English)`` (English names the kinds by id)."""
    counts = sorted((evidence.attributes.get("resources_in_region") or {}).items())
    ja = ", ".join(f"{KINDS[k].title_ja if k in KINDS else k} {n}" for k, n in counts)
    en = ", ".join(f"{k.removeprefix('aws.')} {n}" for k, n in counts)
    return ja or "リソース", en or "resources"


def regional_service(evidence: Evidence, enabled: bool, if_enabled: Said, if_missing: Said,
                     observed: object = None, relevant: frozenset[str] | None = None) -> Verdict:
    """PASS when enabled; FAIL when off in a region that holds resources (of the ``relevant`` kinds, if
    given); NOT_APPLICABLE in a region without them."""
    if enabled:
        return Verdict.passed(if_enabled, observed)
    missing_ja, missing_en = said(if_missing)
    missing_en = missing_en or missing_ja
    if need(evidence, "in_use") and relevant is not None:
        counts = evidence.attributes.get("resources_in_region") or {}
        if not set(counts) & relevant:
            kinds = "・".join(sorted(KINDS[k].title_ja for k in relevant))
            kinds_en = ", ".join(sorted(k.removeprefix("aws.") for k in relevant))
            return Verdict.not_applicable((f"{missing_ja}。ただしこのリージョンには対象（{kinds}）がない",
                                           f"{missing_en}, but this region holds none of {kinds_en}"), observed)
    if need(evidence, "in_use"):
        used_ja, used_en = where_used(evidence)
        return Verdict.failed((f"{missing_ja}（このリージョンには {used_ja} がある）",
                               f"{missing_en} (this region holds {used_en})"), observed)
    return Verdict.not_applicable((f"{missing_ja}。ただしこのリージョンにはリソースがないため対象外",
                                   f"{missing_en}, but this region holds no resources"), observed)
