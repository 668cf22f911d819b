"""One Excel workbook per checklist (``<checklist-id>.xlsx``), in the municipality's own columns.

Sheets:

1. the checklist itself — items in source order with their printed numbers, sections and verbatim
   texts, the sheet's requirement-level columns, and the answer columns filled (適用状況 with the
   sheet's marks, 備考 with the basis); a drop-down on the status column lets a vendor answer the
   remaining items in the workbook, and the fill colour follows the answer;
2. アカウント別 — for a run with several accounts of one cloud, each item's status per account
   (:mod:`reports.by_scope`);
3. 検出結果 — the findings of the controls this checklist uses (beyond 5,000 of them, those that are
   not a pass; see :func:`write_findings_sheet`);
4. 確認不能 — every call that could not be made, with the permission that would fix it, and the
   controls no check decides on a cloud;
5. 実行情報 — who audited what, when (JST with UTC), with which tool and checklist versions and profile.

The checklist sheet reads like the seed: its fill-in block (001), the merged header cells, heading rows
and printed exemption sentences where the seed prints them (see :mod:`reports.layout`); above it, the
profile questions that decide applicability, answered in plain words, and any answer that contradicts
the profile. Every sheet prints A4 landscape, one page wide, header rows on every page, rows as tall
as their wrapped text (:mod:`reports.printing`).

Written with openpyxl's write-only mode, which keeps a 10,000-finding run fast; print set-up, panes and
column widths are therefore set before the first row, and each row's height before it is appended.
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
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from auditor.checklists import Checklist, Item
from auditor.model import ChecklistResult, ItemResult
from auditor.plugins import ContentPiece, ReportContext
from auditor.profile_checks import profile_conflicts
from auditor.redaction import redact
from auditor.status import Status
from reports import layout as lay
from reports import printing
from reports.by_scope import SHEET_TITLE as SCOPE_SHEET_TITLE
from reports.by_scope import write_scope_sheet
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
from reports.profile_questions import profile_answers
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
SMALL = Font(size=9)
REMARKS_FONT_SIZE = 9.0
HEADING_FILL = PatternFill("solid", fgColor="D9E1F2")
NOTE_FONT = Font(italic=True, color="404040")
WARNING_FONT = Font(bold=True, color="C00000")
FORM_FILL = PatternFill("solid", fgColor="FFF2CC")
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


#: Excel's limit on a sheet name.
MAX_SHEET_TITLE = 31
#: Words a shortened English name does not end on ("Security requirements for" → "Security requirements").
DANGLING_WORDS = frozenset({"a", "an", "and", "by", "for", "in", "of", "on", "or", "the", "to", "with"})


def shorten_title(title: str, limit: int = MAX_SHEET_TITLE) -> str:
    """``title`` in at most ``limit`` characters, never cut mid-word.

    A name written with spaces (English) loses its bracketed asides first, then whole words from the end,
    and does not end on a connecting word or punctuation. A name without spaces (Japanese) is cut at
    ``limit`` characters, the only place left.
    """
    if len(title) <= limit:
        return title
    if " " not in title.strip():
        return title[:limit]
    shorter = title
    while len(shorter) > limit and re.search(r"\s*\([^()]*\)", shorter):
        shorter = re.sub(r"\s*\([^()]*\)(?!.*\()", "", shorter, count=1).strip()
    words = shorter.split()
    while words and (len(" ".join(words)) > limit or words[-1].lower().strip(":,;-") in DANGLING_WORDS
                     or not words[-1].strip(":,;-")):
        words.pop()
    name = " ".join(words).rstrip(":,;- ")
    return name or title.split()[0][:limit]


def safe_sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet name for ``title``: shortened by whole words (see :func:`shorten_title`)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", title).strip("'").strip() or "Sheet"
    candidate, n = shorten_title(base), 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = shorten_title(base, MAX_SHEET_TITLE - len(suffix)) + suffix, n + 1
    used.add(candidate)
    return candidate


class SheetWriter:
    """Appends styled rows to a write-only sheet; strings are always stored as text, never formulas.

    Print set-up, panes and column widths go out with the sheet's first row, so they are set here.
    """

    def __init__(self, workbook: Workbook, title: str, widths: Sequence[float], freeze_row: int | None) -> None:
        self.sheet = workbook.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        if freeze_row:
            self.sheet.freeze_panes = f"A{freeze_row}"
        printing.prepare_page(self.sheet)
        self.rows = 0
        self.widths = tuple(widths)
        self.width = len(widths)
        self._pool: dict[int, Cell] = {}

    def text_cells(self, values: Sequence[str], first: int = 0) -> list[Cell]:
        """Wrapped text cells for one row, from column ``first`` (0-based) on, forced to text and cleaned.

        One styled cell per column is kept and refilled: a write-only sheet writes each row as it is
        appended, and styling a fresh cell per value is what makes a 10,000-row sheet slow."""
        cells = []
        for index, value in enumerate(values, start=first):
            cell = self._pool.get(index)
            if cell is None:
                cell = self._pool[index] = self.cell("", alignment=WRAP)
            cell.value = clean(value)
            cell.data_type = "s"
            cells.append(cell)
        return cells

    def sized(self, values: Sequence[Any], sizes: Sequence[float] | None = None) -> int:
        """Append a row as tall as its wrapped texts need (``sizes``: font size per column, 11 pt if not given)."""
        texts = [(v.value if isinstance(v, Cell) else v) for v in values]
        height = printing.row_height(
            (t, self.widths[i] if i < self.width else 10, sizes[i] if sizes else printing.BASE_FONT_SIZE)
            for i, t in enumerate(texts) if isinstance(t, str))
        if height is not None:
            self.sheet.row_dimensions[self.rows + 1].height = height
        return self.append(values)

    def banner(self, value: str, *, font=None, fill=None, border=None, first: int = 1) -> int:
        """A row whose text spans the whole width (merged from column ``first``), wrapped, tall enough."""
        span = sum(self.widths[first - 1:]) or 10
        height = printing.row_height([(value, span, font.size if font is not None and font.size else 11)])
        row = self.rows + 1
        if height is not None:
            self.sheet.row_dimensions[row].height = height
        cells = [self.cell("") for _ in range(first - 1)]
        cells.append(self.cell(value, font=font, fill=fill, alignment=WRAP, border=border))
        cells.extend(self.cell("", fill=fill, border=border) for _ in range(self.width - first))
        if self.width > first:
            self.sheet.merged_cells.add(f"{get_column_letter(first)}{row}:{get_column_letter(self.width)}{row}")
        return self.append(cells)

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
        return self.sized([self.cell(v, alignment=alignment, border=BORDER) for v in values])

    def header(self, labels: Sequence[str], fills: Sequence[PatternFill] | None = None) -> int:
        return self.header_rows([(label,) for label in labels], fills)

    def header_rows(self, paths: Sequence[Sequence[str]], fills: Sequence[PatternFill] | None = None) -> int:
        """The header as the seed prints it: each column's path of labels from the top; a group label spans
        the neighbouring columns under the same group, and a column's own label reaches down to the last
        header row. Returns the last header row."""
        depth = max(len(path) for path in paths)
        spans = header_spans(paths)
        first = self.rows + 1
        heights = [printing.LINE_HEIGHT + printing.PADDING] * depth
        for level, start, end, bottom, label in spans:
            need = printing.row_height([(label, sum(self.widths[start:end + 1]), printing.BASE_FONT_SIZE)])
            if need is None:
                continue
            have = sum(heights[level:bottom + 1])
            if need > have:
                heights[bottom] += need - have
        by_cell = {(level, start): label for level, start, _, _, label in spans}
        for level in range(depth):
            self.sheet.row_dimensions[first + level].height = min(heights[level], printing.MAX_ROW_HEIGHT)
            self.append([
                self.cell(by_cell.get((level, index), ""), font=HEADER_FONT,
                          fill=(fills[index] if fills else HEADER_FILL), alignment=CENTRE, border=BORDER)
                for index in range(len(paths))
            ])
        for level, start, end, bottom, _ in spans:
            if end > start or bottom > level:
                self.sheet.merged_cells.add(
                    f"{get_column_letter(start + 1)}{first + level}:{get_column_letter(end + 1)}{first + bottom}")
        return self.rows

    def title_rows(self, context: ReportContext, title: str, extra: Sequence[str] = ()) -> None:
        self.append([self.cell(title, font=TITLE_FONT)])
        if context.result.run.demo:
            self.banner(text("demo_banner", context.lang), font=DEMO_FONT, fill=DEMO_FILL)
        for line in extra:
            self.banner(line, font=GREY)

    def filter_and_finish(self, header_row: int, last_row: int, first_header_row: int | None = None) -> None:
        last = max(last_row, header_row)
        self.sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(self.width)}{last}"
        printing.repeat_rows(self.sheet, first_header_row or header_row, header_row)


def header_spans(paths: Sequence[Sequence[str]]) -> list[tuple[int, int, int, int, str]]:
    """Merged header cells as ``(level, first column, last column, bottom level, label)``, 0-based."""
    depth = max(len(path) for path in paths)
    spans = []
    for level in range(depth):
        index = 0
        while index < len(paths):
            path = paths[index]
            if level >= len(path):
                index += 1
                continue
            end = index
            if level < len(path) - 1:  # a group label: spans the neighbours under the same group
                while (end + 1 < len(paths) and len(paths[end + 1]) > level + 1
                       and tuple(paths[end + 1][: level + 1]) == tuple(path[: level + 1])):
                    end += 1
                spans.append((level, index, end, level, path[level]))
            else:  # the column's own label reaches down to the last header row
                spans.append((level, index, index, depth - 1, path[level]))
            index = end + 1
    return spans


def title_block_lines(context: ReportContext, checklist: Checklist | None, applied: str,
                      placed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The lines above a checklist table: what was audited and when, the profile questions and their answers,
    the level column applied, and the checklist's notes not printed inside the table."""
    run, lang = context.result.run, context.lang
    lines = []
    target = run.target or "-"
    when = f"{jst(run.started_at)}（UTC {utc(run.started_at)}）" if lang == "ja" else \
        f"{jst(run.started_at)} (UTC {utc(run.started_at)})"
    clouds = ", ".join(f"{provider_name(p.provider)} {'/'.join(p.scopes)}" for p in run.providers) or "-"
    if lang == "ja":
        lines.append(f"監査対象: {target} ／ 実施: {when} ／ 対象クラウド: {clouds} ／ 実行ID: {run.run_id}")
    else:
        lines.append(f"Audited: {target} / run: {when} / clouds: {clouds} / run id: {run.run_id}")
    lines.extend(profile_answers(run.profile, lang))
    lines.append(f"{text('applied_column', lang)}: {applied}")
    if checklist is not None and checklist.notes:
        lines.extend(line for line in checklist.notes.splitlines() if line.strip() not in placed)
    return lines


def status_summary(results: Sequence[ItemResult], lang: str) -> str:
    counts = Counter(i.status for i in results)
    parts = [f"{status_text(s, lang)} {counts[s]}" for s in STATUS_ORDER if counts[s]]
    total = f"（全 {len(results)} 項目）" if lang == "ja" else f" ({len(results)} items)"
    return ("、".join(parts) if lang == "ja" else ", ".join(parts)) + total


def form_values(context: ReportContext) -> dict[str, str]:
    """What the run knows for a fill-in block: the service's name and the day it was audited (JST).
    The provider's name and who filled it in are the vendor's to write."""
    run = context.result.run
    return {lay.FORM_NAME: run.target, lay.FORM_DATE: jst(run.started_at)[:10]}


def write_checklist_sheet(
    workbook: Workbook, context: ReportContext, checklist: Checklist, result: ChecklistResult, index: RunIndex,
    used: set[str],
) -> None:
    lang = context.lang
    profile = dict(context.result.run.profile)
    sheet_layout = lay.layout_for(checklist, profile)
    title = checklist.title if lang == "ja" else checklist.title_en
    lines = title_block_lines(context, checklist, sheet_layout.applied_label(lang), sheet_layout.placed_texts())
    lines.append(("集計: " if lang == "ja" else "Summary: ") + status_summary(result.items, lang))
    warnings = [c.text(lang) for c in profile_conflicts(context.result, {checklist.id: checklist})]
    form_rows = (len(sheet_layout.form) + 1) // 2
    first_header = (1 + (1 if context.result.run.demo else 0) + form_rows + len(lines) + len(warnings) + 2)
    header_row = first_header + sheet_layout.header_depth - 1
    sheet_title = title if lang == "ja" or not checklist.sheet_title_en else checklist.sheet_title_en
    writer = SheetWriter(workbook, safe_sheet_title(sheet_title, used), [c.width for c in sheet_layout.columns],
                         header_row + 1)
    writer.title_rows(context, title)
    _form_rows(writer, sheet_layout, form_values(context), lang)
    for line in lines:
        writer.banner(line, font=GREY)
    for line in warnings:
        writer.banner(line, font=WARNING_FONT)
    writer.append([])
    header_fills = [APPLIED_FILL if sheet_layout.is_applied(c) else HEADER_FILL for c in sheet_layout.columns]
    writer.header_rows([c.header_path(lang) for c in sheet_layout.columns], header_fills)
    results = {i.item_id: i for i in result.items}
    status_columns = [i for i, c in enumerate(sheet_layout.columns) if c.field == lay.STATUS]
    sizes = [REMARKS_FONT_SIZE if c.field == lay.REMARKS else printing.BASE_FONT_SIZE for c in sheet_layout.columns]
    sections = SectionMerger(writer, sheet_layout.index_of(lay.SECTION))
    for row in lay.body_rows(checklist, sheet_layout):
        if row.kind == "heading":
            writer.banner(row.text, font=BOLD, fill=HEADING_FILL, border=BORDER)
            continue
        if row.kind == "note":
            writer.banner(row.text, font=NOTE_FONT, border=BORDER, first=2)
            continue
        item_result = results.get(row.item.id)
        if item_result is None:
            continue
        remarks = item_remarks(item_result, row.item, index, context.controls, lang)
        written = writer.sized(
            _item_cells(writer, sheet_layout, checklist, row.item, item_result, remarks, lang, profile), sizes)
        sections.add(written, row.item.section)
    sections.close()
    last_row = writer.rows
    writer.filter_and_finish(header_row, last_row, first_header)
    if last_row > header_row:
        _status_validation(writer, status_columns, header_row + 1, last_row, lang)


class SectionMerger:
    """Merges a section cell down over the items beneath it whose section is blank, as the seed's merged
    区分 / 項目 cells read (a heading or sentence row in between ends the merge)."""

    def __init__(self, writer: SheetWriter, columns: Sequence[int]) -> None:
        self.writer, self.columns = writer, list(columns)
        self.start = self.end = 0

    def add(self, row: int, section: str) -> None:
        if not section and self.start and row == self.end + 1:
            self.end = row
            return
        self.close()
        self.start = self.end = row if section else 0

    def close(self) -> None:
        if self.start and self.end > self.start:
            for index in self.columns:
                letter = get_column_letter(index + 1)
                self.writer.sheet.merged_cells.add(f"{letter}{self.start}:{letter}{self.end}")
        self.start = self.end = 0


def _form_rows(writer: SheetWriter, sheet_layout: lay.SheetLayout, values: dict[str, str], lang: str) -> None:
    """001's fill-in block, two fields a row as the seed prints it: label, value (filled where the run knows it).
    Each label spans as many columns as its text needs; the first value reaches the middle of the sheet."""
    fields = sheet_layout.form
    widths = writer.widths
    middle = next((i for i in range(len(widths)) if sum(widths[:i + 1]) >= sum(widths) / 2), len(widths) - 1)

    def span(start: int, text_: str) -> int:
        need, end = printing.text_units(text_) + 2, start
        while end + 1 < len(widths) and sum(widths[start:end + 1]) < need:
            end += 1
        return end

    for pair in (fields[i:i + 2] for i in range(0, len(fields), 2)):
        labels = [f.label(lang) for f in pair]
        first_label = span(0, labels[0])
        first_value = max(first_label + 1, middle)
        spans = [(0, first_label), (first_label + 1, first_value)]
        if len(pair) > 1:
            second_label = span(first_value + 1, labels[1])
            spans += [(first_value + 1, second_label), (second_label + 1, len(widths) - 1)]
        cells = []
        texts = [labels[0], values.get(pair[0].key, "")] + (
            [labels[1], values.get(pair[1].key, "")] if len(pair) > 1 else [])
        for n, ((first, last), value) in enumerate(zip(spans, texts, strict=True)):
            is_label = n % 2 == 0
            style = {"font": BOLD} if is_label else {"fill": FORM_FILL}
            cells.append(writer.cell(value, alignment=WRAP, border=BORDER, **style))
            cells.extend(writer.cell("", border=BORDER, **({} if is_label else {"fill": FORM_FILL}))
                         for _ in range(last - first))
        row = writer.rows + 1
        for first, last in spans:
            if last > first:
                writer.sheet.merged_cells.add(f"{get_column_letter(first + 1)}{row}:{get_column_letter(last + 1)}{row}")
        writer.append(cells)


def _item_cells(writer, sheet_layout, checklist: Checklist, item: Item, item_result: ItemResult, remarks: str, lang,
                profile) -> list:
    cells = []
    for column in sheet_layout.columns:
        if column.field == lay.LEVEL:
            applied = sheet_layout.is_applied(column)
            cells.append(writer.cell(item.levels.get(column.level_key, ""), alignment=CENTRE, border=BORDER,
                                     font=BOLD if applied else None))
        elif column.field == lay.STATUS:
            if not sheet_layout.answers(column, profile):
                cells.append(writer.cell("", font=BOLD, alignment=CENTRE, border=BORDER))
                continue
            status = item_result.status
            if column.role and lay.role_level(checklist, item, column.role, profile) in checklist.not_applicable_levels:
                status = Status.NOT_APPLICABLE  # this role's own column says the item does not apply to it
            cells.append(writer.cell(status_text(status, lang), fill=STATUS_FILLS[status], font=BOLD,
                                     alignment=CENTRE, border=BORDER))
        elif column.field == lay.REMARKS:
            cells.append(writer.cell(remarks, alignment=WRAP, border=BORDER, font=SMALL))
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
    header_row = 1 + (1 if context.result.run.demo else 0) + len(lines) + 2
    writer = SheetWriter(workbook, safe_sheet_title(title, used), [w for _, w in FINDING_COLUMNS], header_row + 1)
    writer.title_rows(context, title, lines)
    writer.append([])
    writer.header([text(key, lang) for key, _ in FINDING_COLUMNS])
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
        ), first=1)])
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
            ", ".join(gap.resource_types), gap.error_code, gap.message_in(lang), gap.permission, ", ".join(controls),
            jst(gap.collected_at),
        ])
    for control in manual:
        writer.plain([
            text("gap_kind_manual", lang), provider_name(control.provider), "", "", "", "", "", control.reason_in(lang),
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
        writer.sized([writer.cell(label, font=BOLD, alignment=WRAP, border=BORDER),
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
