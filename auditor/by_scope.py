"""Per-scope roll-up: each checklist item decided for one account / subscription / project at a time.

For a run that covers several scopes of one cloud (an organisation, :func:`is_multi_scope`), every
(provider, scope) is rolled up on its own with exactly the rules of the whole run
(:func:`auditor.rollup.rollup_controls` then :func:`auditor.rollup.rollup_checklist`, with the run's
profile, the items' attestations and the audit day), from the findings of that scope alone. A scope's
○ / × / ? therefore means what it means on the whole-run sheet; a scope that fails an
item is what makes the whole run fail it.

A control no check decides on a provider (UNKNOWN with no finding in the whole run) is not automated in
any scope either; its recorded reason is carried into every scope of that provider.

Core module: pure, no renderer is imported here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from auditor.checklists import Checklist, Profile
from auditor.controls import Control
from auditor.model import Attestation, ChecklistResult, ControlResult, Finding, RunResult, Said
from auditor.rollup import rollup_checklist, rollup_controls
from auditor.run import audit_day
from auditor.status import Status

_NOT_AUTOMATED_JA = "自動判定なし: "
_NOT_AUTOMATED_EN = "Not automated: "


@dataclass(frozen=True)
class ScopeResult:
    """One scope's roll-up: its controls on its provider and every checklist decided from them."""

    provider: str
    scope: str
    controls: tuple[ControlResult, ...]
    checklists: tuple[ChecklistResult, ...]

    def checklist(self, checklist_id: str) -> ChecklistResult | None:
        return next((c for c in self.checklists if c.checklist_id == checklist_id), None)


def run_scopes(result: RunResult) -> list[tuple[str, str]]:
    """Every (provider, scope) of the run: as the run lists them, then any other scope a finding names."""
    scopes = [(p.provider, s) for p in result.run.providers for s in p.scopes]
    seen = set(scopes)
    for finding in result.findings:
        key = (finding.provider, finding.scope)
        if key not in seen:
            seen.add(key)
            scopes.append(key)
    return scopes


def is_multi_scope(result: RunResult) -> bool:
    """Whether the run covers more than one account / subscription / project of one cloud (an organisation).

    With one scope per cloud a per-scope table would only repeat the per-cloud results the item remarks
    already give, so such a run has none.
    """
    providers = [provider for provider, _ in run_scopes(result)]
    return len(providers) > len(set(providers))


def recorded_not_automated(result: RunResult) -> dict[str, dict[str, Said]]:
    """Provider → control → reason, for the controls the run records as decided by no check on that provider."""
    manual: dict[str, dict[str, Said]] = {}
    for control in result.controls:
        counts = control.counts
        if control.status is not Status.UNKNOWN or not control.reason.startswith(_NOT_AUTOMATED_JA) or any(
                (counts.passed, counts.failed, counts.unknown, counts.not_applicable)):
            continue
        en = control.reason_en.removeprefix(_NOT_AUTOMATED_EN) if control.reason_en else ""
        ja = control.reason.removeprefix(_NOT_AUTOMATED_JA)
        manual.setdefault(control.provider, {})[control.control_id] = (ja, en) if en else ja
    return manual


def recorded_attestations(result: RunResult) -> dict[tuple[str, str], Attestation]:
    """The answers the run's items were given (expired ones too: the roll-up flags and ignores those)."""
    return {(i.checklist_id, i.item_id): i.attestation
            for c in result.checklists for i in c.items if i.attestation is not None}


def scope_rollup(
    result: RunResult,
    checklists: Mapping[str, Checklist],
    controls: Mapping[str, Control],
    not_automated: Mapping[str, Mapping[str, Said]] | None = None,
    *,
    every_run: bool = False,
) -> tuple[ScopeResult, ...]:
    """Each scope's roll-up of the run's checklists (those in ``checklists``); ``()`` for a run with one
    scope per cloud unless ``every_run`` (a comparison with a multi-scope run needs both sides).

    ``not_automated`` (provider → control → reason) defaults to what the run records.
    """
    if not every_run and not is_multi_scope(result):
        return ()
    manual = recorded_not_automated(result) if not_automated is None else not_automated
    profile = Profile(dict(result.run.profile)) if result.run.profile else Profile()
    attestations = recorded_attestations(result)
    as_of = audit_day(result.run.started_at)
    used: Sequence[Checklist] = [checklists[c.checklist_id] for c in result.checklists if c.checklist_id in checklists]
    findings: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        findings[(finding.provider, finding.scope)].append(finding)
    scopes = []
    for provider, scope in run_scopes(result):
        decided = rollup_controls(findings.get((provider, scope), []), controls, [provider], manual)
        scopes.append(ScopeResult(
            provider, scope, tuple(decided),
            tuple(rollup_checklist(c, decided, profile, attestations, as_of) for c in used),
        ))
    return tuple(scopes)


def scope_items(checklist: Checklist) -> list[str]:
    """The items of a checklist that controls decide (the columns of a per-scope table)."""
    return [item.id for item in checklist.items if item.basis == "controls"]
