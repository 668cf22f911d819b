"""Print set-up for every sheet: A4 landscape, one page wide, header rows repeated, rows tall enough.

openpyxl does not size rows to their wrapped text (Excel and LibreOffice keep the height stored in the
file), so each row's height is estimated from its texts and its column widths: a full-width character
(kanji, kana) takes about two width units at 11 pt, a half-width one about one; a row needs as many
lines as its fullest cell.

Write-only worksheets write their sheet properties (``fitToPage``), panes and column widths before the
first row, so :func:`prepare_page` must run before anything is appended.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from openpyxl.worksheet.page import PageMargins

A4 = 9  # the paperSize code of A4 in SpreadsheetML
#: Excel refuses taller rows (points).
MAX_ROW_HEIGHT = 409.0
BASE_FONT_SIZE = 11.0
#: One line of wrapped text at 11 pt, with the line spacing of the CJK fonts the sheets fall back to.
LINE_HEIGHT = 16.0
PADDING = 4.0


def text_units(text: str) -> float:
    """The width of a text in column-width units at 11 pt (full-width characters count about two).

    Counted from the UTF-8 length, which is fast for long texts: an ASCII character is one byte (one unit),
    a kana or kanji three (two units); other characters are counted at least as wide as they are."""
    if text.isascii():
        return float(len(text))
    return len(text) + (len(text.encode("utf-8")) - len(text)) / 2


def lines_needed(text: str, width: float, font_size: float = BASE_FONT_SIZE) -> int:
    """How many lines a wrapped text takes in a column ``width`` units wide."""
    usable = max(width - 1.5, 1.0)
    scale = font_size / BASE_FONT_SIZE
    return sum(max(1, math.ceil(text_units(part) * scale / usable)) for part in text.split("\n"))


def row_height(cells: Iterable[tuple[str, float, float]]) -> float | None:
    """The height (points) a row needs for its ``(text, column width, font size)`` cells; None for one line."""
    height = 0.0
    for text, width, font_size in cells:
        if not text or (len(text) * 2 * font_size / BASE_FONT_SIZE < width - 1.5 and "\n" not in text):
            continue  # fits on one line whatever its characters
        lines = lines_needed(text, width, font_size)
        height = max(height, lines * LINE_HEIGHT * font_size / BASE_FONT_SIZE + PADDING)
    if height <= LINE_HEIGHT + PADDING:
        return None
    return min(math.ceil(height), MAX_ROW_HEIGHT)


#: Of the lines a row at Excel's height limit holds, how many a cut text may fill: the estimate above counts
#: every half-width character as one unit, while a wrapped line ends early at a break and capitals are wider.
FILL = 0.8


def max_lines(font_size: float = BASE_FONT_SIZE) -> int:
    """How many wrapped lines fit in a row of :data:`MAX_ROW_HEIGHT`, kept to :data:`FILL` of them."""
    return max(1, math.floor((MAX_ROW_HEIGHT - PADDING) / (LINE_HEIGHT * font_size / BASE_FONT_SIZE) * FILL))


def fit_text(text: str, width: float, font_size: float, marker: str) -> str:
    """``text`` as it fits a row at Excel's height limit in a column ``width`` units wide: whole when it fits,
    else cut and ended with ``marker`` (which says where the whole text is)."""
    limit = max_lines(font_size)
    scale = font_size / BASE_FONT_SIZE
    if len(text) * 2 * scale / max(width - 1.5, 1.0) + text.count("\n") + 1 <= limit:
        return text  # fits however wide its characters (an upper bound of lines_needed; cheap)
    if lines_needed(text, width, font_size) <= limit:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest start of the text that fits with the marker
        middle = (low + high + 1) // 2
        if lines_needed(text[:middle] + marker, width, font_size) <= limit:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + marker


def prepare_page(sheet) -> None:
    """A4 landscape, fit to one page wide and as many pages tall as needed; narrow margins."""
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.paperSize = A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5, header=0.25, footer=0.25)
    sheet.print_options.horizontalCentered = True


def repeat_rows(sheet, first: int, last: int) -> None:
    """Print the header rows ``first``–``last`` on every page."""
    sheet.print_title_rows = f"{first}:{last}"
