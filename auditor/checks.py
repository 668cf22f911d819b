"""Checks: small pure functions over one kind of evidence, and the engine that applies them.

A check declares the control it decides, its provider, the evidence kind it reads and the read-only
permissions the adapter needs to collect that evidence. Its function receives one
:class:`~auditor.model.Evidence` and returns a :class:`Verdict`; it never calls a cloud.

Providers publish their checks as tuples of :class:`Check` (usually built from a table); the core
turns evidence plus gaps into findings with :func:`run_checks`.

Reasons are written in Japanese, as the municipal sheets print them, with the English beside them: every
``reason`` argument below is a ``(Japanese, English)`` pair (:data:`Said`); a plain string is Japanese
only, and English reports then show the Japanese as recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from auditor.model import Evidence, Finding, Gap, Said, in_language, said
from auditor.status import Status


class AttributeUnreadable(Exception):
    """Raised by :func:`need` when an attribute the check needs could not be read."""

    def __init__(self, attribute: str, cause: str, cause_en: str = "") -> None:
        super().__init__(f"{attribute}: {cause}")
        self.attribute = attribute
        self.cause = cause
        self.cause_en = cause_en or cause


def need(evidence: Evidence, attribute: str, default: Any = None) -> Any:
    """Return an attribute, or abort the check as UNKNOWN if the adapter could not read it."""
    if attribute in evidence.unreadable:
        raise AttributeUnreadable(attribute, evidence.cause(attribute), evidence.cause(attribute, "en"))
    return evidence.attributes.get(attribute, default)


@dataclass(frozen=True)
class Verdict:
    """What a check decided about one resource (``reason`` Japanese, ``reason_en`` its English)."""

    status: Status
    reason: str
    observed: Any = None
    source: str = ""  # overrides the evidence's source when the deciding fact came from another call
    reason_en: str = ""

    @classmethod
    def make(cls, status: Status, reason: Said, observed: Any = None, source: str = "") -> Verdict:
        ja, en = said(reason)
        return cls(status, ja, observed, source, en)

    @classmethod
    def passed(cls, reason: Said, observed: Any = None, source: str = "") -> Verdict:
        return cls.make(Status.PASS, reason, observed, source)

    @classmethod
    def failed(cls, reason: Said, observed: Any = None, source: str = "") -> Verdict:
        return cls.make(Status.FAIL, reason, observed, source)

    @classmethod
    def not_applicable(cls, reason: Said, observed: Any = None, source: str = "") -> Verdict:
        return cls.make(Status.NOT_APPLICABLE, reason, observed, source)

    @classmethod
    def unknown(cls, reason: Said, observed: Any = None, source: str = "") -> Verdict:
        return cls.make(Status.UNKNOWN, reason, observed, source)

    @classmethod
    def of(cls, ok: bool, if_pass: Said, if_fail: Said, observed: Any = None, source: str = "") -> Verdict:
        return cls.passed(if_pass, observed, source) if ok else cls.failed(if_fail, observed, source)

    @property
    def said(self) -> tuple[str, str]:
        return self.reason, self.reason_en


@dataclass(frozen=True)
class Check:
    """One concrete test on one resource kind of one cloud, e.g. ``aws.ebs.volume_encrypted``."""

    id: str
    control_id: str
    provider: str
    resource_type: str
    permissions: tuple[str, ...]
    expected: str
    evaluate: Callable[[Evidence], Verdict] = field(compare=False, repr=False)
    title: str = ""
    title_ja: str = ""
    expected_en: str = ""  # ``expected`` in English ("" when it is written in English already or not at all)

    def expected_in(self, lang: str) -> str:
        return in_language(self.expected, self.expected_en, lang)


def run_checks(checks: Sequence[Check], evidence: Iterable[Evidence], gaps: Sequence[Gap]) -> list[Finding]:
    """Apply every check to the evidence of its kind; gaps make the blocked part UNKNOWN."""
    by_kind: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for record in evidence:
        by_kind[(record.provider, record.resource_type)].append(record)
    findings: list[Finding] = []
    for check in checks:
        for record in by_kind.get((check.provider, check.resource_type), ()):
            findings.append(_decide(check, record))
        for gap in gaps:
            if gap.blocks(check.resource_type, check.provider):
                findings.append(_unknown_from_gap(check, gap))
    return findings


def _decide(check: Check, record: Evidence) -> Finding:
    try:
        verdict = check.evaluate(record)
    except AttributeUnreadable as missing:
        verdict = Verdict.unknown((f"{missing.attribute} を読み取れなかった: {missing.cause}",
                                   f"{missing.attribute} could not be read: {missing.cause_en}"))
    return Finding(
        check_id=check.id,
        control_id=check.control_id,
        provider=check.provider,
        scope=record.scope,
        region=record.region,
        resource_type=record.resource_type,
        resource_id=record.resource_id,
        resource_name=record.name,
        status=verdict.status,
        reason=verdict.reason,
        reason_en=verdict.reason_en,
        observed=verdict.observed,
        expected=check.expected,
        expected_en=check.expected_en,
        source=verdict.source or record.source,
        collected_at=record.collected_at,
    )


def _unknown_from_gap(check: Check, gap: Gap) -> Finding:
    return Finding(
        check_id=check.id,
        control_id=check.control_id,
        provider=check.provider,
        scope=gap.scope,
        region=gap.region,
        resource_type=check.resource_type,
        resource_id=f"*{gap.source}",
        status=Status.UNKNOWN,
        reason=f"{gap.source} を呼び出せなかった（{gap.error_code}）: {gap.message}",
        reason_en=f"{gap.source} could not be called ({gap.error_code}): {gap.message_in('en')}",
        observed=None,
        expected=check.expected,
        expected_en=check.expected_en,
        source=gap.source,
        collected_at=gap.collected_at,
    )


def resource_types_for(checks: Iterable[Check]) -> frozenset[str]:
    """The evidence kinds a set of checks reads: adapters collect only these."""
    return frozenset(check.resource_type for check in checks)


def permissions_for(checks: Iterable[Check]) -> list[str]:
    """Every read-only permission the checks declare, sorted and de-duplicated."""
    return sorted({perm for check in checks for perm in check.permissions})
