"""The checklist sheet in the seed's layout: title block, fill-in block, merged headers, items and answers.

Items stand in source order with their printed numbers, sections and verbatim texts, the sheet's
requirement-level columns, and the answer columns filled (適用状況 with the sheet's marks, 備考 with the
basis); a drop-down on the status column lets a vendor answer the remaining items, and the fill colour
follows the answer. Heading rows and printed exemption sentences stand where the seed prints them
(:mod:`reports.layout`); above the table, the profile questions that decide applicability, answered in
plain words, and any answer that contradicts the profile.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from auditor.checklists import Checklist, Item
from auditor.model import ChecklistResult, ItemResult
from auditor.plugins import ReportContext
from auditor.profile_checks import profile_conflicts
from auditor.status import Status
from reports import layout as lay
from reports import printing
from reports.excel.sheet_names import safe_sheet_title
from reports.excel.sheet_writer import SheetWriter
from reports.excel.styles import (
    APPLIED_FILL,
    BOLD,
    BORDER,
    CENTRE,
    FORM_FILL,
    GREY,
    HEADER_FILL,
    HEADING_FILL,
    NOTE_FONT,
    REMARKS_FONT_SIZE,
    SMALL,
    STATUS_FILLS,
    WARNING_FONT,
    WRAP,
)
from reports.labels import STATUS_ORDER, jst, provider_name, status_text, status_values, utc
from reports.profile_questions import profile_answers
from reports.remarks import RunIndex, item_remarks


def title_block_lines(context: ReportContext, checklist: Checklist | None, applied: str,
                      placed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The lines above a checklist table: what was audited and when, the profile questions and their answers,
    the sentence saying which level column was applied and why, and the checklist's notes not printed inside
    the table."""
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
    lines.append(applied)
    if checklist is not None and checklist.notes:
        lines.extend(line for line in checklist.notes.splitlines() if line.strip() not in placed)
    return lines


def status_summary(results: Sequence[ItemResult], lang: str) -> str:
    counts = Counter(i.status for i in results)
    parts = [f"{status_text(s, lang)} {counts[s]}" for s in STATUS_ORDER if counts[s]]
    total = f"（全 {len(results)} 項目）" if lang == "ja" else f" ({len(results)} items)"
    return ("、".join(parts) if lang == "ja" else ", ".join(parts)) + total


def form_values(context: ReportContext) -> dict[str, str]:
    """What the run knows for a fill-in block: the service's and the provider's names and who filled it in
    (the profile's ``service_name``, ``provider_name`` and ``respondent``; the audited target's name when no
    service name is given), and the day it was audited (JST). A field the profile leaves out stays empty for
    the vendor to write by hand."""
    run = context.result.run
    profile = run.profile
    return {lay.FORM_NAME: profile.get("service_name") or run.target, lay.FORM_VENDOR: profile.get("provider_name", ""),
            lay.FORM_WRITER: profile.get("respondent", ""), lay.FORM_DATE: jst(run.started_at)[:10]}


def write_checklist_sheet(
    workbook: Workbook, context: ReportContext, checklist: Checklist, result: ChecklistResult, index: RunIndex,
    used: set[str],
) -> None:
    lang = context.lang
    profile = dict(context.result.run.profile)
    sheet_layout = lay.layout_for(checklist, profile)
    title = checklist.title if lang == "ja" else checklist.title_en
    lines = title_block_lines(context, checklist, sheet_layout.applied_sentence(checklist, profile, lang),
                              sheet_layout.placed_texts())
    lines.append(("集計: " if lang == "ja" else "Summary: ") + status_summary(result.items, lang))
    warnings = [c.text(lang) for c in profile_conflicts(context.result, {checklist.id: checklist})]
    form_rows = (len(sheet_layout.form) + 1) // 2
    first_header = (1 + (1 if context.result.run.demo else 0) + form_rows + len(lines) + len(warnings) + 2)
    header_row = first_header + sheet_layout.header_depth - 1
    sheet_title = title if lang == "ja" or not checklist.sheet_title_en else checklist.sheet_title_en
    results = {i.item_id: i for i in result.items}
    remarks = {item.id: item_remarks(results[item.id], item, index, context.controls, lang)
               for item in checklist.items if item.id in results}
    texts = {lay.REMARKS: list(remarks.values()), **{
        field: [lay.item_field(item, field) for item in checklist.items] for field in (lay.TEXT, lay.EXAMPLE)}}
    writer = SheetWriter(workbook, safe_sheet_title(sheet_title, used), column_widths(sheet_layout, lang, texts),
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
    status_columns = [i for i, c in enumerate(sheet_layout.columns) if c.field == lay.STATUS]
    sizes = [REMARKS_FONT_SIZE if c.field == lay.REMARKS else printing.BASE_FONT_SIZE for c in sheet_layout.columns]
    sections = SectionMerger(writer, sheet_layout.index_of(lay.SECTION))
    sticky: list[int] = []  # heading and sentence rows: printed on the page of the rows beneath them
    for row in lay.body_rows(checklist, sheet_layout):
        if row.kind == "heading":
            sticky.append(writer.banner(row.text, font=BOLD, fill=HEADING_FILL, border=BORDER))
            continue
        if row.kind == "note":
            sticky.append(writer.banner(row.text, font=NOTE_FONT, border=BORDER, first=2))
            continue
        item_result = results.get(row.item.id)
        if item_result is None:
            continue
        written = writer.sized(_item_cells(writer, sheet_layout, checklist, row.item, item_result,
                                           remarks[row.item.id], lang, profile), sizes)
        sections.add(written, row.item.section)
    sections.close()
    last_row = writer.rows
    writer.filter_and_finish(header_row, last_row, first_header)
    writer.keep_together(header_row + 1, sections.blocks, (first_header, header_row), sticky)
    if last_row > header_row:
        _status_validation(writer, status_columns, header_row + 1, last_row, lang)


def column_widths(sheet_layout: lay.SheetLayout, lang: str, texts: Mapping[str, Sequence[str]] | None = None,
                  ) -> list[float]:
    """The columns' widths as printed: each at least its header's longest word (so "Implementer" is never
    broken), then the requirement, example and 備考 columns narrowed until the sheet prints one A4 width at
    :data:`reports.printing.MIN_SCALE` or more, sharing the room by how much text each holds (``texts``: the
    cells of each of these fields)."""
    widths = [max(c.width, printing.word_width(c.label(lang))) for c in sheet_layout.columns]
    flexible = [i for i, c in enumerate(sheet_layout.columns) if c.field in (lay.TEXT, lay.EXAMPLE, lay.REMARKS)]
    sizes = {lay.REMARKS: REMARKS_FONT_SIZE / printing.BASE_FONT_SIZE}
    weights = {i: sum(map(printing.text_units, (texts or {}).get(c.field, ()))) * sizes.get(c.field, 1.0)
               for i, c in enumerate(sheet_layout.columns) if i in flexible}
    return printing.fit_widths(widths, flexible, weights=weights if texts else None)


class SectionMerger:
    """Merges a section cell down over the items beneath it whose section is blank, as the seed's merged
    区分 / 項目 cells read (a heading or sentence row in between ends the merge)."""

    def __init__(self, writer: SheetWriter, columns: Sequence[int]) -> None:
        self.writer, self.columns = writer, list(columns)
        self.start = self.end = 0
        self.blocks: list[tuple[int, int]] = []  # the merged rows, kept on one printed page

    def add(self, row: int, section: str) -> None:
        if not section and self.start and row == self.end + 1:
            self.end = row
            return
        self.close()
        self.start = self.end = row if section else 0

    def close(self) -> None:
        if self.start and self.end > self.start and self.columns:
            self.blocks.append((self.start, self.end))
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
        first_value = min(max(first_label + 1, middle), len(widths) - 3)
        spans = [(0, first_label), (first_label + 1, first_value)]
        if len(pair) > 1:
            second_label = min(span(first_value + 1, labels[1]), len(widths) - 2)
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
        height = printing.row_height((value, sum(widths[first:last + 1]), printing.BASE_FONT_SIZE)
                                     for (first, last), value in zip(spans, texts, strict=True))
        if height is not None:
            writer.sheet.row_dimensions[row].height = height
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
