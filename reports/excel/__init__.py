"""One Excel workbook per checklist (``<checklist-id>.xlsx``), in the municipality's own columns.

Sheets, one module each:

1. the checklist itself (:mod:`~reports.excel.checklist_sheet`) — items in source order with their printed
   numbers, sections and verbatim texts, the sheet's requirement-level columns, and the answer columns
   filled (適用状況 with the sheet's marks, 備考 with the basis); a drop-down on the status column lets a
   vendor answer the remaining items in the workbook, and the fill colour follows the answer;
2. アカウント別 — for a run with several accounts of one cloud, each item's status per account
   (:mod:`reports.by_scope`, which the HTML report shares);
3. 検出結果 (:mod:`~reports.excel.findings_sheet`) — the findings of the controls this checklist uses
   (beyond 5,000 of them, those that are not a pass);
4. 確認不能 (:mod:`~reports.excel.gaps_sheet`) — every call that could not be made, with the permission
   that would fix it, and the controls no check decides on a cloud;
5. 実行情報 (:mod:`~reports.excel.run_sheet`) — who audited what, when (JST with UTC), with which tool and
   checklist versions and profile.

The checklist sheet reads like the seed: its fill-in block (001), the merged header cells, heading rows
and printed exemption sentences where the seed prints them (see :mod:`reports.layout`); above it, the
profile questions that decide applicability, answered in plain words, and any answer that contradicts
the profile. Every sheet prints A4 landscape, one page wide, header rows on every page, rows as tall
as their wrapped text (:mod:`reports.printing`).

Written with openpyxl's write-only mode, which keeps a 10,000-finding run fast
(:mod:`~reports.excel.sheet_writer`; the shared cell styles are in :mod:`~reports.excel.styles`, file and
sheet names in :mod:`~reports.excel.sheet_names`); print set-up, panes and column widths are therefore set
before the first row, and each row's height before it is appended.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from auditor.checklists import Checklist
from auditor.model import ChecklistResult
from auditor.plugins import ContentPiece, ReportContext
from reports import layout as lay
from reports.by_scope import SHEET_TITLE as SCOPE_SHEET_TITLE
from reports.by_scope import write_scope_sheet
from reports.content import workbook_content
from reports.excel.checklist_sheet import write_checklist_sheet
from reports.excel.findings_sheet import write_findings_sheet
from reports.excel.gaps_sheet import write_gaps_sheet
from reports.excel.run_sheet import write_run_sheet
from reports.excel.sheet_names import safe_file_name, safe_sheet_title
from reports.remarks import RunIndex


def write_workbook(context: ReportContext, checklist: Checklist, result: ChecklistResult, index: RunIndex,
                   target: Path) -> None:
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    write_checklist_sheet(workbook, context, checklist, result, index, used)
    write_scope_sheet(workbook, context, checklist, safe_sheet_title(SCOPE_SHEET_TITLE[context.lang], used))
    write_findings_sheet(workbook, context, checklist, index, used)
    write_gaps_sheet(workbook, context, used)
    write_run_sheet(workbook, context, checklist, result, used)
    workbook.save(target)


@dataclass(frozen=True)
class ExcelRenderer:
    name: str = "xlsx"

    def render(self, context: ReportContext, directory: Path) -> list[Path]:
        index = RunIndex.of(context.result)
        written = []
        for result in context.result.checklists:
            checklist = context.checklists.get(result.checklist_id) or lay.fallback_checklist(result)
            target = directory / safe_file_name(result.checklist_id)
            write_workbook(context, checklist, result, index, target)
            written.append(target)
        return written

    def read_content(self, path: Path) -> list[ContentPiece]:
        return workbook_content(path)


renderer = ExcelRenderer()
