"""The values everything else passes around: evidence, gaps, findings, results (frozen dataclasses).

- :class:`Evidence` — one resource (or account-level setting) as a provider adapter observed it, with
  the normalised attributes the checks read and the raw API payload it came from.
- :class:`Gap` — a call the adapter could not make (permission denied, API disabled, throttled); it
  turns the findings that needed it into ``UNKNOWN`` with its cause.
- :class:`Finding` — one check's verdict on one resource.
- :class:`ControlResult`, :class:`ItemResult`, :class:`RunInfo`, :class:`RunResult` — the roll-up.

Times are timezone-aware UTC ``datetime`` values throughout; reports convert to JST for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from auditor.status import Status

JSONValue = Any


#: A text written by the tool: ``(Japanese, English)``, or Japanese alone.
Said = str | tuple[str, str]


def said(text: Said) -> tuple[str, str]:
    """``(Japanese, English)`` of a text; English is ``""`` when only Japanese was written."""
    return (text, "") if isinstance(text, str) else (text[0], text[1])


def in_language(ja: str, en: str, lang: str) -> str:
    """A recorded text in the reader's language: the English where it was written, else the Japanese."""
    return en if lang == "en" and en else ja


#: Japan Standard Time: the day and time a municipality reads (reports, answer-file dates, run groups).
JST = timezone(timedelta(hours=9), "JST")


def japan_time(moment: datetime) -> str:
    """A moment as people in Japan read it, to the minute (``2026-11-01 12:00 JST``)."""
    return moment.astimezone(JST).strftime("%Y-%m-%d %H:%M JST")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Evidence:
    """One observed resource or setting.

    ``attributes`` hold the normalised facts the checks read (JSON-compatible values).
    ``unreadable`` names attributes the adapter could not read and why (a follow-up call was denied,
    say); a check that needs one of them yields ``UNKNOWN`` with that cause instead of guessing.
    An adapter that words a cause itself gives it in both languages, as a ``(ja, en)`` pair in
    ``unreadable`` or in ``unreadable_en``; a cause quoted from the cloud (an error message) is the
    same text in both.
    """

    provider: str
    scope: str
    region: str
    resource_type: str
    resource_id: str
    source: str
    collected_at: datetime
    attributes: Mapping[str, JSONValue] = field(default_factory=dict)
    unreadable: Mapping[str, str] = field(default_factory=dict)
    raw: JSONValue = None
    name: str = ""
    unreadable_en: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if any(not isinstance(cause, str) for cause in self.unreadable.values()):
            pairs = {attribute: said(cause) for attribute, cause in self.unreadable.items()}
            object.__setattr__(self, "unreadable", {attribute: ja for attribute, (ja, _) in pairs.items()})
            english = {attribute: en for attribute, (_, en) in pairs.items() if en}
            object.__setattr__(self, "unreadable_en", {**english, **self.unreadable_en})

    def cause(self, attribute: str, lang: str = "ja") -> str:
        """Why ``attribute`` could not be read, in ``lang``."""
        return in_language(self.unreadable[attribute], self.unreadable_en.get(attribute, ""), lang)

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.provider, self.scope, self.region, self.resource_type, self.resource_id)


@dataclass(frozen=True)
class Gap:
    """Something the adapter tried to read and could not.

    ``resource_types`` are the evidence kinds left incomplete, so every check that reads them in
    this scope and region becomes ``UNKNOWN`` (``region`` ``"*"`` means every region of the scope).
    ``permission`` is what the auditing identity would need to be granted to close the gap.
    """

    provider: str
    scope: str
    region: str
    source: str
    resource_types: tuple[str, ...]
    error_code: str
    message: str
    permission: str
    collected_at: datetime
    #: the English of ``message`` where the adapter worded it itself (empty: the cloud's own message)
    message_en: str = ""

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` (``ja`` or ``en``)."""
        return in_language(self.message, self.message_en, lang)

    def blocks(self, resource_type: str, provider: str) -> bool:
        return provider == self.provider and resource_type in self.resource_types


@dataclass(frozen=True)
class Finding:
    """One check's verdict on one resource, with the evidence an auditor would ask for."""

    check_id: str
    control_id: str
    provider: str
    scope: str
    region: str
    resource_type: str
    resource_id: str
    status: Status
    reason: str
    observed: JSONValue
    expected: str
    source: str
    collected_at: datetime
    resource_name: str = ""
    reason_en: str = ""
    expected_en: str = ""

    def reason_in(self, lang: str) -> str:
        return in_language(self.reason, self.reason_en, lang)

    def expected_in(self, lang: str) -> str:
        return in_language(self.expected, self.expected_en, lang)

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """Stable identity across runs: never a message or a timestamp (diffs and sheets rely on it)."""
        return (self.check_id, self.provider, self.scope, self.region, self.resource_id)


@dataclass(frozen=True)
class StatusCounts:
    """How many findings of each status stand behind a control result."""

    passed: int = 0
    failed: int = 0
    unknown: int = 0
    not_applicable: int = 0

    @classmethod
    def of(cls, statuses: list[Status]) -> StatusCounts:
        return cls(
            passed=statuses.count(Status.PASS),
            failed=statuses.count(Status.FAIL),
            unknown=statuses.count(Status.UNKNOWN),
            not_applicable=statuses.count(Status.NOT_APPLICABLE),
        )


@dataclass(frozen=True)
class ControlResult:
    """One control decided on one provider from its findings."""

    control_id: str
    provider: str
    status: Status
    reason: str
    counts: StatusCounts
    reason_en: str = ""

    def reason_in(self, lang: str) -> str:
        return in_language(self.reason, self.reason_en, lang)


@dataclass(frozen=True)
class Attestation:
    """The user's own answer to a checklist item, with the documents it rests on."""

    checklist_id: str
    item_id: str
    answer: str  # "yes" | "partial" | "no" | "n/a"
    evidence: tuple[str, ...]
    answered_by: str
    answered_on: str
    comment: str = ""
    source_line: int = 0
    #: the last day the answer holds (ISO date, "" when open-ended); after it the answer has expired
    valid_until: str = ""
    #: (document, SHA-256) for each evidence document whose digest was recorded (auditor attest hash)
    digests: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ItemResult:
    """One checklist row's status and the basis it rests on."""

    checklist_id: str
    item_id: str
    status: Status
    basis: str
    control_ids: tuple[str, ...]
    reason: str
    level: str = ""
    attestation: Attestation | None = None
    #: why the status is what it is where the status alone has several causes (auditor.rollup.QUALIFIERS)
    qualifier: str = ""
    #: the written exemption whose condition held ("" when none), even when a failure kept the item ×
    exemption: str = ""
    #: the controls' own verdict before any attestation or exemption (None for manual/inherited items)
    automated: Status | None = None
    #: what the reader must notice about the answer (auditor.rollup.ATTESTATION_EXPIRED, ATTESTATION_RECHECK)
    flags: tuple[str, ...] = ()
    reason_en: str = ""

    def reason_in(self, lang: str) -> str:
        return in_language(self.reason, self.reason_en, lang)


@dataclass(frozen=True)
class RiskAcceptance:
    """A failure the service's owner has accepted for a time: named by check and resource, with who and why.

    An accepted finding stays FAIL and counts as a failure; the acceptance is shown beside it.
    """

    check_id: str
    resource_id: str
    accepted_by: str
    reason: str
    until: str  # ISO date: the last day the acceptance holds
    provider: str = ""
    scope: str = ""
    region: str = ""
    source_line: int = field(default=0, compare=False)  # where it was written; not part of its identity

    def matches(self, finding: Finding) -> bool:
        return (
            finding.check_id == self.check_id
            and self.resource_id in (finding.resource_id, finding.resource_name)
            and all(not wanted or wanted == actual for wanted, actual in (
                (self.provider, finding.provider), (self.scope, finding.scope), (self.region, finding.region)))
        )


@dataclass(frozen=True)
class AcceptedRisk:
    """One risk acceptance as this run found it: ``active``, ``expired`` (ignored) or ``unmatched``."""

    acceptance: RiskAcceptance
    state: str
    findings: tuple[tuple[str, str, str, str, str], ...] = ()  # keys of the failing findings it names


@dataclass(frozen=True)
class ChecklistResult:
    checklist_id: str
    title: str
    version: str
    items: tuple[ItemResult, ...]


@dataclass(frozen=True)
class ProviderScope:
    """Which cloud was audited, which accounts / subscriptions / projects, and as whom."""

    provider: str
    scopes: tuple[str, ...]
    identity: Mapping[str, str] = field(default_factory=dict)
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    started_at: datetime
    finished_at: datetime
    tool_version: str
    providers: tuple[ProviderScope, ...]
    profile: Mapping[str, str] = field(default_factory=dict)
    demo: bool = False
    target: str = ""
    #: providers used from another package than this one: name → "distribution version"
    third_party_providers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RunResult:
    """Everything one audit decided; every renderer works from this object alone."""

    run: RunInfo
    findings: tuple[Finding, ...]
    gaps: tuple[Gap, ...]
    controls: tuple[ControlResult, ...]
    checklists: tuple[ChecklistResult, ...]
    risk_acceptances: tuple[AcceptedRisk, ...] = ()

    @property
    def has_failures(self) -> bool:
        return any(f.status is Status.FAIL for f in self.findings) or any(
            i.status is Status.FAIL for c in self.checklists for i in c.items
        )
