"""The matrix of one checklist: its items with their status, basis, per-cloud marks and controls, and the
per-account table of a run with several accounts of one cloud."""

from __future__ import annotations

from collections import Counter
from typing import Any

from auditor.checklists import Checklist
from auditor.plugins import ReportContext
from auditor.profile_checks import profile_conflicts
from auditor.status import Status
from reports import layout as lay
from reports.by_scope import NOTE as SCOPE_NOTE
from reports.by_scope import SHEET_TITLE as SCOPE_TITLE
from reports.by_scope import cell_text, scope_table
from reports.html.values import status_view
from reports.labels import STATUS_ORDER, provider_name
from reports.remarks import RunIndex, attestation_text, counts_text, item_remarks

#: Worst first: what an item shows for one cloud when several of its controls are decided there.
_CLOUD_PRECEDENCE = (Status.FAIL, Status.UNKNOWN, Status.PASS, Status.NOT_APPLICABLE, Status.INHERITED)


def _cloud_statuses(index: RunIndex, control_ids: tuple[str, ...], lang: str) -> list[dict[str, str]]:
    cells = []
    for provider in index.providers:
        found = {index.controls[(c, provider)].status for c in control_ids if (c, provider) in index.controls}
        worst = next((s for s in _CLOUD_PRECEDENCE if s in found), None)
        if worst is not None:
            cells.append({"provider": provider, "name": provider_name(provider), **status_view(worst, lang)})
    return cells


def checklist_view(context: ReportContext, checklist: Checklist, result, index: RunIndex, n: int) -> dict[str, Any]:
    lang = context.lang
    profile = dict(context.result.run.profile)
    sheet = lay.layout_for(checklist, profile)
    applied = sheet.applied_sentence(checklist, profile, lang)
    groups = lay.section_groups(checklist)
    by_id = {i.item_id: i for i in result.items}
    items = []
    for item in checklist.items:
        item_result = by_id.get(item.id)
        if item_result is None:
            continue
        controls = []
        for control_id in item_result.control_ids:
            control = context.controls.get(control_id)
            controls.append({
                "id": control_id,
                "title": control.title(lang) if control else control_id,
                "passes": control.passes(lang) if control else "",
                "results": [
                    {"name": provider_name(r.provider), "reason": r.reason_in(lang),
                     "counts": counts_text(r.counts, lang), **status_view(r.status, lang)}
                    for r in index.control_results(control_id)
                ],
            })
        clouds = _cloud_statuses(index, item_result.control_ids, lang)
        items.append({
            "id": item.id,
            "anchor": f"c{n}-i{len(items)}",
            "number": item.number,
            "section": item.section,
            "heading": item.heading,
            "group": groups.get(item.id, ""),
            "text": item.text,
            "example": str(item.extra.get("example") or ""),
            "level": item_result.level,
            "basis_kind": item_result.basis,
            "remarks": item_remarks(item_result, item, index, context.controls, lang, with_rationale=False),
            "rationale": item.rationale_in(lang),
            "controls": controls,
            "control_ids": " ".join(item_result.control_ids),
            "clouds": clouds,
            "cloud_keys": " ".join(c["provider"] for c in clouds if c["value"] in ("PASS", "FAIL", "UNKNOWN")),
            "attestation": attestation_text(item_result.attestation, lang) if item_result.attestation else "",
            "status": status_view(item_result.status, lang),
        })
    counts = Counter(i.status for i in result.items)
    return {
        "id": checklist.id,
        "anchor": f"checklist-{n}",
        "title": checklist.title if lang == "ja" else checklist.title_en,
        "version": result.version or checklist.version,
        "source": checklist.source,
        "notes": checklist.notes,
        "applied_level": applied,
        "warnings": [c.text(lang) for c in profile_conflicts(context.result, {checklist.id: checklist})],
        "groups": list(dict.fromkeys(g for g in groups.values() if g)),
        "statuses": [status_view(s, lang) for s in STATUS_ORDER if counts[s]],
        "rows": items,
        "total": len(result.items),
        "counts": [{**status_view(s, lang), "n": counts[s]} for s in STATUS_ORDER],
        "by_scope": _scope_view(context, checklist),
    }


def _scope_view(context: ReportContext, checklist: Checklist) -> dict[str, Any] | None:
    """The per-account table of a run with several accounts of one cloud (:mod:`reports.by_scope`)."""
    table = scope_table(context, checklist)
    if table is None:
        return None
    lang = context.lang
    return {
        "title": SCOPE_TITLE[lang], "note": SCOPE_NOTE[lang], "numbers": [number for _, number in table.items],
        "rows": [
            {"provider": provider_name(provider), "scope": scope,
             "cells": [{**status_view(s, lang), "mark": cell_text(s, lang)} for s in statuses]}
            for provider, scope, statuses in table.rows
        ],
    }
