"""What changed since the previous run: new, fixed, still failing and newly unknown findings, resources
added and removed, and item status changes for the whole run and per account (:mod:`auditor.history.diff`)."""

from __future__ import annotations

from typing import Any

from auditor.history.diff import RunDiff, resource_of
from auditor.model import Finding
from auditor.plugins import ReportContext
from reports.html.values import moment, status_view
from reports.labels import provider_name


def changes_view(changes: RunDiff | None, context: ReportContext) -> dict[str, Any] | None:
    if changes is None:
        return None
    lang = context.lang
    current = {f.key: f for f in context.result.findings}

    def finding_row(f: Finding) -> dict[str, str]:
        return {"check_id": f.check_id, "control_id": f.control_id, "provider": provider_name(f.provider),
                "scope": f.scope, "region": f.region, "resource": f.resource_name or f.resource_id,
                "resource_id": f.resource_id, "reason": f.reason_in(lang), **status_view(f.status, lang)}

    def resources(findings: tuple[Finding, ...]) -> list[dict[str, str]]:
        keys = sorted({resource_of(f) for f in findings})
        return [{"provider": provider_name(k[0]), "scope": k[1], "region": k[2], "type": k[3], "id": k[4]}
                for k in keys]

    added, removed = resources(changes.resources_added), resources(changes.resources_removed)
    sections = (changes.new_failures, changes.fixed, changes.newly_unknown, changes.item_changes,
                changes.scope_changes)
    numbers = {(cid, item.id): item.number or item.id for cid, c in context.checklists.items() for item in c.items}
    return {
        "previous_run_id": changes.previous_run.run_id,
        "previous_started": moment(changes.previous_run.started_at),
        "regressed": changes.regressed,
        "empty": not (any(sections) or added or removed),
        "groups": [
            {"key": "new_failures", "rows": [finding_row(f) for f in changes.new_failures]},
            {"key": "newly_unknown", "rows": [finding_row(f) for f in changes.newly_unknown]},
            # a fixed finding is shown as it is now; a deleted failing resource as it was
            {"key": "fixed", "rows": [finding_row(current.get(f.key, f)) for f in changes.fixed]},
            {"key": "still_failing", "rows": [finding_row(f) for f in changes.still_failing]},
        ],
        "resources_added": added,
        "resources_removed": removed,
        "item_changes": [
            {"checklist": c.checklist_id, "item": c.item_id, "worse": c.worse,
             "before": status_view(c.before, lang), "after": status_view(c.after, lang)}
            for c in changes.item_changes
        ],
        # the worse first, each part in the diff's order
        "scope_changes": [
            {"provider": provider_name(c.provider), "scope": c.scope, "checklist": c.checklist_id,
             "item": numbers.get((c.checklist_id, c.item_id), c.item_id), "worse": c.worse,
             "before": status_view(c.before, lang) if c.before is not None else None,
             "after": status_view(c.after, lang)}
            for c in sorted(changes.scope_changes, key=lambda c: not c.worse)
        ],
        "counts": {
            "new_failures": len(changes.new_failures), "fixed": len(changes.fixed),
            "still_failing": len(changes.still_failing), "newly_unknown": len(changes.newly_unknown),
            "resources_added": len(added), "resources_removed": len(removed),
            "item_changes": len(changes.item_changes),
            "scope_worse": len(changes.worse_scope_items), "scope_better": len(changes.better_scope_items),
        },
    }

