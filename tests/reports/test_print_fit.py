"""What a printed sheet can show: no cell holds more than a row at Excel's 409 pt limit prints, the sheets
fit one A4 landscape width at a readable scale, and no header or id is broken mid-word."""

from __future__ import annotations

from itertools import pairwise

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from reports import printing
from reports.excel import renderer
from tests.reports.sample import ev, sample_evidence, write_all
from tests.reports.sheets import CHECKLIST_IDS, header_range, table

#: A KMS key id 3,000 characters long: its finding's Observed JSON is far more than one row can show.
LONG_KEY = "arn:aws:kms:ap-northeast-1:111122223333:key/" + "0123456789abcdef" * 190


@pytest.fixture(scope="module")
def long_values(catalogue, tmp_path_factory):
    """Workbooks (ja, en) of the sample plus a volume whose observed value and reason are very long."""
    long = ev("aws", "111122223333", "ap-northeast-1", "aws.ec2.volume", "vol-0long", "long-key", encrypted=False,
              kms=LONG_KEY)
    out = {}
    for lang in ("ja", "en"):
        directory = tmp_path_factory.mktemp(f"long-{lang}")
        write_all(catalogue, directory, {"xlsx": renderer}, lang=lang, evidence=(*sample_evidence(), long))
        out[lang] = directory
    return out


def cell_widths(sheet) -> dict[tuple[int, int], float]:
    """The width each cell wraps in: its column's, or the columns a merged cell spans."""
    def width(column: int) -> float:
        return sheet.column_dimensions[get_column_letter(column)].width or 10

    spans = {}
    for merged in sheet.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = sum(width(c) for c in range(merged.min_col, merged.max_col + 1))
    return {(cell.row, cell.column): spans.get((cell.row, cell.column), width(cell.column))
            for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}


def needed_height(text: str, width: float, size: float) -> float:
    return printing.lines_needed(text, width, size) * printing.LINE_HEIGHT * size / printing.BASE_FONT_SIZE \
        + printing.PADDING


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("checklist_id", CHECKLIST_IDS)
def test_no_cell_holds_more_than_a_row_at_the_height_limit_prints(long_values, checklist_id, lang):
    workbook = load_workbook(long_values[lang] / f"{checklist_id}.xlsx")
    for sheet in workbook.worksheets:
        widths = cell_widths(sheet)
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                    continue
                size = cell.font.sz or printing.BASE_FONT_SIZE
                need = needed_height(cell.value, widths[(cell.row, cell.column)], size)
                assert need <= printing.MAX_ROW_HEIGHT, f"{sheet.title}!{cell.coordinate}: {need:.0f} pt"
                height = sheet.row_dimensions[cell.row].height
                assert height is None or height <= printing.MAX_ROW_HEIGHT
                if not any(m.min_row <= cell.row <= m.max_row and m.max_row > m.min_row
                           for m in sheet.merged_cells.ranges if (m.min_row, m.min_col) == (cell.row, cell.column)):
                    room = height or printing.LINE_HEIGHT + printing.PADDING
                    assert need <= room + 1, f"{sheet.title}!{cell.coordinate} is clipped: {need:.0f} > {room:.0f} pt"


@pytest.mark.parametrize(("lang", "marker"), [("ja", "…（全文は results.json / snapshot.json）"),
                                              ("en", "… (in full in results.json)")])
def test_a_long_observed_value_is_cut_with_a_marker_saying_where_it_is_in_full(long_values, lang, marker):
    workbook = load_workbook(long_values[lang] / "ext-service-requirements.xlsx")
    sheet = workbook["検出結果" if lang == "ja" else "Findings"]
    cut = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.endswith(marker)]
    assert len(cut) == 1
    observed = cut[0][: -len(marker)]
    assert observed.startswith('{"Encrypted":false,"KmsKeyId":"arn:aws:kms:ap-northeast-1:111122223333:key/0123')
    assert 300 < len(observed) < len(LONG_KEY)
    results = (long_values[lang] / "results.json").read_text(encoding="utf-8")
    assert LONG_KEY in results, "the whole value stays in results.json"


def printed_widths(sheet) -> list[float]:
    """The widths of the columns a sheet prints: its print area's, or every column's."""
    last = sheet.max_column
    if sheet.print_area:
        area = sheet.print_area.split("!")[-1].replace("$", "").split(":")[1]
        last = column_index_from_string("".join(c for c in area if c.isalpha()))
    return [sheet.column_dimensions[get_column_letter(c)].width or 10 for c in range(1, last + 1)]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("checklist_id", CHECKLIST_IDS)
def test_checklist_and_findings_sheets_print_one_a4_width_at_a_readable_size(long_values, checklist_id, lang):
    """Fitted to one page wide, the checklist prints at about 80 % (11 pt text at 8.6 pt or more) and the
    findings and 確認不能 sheets at 8 pt or more: their technical columns (check, scope, call, time) stay
    outside the print area."""
    workbook = load_workbook(long_values[lang] / f"{checklist_id}.xlsx")
    checklist = workbook.worksheets[0]
    assert printing.fit_scale(printed_widths(checklist)) >= 0.78, checklist.title
    for name in (("検出結果", "Findings"), ("確認不能", "Could not read")):
        listing = workbook[name[0] if lang == "ja" else name[1]]
        assert printing.BASE_FONT_SIZE * printing.fit_scale(printed_widths(listing)) >= 8.0, listing.title
    findings = workbook["検出結果" if lang == "ja" else "Findings"]
    _, headers, _ = table(findings)
    printed = headers[: len(printed_widths(findings))]
    english = {"ja": ("判定", "統制ID", "リソースID", "理由", "観測値", "期待値", "関連項目"),
               "en": ("Status", "Control ID", "Resource ID", "Reason", "Observed", "Expected", "Related items")}
    assert set(english[lang]) <= set(printed)
    assert ("チェックID" if lang == "ja" else "Check ID") in headers[len(printed):]


@pytest.mark.parametrize("checklist_id", CHECKLIST_IDS)
def test_no_english_header_or_id_is_broken_mid_word(long_values, checklist_id):
    """Each column is at least as wide as its header's longest word (bold) and, in the findings, its longest
    control or check id, so a spreadsheet never wraps inside one ("Impleme|nter", "bucket_e|ncryption")."""
    workbook = load_workbook(long_values["en"] / f"{checklist_id}.xlsx")
    for sheet in (workbook.worksheets[0], workbook["Findings"]):
        first, last = header_range(sheet)
        for column in range(1, sheet.max_column + 1):
            width = sheet.column_dimensions[get_column_letter(column)].width or 10
            for row in range(first, last + 1):
                label = sheet.cell(row, column).value
                merged = any(m.min_row <= row <= m.max_row and m.min_col <= column <= m.max_col
                             and m.max_col > m.min_col for m in sheet.merged_cells.ranges)
                if label and not merged:
                    longest = max(label.split(), key=len)
                    assert width - 1.5 >= len(longest) * 1.1, f"{sheet.title} {label!r}: width {width}"
    findings = workbook["Findings"]
    _, headers, rows = table(findings)
    for header in ("Control ID", "Check ID"):
        index = headers.index(header)
        width = findings.column_dimensions[get_column_letter(index + 1)].width
        assert rows and all(width - 1.5 >= len(row[index]) for row in rows), header


def test_the_english_attestation_template_breaks_checklist_text_between_words_only():
    """The checklist's own words are printed as comments; in English they are broken at spaces, never inside
    a word ("Assessm|ent", "Low-I|mpact"), and a Japanese template keeps its fixed-width lines."""
    from auditor.checklists import Profile
    from auditor.commands.attest import template_text
    from auditor.run import load_catalogue

    checklist = load_catalogue().checklists["cloud-service-requirements"]
    english = template_text(checklist, Profile(), "en")
    comments = " ".join(line.strip()[2:] for line in english.splitlines() if line.strip().startswith("# "))
    spaced = [" ".join(item.text.split()) for item in checklist.items if " " in item.text.strip()]
    assert any("Assessment Program" in text for text in spaced) and any("Low-Impact" in text for text in spaced)
    for text in spaced:
        if text.split()[0] in comments:
            assert text in comments, f"broken inside a word: {text[:40]}…"
    japanese = template_text(checklist, Profile(), "ja")
    assert max(len(line) for line in japanese.splitlines() if line.startswith("  # ")) <= 104


def test_page_breaks_keep_blocks_whole_and_headings_with_the_rows_under_them():
    """Rows 1–9 are the title block (300 pt); 10 and 11 are headings, 12–15 a merged block that does not fit
    under them: the page breaks before the headings, not between them and the block."""
    heights = {**{r: 300 / 9 for r in range(1, 10)}, 10: 20.0, 11: 20.0, **{r: 80.0 for r in range(12, 16)},
               **{r: 60.0 for r in range(16, 30)}}
    breaks = printing.page_breaks(heights, 10, 29, [(12, 15)], repeated=40.0, scale=1.0, sticky=[10, 11])
    assert breaks[0] == 10
    page = printing.PRINTABLE_HEIGHT * printing.PAGE_FILL
    starts = [1, *breaks, 30]
    for start, end in pairwise(starts):
        assert sum(heights[r] for r in range(start, end)) + (40.0 if start > 1 else 0) <= page
    assert not any(12 < b <= 15 for b in breaks), "the block is not split"
