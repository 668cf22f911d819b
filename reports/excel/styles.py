"""The cell styles every sheet of a checklist workbook shares: borders, header and status fills, fonts."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, PatternFill, Side

from reports.labels import STATUS_COLOURS
from reports.printing import font

_THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = font(bold=True, color="FFFFFF")
APPLIED_FILL = PatternFill("solid", fgColor="2E75B6")
TITLE_FONT = font(bold=True, size=14)
DEMO_FILL = PatternFill("solid", fgColor="C00000")
DEMO_FONT = font(bold=True, color="FFFFFF", size=12)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="top", wrap_text=True)
GREY = font(color="808080")
BOLD = font(bold=True)
#: 備考 is set a little smaller than the rest (10 pt, about 8 pt once a sheet is fitted to one A4 width).
REMARKS_FONT_SIZE = 10.0
SMALL = font(size=REMARKS_FONT_SIZE)
HEADING_FILL = PatternFill("solid", fgColor="D9E1F2")
NOTE_FONT = font(italic=True, color="404040")
WARNING_FONT = font(bold=True, color="C00000")
FORM_FILL = PatternFill("solid", fgColor="FFF2CC")
STATUS_FILLS = {s: PatternFill("solid", fgColor=c) for s, c in STATUS_COLOURS.items()}
