"""Writing one sheet of a workbook in openpyxl's write-only mode: styled rows, merged headers, print set-up.

A write-only sheet writes each row as it is appended, so print set-up, panes and column widths are set
when the sheet is made, and each row's height before the row goes out (:mod:`reports.printing`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from auditor.plugins import ReportContext
from reports import printing
from reports.excel.sheet_names import safe_sheet_title
from reports.excel.styles import BORDER, CENTRE, DEMO_FILL, DEMO_FONT, GREY, HEADER_FILL, HEADER_FONT, TITLE_FONT, WRAP
from reports.labels import text

MAX_CELL = 32_000  # Excel refuses cells longer than 32,767 characters


def clean(value: Any) -> Any:
    """A cell value Excel accepts: no control characters, not longer than a cell may be."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value if len(value) <= MAX_CELL else value[:MAX_CELL] + "…"


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

    def sized(self, values: Sequence[Any], sizes: Sequence[float] | None = None,
              markers: Mapping[int, str] | None = None) -> int:
        """Append a row as tall as its wrapped texts need (``sizes``: font size per column, 11 pt if not given).

        A text too long for a row at Excel's height limit is cut to what fits and ended with the column's
        marker (``markers``, by 0-based column; "…" if not given), so that no cell prints cut off mid-text."""
        texts = []
        for i, value in enumerate(values):
            text_ = value.value if isinstance(value, Cell) else value
            if isinstance(text_, str):
                size = sizes[i] if sizes else printing.BASE_FONT_SIZE
                fitted = printing.fit_text(text_, self._width(i), size, (markers or {}).get(i, "…"))
                if fitted is not text_:
                    if isinstance(value, Cell):
                        value.value = fitted
                    else:
                        values = [*values[:i], fitted, *values[i + 1:]]
                    text_ = fitted
            texts.append(text_)
        height = printing.row_height(
            (t, self._width(i), sizes[i] if sizes else printing.BASE_FONT_SIZE)
            for i, t in enumerate(texts) if isinstance(t, str))
        if height is not None:
            self.sheet.row_dimensions[self.rows + 1].height = height
        return self.append(values)

    def _width(self, index: int) -> float:
        return self.widths[index] if index < self.width else 10

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
        printing.page_title(self.sheet, title)
        self.append([self.cell(title, font=TITLE_FONT)])
        if context.result.run.demo:
            self.banner(text("demo_banner", context.lang), font=DEMO_FONT, fill=DEMO_FILL)
        for line in extra:
            self.banner(line, font=GREY)

    def filter_and_finish(self, header_row: int, last_row: int, first_header_row: int | None = None) -> None:
        last = max(last_row, header_row)
        self.sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(self.width)}{last}"
        printing.repeat_rows(self.sheet, first_header_row or header_row, header_row)


    def keep_together(self, first: int, blocks: Sequence[tuple[int, int]], header: tuple[int, int],
                      sticky: Sequence[int] = ()) -> None:
        """Page breaks so that no block of rows (``(first row, last row)``, a merged cell's) is split across
        pages, for the rows from ``first`` on, the ``header`` rows repeating on every page; a ``sticky`` row
        (a heading) moves to the next page with the rows under it."""
        dimensions = self.sheet.row_dimensions
        heights = {row: dimensions[row].height for row in range(1, self.rows + 1)
                   if row in dimensions and dimensions[row].height}
        repeated = sum(heights.get(row, printing.DEFAULT_ROW_HEIGHT) for row in range(header[0], header[1] + 1))
        scale = printing.fit_scale(self.widths)
        for row in printing.page_breaks(heights, first, self.rows, blocks, repeated, scale, sticky):
            self.sheet.row_breaks.append(Break(id=row - 1))


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


def listing_sheet(workbook: Workbook, context: ReportContext, title: str, lines: Sequence[str],
                  columns: Sequence[tuple[str, float]], used: set[str]) -> tuple[SheetWriter, int]:
    """A sheet that lists one thing a row: the title, ``lines`` of notes, a blank row, then the header of
    ``columns`` (label key, width), frozen below it. Returns the writer and the header row."""
    header_row = 1 + (1 if context.result.run.demo else 0) + len(lines) + 2
    writer = SheetWriter(workbook, safe_sheet_title(title, used), [w for _, w in columns], header_row + 1)
    writer.title_rows(context, title, lines)
    writer.append([])
    writer.header([text(key, context.lang) for key, _ in columns])
    return writer, header_row
