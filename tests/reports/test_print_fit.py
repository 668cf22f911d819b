"""What a printed sheet can show: no cell holds more than a row at Excel's 409 pt limit prints, the sheets
fit one A4 landscape width at a readable scale, and no header or id is broken mid-word."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reports import printing
from reports.excel import renderer
from tests.reports.sample import ev, sample_evidence, write_all
from tests.reports.sheets import CHECKLIST_IDS

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
