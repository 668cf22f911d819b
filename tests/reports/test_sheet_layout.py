"""Each checklist workbook reads like the city's own sheet and is set up to print (openpyxl reading it back)."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from auditor.checklists import Profile
from auditor.run import evaluate
from reports import printing
from reports.excel import renderer
from reports.excel.styles import APPLIED_FILL
from tests.reports.sample import context_of, sample_attestations, sample_collected
from tests.reports.sheets import CHECKLIST_IDS, header_paths, header_range, table


def render(catalogue, directory, options=(), lang="ja", checklist_ids=None):
    """The sample run decided under a profile, written as workbooks; the first sheet of each, by checklist id."""
    checklists = [catalogue.checklists[i] for i in (checklist_ids or catalogue.checklists)]
    result = evaluate(catalogue, sample_collected(), checklists, Profile.from_options(options), sample_attestations())
    renderer.render(context_of(catalogue, result, lang), directory)
    return {c.id: load_workbook(directory / f"{c.id}.xlsx").worksheets[0] for c in checklists}


def merged_at(sheet, row: int, column: int):
    """The merged range that starts at a cell, or None."""
    return next((m for m in sheet.merged_cells.ranges if (m.min_row, m.min_col) == (row, column)), None)


def column_a(sheet) -> list[str]:
    return [str(sheet.cell(r, 1).value or "") for r in range(1, sheet.max_row + 1)]


def item_row(sheet, item_id: str) -> int:
    _, headers, _ = table(sheet)
    column = headers.index("項目ID") + 1
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, column).value == item_id)


@pytest.fixture(scope="module")
def default_sheets(catalogue, tmp_path_factory):
    return render(catalogue, tmp_path_factory.mktemp("layout-default"))


FORM_LABELS = ("外部サービス(クラウドサービス)名称", "記入日", "外部サービス(クラウドサービス)提供者名称", "記入者")


def form_fields(sheet, labels=FORM_LABELS) -> tuple[dict, list]:
    """001's fill-in block as printed: each label's value (the cell after its merged label) and the order."""
    fields, order = {}, []
    for row in range(2, 4):
        for column in range(1, sheet.max_column + 1):
            value = sheet.cell(row, column).value
            if value in labels:
                label_cells = merged_at(sheet, row, column)
                after = (label_cells.max_col if label_cells else column) + 1
                fields[value] = sheet.cell(row, after).value
                order.append(value)
    return fields, order


def test_cloud_requirements_fill_in_block_is_filled_from_the_run(default_sheets):
    fields, order = form_fields(default_sheets["cloud-service-requirements"])
    assert order == list(FORM_LABELS), "two fields a row, as the seed prints them, right under the title"
    assert fields["外部サービス(クラウドサービス)名称"] == "住民サービス基盤"
    assert fields["記入日"] == "2026-11-01", "the audit day in JST"
    # the provider's name and who filled it in are left for the vendor
    assert fields["外部サービス(クラウドサービス)提供者名称"] is None and fields["記入者"] is None


def test_cloud_requirements_fill_in_block_takes_the_names_given_in_the_profile(catalogue, tmp_path):
    """--profile-option service_name=… provider_name=… respondent=… fill the block; they decide nothing."""
    options = ["service_name=住民記録クラウド", "provider_name=株式会社サンプル", "respondent=山田 太郎"]
    (tmp_path / "named").mkdir()
    (tmp_path / "plain").mkdir()
    named = render(catalogue, tmp_path / "named", options, checklist_ids=["cloud-service-requirements"])
    fields, _ = form_fields(named["cloud-service-requirements"])
    assert fields["外部サービス(クラウドサービス)名称"] == "住民記録クラウド", "the service name, not the target"
    assert fields["外部サービス(クラウドサービス)提供者名称"] == "株式会社サンプル"
    assert fields["記入者"] == "山田 太郎"
    plain = render(catalogue, tmp_path / "plain", checklist_ids=["cloud-service-requirements"])
    assert table(named["cloud-service-requirements"])[2] == table(plain["cloud-service-requirements"])[2], \
        "the names change no item, status or remark"
    top = column_a(named["cloud-service-requirements"])[: header_range(named["cloud-service-requirements"])[0] - 1]
    assert not any("service_name=" in line for line in top), "not asked as a profile question"
    long_name = render(catalogue, tmp_path / "plain", ["respondent=情報セキュリティ責任者 山田 太郎"],
                       checklist_ids=["cloud-service-requirements"])["cloud-service-requirements"]
    cell = next(c for row in long_name.iter_rows(min_row=2, max_row=3) for c in row
                if c.value == "情報セキュリティ責任者 山田 太郎")
    width = long_name.column_dimensions[get_column_letter(cell.column)].width
    need = printing.lines_needed(cell.value, width) * printing.LINE_HEIGHT + printing.PADDING
    assert (long_name.row_dimensions[cell.row].height or 0) >= need, "the row is tall enough to show the name"
    english = render(catalogue, tmp_path / "named", ["respondent=Taro Yamada"], lang="en",
                     checklist_ids=["cloud-service-requirements"])
    fields, _ = form_fields(english["cloud-service-requirements"],
                            ("External (cloud) service name", "External (cloud) service provider", "Filled in by"))
    assert fields == {"External (cloud) service name": "住民サービス基盤", "External (cloud) service provider": None,
                      "Filled in by": "Taro Yamada"}


def test_cloud_requirements_exemption_rows_are_where_the_seed_prints_them(default_sheets, catalogue):
    sheet = default_sheets["cloud-service-requirements"]
    checklist = catalogue.checklists["cloud-service-requirements"]
    first, header_row = header_range(sheet)
    # the header: 取扱情報が自治体機密性2以上の場合 merged over 要否 / 適用状況 / 備考
    paths = header_paths(sheet)
    grouped = [p for p in paths if p[0] == "取扱情報が自治体機密性2以上の場合"]
    assert [p[-1] for p in grouped] == ["要否", "適用状況", "備考(適用状況の根拠を記入してください。)"]
    assert paths[0] == ("No.",) and merged_at(sheet, first, 1).max_row == header_row
    # the title row of the table comes first, then the items; each exemption sentence sits right above its item
    assert sheet.cell(header_row + 1, 1).value == "1.外部サービス(クラウドサービス)要件(自治体機密性2以上)"
    for before in ("1.6", "1.16"):
        exemption = next(e for e in checklist.exemptions if e.printed_before == before)
        row = item_row(sheet, before)
        assert sheet.cell(row - 1, 2).value == exemption.reason
        assert merged_at(sheet, row - 1, 2).max_col == sheet.max_column
    above_table = " ".join(column_a(sheet)[: first - 1])
    assert "1.外部サービス(クラウドサービス)要件" not in above_table, "not moved to the top"
    assert "以下の要件は不要" not in above_table


def test_selection_criteria_keeps_its_two_level_merged_header(default_sheets):
    sheet = default_sheets["ext-service-selection-criteria"]
    first, header_row = header_range(sheet)
    assert header_row - first == 2, "three header rows, as printed"
    top = {sheet.cell(first, c).value: merged_at(sheet, first, c) for c in range(1, sheet.max_column + 1)
           if sheet.cell(first, c).value}
    assert top["必須/推奨"].max_col - top["必須/推奨"].min_col == 3
    assert top["チェック"].max_col - top["チェック"].min_col == 1
    assert top["No"].max_row == header_row
    middle = {sheet.cell(first + 1, c).value: merged_at(sheet, first + 1, c)
              for c in range(1, sheet.max_column + 1) if sheet.cell(first + 1, c).value}
    assert middle["ISMAPに登録されているサービス (ガバメントクラウド、LGWAN-ASPを含む)"].max_col - \
        middle["ISMAPに登録されているサービス (ガバメントクラウド、LGWAN-ASPを含む)"].min_col == 1
    assert middle["ISMAPに登録されていない外部サービス"].size["columns"] == 2
    # the チェック role columns reach down to the last header row
    assert middle["導入事業者"].max_row == header_row and middle["外部サービス提供者"].max_row == header_row
    rows = column_a(sheet)
    for printed in ("選定基準 (一般的な情報セキュリティ要件)", "認証要件", "事業者要件", "導入・構築時の要件",
                    "更改・廃棄時の要件"):
        assert printed in rows, f"{printed} is a row of its own"


def test_annex4_headings_are_rows_and_sections_are_merged_down(default_sheets, catalogue):
    sheet = default_sheets["infosec-requirements-annex4"]
    checklist = catalogue.checklists["infosec-requirements-annex4"]
    rows = column_a(sheet)
    headings = list(dict.fromkeys(i.heading for i in checklist.items if i.heading))
    for heading in headings:
        row = rows.index(heading) + 1
        assert merged_at(sheet, row, 1).max_col == sheet.max_column
    assert rows.index(headings[0]) + 1 < item_row(sheet, "1")
    # 区分 printed once over the rows beneath it, as a merged cell
    _, headers, _ = table(sheet)
    section = headers.index("区分") + 1
    merged = merged_at(sheet, item_row(sheet, "1"), section)
    assert merged is not None and merged.max_row == item_row(sheet, "2")
    assert sheet.cell(item_row(sheet, "1"), section).value == "基本方針 (情報セキュリティポリシー)"


def test_a_vendor_who_builds_and_operates_fills_both_role_columns(catalogue, tmp_path):
    sheet = render(catalogue, tmp_path, ["ismap=registered", "role=both"],
                   checklist_ids=["ext-service-selection-criteria"])["ext-service-selection-criteria"]
    checklist = catalogue.checklists["ext-service-selection-criteria"]
    paths = header_paths(sheet)
    implementer, provider = paths.index(("チェック", "導入事業者")), paths.index(("チェック", "外部サービス提供者"))
    _, header_row = header_range(sheet)
    applied = [p[1:] for i, p in enumerate(paths)
               if sheet.cell(header_row, i + 1).fill.fgColor.rgb.endswith(APPLIED_FILL.fgColor.rgb[-6:])]
    assert applied == [("ISMAPに登録されているサービス (ガバメントクラウド、LGWAN-ASPを含む)", "導入事業者"),
                       ("ISMAPに登録されているサービス (ガバメントクラウド、LGWAN-ASPを含む)", "外部サービス提供者")]
    for item in checklist.items:
        row = item_row(sheet, item.id)
        answers = (sheet.cell(row, implementer + 1).value, sheet.cell(row, provider + 1).value)
        assert all(answers), f"{item.id}: both roles answered"
        if item.levels["registered.provider"] == "-" and item.levels["registered.implementer"] != "-":
            assert answers[1] == "－ 対象外" and answers[0] != "－ 対象外"
    everything = " ".join(column_a(sheet)[:header_row])
    assert "貴社の立場は" in everything and "導入事業者と外部サービス提供者の両方（role=both）" in everything


def test_profile_questions_are_answered_in_plain_words_at_the_top(default_sheets, catalogue, tmp_path):
    for checklist_id in CHECKLIST_IDS:
        sheet = default_sheets[checklist_id]
        first, _ = header_range(sheet)
        top = column_a(sheet)[: first - 1]
        assert ("利用する外部サービスは ISMAP に登録されていますか: いいえ（登録されていない）"
                "（ismap=unregistered）") in top
        assert "取扱情報は自治体機密性2以上ですか: はい（自治体機密性2以上）（confidentiality=2plus）" in top
        assert any(line.startswith("インターネットに接続したパソコンから利用しますか") for line in top)
        assert not any(line.startswith("注意:") for line in top)
    english = render(catalogue, tmp_path, ["internet_pc=yes"], lang="en", checklist_ids=["usage-decision-criteria"])
    sheet = english["usage-decision-criteria"]
    top = column_a(sheet)[: header_range(sheet)[0] - 1]
    assert "Is the service used from internet-connected PCs (internet PC method)?: yes (② internet PC method " \
           "applies) (internet_pc=yes)" in top


def test_a_declared_ismap_registration_without_an_answer_is_flagged(catalogue, tmp_path):
    sheets = render(catalogue, tmp_path, ["ismap=registered"])
    for checklist_id, where in (("cloud-service-requirements", "cloud-service-requirements#1.1."),
                                ("ext-service-requirements", "ext-service-requirements#30")):
        sheet = sheets[checklist_id]
        warning = next(line for line in column_a(sheet) if line.startswith("注意:"))
        assert "ismap=registered" in warning and where in warning
        _, headers, rows = table(sheet)
        assert rows[0][headers.index("項目ID")] and all(r for r in rows)
    assert not any(line.startswith("注意:") for line in column_a(sheets["usage-decision-criteria"]))


def test_no_class_2_information_makes_cloud_requirements_not_applicable(catalogue, tmp_path):
    sheet = render(catalogue, tmp_path, ["confidentiality=below"],
                   checklist_ids=["cloud-service-requirements"])["cloud-service-requirements"]
    _, headers, rows = table(sheet)
    assert {row[headers.index("適用状況")] for row in rows} == {"－ 対象外"}


@pytest.mark.parametrize("checklist_id", CHECKLIST_IDS)
def test_every_sheet_is_set_up_for_a4_landscape_one_page_wide(written, checklist_id):
    _, directory, _ = written
    path = directory / f"{checklist_id}.xlsx"
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        for name in sheets:
            xml = archive.read(name).decode()
            assert '<pageSetUpPr fitToPage="1"' in xml, f"{name}: fitToPage is kept"
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "landscape", 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    for sheet in workbook.worksheets[:3]:
        first, last = header_range(sheet)
        assert sheet.print_title_rows.replace("$", "") == f"{first}:{last}"
    checklist_sheet = workbook.worksheets[0]
    _, headers, rows = table(checklist_sheet)
    remarks = next(i for i, h in enumerate(headers) if h.startswith("備考"))
    longest = max(rows, key=lambda r: len(r[remarks] or ""))
    row = next(r for r in range(1, checklist_sheet.max_row + 1)
               if checklist_sheet.cell(r, remarks + 1).value == longest[remarks])
    height = checklist_sheet.row_dimensions[row].height
    width = checklist_sheet.column_dimensions[get_column_letter(remarks + 1)].width
    assert height and height >= 12 * len(longest[remarks]) * 1.5 / width, "the longest 備考 gets a tall enough row"


def test_the_title_block_names_the_level_column_applied_and_the_profile_answers_that_chose_it(catalogue, tmp_path):
    (tmp_path / "ja").mkdir()
    (tmp_path / "en").mkdir()
    sheets = render(catalogue, tmp_path / "ja", ["ismap=registered", "role=implementer"],
                    checklist_ids=["ext-service-selection-criteria", "cloud-service-requirements"])
    top = column_a(sheets["ext-service-selection-criteria"])
    assert ("適用した要否欄: 「必須/推奨 ISMAPに登録されているサービス (ガバメントクラウド、LGWAN-ASPを含む) "
            "導入事業者」（監査プロファイル「ISMAP 登録: 登録あり（ismap=registered）、"
            "立場: 導入事業者（role=implementer）」による）") in top
    one_column = column_a(sheets["cloud-service-requirements"])
    assert ("適用した要否欄: 「取扱情報が自治体機密性2以上の場合 要否」"
            "（この表の要否欄はこの 1 列で、監査プロファイルによらない）") in one_column
    english = render(catalogue, tmp_path / "en", ["role=both"], lang="en",
                     checklist_ids=["ext-service-selection-criteria", "cloud-service-requirements"])
    line = next(v for v in column_a(english["ext-service-selection-criteria"])
                if v.startswith("Level column applied:"))
    assert '"Required / recommended – External service not registered in ISMAP – Implementer"' in line
    assert '"Required / recommended – External service not registered in ISMAP – Service provider"' in line
    assert line.endswith("chosen by the audit profile's answers: ISMAP registration: not registered "
                         "(ismap=unregistered); Role: implementer and service provider (role=both)")
    line = next(v for v in column_a(english["cloud-service-requirements"]) if v.startswith("Level column applied:"))
    assert line != "Level column applied: Level"
    assert "(printed as 「要否」), the sheet's only level column" in line


def test_the_profile_names_are_free_text_and_results_json_keeps_them(catalogue):
    import json

    from auditor.errors import AuditorError
    from auditor.serialize import dumps, results_from_dict, results_to_dict

    options = ["service_name=住民記録クラウド = 本番", "provider_name=Example K.K.", "respondent=山田"]
    profile = Profile.from_options(options)
    assert profile.values["service_name"] == "住民記録クラウド = 本番"
    with pytest.raises(AuditorError):
        Profile.from_options(["respondent= "])
    result = evaluate(catalogue, sample_collected(), list(catalogue.checklists.values()), profile,
                      sample_attestations())
    plain = evaluate(catalogue, sample_collected(), list(catalogue.checklists.values()), Profile(),
                     sample_attestations())
    assert [c.items for c in result.checklists] == [c.items for c in plain.checklists]
    recorded = json.loads(dumps(results_to_dict(result)))["run"]["profile"]
    assert {k: recorded[k] for k in ("service_name", "provider_name", "respondent")} == {
        "service_name": "住民記録クラウド = 本番", "provider_name": "Example K.K.", "respondent": "山田"}
    assert dict(results_from_dict(json.loads(dumps(results_to_dict(result)))).run.profile) == dict(profile.values)


def test_usage_criteria_print_the_two_headings_with_their_notes_where_the_seed_has_them(default_sheets):
    """004: the lead sentence above the table, then ①外部サービス共通 as the table's first row, and the ②
    heading with its bracketed note right above the first ② item, not in the block above the table."""
    sheet = default_sheets["usage-decision-criteria"]
    first, header_row = header_range(sheet)
    top = column_a(sheet)[: first - 1]
    assert any(line.startswith("以下に示す①外部サービス共通の対策を講じてください。") for line in top)
    assert not any(line.startswith(("②インターネットパソコン方式", "（インターネット環境")) for line in top)
    body = [[str(c or "") for c in row] for row in sheet.iter_rows(min_row=header_row + 1, values_only=True)]
    assert body[0][0] == "①外部サービス共通"
    second = next(n for n, row in enumerate(body) if row[0] == "②インターネットパソコン方式(原則禁止）")
    assert body[second + 1][1].startswith("（インターネット環境にあるパソコンについて以下のセキュリティ対策")
    _, headers, _ = table(sheet)
    assert body[second + 2][headers.index("項目ID")] == "inet-1"
