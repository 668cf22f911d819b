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
from collections.abc import Iterable, Mapping, Sequence

from openpyxl.styles import Font
from openpyxl.worksheet.page import PageMargins

A4 = 9  # the paperSize code of A4 in SpreadsheetML
#: Every styled cell's font is named and sized: a font without them is shown in the spreadsheet's own
#: default (LibreOffice: a wider serif), which breaks the widths the sheets are laid out for.
FONT_NAME = "Calibri"
#: Excel refuses taller rows (points).
MAX_ROW_HEIGHT = 409.0
BASE_FONT_SIZE = 11.0
#: One line of wrapped text at 11 pt, with the line spacing of the CJK fonts the sheets fall back to.
LINE_HEIGHT = 16.0
PADDING = 4.0


def font(size: float = BASE_FONT_SIZE, **style) -> Font:
    """A cell font in :data:`FONT_NAME` (11 pt unless ``size``), with ``bold``, ``italic`` or ``color``."""
    return Font(name=FONT_NAME, size=size, **style)


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


#: The printable width of A4 landscape with the margins :func:`prepare_page` sets (points).
PRINTABLE_WIDTH = 297 / 25.4 * 72 - 2 * 0.4 * 72
#: The smallest fit-to-width scale a sheet is laid out for: 11 pt text prints at about 9 pt.
MIN_SCALE = 0.8
#: A flexible column (requirement, 備考, reason) is not made narrower than this to reach :data:`MIN_SCALE`.
MIN_FLEXIBLE_WIDTH = 20.0
#: A bold header character is about this much wider than the body text's.
BOLD_FACTOR = 1.1


def column_points(width: float) -> float:
    """The printed width (points, at 100 %) of a column ``width`` units wide: 7 px a unit plus 5 px padding."""
    return (width * 7 + 5) * 0.75


def fit_scale(widths: Iterable[float]) -> float:
    """The scale a spreadsheet prints these columns at when they are fitted to one page wide."""
    return min(1.0, PRINTABLE_WIDTH / sum(column_points(w) for w in widths))


def word_width(text: str, bold: bool = True) -> float:
    """The width a column needs so that no word of ``text`` written with spaces (an English header, an id) is
    broken mid-word; text without spaces (Japanese) breaks anywhere and asks for nothing."""
    words = [w for w in text.split() if w.isascii()] if text.isascii() or " " in text else []
    if not words:
        return 0.0
    return max(text_units(w) for w in words) * (BOLD_FACTOR if bold else 1.0) + 2


def fit_widths(widths: Sequence[float], flexible: Iterable[int], scale: float = MIN_SCALE,
               weights: Mapping[int, float] | None = None) -> list[float]:
    """``widths`` with the ``flexible`` columns narrowed (not below :data:`MIN_FLEXIBLE_WIDTH`) until the sheet
    prints one page wide at ``scale`` or more; the other columns keep their width.

    The room left is shared in proportion to ``weights`` (how much text each flexible column holds, so that
    the rows come out as short as they can), or to the columns' own widths."""
    fitted, flexible = list(widths), [i for i in flexible if i < len(widths)]
    budget = PRINTABLE_WIDTH / scale - sum(column_points(w) for i, w in enumerate(fitted) if i not in flexible)
    if not flexible or sum(column_points(fitted[i]) for i in flexible) <= budget:
        return fitted
    share = {i: max((weights or {}).get(i, 0.0), 0.0) or fitted[i] for i in flexible}
    units = max((budget - 5 * 0.75 * len(flexible)) / (7 * 0.75), 0.0)  # width units the flexible columns get
    free = set(flexible)
    while free:  # share the units; a column held at its own width or at the floor leaves the rest to the others
        total = sum(share[i] for i in free)
        offer = {i: units * share[i] / total for i in free}
        held = {i: min(MIN_FLEXIBLE_WIDTH, widths[i]) for i in free if offer[i] < MIN_FLEXIBLE_WIDTH} or {
            i: widths[i] for i in free if offer[i] > widths[i]}
        if not held:
            for i in free:
                fitted[i] = float(math.floor(offer[i]))
            break
        for i, width in held.items():
            fitted[i] = width
            units -= width
            free.discard(i)
    return fitted


#: The printable height of A4 landscape with the margins :func:`prepare_page` sets (points, at 100 %).
PRINTABLE_HEIGHT = 210 / 25.4 * 72 - 2 * 0.5 * 72
#: Of a page's height, how much the breaks below plan to fill: row heights are estimates, and a spreadsheet
#: that finds a page fuller than planned breaks it itself, perhaps inside a merged cell.
PAGE_FILL = 0.9
#: The height a row without a stored height is counted at (one line, with room for CJK fallback fonts).
DEFAULT_ROW_HEIGHT = LINE_HEIGHT + PADDING


def page_breaks(heights: Mapping[int, float], first: int, last: int, blocks: Iterable[tuple[int, int]],
                repeated: float, scale: float, sticky: Iterable[int] = ()) -> list[int]:
    """The rows before which a page break keeps each block of rows (a merged 区分 cell and the items beside
    it) on one page, for rows ``first``–``last`` of a sheet printed at ``scale`` whose page repeats
    ``repeated`` points of header rows. Rows before ``first`` fill the first page. A block taller than a
    page cannot be kept together and runs on. A ``sticky`` row (a heading) goes to the next page with the
    row after it."""
    capacity = PRINTABLE_HEIGHT / scale * PAGE_FILL
    starts, held = {start: end for start, end in blocks}, set(sticky)
    height = [0.0] + [heights.get(row, DEFAULT_ROW_HEIGHT) for row in range(1, last + 1)]
    used = sum(height[1:first])
    breaks, row = [], first
    while row <= last:
        end = starts.get(row, row)
        need = sum(height[row:end + 1])
        if need > capacity - repeated:  # taller than a page: it cannot be kept together, so it runs on
            end, need = row, height[row]
        if used + need > capacity and used > repeated:
            moved = row
            while moved - 1 in held and moved - 1 >= first and moved - 1 > (breaks[-1] if breaks else 0):
                moved -= 1  # the headings above go with it
            breaks.append(moved)
            used = repeated + sum(height[moved:row])
        used += need
        row = end + 1
    return breaks


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


def page_title(sheet, title: str) -> None:
    """Print ``title`` at the top of every page and "page / pages" at the foot."""
    sheet.oddHeader.center.text = title.replace("&", "&&")
    sheet.oddHeader.center.size = 9
    sheet.oddFooter.center.text = "&P / &N"
    sheet.oddFooter.center.size = 8
