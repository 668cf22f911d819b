"""The 検出結果 sheet: the findings of the controls a checklist uses, one row each, with the related item numbers."""

from __future__ import annotations

import json
from collections import defaultdict

from openpyxl import Workbook

from auditor.checklists import Checklist
from auditor.plugins import ReportContext
from auditor.redaction import redact
from auditor.status import Status
from reports.excel.sheet_writer import listing_sheet
from reports.excel.styles import STATUS_FILLS, WRAP
from reports.labels import jst, provider_name, status_text, text
from reports.remarks import RunIndex

#: Above this many findings a checklist's 検出結果 sheet lists only what is not a pass (failures, unknowns,
#: not applicable); the passes are counted in 備考 and listed in findings.csv, report.html and results.json.
FULL_LIST_LIMIT = 5_000

#: The end of a value cut to what one row can show (Excel's 409 pt limit), saying where it is in full.
OBSERVED_CUT = {"ja": "…（全文は results.json / snapshot.json）", "en": "… (in full in results.json)"}
TEXT_CUT = {"ja": "…（全文は results.json）", "en": "… (in full in results.json)"}

FINDING_COLUMNS = (
    ("status", 10), ("control_id", 16), ("check_id", 20), ("provider", 8), ("scope", 13), ("region", 12),
    ("resource_id", 26), ("resource_name", 16), ("reason", 36), ("observed", 36), ("expected", 22), ("source", 18),
    ("collected_jst", 12), ("related_items", 9),
)


def write_findings_sheet(workbook: Workbook, context: ReportContext, checklist: Checklist, index: RunIndex,
                         used: set[str]) -> None:
    """The findings of the controls this checklist uses, one row each (the UTC time is in findings.csv).

    Every finding up to :data:`FULL_LIST_LIMIT`; beyond it every finding that is not a pass, with a line
    saying how many passes were left to findings.csv (a sheet of tens of thousands of passing rows, once per
    checklist, is slow to write and no help to a reader, who filters for × anyway).
    """
    lang = context.lang
    related: dict[str, list[str]] = defaultdict(list)
    for item in checklist.items:
        for control_id in item.control_ids:
            related[control_id].append(item.number or item.id)
    findings = [f for f in context.result.findings if f.control_id in related]
    total = len(findings)
    if total > FULL_LIST_LIMIT:
        findings = [f for f in findings if f.status is not Status.PASS]
    title = text("findings_sheet", lang)
    lines = [
        (f"このチェックリストの項目が参照する統制の検出結果（{total} 件）。関連項目は項目の番号。"
         "取得日時は日本時間（UTC は findings.csv と results.json）。"
         if lang == "ja" else
         f"Findings of the controls this checklist's items use ({total}). Related items are item numbers. "
         "Times are JST (UTC in findings.csv and results.json).")
    ]
    if len(findings) < total:
        passed = total - len(findings)
        lines.append(f"件数が多いため、適合 {passed} 件はこの一覧に含めず "
                     "findings.csv・report.html・results.json に記載。"
                     if lang == "ja" else
                     f"{passed} passing findings are not listed here (too many): see findings.csv, report.html, "
                     "results.json.")
    writer, header_row = listing_sheet(workbook, context, title, lines, FINDING_COLUMNS, used)
    observed_column = [key for key, _ in FINDING_COLUMNS].index("observed")
    markers = {observed_column: OBSERVED_CUT[lang], **{i: TEXT_CUT[lang] for i in range(len(FINDING_COLUMNS))
                                                       if i != observed_column}}
    status_cells = {st: writer.cell(status_text(st, lang), fill=STATUS_FILLS[st], alignment=WRAP) for st in Status}
    related_text = {cid: ", ".join(dict.fromkeys(nums)) for cid, nums in related.items()}
    times: dict[object, str] = {}
    for f in findings:
        observed = json.dumps(redact(f.observed), ensure_ascii=False, separators=(",", ":"), default=str)
        when = times.get(f.collected_at)
        if when is None:
            when = times[f.collected_at] = jst(f.collected_at)
        writer.sized([status_cells[f.status], *writer.text_cells((
            f.control_id, f.check_id, provider_name(f.provider), f.scope, f.region, f.resource_id, f.resource_name,
            f.reason_in(lang), observed, f.expected_in(lang), f.source, when, related_text.get(f.control_id, ""),
        ), first=1)], markers=markers)
    writer.filter_and_finish(header_row, writer.rows)
