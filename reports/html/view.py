"""The whole page's view: run information, the summary (status counts per checklist, findings per status,
the control × cloud grid), each checklist's matrix, what changed, what could not be read, and the findings
as data for the page's script. Plain values only: the template does no computing."""

from __future__ import annotations

from collections import Counter
from typing import Any

from auditor.history.diff import diff_runs
from auditor.model import Finding, RunResult
from auditor.plugins import ReportContext
from auditor.redaction import redact
from auditor.status import Status
from reports import layout as lay
from reports.html.changes_view import changes_view
from reports.html.checklist_view import checklist_view
from reports.html.gaps_view import gaps_view
from reports.html.texts import ui_texts
from reports.html.values import moment, status_view
from reports.labels import STATUS_ORDER, jst, profile_text, provider_name, provider_origin, status_text, utc
from reports.remarks import RunIndex, counts_text


def _grid_view(context: ReportContext, index: RunIndex) -> list[dict[str, Any]]:
    rows = []
    control_ids = list(dict.fromkeys([*context.controls, *(c.control_id for c in context.result.controls)]))
    for control_id in control_ids:
        results = index.control_results(control_id)
        if not results:
            continue
        control = context.controls.get(control_id)
        cells = {r.provider: {"reason": r.reason_in(context.lang), "counts": counts_text(r.counts, context.lang),
                              **status_view(r.status, context.lang)} for r in results}
        rows.append({
            "id": control_id,
            "title": control.title(context.lang) if control else control_id,
            "cells": [cells.get(p) for p in index.providers],
        })
    return rows


def _finding_data(finding: Finding, lang: str) -> list[Any]:
    return [
        finding.check_id, finding.control_id, finding.provider, finding.scope, finding.region, finding.resource_type,
        finding.resource_id, finding.resource_name, finding.status.value, finding.reason_in(lang),
        redact(finding.observed), finding.expected_in(lang), finding.source, utc(finding.collected_at),
        jst(finding.collected_at),
    ]


def build_view(context: ReportContext) -> dict[str, Any]:
    """Everything the template shows, as plain values (the template does no computing)."""
    result: RunResult = context.result
    lang = context.lang if context.lang in ("ja", "en") else "ja"
    index = RunIndex.of(result)
    run = result.run
    checklists = [
        checklist_view(context, context.checklists.get(c.checklist_id) or lay.fallback_checklist(c), c, index, n)
        for n, c in enumerate(result.checklists)
    ]
    finding_counts = Counter(f.status for f in result.findings)
    changes = (diff_runs(context.previous, result, context.checklists, context.controls)
               if context.previous is not None else None)
    titles = {cid: c.title(lang) for cid, c in context.controls.items()}
    return {
        "lang": lang,
        "t": ui_texts(lang),
        "demo": run.demo,
        "run": {
            "id": run.run_id, "target": run.target, "tool_version": run.tool_version,
            "started": moment(run.started_at), "finished": moment(run.finished_at),
            "profile": profile_text(run.profile, lang),
            "providers": [
                {"name": provider_origin(p.provider, run.third_party_providers, lang), "scopes": ", ".join(p.scopes),
                 "regions": ", ".join(p.regions),
                 "identity": [f"{k}: {v}" for k, v in redact(dict(p.identity)).items()]}
                for p in run.providers
            ],
        },
        "checklists": checklists,
        "profile_warnings": [w for c in checklists for w in c["warnings"]],
        "finding_counts": [
            {**status_view(s, lang), "n": finding_counts[s]}
            for s in (Status.PASS, Status.FAIL, Status.UNKNOWN, Status.NOT_APPLICABLE)
        ],
        "gap_count": len(result.gaps),
        **gaps_view(context, lang, titles),
        "providers": [{"key": p, "name": provider_name(p)} for p in index.providers],
        "grid": _grid_view(context, index),
        "legend": [status_view(s, lang) for s in STATUS_ORDER],
        "changes": changes_view(changes, context),
        "data": {
            "lang": lang,
            "texts": ui_texts(lang),
            "statuses": {s.value: {"text": status_text(s, lang), "cls": f"st-{s.value}"} for s in Status},
            "providers": {p: provider_name(p) for p in index.providers},
            "controls": titles,
            "fields": ["check_id", "control_id", "provider", "scope", "region", "resource_type", "resource_id",
                       "resource_name", "status", "reason", "observed", "expected", "source", "collected_utc",
                       "collected_jst"],
            "findings": [_finding_data(f, lang) for f in result.findings],
        },
    }
