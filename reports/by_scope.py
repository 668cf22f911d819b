"""The per-account table (「アカウント別」 / "By account") of a run with several scopes of one cloud.

Rows are the scopes (cloud, account / subscription / project), columns the checklist's items that
controls decide, cells the item's status in that scope (:func:`auditor.by_scope.scope_rollup`: the
whole run's rules on that scope's findings). The Excel sheet uses the checklist sheet's colours; the
HTML report shows the same table (:func:`scope_table`).
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.utils import get_column_letter

from auditor.by_scope import ScopeResult, scope_items, scope_rollup
from auditor.checklists import Checklist
from auditor.model import RunResult
from auditor.plugins import ReportContext
from auditor.status import Status
from reports import printing
from reports.labels import STATUS_COLOURS, provider_name, status_text, text
from reports.printing import font

SHEET_TITLE = {"ja": "アカウント別", "en": "By account"}
NOTE = {
    "ja": "アカウント（サブスクリプション・プロジェクト）ごとの判定。判定の規則は項目の一覧と同じで、"
          "そのアカウントの検出結果だけから判定する。どれかのアカウントが × の項目は、全体でも × になる。",
    "en": "Each account (subscription, project) decided on its own, by the same rules as the checklist sheet "
          "from that account's findings alone. An item that fails in any account fails for the whole run.",
}

_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_HEADER_FONT = font(bold=True, color="FFFFFF")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_FILLS = {s: PatternFill("solid", fgColor=c) for s, c in STATUS_COLOURS.items()}


@dataclass(frozen=True)
class ScopeTable:
    """One checklist's per-scope table: column labels (item numbers), and per scope its statuses."""

    items: tuple[tuple[str, str], ...]  # (item id, printed number)
    rows: tuple[tuple[str, str, tuple[Status, ...]], ...]  # (provider, scope, status per item)


_last: tuple[RunResult, tuple[ScopeResult, ...]] | None = None


def scopes_of(context: ReportContext) -> tuple[ScopeResult, ...]:
    """The run's per-scope roll-up, decided once per run however many workbooks and pages show it."""
    global _last
    if _last is None or _last[0] is not context.result:
        _last = (context.result, scope_rollup(context.result, context.checklists, context.controls))
    return _last[1]


def scope_table(context: ReportContext, checklist: Checklist) -> ScopeTable | None:
    """The table for one checklist, or ``None`` when the run has a single scope per cloud."""
    scopes = scopes_of(context)
    if not scopes:
        return None
    ids = scope_items(checklist)
    numbers = {item.id: item.number or item.id for item in checklist.items}
    rows = []
    for scope in scopes:
        decided = scope.checklist(checklist.id)
        if decided is None:
            return None
        status = {i.item_id: i.status for i in decided.items}
        rows.append((scope.provider, scope.scope, tuple(status[i] for i in ids)))
    return ScopeTable(tuple((i, numbers[i]) for i in ids), tuple(rows))


def cell_text(status: Status, lang: str) -> str:
    """A table cell: the bare mark where the status has one (○ × △ ? －), else its short word."""
    return status.symbol if lang == "ja" or status.symbol != status.label_ja else status_text(status, lang)


def write_scope_sheet(workbook: Workbook, context: ReportContext, checklist: Checklist, title: str) -> None:
    """The 「アカウント別」 sheet (``title``: a unique sheet name); nothing for a single-scope run."""
    table = scope_table(context, checklist)
    if table is None:
        return
    lang = context.lang
    sheet = workbook.create_sheet(title)
    widths = [14, 28] + [7] * len(table.items)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = 4
    sheet.freeze_panes = f"C{header_row + 1}"
    printing.prepare_page(sheet)

    def cell(value: str, **style) -> WriteOnlyCell:
        made = WriteOnlyCell(sheet, value)
        made.data_type = "s"
        for name, setting in style.items():
            setattr(made, name, setting)
        return made

    sheet.append([cell(SHEET_TITLE[lang], font=font(bold=True, size=14))])
    sheet.append([cell(NOTE[lang], font=font(color="808080"))])
    sheet.append([])
    header = [text("provider", lang), text("scope", lang), *(number for _, number in table.items)]
    sheet.append([cell(h, font=_HEADER_FONT, fill=_HEADER_FILL, alignment=_CENTRE, border=_BORDER) for h in header])
    for provider, scope, statuses in table.rows:
        sheet.append([
            cell(provider_name(provider), border=_BORDER), cell(scope, border=_BORDER),
            *(cell(cell_text(s, lang), fill=_FILLS[s], font=font(bold=True), alignment=_CENTRE, border=_BORDER)
              for s in statuses),
        ])
    last = header_row + len(table.rows)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(header))}{last}"
    printing.repeat_rows(sheet, header_row, header_row)
