"""What changed between two runs of one target: the pure comparison behind ``auditor diff``.

Findings are matched by :attr:`Finding.key` (check id + provider + scope + region + resource id),
never by message text or time, so a re-worded reason is not a change.

- ``new_failures`` — FAIL now, not FAIL before (including failing resources that are new);
- ``fixed`` — FAIL before, now PASS or not applicable, or the failing resource is gone;
- ``still_failing`` — FAIL in both runs;
- ``newly_unknown`` — UNKNOWN now, not UNKNOWN before (a permission withdrawn, an API disabled);
- ``resources_added`` / ``resources_removed`` — resources seen in only one of the runs. A resource
  is not counted as added or removed when the other run could not list its kind there (a gap):
  it was not visible, which ``newly_unknown`` already says;
- ``item_changes`` — checklist items whose status changed, with ``worse`` set when it got worse;
- ``scope_changes`` — for runs with several accounts of one cloud (given the checklists and controls),
  the same per account / subscription / project (:mod:`auditor.by_scope`): which account newly fails
  which item. An account that is new in the current run is listed for the items it does not meet
  (partial, unknown, failed).

``new_failures``, ``still_failing``, ``newly_unknown`` and ``resources_added`` hold the *current*
findings; ``fixed`` and ``resources_removed`` hold the *previous* ones (what was wrong, what existed).
The run *regressed* when there is a new failure, a newly unknown finding, or an item that got worse (for
the whole run or in one account).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.by_scope import is_multi_scope, scope_items, scope_rollup
from auditor.checklists import Checklist
from auditor.controls import Control
from auditor.model import Finding, Gap, RunInfo, RunResult
from auditor.serialize import finding_to_dict, run_to_dict
from auditor.status import Status

ResourceKey = tuple[str, str, str, str, str]

#: How bad an item status is: a change to a higher rank is a regression.
ITEM_RANK: dict[Status, int] = {
    Status.PASS: 0,
    Status.ATTESTED: 0,
    Status.INHERITED: 0,
    Status.NOT_APPLICABLE: 0,
    Status.MANUAL: 1,
    Status.PARTIAL: 2,
    Status.UNKNOWN: 3,
    Status.FAIL: 4,
}


@dataclass(frozen=True)
class ItemChange:
    """One checklist item whose status differs between the two runs."""

    checklist_id: str
    item_id: str
    before: Status
    after: Status
    worse: bool


@dataclass(frozen=True)
class ScopeItemChange:
    """One checklist item whose status in one account differs between the runs (``before`` is ``None`` for an
    account the previous run did not cover)."""

    provider: str
    scope: str
    checklist_id: str
    item_id: str
    before: Status | None
    after: Status
    worse: bool


@dataclass(frozen=True)
class RunDiff:
    """The differences from ``previous_run`` to ``current_run`` (see the module docstring)."""

    previous_run: RunInfo
    current_run: RunInfo
    new_failures: tuple[Finding, ...]
    fixed: tuple[Finding, ...]
    still_failing: tuple[Finding, ...]
    newly_unknown: tuple[Finding, ...]
    resources_added: tuple[Finding, ...]
    resources_removed: tuple[Finding, ...]
    item_changes: tuple[ItemChange, ...]
    scope_changes: tuple[ScopeItemChange, ...] = ()

    @property
    def regressed(self) -> bool:
        return bool(self.new_failures or self.newly_unknown or any(c.worse for c in self.item_changes)
                    or any(c.worse for c in self.scope_changes))

    @property
    def worse_scope_items(self) -> tuple[ScopeItemChange, ...]:
        return tuple(c for c in self.scope_changes if c.worse)

    @property
    def better_scope_items(self) -> tuple[ScopeItemChange, ...]:
        """Items that got better in an account (an account new in this run is never "better")."""
        return tuple(c for c in self.scope_changes if c.before is not None and ITEM_RANK[c.after] < ITEM_RANK[c.before])

    @property
    def worse_items(self) -> tuple[ItemChange, ...]:
        return tuple(c for c in self.item_changes if c.worse)

    @property
    def better_items(self) -> tuple[ItemChange, ...]:
        return tuple(c for c in self.item_changes if ITEM_RANK[c.after] < ITEM_RANK[c.before])


def resource_of(finding: Finding) -> ResourceKey:
    return (finding.provider, finding.scope, finding.region, finding.resource_type, finding.resource_id)


def _is_placeholder(finding: Finding) -> bool:
    """Findings made from a gap stand for a call that failed, not for a resource (id ``*source``)."""
    return finding.resource_id.startswith("*")


def _hidden_by(gaps: Sequence[Gap], finding: Finding) -> bool:
    """Whether a gap kept this kind of resource from being listed in the finding's scope and region."""
    return any(
        gap.blocks(finding.resource_type, finding.provider)
        and gap.scope == finding.scope
        and gap.region in ("*", finding.region)
        for gap in gaps
    )


def _order(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: (f.control_id, f.provider, f.scope, f.region, f.check_id,
                                                  f.resource_id)))


def diff_runs(previous: RunResult, current: RunResult, checklists: Mapping[str, Checklist] | None = None,
              controls: Mapping[str, Control] | None = None) -> RunDiff:
    """Compare two runs. Pure: reads nothing but its arguments.

    With ``checklists`` and ``controls`` (the catalogue), runs with several accounts of one cloud are also
    compared account by account (``scope_changes``).
    """
    before = {f.key: f for f in previous.findings}
    after = {f.key: f for f in current.findings}
    before_resources = {resource_of(f) for f in previous.findings if not _is_placeholder(f)}
    after_resources = {resource_of(f) for f in current.findings if not _is_placeholder(f)}

    added = [
        f for f in current.findings
        if not _is_placeholder(f) and resource_of(f) not in before_resources and not _hidden_by(previous.gaps, f)
    ]
    removed = [
        f for f in previous.findings
        if not _is_placeholder(f) and resource_of(f) not in after_resources and not _hidden_by(current.gaps, f)
    ]
    removed_resources = {resource_of(f) for f in removed}

    new_failures, still_failing, newly_unknown, fixed = [], [], [], []
    for key, finding in after.items():
        old = before.get(key)
        if finding.status is Status.FAIL:
            (still_failing if old is not None and old.status is Status.FAIL else new_failures).append(finding)
        elif finding.status is Status.UNKNOWN and (old is None or old.status is not Status.UNKNOWN):
            newly_unknown.append(finding)
    for key, finding in before.items():
        if finding.status is not Status.FAIL:
            continue
        now = after.get(key)
        passes_now = now is not None and now.status in (Status.PASS, Status.NOT_APPLICABLE)
        if passes_now or (now is None and resource_of(finding) in removed_resources):
            fixed.append(finding)

    return RunDiff(
        previous_run=previous.run,
        current_run=current.run,
        new_failures=_order(new_failures),
        fixed=_order(fixed),
        still_failing=_order(still_failing),
        newly_unknown=_order(newly_unknown),
        resources_added=_order(added),
        resources_removed=_order(removed),
        item_changes=tuple(_item_changes(previous, current)),
        scope_changes=tuple(_scope_changes(previous, current, checklists, controls)),
    )


def _scope_statuses(result: RunResult, checklists: Mapping[str, Checklist], controls: Mapping[str, Control],
                    ) -> dict[tuple[str, str, str, str], Status]:
    """(provider, scope, checklist, item) → status, for the items controls decide."""
    statuses = {}
    for scope in scope_rollup(result, checklists, controls, every_run=True):
        for decided in scope.checklists:
            wanted = set(scope_items(checklists[decided.checklist_id]))
            for item in decided.items:
                if item.item_id in wanted:
                    statuses[(scope.provider, scope.scope, item.checklist_id, item.item_id)] = item.status
    return statuses


def _scope_changes(previous: RunResult, current: RunResult, checklists: Mapping[str, Checklist] | None,
                   controls: Mapping[str, Control] | None) -> list[ScopeItemChange]:
    if checklists is None or controls is None or not (is_multi_scope(current) or is_multi_scope(previous)):
        return []
    before = _scope_statuses(previous, checklists, controls)
    changes = []
    for (provider, scope, checklist_id, item_id), status in _scope_statuses(current, checklists, controls).items():
        old = before.get((provider, scope, checklist_id, item_id))
        if old is status or (old is None and ITEM_RANK[status] < ITEM_RANK[Status.PARTIAL]):
            continue
        worse = ITEM_RANK[status] > ITEM_RANK[old if old is not None else Status.PASS]
        changes.append(ScopeItemChange(provider, scope, checklist_id, item_id, old, status, worse))
    return changes


def _item_changes(previous: RunResult, current: RunResult) -> list[ItemChange]:
    before = {(i.checklist_id, i.item_id): i.status for c in previous.checklists for i in c.items}
    changes = []
    for checklist in current.checklists:
        for item in checklist.items:
            old = before.get((item.checklist_id, item.item_id))
            if old is not None and old is not item.status:
                changes.append(ItemChange(item.checklist_id, item.item_id, old, item.status,
                                          ITEM_RANK[item.status] > ITEM_RANK[old]))
    return changes


def diff_to_dict(diff: RunDiff) -> dict[str, Any]:
    """The JSON form printed by ``auditor diff --format json`` and posted to webhooks."""
    sections = ("new_failures", "fixed", "still_failing", "newly_unknown", "resources_added", "resources_removed")
    return {
        "kind": "auditor-diff",
        "previous": run_to_dict(diff.previous_run),
        "current": run_to_dict(diff.current_run),
        "regressed": diff.regressed,
        "summary": {
            **{name: len(getattr(diff, name)) for name in sections},
            "items_worse": len(diff.worse_items),
            "items_better": len(diff.better_items),
            "scope_items_worse": len(diff.worse_scope_items),
            "scope_items_better": len(diff.better_scope_items),
        },
        **{name: [finding_to_dict(f) for f in getattr(diff, name)] for name in sections},
        "item_changes": [
            {"checklist_id": c.checklist_id, "item_id": c.item_id, "before": c.before.value, "after": c.after.value,
             "before_symbol": c.before.sheet_value, "after_symbol": c.after.sheet_value, "worse": c.worse}
            for c in diff.item_changes
        ],
        "scope_changes": [
            {"provider": c.provider, "scope": c.scope, "checklist_id": c.checklist_id, "item_id": c.item_id,
             "before": c.before.value if c.before else None, "after": c.after.value,
             "before_symbol": c.before.sheet_value if c.before else None, "after_symbol": c.after.sheet_value,
             "worse": c.worse}
            for c in diff.scope_changes
        ],
    }
