"""Each workbook printed to PDF by LibreOffice: A4 landscape, one page wide, a row's columns on one page.

LibreOffice lays the sheets out from what the file says (paper, orientation, fit to width, print titles,
row heights), as a printer driver would; the PDF is read back with pypdf. One conversion for all
workbooks, once per module.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from collections import Counter

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from reports import printing
from tests.reports.sheets import CHECKLIST_IDS, table

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
#: LibreOffice sizes columns by the workbook's font (Calibri); without a metric-compatible one it falls back to
#: a wider font and the sheets print about a quarter smaller than in Excel.
CALIBRI_METRICS = "carlito" in subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True).stdout.lower() \
    if shutil.which("fc-match") else False
A4_LANDSCAPE = (842, 595)  # points

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="needs LibreOffice Calc (Debian libreoffice-calc-nogui)"),
]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.fixture(scope="module")
def pdfs(written, tmp_path_factory):
    """The folder of the workbooks printed to PDF (``<checklist id>.pdf``)."""
    _, directory, _ = written
    work = tmp_path_factory.mktemp("print")
    sources = [directory / f"{checklist_id}.xlsx" for checklist_id in CHECKLIST_IDS]
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(work), *map(str, sources)],
        check=True, capture_output=True, timeout=240,
    )
    return work


@pytest.fixture(scope="module")
def printed(pdfs):
    """checklist id → the text of each printed page, in page order, plus the page sizes."""
    work = pdfs
    pages = {}
    for checklist_id in CHECKLIST_IDS:
        reader = PdfReader(work / f"{checklist_id}.pdf")
        pages[checklist_id] = [
            (round(float(p.mediabox.width)), round(float(p.mediabox.height)), squeeze(p.extract_text()))
            for p in reader.pages
        ]
    return pages


@pytest.mark.parametrize("checklist_id", CHECKLIST_IDS)
def test_every_page_is_a4_landscape(printed, checklist_id):
    sizes = {(w, h) for w, h, _ in printed[checklist_id]}
    assert sizes == {A4_LANDSCAPE}


@pytest.mark.parametrize("checklist_id", CHECKLIST_IDS)
def test_the_checklist_prints_one_page_wide_with_its_header_on_every_page(written, printed, catalogue, checklist_id):
    _, directory, _ = written
    sheet = load_workbook(directory / f"{checklist_id}.xlsx").worksheets[0]
    _, headers, _ = table(sheet)
    first_header, last_header = squeeze(headers[0]), squeeze(headers[-1])
    # every page of the checklist sheet shows its first and last header (print titles, and nothing pushed
    # off to the right onto a page of its own); no other sheet has an 項目ID column
    checklist_pages = [text for _, _, text in printed[checklist_id] if last_header in text]
    assert checklist_pages
    for text in checklist_pages:
        assert first_header in text and last_header in text
    items = len(catalogue.checklists[checklist_id].items)
    # printed at about 80 % (8–9 pt text), a page holds two to three items of the widest sheet (003)
    assert len(checklist_pages) <= math.ceil(items / 2.5), f"{len(checklist_pages)} pages for {items} items"
    # the whole workbook (checklist, findings, unreadable calls, run information) stays short
    assert len(printed[checklist_id]) <= len(checklist_pages) + 6


@pytest.mark.parametrize("checklist_id", CHECKLIST_IDS)
def test_every_column_of_a_row_lands_on_the_same_page(written, printed, checklist_id):
    _, directory, _ = written
    sheet = load_workbook(directory / f"{checklist_id}.xlsx").worksheets[0]
    _, headers, rows = table(sheet)
    id_col = headers.index("項目ID" if "項目ID" in headers else "Item ID")
    remarks_col = next(i for i, h in enumerate(headers) if h.startswith("備考"))
    text_col = next(i for i, h in enumerate(headers) if h in ("セキュリティ対策", "要件", "要件概要", "要求事項"))
    pages = [text for _, _, text in printed[checklist_id]]
    for row in rows:
        requirement = squeeze(row[text_col])
        on = [text for text in pages if requirement in text]
        assert on, f"{row[id_col]}: its requirement text is printed whole"
        parts = [squeeze(row[remarks_col])[:30], squeeze(str(row[id_col])), squeeze(str(row[0] or ""))]
        assert any(all(part in text for part in parts) for text in on), \
            f"{row[id_col]}: No, 備考 and 項目ID on the page of its requirement"


@pytest.mark.parametrize("checklist_id", CHECKLIST_IDS)
def test_a_merged_section_cell_is_never_split_across_pages(written, printed, checklist_id):
    """The rows beside a merged 区分 cell print on one page when they fit on one (001's 資格・認証※クラウド
    サービスプロバイダー(CSP) once left "(CSP)" alone at the top of page 2)."""
    _, directory, _ = written
    sheet = load_workbook(directory / f"{checklist_id}.xlsx").worksheets[0]
    header_row, headers, _ = table(sheet)
    first_header = int(sheet.print_title_rows.split(":")[0].strip("$"))
    id_col = headers.index("項目ID") + 1
    text_col = next(i for i, h in enumerate(headers) if h in ("セキュリティ対策", "要件", "要件概要", "要求事項")) + 1
    pages = [text for _, _, text in printed[checklist_id]]
    scale = printing.fit_scale(sheet.column_dimensions[get_column_letter(c)].width for c in range(1, id_col + 1))

    def height(row: int) -> float:
        return sheet.row_dimensions[row].height or printing.DEFAULT_ROW_HEIGHT

    page = printing.PRINTABLE_HEIGHT / scale * printing.PAGE_FILL - sum(map(height, range(first_header,
                                                                                          header_row + 1)))
    blocks = [m for m in sheet.merged_cells.ranges if m.min_row > header_row and m.max_row > m.min_row
              and m.min_col == m.max_col and m.min_col < text_col]
    if checklist_id in ("cloud-service-requirements", "infosec-requirements-annex4"):
        assert blocks and sheet.row_breaks.brk, "merged 区分 cells, and page breaks planned around them"
    for block in blocks:
        rows = range(block.min_row, block.max_row + 1)
        if sum(map(height, rows)) > page:
            continue  # taller than a page: it has to run on
        on = [{n for n, text in enumerate(pages)
               if squeeze(sheet.cell(r, text_col).value) in text and squeeze(sheet.cell(r, id_col).value) in text}
              for r in rows]
        assert set.intersection(*on), f"{block} ({sheet.cell(block.min_row, block.min_col).value}) split: {on}"


def test_every_sheet_prints_its_title_on_every_page(written, printed):
    """Each page carries its sheet's title in the page header, Run information's second page included."""
    _, directory, _ = written
    workbook = load_workbook(directory / "ext-service-requirements.xlsx")
    for sheet in workbook.worksheets:
        assert squeeze(sheet.oddHeader.center.text) == squeeze(sheet["A1"].value)
        assert sheet.print_title_rows, f"{sheet.title} repeats its title or header rows"
    titles = [squeeze(sheet["A1"].value) for sheet in workbook.worksheets]
    for _, _, text in printed["ext-service-requirements"]:
        assert any(text.startswith(title) for title in titles), text[:60]


def text_sizes(path) -> Counter:
    """How many characters a PDF prints at each effective font size (points, one decimal)."""
    sizes: Counter = Counter()

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes[round(size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]), 1)] += len(text.strip())

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.skipif(not CALIBRI_METRICS, reason="needs a font metric-compatible with Calibri (Debian "
                                                "fonts-crosextra-carlito): without it the columns print wider")
@pytest.mark.parametrize("checklist_id", CHECKLIST_IDS)
def test_the_printed_text_is_readable(pdfs, checklist_id):
    """Measured in the PDF as a reader holds it: the text of every sheet prints at about 8 pt or more (11 pt
    text at 8.4 pt or more, 備考's 10 pt at 7.6 pt or more); only the page header and footer are smaller."""
    sizes = text_sizes(pdfs / f"{checklist_id}.pdf")
    total = sum(sizes.values())
    assert sum(n for size, n in sizes.items() if size >= 7.6) / total >= 0.97, sorted(sizes.items())
    assert sum(n for size, n in sizes.items() if size >= 8.4) / total >= 0.2, sorted(sizes.items())


@pytest.mark.parametrize("checklist_id", ["infosec-requirements-annex4", "ext-service-selection-criteria",
                                          "usage-decision-criteria"])
def test_a_heading_row_prints_on_the_page_of_the_item_under_it(written, printed, checklist_id):
    _, directory, _ = written
    sheet = load_workbook(directory / f"{checklist_id}.xlsx").worksheets[0]
    header_row, headers, _ = table(sheet)
    text_col = next(i for i, h in enumerate(headers) if h in ("要件概要", "要求事項")) + 1
    pages = [text for _, _, text in printed[checklist_id]]
    headings = [r for r in range(header_row + 1, sheet.max_row) if sheet.cell(r, 1).fill.fgColor.rgb == "00D9E1F2"]
    assert headings
    for row in headings:
        below = next(r for r in range(row + 1, sheet.max_row + 1) if sheet.cell(r, text_col).value)
        heading, item = squeeze(sheet.cell(row, 1).value), squeeze(sheet.cell(below, text_col).value)
        assert any(heading in text and item in text for text in pages), f"{heading} left alone at a page's foot"
