"""One Excel workbook per checklist (``<checklist-id>.xlsx``), in the municipality's own columns.

Sheets:

1. the checklist itself — items in source order with their printed numbers, sections and verbatim
   texts, the sheet's requirement-level columns, and the answer columns filled (適用状況 with the
   sheet's marks, 備考 with the basis); a drop-down on the status column lets a vendor answer the
   remaining items in the workbook, and the fill colour follows the answer;
2. 検出結果 — the findings of the controls this checklist uses (beyond 5,000 of them, those that are
   not a pass; see :func:`write_findings_sheet`);
3. 確認不能 — every call that could not be made, with the permission that would fix it, and the
   controls no check decides on a cloud;
4. 実行情報 — who audited what, when (JST with UTC), with which tool and checklist versions and profile.

Written with openpyxl's write-only mode, which keeps a 10,000-finding run fast.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from auditor.checklists import Checklist, Item
from auditor.model import ChecklistResult, ItemResult
from auditor.plugins import ContentPiece, ReportContext
from auditor.redaction import redact
from auditor.status import Status
from reports import layout as lay
from reports.content import workbook_content
from reports.labels import (
    STATUS_COLOURS,
    STATUS_ORDER,
    jst,
    profile_text,
    provider_name,
    provider_origin,
    status_meaning,
    status_text,
    status_values,
    text,
    utc,
)
from reports.remarks import RunIndex, gap_controls, item_remarks, not_automated

MAX_CELL = 32_000  # Excel refuses cells longer than 32,767 characters
#: Above this many findings a checklist's 検出結果 sheet lists only what is not a pass (failures, unknowns,
#: not applicable); the passes are counted in 備考 and listed in findings.csv, report.html and results.json.
FULL_LIST_LIMIT = 5_000

_THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
APPLIED_FILL = PatternFill("solid", fgColor="2E75B6")
TITLE_FONT = Font(bold=True, size=14)
DEMO_FILL = PatternFill("solid", fgColor="C00000")
DEMO_FONT = Font(bold=True, color="FFFFFF", size=12)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="top", wrap_text=True)
GREY = Font(color="808080")
BOLD = Font(bold=True)
STATUS_FILLS = {s: PatternFill("solid", fgColor=c) for s, c in STATUS_COLOURS.items()}


def clean(value: Any) -> Any:
    """A cell value Excel accepts: no control characters, not longer than a cell may be."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value if len(value) <= MAX_CELL else value[:MAX_CELL] + "…"


def safe_file_name(checklist_id: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]", "_", checklist_id).strip("._") or "checklist"
    return f"{name}.xlsx"


def safe_sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", title).strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


class SheetWriter:
    """Appends styled rows to a write-only sheet; strings are always stored as text, never formulas."""

    def __init__(self, workbook: Workbook, title: str, widths: Sequence[float], freeze_row: int | None) -> None:
        self.sheet = workbook.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        if freeze_row:
            self.sheet.freeze_panes = f"A{freeze_row}"
        self.rows = 0
        self.width = len(widths)

    def cell(self, value: Any, *, font=None, fill=None, alignment=None, border=None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, clean(value))
        if isinstance(value, str):
            cell.data_type = "s"
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if alignment is not None:
            cell.alignment = alignment
        if border is not None:
            cell.border = border
        return cell

    def append(self, values: Iterable[Any]) -> int:
        self.sheet.append(list(values))
        self.rows += 1
        return self.rows

    def plain(self, values: Iterable[Any], alignment: Alignment = WRAP) -> int:
        return self.append(self.cell(v, alignment=alignment, border=BORDER) for v in values)

    def header(self, labels: Sequence[str], fills: Sequence[PatternFill] | None = None) -> int:
        return self.append(
            self.cell(label, font=HEADER_FONT, fill=(fills[i] if fills else HEADER_FILL), alignment=CENTRE,
                      border=BORDER)
            for i, label in enumerate(labels)
        )

    def title_rows(self, context: ReportContext, title: str, extra: Sequence[str] = ()) -> None:
        self.append([self.cell(title, font=TITLE_FONT)])
        if context.result.run.demo:
            self.append([self.cell(text("demo_banner", context.lang), font=DEMO_FONT, fill=DEMO_FILL)]
                        + [self.cell("", fill=DEMO_FILL) for _ in range(self.width - 1)])
        for line in extra:
            self.append([self.cell(line, font=GREY)])

    def filter_and_finish(self, header_row: int, last_row: int) -> None:
        last = max(last_row, header_row)
        self.sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(self.width)}{last}"
        self.sheet.print_title_rows = f"{header_row}:{header_row}"
        self.sheet.page_setup.orientation = "landscape"
        self.sheet.page_setup.fitToWidth = 1
        self.sheet.page_setup.fitToHeight = 0
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True


def title_block_lines(context: ReportContext, checklist: Checklist | None, applied: str) -> list[str]:
    run, lang = context.result.run, context.lang
    lines = []
    target = run.target or "-"
    when = f"{jst(run.started_at)}（UTC {utc(run.started_at)}）" if lang == "ja" else \
        f"{jst(run.started_at)} (UTC {utc(run.started_at)})"
    clouds = ", ".join(f"{provider_name(p.provider)} {'/'.join(p.scopes)}" for p in run.providers) or "-"
    if lang == "ja":
        lines.append(f"監査対象: {target} ／ 実施: {when} ／ 対象クラウド: {clouds} ／ 実行ID: {run.run_id}")
        separator = " ／ "
    else:
        lines.append(f"Audited: {target} / run: {when} / clouds: {clouds} / run id: {run.run_id}")
        separator = " / "
    lines.append(f"{text('profile', lang)}: {profile_text(run.profile, lang)}{separator}"
                 f"{text('applied_column', lang)}: {applied}")
    if checklist is not None and checklist.notes:
        lines.extend(checklist.notes.splitlines())
    return lines


def status_summary(results: Sequence[ItemResult], lang: str) -> str:
    counts = Counter(i.status for i in results)
    parts = [f"{status_text(s, lang)} {counts[s]}" for s in STATUS_ORDER if counts[s]]
    total = f"（全 {len(results)} 項目）" if lang == "ja" else f" ({len(results)} items)"
    return ("、".join(parts) if lang == "ja" else ", ".join(parts)) + total


def write_checklist_sheet(
    workbook: Workbook, context: ReportContext, checklist: Checklist, result: ChecklistResult, index: RunIndex,
    used: set[str],
) -> None:
    lang = context.lang
    profile = dict(context.result.run.profile)
    sheet_layout = lay.layout_for(checklist, profile)
    applied = next((c.label(lang) for c in sheet_layout.columns
                    if c.field == lay.LEVEL and c.level_key == sheet_layout.applied_level_key), "-")
    title = checklist.title if lang == "ja" else checklist.title_en
    lines = title_block_lines(context, checklist, applied)
    lines.append(("集計: " if lang == "ja" else "Summary: ") + status_summary(result.items, lang))
    header_row = 1 + (1 if context.result.run.demo else 0) + len(lines) + 2
    writer = SheetWriter(workbook, safe_sheet_title(title, used), [c.width for c in sheet_layout.columns],
                         header_row + 1)
    writer.title_rows(context, title, lines)
    writer.append([])
    header_fills = [APPLIED_FILL if (c.field == lay.LEVEL and c.level_key == sheet_layout.applied_level_key)
                    else HEADER_FILL for c in sheet_layout.columns]
    writer.header([c.label(lang) for c in sheet_layout.columns], header_fills)
    results = {i.item_id: i for i in result.items}
    status_columns = [i for i, c in enumerate(sheet_layout.columns) if c.field == lay.STATUS]
    for item in checklist.items:
        item_result = results.get(item.id)
        if item_result is None:
            continue
        remarks = item_remarks(item_result, item, index, context.controls, lang)
        writer.append(_item_cells(writer, sheet_layout, item, item_result, remarks, lang, profile))
    last_row = writer.rows
    writer.filter_and_finish(header_row, last_row)
    if last_row > header_row:
        _status_validation(writer, status_columns, header_row + 1, last_row, lang)


def _item_cells(writer, sheet_layout, item: Item, item_result: ItemResult, remarks: str, lang, profile) -> list:
    cells = []
    fill = STATUS_FILLS[item_result.status]
    for column in sheet_layout.columns:
        if column.field == lay.LEVEL:
            applied = column.level_key == sheet_layout.applied_level_key
            cells.append(writer.cell(item.levels.get(column.level_key, ""), alignment=CENTRE, border=BORDER,
                                     font=BOLD if applied else None))
        elif column.field == lay.STATUS:
            answered = sheet_layout.answers(column, profile)
            cells.append(writer.cell(status_text(item_result.status, lang) if answered else "",
                                     fill=fill if answered else None, font=BOLD, alignment=CENTRE, border=BORDER))
        elif column.field == lay.REMARKS:
            cells.append(writer.cell(remarks, alignment=WRAP, border=BORDER))
        elif column.field == lay.ITEM_ID:
            cells.append(writer.cell(item.id, font=GREY, alignment=WRAP, border=BORDER))
        else:
            value = lay.item_field(item, column.field)
            alignment = CENTRE if column.field == lay.NUMBER else WRAP
            cells.append(writer.cell(value, alignment=alignment, border=BORDER))
    return cells


def _status_validation(writer: SheetWriter, columns: Sequence[int], first: int, last: int, lang: str) -> None:
    values = status_values(lang)
    validation = DataValidation(
        type="list", formula1='"' + ",".join(values) + '"', allow_blank=True, showErrorMessage=True,
        errorTitle="適用状況" if lang == "ja" else "Status",
        error=("一覧から選んでください: " if lang == "ja" else "Choose from the list: ") + " / ".join(values),
        promptTitle="適用状況" if lang == "ja" else "Status",
        prompt="一覧から選択" if lang == "ja" else "Choose from the list",
    )
    validation.showInputMessage = True
    writer.sheet.data_validations.append(validation)
    for index in columns:
        letter = get_column_letter(index + 1)
        cell_range = f"{letter}{first}:{letter}{last}"
        validation.add(cell_range)
        for status in Status:
            writer.sheet.conditional_formatting.add(
                cell_range,
                CellIsRule(operator="equal", formula=[f'"{status_text(status, lang)}"'], fill=STATUS_FILLS[status]),
            )


FINDING_COLUMNS = (
    ("status", 13), ("control_id", 22), ("check_id", 30), ("provider", 12), ("scope", 16), ("region", 15),
    ("resource_id", 36), ("resource_name", 24), ("reason", 48), ("observed", 48), ("expected", 36), ("source", 28),
    ("collected_jst", 22), ("related_items", 18),
)


def text_value(writer: SheetWriter, value: str):
    """A plain text cell: the bare string when it is safe (fast path), else a cell forced to text."""
    if value[:1] == "=" or ILLEGAL_CHARACTERS_RE.search(value) or len(value) > MAX_CELL:
        return writer.cell(value)
    return value


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
    header_row = 1 + (1 if context.result.run.demo else 0) + len(lines) + 2
    writer = SheetWriter(workbook, safe_sheet_title(title, used), [w for _, w in FINDING_COLUMNS], header_row + 1)
    writer.title_rows(context, title, lines)
    writer.append([])
    writer.header([text(key, lang) for key, _ in FINDING_COLUMNS])
    status_cells = {s: writer.cell(status_text(s, lang), fill=STATUS_FILLS[s]) for s in Status}
    related_text = {cid: ", ".join(dict.fromkeys(nums)) for cid, nums in related.items()}
    times: dict[object, str] = {}
    append = writer.sheet.append
    for f in findings:
        observed = json.dumps(redact(f.observed), ensure_ascii=False, separators=(",", ":"), default=str)
        when = times.get(f.collected_at)
        if when is None:
            when = times[f.collected_at] = jst(f.collected_at)
        append([
            status_cells[f.status], f.control_id, f.check_id, provider_name(f.provider), text_value(writer, f.scope),
            text_value(writer, f.region), text_value(writer, f.resource_id), text_value(writer, f.resource_name),
            text_value(writer, f.reason), text_value(writer, observed), text_value(writer, f.expected),
            text_value(writer, f.source), when, related_text.get(f.control_id, ""),
        ])
    writer.rows += len(findings)
    writer.filter_and_finish(header_row, writer.rows)


GAP_COLUMNS = (
    ("kind", 16), ("provider", 12), ("scope", 16), ("region", 15), ("source", 30), ("affected_types", 28),
    ("error_code", 18), ("message", 48), ("permission", 40), ("affected_controls", 30), ("collected_jst", 22),
)


def write_gaps_sheet(workbook: Workbook, context: ReportContext, used: set[str]) -> None:
    lang = context.lang
    title = text("gaps_sheet", lang)
    manual = not_automated(context.result)
    lines = [
        ("読めなかった API 呼び出しと、付与すれば読めるようになる権限。確認不能は適合として扱いません。"
         if lang == "ja" else
         "Calls that could not be made, and the permission that would let the tool read them. "
         "Unknown is never counted as a pass.")
    ]
    header_row = 1 + (1 if context.result.run.demo else 0) + len(lines) + 2
    writer = SheetWriter(workbook, safe_sheet_title(title, used), [w for _, w in GAP_COLUMNS], header_row + 1)
    writer.title_rows(context, title, lines)
    writer.append([])
    writer.header([text(key, lang) for key, _ in GAP_COLUMNS])
    affected = gap_controls(context.result)
    for gap in context.result.gaps:
        controls = affected.get((gap.provider, gap.scope, gap.region, gap.source), [])
        writer.plain([
            text("gap_kind_call", lang), provider_name(gap.provider), gap.scope, gap.region, gap.source,
            ", ".join(gap.resource_types), gap.error_code, gap.message, gap.permission, ", ".join(controls),
            jst(gap.collected_at),
        ])
    for control in manual:
        writer.plain([
            text("gap_kind_manual", lang), provider_name(control.provider), "", "", "", "", "", control.reason,
            "", control.control_id, "",
        ])
    if not context.result.gaps and not manual:
        writer.append([writer.cell(text("no_gaps", lang))])
    writer.filter_and_finish(header_row, writer.rows)


def write_run_sheet(workbook: Workbook, context: ReportContext, checklist: Checklist, result: ChecklistResult,
                    used: set[str]) -> None:
    lang, run = context.lang, context.result.run
    writer = SheetWriter(workbook, safe_sheet_title(text("run_sheet", lang), used), [30, 100], None)
    writer.title_rows(context, text("run_sheet", lang))
    writer.append([])

    def row(label: str, value: str) -> None:
        writer.append([writer.cell(label, font=BOLD, alignment=WRAP, border=BORDER),
                       writer.cell(value, alignment=WRAP, border=BORDER)])

    row(text("target", lang), run.target or "-")
    row(text("demo", lang), text("yes", lang) if run.demo else text("no", lang))
    row(text("run_id", lang), run.run_id)
    row(text("started", lang), f"{jst(run.started_at)}  (UTC {utc(run.started_at)})")
    row(text("finished", lang), f"{jst(run.finished_at)}  (UTC {utc(run.finished_at)})")
    row(text("tool_version", lang), run.tool_version)
    row(text("checklist", lang), f"{checklist.title} ({checklist.id})")
    row(text("checklist_version", lang), result.version or checklist.version or "-")
    if checklist.source:
        row("出典" if lang == "ja" else "Source", checklist.source)
    row(text("profile", lang), profile_text(run.profile, lang) or "-")
    for scope in run.providers:
        row(text("provider", lang), provider_origin(scope.provider, run.third_party_providers, lang))
        row(f"  {text('scopes', lang)}", ", ".join(scope.scopes) or "-")
        identity = "\n".join(f"{k}: {v}" for k, v in redact(dict(scope.identity)).items())
        row(f"  {text('identity', lang)}", identity or "-")
        row(f"  {text('regions', lang)}", ", ".join(scope.regions) or "-")
    row(text("summary", lang), status_summary(result.items, lang))
    row(text("findings_sheet", lang), _finding_counts(context, lang))
    row(text("gaps_sheet", lang), f"{len(context.result.gaps)}")
    writer.append([])
    writer.append([writer.cell(text("legend", lang), font=BOLD)])
    for status in (Status.PASS, Status.FAIL, Status.PARTIAL, Status.UNKNOWN, Status.MANUAL, Status.ATTESTED,
                   Status.INHERITED, Status.NOT_APPLICABLE):
        writer.append([
            writer.cell(status_text(status, lang), fill=STATUS_FILLS[status], font=BOLD, border=BORDER),
            writer.cell(status_meaning(status, lang), border=BORDER),
        ])


def _finding_counts(context: ReportContext, lang: str) -> str:
    counts = Counter(f.status for f in context.result.findings)
    order = (Status.PASS, Status.FAIL, Status.UNKNOWN, Status.NOT_APPLICABLE)
    joiner = "、" if lang == "ja" else ", "
    return joiner.join(f"{status_text(s, lang)} {counts[s]}" for s in order)


def write_workbook(context: ReportContext, checklist: Checklist, result: ChecklistResult, index: RunIndex,
                   target: Path) -> None:
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    write_checklist_sheet(workbook, context, checklist, result, index, used)
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
