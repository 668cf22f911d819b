"""The 検出結果 sheet: the findings of the controls a checklist uses, one row each, with the related item numbers."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from auditor.checklists import Checklist
from auditor.model import Finding
from auditor.plugins import ReportContext
from auditor.redaction import redact
from auditor.status import Status
from reports import printing
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

#: The columns a printed page shows, then (outside the print area, on screen and in the autofilter) the
#: technical ones; (label key, width).
PRINTED_COLUMNS = (
    ("status", 10), ("control_id", 14), ("provider", 8), ("region", 12), ("resource_id", 22), ("resource_name", 14),
    ("reason", 34), ("observed", 32), ("expected", 20), ("related_items", 9),
)
TECHNICAL_COLUMNS = (("check_id", 20), ("scope", 13), ("source", 18), ("collected_jst", 12))
FINDING_COLUMNS = (*PRINTED_COLUMNS, *TECHNICAL_COLUMNS)
#: Columns whose ids are never broken mid-word: each is as wide as its longest id.
_ID_COLUMNS = ("control_id", "check_id")
#: Columns narrowed alike when the printed columns would print below :data:`reports.printing.MIN_SCALE`.
_FLEXIBLE = ("reason", "observed", "expected")


def finding_columns(findings: Sequence[Finding], lang: str) -> tuple[tuple[str, float], ...]:
    """The columns with their widths for these findings: a header's longest word and the longest id in an id
    column fit unbroken; the printed columns fit one A4 width at the readable scale."""
    keys = [key for key, _ in FINDING_COLUMNS]
    widths = [max(width, printing.word_width(text(key, lang))) for key, width in FINDING_COLUMNS]
    for key in _ID_COLUMNS:
        longest = max((len(getattr(f, key)) for f in findings), default=0)
        index = keys.index(key)
        widths[index] = max(widths[index], min(longest + 2.0, MAX_ID_WIDTH))
    printed = printing.fit_widths(widths[:len(PRINTED_COLUMNS)], [keys.index(k) for k in _FLEXIBLE])
    return tuple(zip(keys, [*printed, *widths[len(PRINTED_COLUMNS):]], strict=True))


#: An id column is not made wider than this (a longer id wraps).
MAX_ID_WIDTH = 60.0


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
    columns = finding_columns(findings, lang)
    writer, header_row = listing_sheet(workbook, context, title, lines, columns, used)
    keys = [key for key, _ in columns]
    observed_column = keys.index("observed")
    markers = {observed_column: OBSERVED_CUT[lang], **{i: TEXT_CUT[lang] for i in range(len(columns))
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
            f.control_id, provider_name(f.provider), f.region, f.resource_id, f.resource_name, f.reason_in(lang),
            observed, f.expected_in(lang), related_text.get(f.control_id, ""), f.check_id, f.scope, f.source, when,
        ), first=1)], markers=markers)
    writer.filter_and_finish(header_row, writer.rows)
    writer.sheet.print_area = f"A1:{get_column_letter(len(PRINTED_COLUMNS))}{max(writer.rows, header_row)}"
