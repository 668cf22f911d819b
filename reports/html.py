"""``report.html``: one self-contained page (inline CSS and JS, no network) for the city and the vendor.

Sections: run information, summary (status counts per checklist, control × cloud grid), what changed
since the previous run (when one is given), the matrix of each checklist with filters and search and a
drill-down from each item to its findings and from each finding to its observed values, all findings,
and everything that could not be read: the calls with the permission that would fix each, and the details of
listed resources that a follow-up call could not read (counted as the terminal summary counts them,
:mod:`auditor.unreadable`).

Jinja2 autoescapes every value; the findings travel as JSON inside a non-executable script element and
the page's own script builds their rows with ``textContent`` only, so no resource name or observed
value can ever become markup. A Content-Security-Policy with a per-render nonce lets only the page's
own script run and forbids every network fetch.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from auditor.checklists import Checklist
from auditor.history.diff import RunDiff, diff_runs, resource_of
from auditor.model import Finding, RunResult
from auditor.plugins import ContentPiece, ReportContext
from auditor.redaction import redact
from auditor.serialize import iso
from auditor.status import Status
from auditor.unreadable import summary_text, unreadable_of
from reports import layout as lay
from reports.by_scope import NOTE as SCOPE_NOTE
from reports.by_scope import SHEET_TITLE as SCOPE_TITLE
from reports.by_scope import cell_text, scope_table
from reports.content import html_content
from reports.labels import (
    STATUS_ORDER,
    jst,
    profile_text,
    provider_name,
    provider_origin,
    status_meaning,
    status_text,
    text,
    utc,
)
from reports.remarks import RunIndex, attestation_text, counts_text, gap_controls, item_remarks, not_automated

FILE_NAME = "report.html"

#: Worst first: what an item shows for one cloud when several of its controls are decided there.
_CLOUD_PRECEDENCE = (Status.FAIL, Status.UNKNOWN, Status.PASS, Status.NOT_APPLICABLE, Status.INHERITED)

UI: dict[str, tuple[str, str]] = {
    "nav_summary": ("概要", "Summary"),
    "nav_changes": ("前回からの変化", "Changes since last run"),
    "nav_grid": ("統制 × クラウド", "Controls × clouds"),
    "nav_findings": ("検出結果", "Findings"),
    "nav_gaps": ("確認不能", "Could not read"),
    "run_info": ("実行情報", "Run information"),
    "status_counts": ("チェックリスト別の判定", "Status per checklist"),
    "item_count": ("項目数", "Items"),
    "gap_calls": ("読めなかった API 呼び出し", "Calls that could not be made"),
    "gap_details": ("読めなかったリソースの詳細", "Resource details that could not be read"),
    "details_intro": (
        "以下は一覧できたリソースの詳細で、追加の呼び出しに失敗して読めなかった項目です。"
        "その項目を使う判定は確認不能になります。",
        "Details of listed resources that a follow-up call could not read; the checks that need them are "
        "unknown.",
    ),
    "attribute": ("項目", "Detail"),
    "cause": ("理由", "Why"),
    "finding_totals": ("検出結果（リソース単位）", "Findings (per resource)"),
    "filter_status": ("判定", "Status"),
    "filter_section": ("区分", "Section"),
    "filter_cloud": ("クラウド", "Cloud"),
    "filter_control": ("統制", "Control"),
    "search": ("検索", "Search"),
    "search_placeholder": ("文字列で絞り込み（項目・根拠・リソース名など）", "Filter by text (item, basis, resource…)"),
    "all": ("すべて", "All"),
    "shown": ("表示", "shown"),
    "of": ("件中", "of"),
    "no": ("No", "No."),
    "section": ("区分", "Section"),
    "requirement": ("要件", "Requirement"),
    "level": ("要否", "Level"),
    "basis": ("備考（判定の根拠）", "Remarks (basis)"),
    "clouds": ("クラウド別", "Per cloud"),
    "details": ("詳細", "Details"),
    "rationale": ("判定の考え方", "How the controls answer the item"),
    "example": ("実施基準・実施例", "Criteria and examples"),
    "control_results": ("統制の判定", "Control results"),
    "item_findings": ("この項目の検出結果", "Findings for this item"),
    "no_findings": ("検出結果はありません。", "No findings."),
    "more_findings": ("ほか {n} 件は「検出結果」で絞り込んで確認できます。", "{n} more: filter the Findings section."),
    "observed_pretty": ("観測値（取得した値）", "Observed value"),
    "prev": ("前へ", "Previous"),
    "next": ("次へ", "Next"),
    "page": ("ページ", "page"),
    "noscript": (
        "検索・絞り込み・検出結果の一覧には JavaScript が必要です。判定表と根拠はそのまま読めます。",
        "Search, filters and the findings list need JavaScript; the matrix and its basis read without it.",
    ),
    "changes_since": ("前回の実行", "Previous run"),
    "new_failures": ("新たな不適合", "New failures"),
    "fixed": ("解消した不適合", "Fixed"),
    "still_failing": ("継続中の不適合", "Still failing"),
    "newly_unknown": ("新たに確認不能", "Newly unknown"),
    "resources_added": ("追加されたリソース", "Resources added"),
    "resources_removed": ("削除されたリソース", "Resources removed"),
    "item_changes": ("項目の判定の変化", "Item status changes"),
    "scope_changes": ("アカウント別の判定の変化", "Item status changes by account"),
    "scope_worse": ("悪化したアカウント別の項目", "Items worse in an account"),
    "scope_better": ("改善したアカウント別の項目", "Items better in an account"),
    "scope_new": ("前回なし", "not in the previous run"),
    "before": ("前回", "Before"),
    "after": ("今回", "Now"),
    "no_changes": ("前回からの変化はありません。", "Nothing changed since the previous run."),
    "regressed": ("悪化あり", "Regressions"),
    "not_regressed": ("悪化なし", "No regressions"),
    "gaps_intro": (
        "以下は権限不足などで読めなかったため判定できていません（適合としては扱いません）。"
        "「必要な権限」を監査用の ID に付与して再実行すると解消します。",
        "These could not be read, so they are not decided (never counted as a pass). Grant the permission to the "
        "auditing identity and run again.",
    ),
    "generated": ("作成", "Generated"),
    "legend": ("凡例", "Legend"),
    "checklist_version": ("版", "version"),
    "cl_source": ("出典", "source"),
    "applied_level": ("適用した要否欄", "Level column applied"),
    "open_all": ("すべて開く", "Expand all"),
    "close_all": ("すべて閉じる", "Collapse all"),
    "print": ("印刷", "Print"),
    "utc_hint": ("UTC はマウスを重ねると表示", "hover for UTC"),
}


def ui_texts(lang: str) -> dict[str, str]:
    index = 0 if lang == "ja" else 1
    texts = {key: pair[index] for key, pair in UI.items()}
    for key in ("findings_sheet", "gaps_sheet", "status", "control", "control_id", "check_id", "provider", "scope",
                "region", "resource_type", "resource_id", "resource_name", "reason", "observed", "expected",
                "source", "collected_jst", "collected_utc", "error_code", "message", "permission", "affected_types",
                "affected_controls", "kind", "target", "run_id", "started", "finished", "tool_version",
                "checklist", "profile", "identity", "scopes", "regions", "demo_banner", "report_title", "no_gaps",
                "gap_kind_call", "gap_kind_manual", "notes"):
        texts[key] = text(key, lang)
    return texts


@dataclass(frozen=True)
class Moment:
    """A time shown in JST with its UTC value kept for the title attribute and machines."""

    jst: str
    utc: str
    iso: str


def moment(value) -> Moment:
    return Moment(jst(value), utc(value), iso(value))


def _status_view(status: Status, lang: str) -> dict[str, str]:
    return {"value": status.value, "text": status_text(status, lang), "cls": f"st-{status.value}",
            "meaning": status_meaning(status, lang)}


def _cloud_statuses(index: RunIndex, control_ids: tuple[str, ...], lang: str) -> list[dict[str, str]]:
    cells = []
    for provider in index.providers:
        found = {index.controls[(c, provider)].status for c in control_ids if (c, provider) in index.controls}
        worst = next((s for s in _CLOUD_PRECEDENCE if s in found), None)
        if worst is not None:
            cells.append({"provider": provider, "name": provider_name(provider), **_status_view(worst, lang)})
    return cells


def _checklist_view(context: ReportContext, checklist: Checklist, result, index: RunIndex, n: int) -> dict[str, Any]:
    lang = context.lang
    profile = dict(context.result.run.profile)
    sheet = lay.layout_for(checklist, profile)
    applied = sheet.applied_label(lang)
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
                     "counts": counts_text(r.counts, lang), **_status_view(r.status, lang)}
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
            "status": _status_view(item_result.status, lang),
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
        "groups": list(dict.fromkeys(g for g in groups.values() if g)),
        "statuses": [_status_view(s, lang) for s in STATUS_ORDER if counts[s]],
        "rows": items,
        "total": len(result.items),
        "counts": [{**_status_view(s, lang), "n": counts[s]} for s in STATUS_ORDER],
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
             "cells": [{**_status_view(s, lang), "mark": cell_text(s, lang)} for s in statuses]}
            for provider, scope, statuses in table.rows
        ],
    }


def _grid_view(context: ReportContext, index: RunIndex) -> list[dict[str, Any]]:
    rows = []
    control_ids = list(dict.fromkeys([*context.controls, *(c.control_id for c in context.result.controls)]))
    for control_id in control_ids:
        results = index.control_results(control_id)
        if not results:
            continue
        control = context.controls.get(control_id)
        cells = {r.provider: {"reason": r.reason_in(context.lang), "counts": counts_text(r.counts, context.lang),
                              **_status_view(r.status, context.lang)} for r in results}
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


def _changes_view(changes: RunDiff | None, context: ReportContext) -> dict[str, Any] | None:
    if changes is None:
        return None
    lang = context.lang
    current = {f.key: f for f in context.result.findings}

    def finding_row(f: Finding) -> dict[str, str]:
        return {"check_id": f.check_id, "control_id": f.control_id, "provider": provider_name(f.provider),
                "scope": f.scope, "region": f.region, "resource": f.resource_name or f.resource_id,
                "resource_id": f.resource_id, "reason": f.reason_in(lang), **_status_view(f.status, lang)}

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
             "before": _status_view(c.before, lang), "after": _status_view(c.after, lang)}
            for c in changes.item_changes
        ],
        # the worse first, each part in the diff's order
        "scope_changes": [
            {"provider": provider_name(c.provider), "scope": c.scope, "checklist": c.checklist_id,
             "item": numbers.get((c.checklist_id, c.item_id), c.item_id), "worse": c.worse,
             "before": _status_view(c.before, lang) if c.before is not None else None,
             "after": _status_view(c.after, lang)}
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


def build_view(context: ReportContext) -> dict[str, Any]:
    """Everything the template shows, as plain values (the template does no computing)."""
    result: RunResult = context.result
    lang = context.lang if context.lang in ("ja", "en") else "ja"
    index = RunIndex.of(result)
    run = result.run
    checklists = [
        _checklist_view(context, context.checklists.get(c.checklist_id) or lay.fallback_checklist(c), c, index, n)
        for n, c in enumerate(result.checklists)
    ]
    finding_counts = Counter(f.status for f in result.findings)
    affected = gap_controls(result)
    changes = (diff_runs(context.previous, result, context.checklists, context.controls)
               if context.previous is not None else None)
    titles = {cid: c.title(lang) for cid, c in context.controls.items()}
    unreadable = unreadable_of(result.gaps, context.unreadable)
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
        "finding_counts": [
            {**_status_view(s, lang), "n": finding_counts[s]}
            for s in (Status.PASS, Status.FAIL, Status.UNKNOWN, Status.NOT_APPLICABLE)
        ],
        "gap_count": len(result.gaps),
        "unreadable": {
            "text": summary_text(unreadable, lang), "attributes": unreadable.attributes,
            "resources": unreadable.resources,
            "rows": [
                {"provider": provider_name(d.provider), "scope": d.scope, "region": d.region, "type": d.resource_type,
                 "resource": d.resource_name or d.resource_id, "resource_id": d.resource_id, "source": d.source,
                 "attribute": d.attribute, "cause": d.cause_in(lang)}
                for d in unreadable.details
            ],
        },
        "providers": [{"key": p, "name": provider_name(p)} for p in index.providers],
        "grid": _grid_view(context, index),
        "gaps": [
            {"provider": provider_name(g.provider), "scope": g.scope, "region": g.region, "source": g.source,
             "types": ", ".join(g.resource_types), "error_code": g.error_code, "message": g.message_in(lang),
             "permission": g.permission, "controls": affected.get((g.provider, g.scope, g.region, g.source), []),
             "collected": moment(g.collected_at)}
            for g in result.gaps
        ],
        "not_automated": [
            {"provider": provider_name(c.provider), "control": c.control_id, "title": titles.get(c.control_id, ""),
             "reason": c.reason_in(lang)}
            for c in not_automated(result)
        ],
        "legend": [_status_view(s, lang) for s in STATUS_ORDER],
        "changes": _changes_view(changes, context),
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


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _asset(name: str) -> str:
    return resources.files("reports").joinpath(f"static/{name}").read_text(encoding="utf-8")


def render_html(context: ReportContext) -> str:
    view = build_view(context)
    template = _environment().get_template("report.html.j2")
    return template.render(**view, css=_asset("report.css"), js=_asset("report.js"), nonce=secrets.token_urlsafe(16))


@dataclass(frozen=True)
class HtmlRenderer:
    name: str = "html"

    def render(self, context: ReportContext, directory: Path) -> list[Path]:
        target = directory / FILE_NAME
        target.write_text(render_html(context), encoding="utf-8")
        return [target]

    def read_content(self, path: Path) -> list[ContentPiece]:
        return html_content(path)


renderer = HtmlRenderer()
