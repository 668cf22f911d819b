"""The workbooks read back with openpyxl: every row against results.json, and usable as delivered."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from auditor.status import Status
from auditor.unreadable import details_of_snapshot, summary_text, unreadable_of
from reports.labels import STATUS_COLOURS, status_values
from tests.reports.sample import XSS_NAME, sample_catalogue, write_all
from tests.reports.sheets import CHECKLIST_IDS, column_of, header_paths, table

JST = timezone(timedelta(hours=9))


#: Level columns whose header is renamed on the sheet because it would repeat a leading header.
LEVEL_HEADERS = {("usage-decision-criteria", "category"): "対策区分"}
#: Items set aside by the profile or by a written exemption: their 備考 gives that reason, not the controls'.
OUT_OF_SCOPE = ("not-for-profile", "exempted", "exempt-but-fails")


@pytest.mark.parametrize("checklist_id", CHECKLIST_IDS)
def test_every_row_matches_results_json_in_source_order(written, catalogue, checklist_id):
    _, directory, results = written
    recorded = next(c for c in results["checklists"] if c["id"] == checklist_id)
    checklist = catalogue.checklists[checklist_id]
    sheet = load_workbook(directory / f"{checklist_id}.xlsx").worksheets[0]
    _, headers, rows = table(sheet)
    assert len(rows) == len(checklist.items) == len(recorded["items"])
    id_col = headers.index("項目ID")
    remarks_col = next(i for i, h in enumerate(headers) if h and h.startswith("備考"))
    paths = header_paths(sheet)
    answer_cols = [column_of(paths, label, last=True) for label in checklist.answer_columns if "備考" not in label]
    for row, item, entry in zip(rows, checklist.items, recorded["items"], strict=True):
        assert row[id_col] == item.id == entry["item_id"]
        assert item.text in row, f"verbatim text of {item.id} missing"
        assert (row[0] or "") == item.number, "the printed number comes first"
        for column in checklist.columns:
            header = LEVEL_HEADERS.get((checklist_id, column.key), column.label)
            assert (row[column_of(paths, header)] or "") == item.levels.get(column.key, ""), f"{item.id} {header}"
        answers = [row[i] for i in answer_cols if row[i]]
        assert answers == [entry["symbol"]], f"{item.id}: {answers} != {entry['symbol']}"
        remarks = row[remarks_col]
        assert remarks, f"{item.id} has no 備考"
        for control_id in entry["control_ids"]:
            if entry["basis"] == "controls" and entry["qualifier"] not in OUT_OF_SCOPE:
                assert control_id in remarks
        if entry["attestation"]:
            for document in entry["attestation"]["evidence"]:
                assert document in remarks
            assert entry["attestation"]["answered_by"] in remarks
        if entry["status"] == "NOT_APPLICABLE" and entry["qualifier"] in OUT_OF_SCOPE:
            assert entry["reason"] in remarks
        if entry["status"] == "MANUAL":
            assert "申告" in remarks
        if entry["status"] == "UNKNOWN":
            assert "適合" not in entry["symbol"]


def test_basis_names_counts_and_worst_failures(written):
    _, directory, _ = written
    sheet = load_workbook(directory / "ext-service-requirements.xlsx").worksheets[0]
    _, headers, rows = table(sheet)
    by_id = {row[headers.index("項目ID")]: row for row in rows}
    residency = by_id["25"][headers.index("備考")]
    # AWS fails while Azure passes: a proven failure is ×, never △
    assert by_id["25"][headers.index("適用状況")] == "× 不適合"
    assert "データの国内保存（residency.japan）" in residency
    assert "AWS × 不適合（適合 1・不適合 1）" in residency
    assert "Azure ○ 適合（適合 2）" in residency
    assert "backup-us（AWS us-west-2）" in residency
    encryption = by_id["34"][headers.index("備考")]
    assert XSS_NAME in encryption and "scratch" in encryption
    attested = by_id["1"]
    assert attested[headers.index("適用状況")] == "申告"
    assert "情報処理安全確保支援士 登録証（写）" in attested[headers.index("備考")]
    assert "2026-10-30" in attested[headers.index("備考")]
    assert by_id["2"][headers.index("適用状況")] == "× 不適合"


def test_unknown_items_name_the_permission(written):
    _, directory, _ = written
    sheet = load_workbook(directory / "ext-service-requirements.xlsx").worksheets[0]
    _, headers, rows = table(sheet)
    by_id = {row[headers.index("項目ID")]: row for row in rows}
    ids = by_id["33"]
    assert ids[headers.index("適用状況")] == "? 確認不能"
    assert "guardduty:ListDetectors" in ids[headers.index("備考")]


def test_exempted_item_shows_the_written_reason(catalogue, tmp_path):
    """001: when 1.1 holds (attested), items from 1.6 on are 対象外 with the sheet's own sentence."""
    from auditor.checklists import Profile
    from auditor.model import Attestation
    from auditor.run import evaluate
    from reports.excel import renderer
    from tests.reports.sample import context_of, sample_collected

    answers = {("cloud-service-requirements", "1.1"): Attestation(
        "cloud-service-requirements", "1.1", "yes", ("ISMAP クラウドサービスリスト掲載画面（写）",), "佐藤 花子",
        "2026-10-01")}
    checklist = catalogue.checklists["cloud-service-requirements"]
    result = evaluate(catalogue, sample_collected(), [checklist], Profile(), answers)
    renderer.render(context_of(catalogue, result), tmp_path)
    sheet = load_workbook(tmp_path / "cloud-service-requirements.xlsx").worksheets[0]
    _, headers, rows = table(sheet)
    by_id = {row[headers.index("項目ID")]: row for row in rows}
    remarks = next(h for h in headers if h.startswith("備考"))
    assert by_id["1.7"][headers.index("適用状況")] == "－ 対象外"
    assert "1.1でISMAPへの登録が行われている場合" in by_id["1.7"][headers.index(remarks)]
    assert by_id["1.1"][headers.index("適用状況")] == "申告"


def test_sheet_is_readable_as_delivered(written):
    _, directory, _ = written
    workbook = load_workbook(directory / "cloud-service-requirements.xlsx")
    assert workbook.sheetnames == ["外部サービス(クラウドサービス)要件", "検出結果", "確認不能", "実行情報"]
    sheet = workbook.worksheets[0]
    header_row, headers, rows = table(sheet)
    assert headers == ["No.", "区分", "要件", "要否", "適用状況", "備考(適用状況の根拠を記入してください。)", "項目ID"]
    assert sheet.freeze_panes == f"A{header_row + 1}"
    id_letter = get_column_letter(headers.index("項目ID") + 1)
    item_rows = [r for r in range(header_row + 1, sheet.max_row + 1) if sheet[f"{id_letter}{r}"].value]
    assert len(item_rows) == len(rows)
    last = item_rows[-1]
    assert sheet.auto_filter.ref == f"A{header_row}:{get_column_letter(len(headers))}{last}"
    status_letter = get_column_letter(headers.index("適用状況") + 1)
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1
    validation = validations[0]
    assert validation.type == "list"
    assert str(validation.sqref) == f"{status_letter}{header_row + 1}:{status_letter}{last}"
    listed = validation.formula1.strip('"').split(",")
    assert listed == status_values("ja")
    assert set(listed) == {s.sheet_value for s in Status}
    text_letter = get_column_letter(headers.index("要件") + 1)
    assert sheet.column_dimensions[text_letter].width >= 40
    assert sheet[f"{text_letter}{item_rows[0]}"].alignment.wrap_text
    for row in item_rows:
        cell = sheet[f"{status_letter}{row}"]
        status = Status.from_sheet_value(cell.value)
        assert cell.fill.fgColor.rgb.endswith(STATUS_COLOURS[status])
    rules = [r for rng in sheet.conditional_formatting for r in rng.rules]
    assert len(rules) == len(Status), "the colour must follow an answer typed into the drop-down"
    assert column_index_from_string(status_letter) == headers.index("適用状況") + 1


def test_annex4_keeps_its_three_usage_columns_and_odd_numbers(written, catalogue):
    _, directory, _ = written
    sheet = load_workbook(directory / "infosec-requirements-annex4.xlsx").worksheets[0]
    _, headers, rows = table(sheet)
    assert headers[:3] == ["項番", "区分", "要件概要"], "大項目 is a row across the sheet, as printed, not a column"
    usage = ("リモート 保守 要件", "データ センター 利用要件", "クラウド サービス 利用要件")
    assert [h for h in headers if h in usage] == [
        "リモート 保守 要件", "データ センター 利用要件", "クラウド サービス 利用要件"]
    ids = [row[headers.index("項目ID")] for row in rows]
    assert ids == [i.id for i in catalogue.checklists["infosec-requirements-annex4"].items]
    assert {"37-2", "38-2", "42-a", "42-b"} <= set(ids)
    by_id = {row[headers.index("項目ID")]: row for row in rows}
    dashed = [i for i in catalogue.checklists["infosec-requirements-annex4"].items if i.levels.get("cloud") == "—"]
    assert dashed, "the sheet has rows marked — for cloud services"
    for item in dashed:
        assert by_id[item.id][headers.index("適用状況")] == "－ 対象外"


def test_selection_criteria_answers_only_the_profile_role(written):
    _, directory, _ = written
    sheet = load_workbook(directory / "ext-service-selection-criteria.xlsx").worksheets[0]
    _, headers, rows = table(sheet)
    assert headers[:4] == ["No", "項目", "要求事項", "実施基準・実施例"], "stages and groups are rows, as printed"
    paths = header_paths(sheet)
    implementer, provider = paths.index(("チェック", "導入事業者")), paths.index(("チェック", "外部サービス提供者"))
    assert all(row[implementer] in (None, "") for row in rows)
    assert all(row[provider] for row in rows)
    assert any(row[headers.index("実施基準・実施例")] for row in rows)
    validation = sheet.data_validations.dataValidation[0]
    covered = str(validation.sqref)
    assert get_column_letter(implementer + 1) in covered and get_column_letter(provider + 1) in covered


def test_findings_sheet_lists_the_checklists_evidence(written):
    _, directory, results = written
    workbook = load_workbook(directory / "ext-service-requirements.xlsx")
    sheet = workbook["検出結果"]
    _, headers, rows = table(sheet)
    checklist = next(c for c in results["checklists"] if c["id"] == "ext-service-requirements")
    used = {cid for item in checklist["items"] for cid in item["control_ids"]}
    expected = [f for f in results["findings"] if f["control_id"] in used]
    assert len(rows) == len(expected)
    for row, finding in zip(rows, expected, strict=True):
        assert row[headers.index("チェックID")] == finding["check_id"]
        assert row[headers.index("リソースID")] == finding["resource_id"]
        assert Status.from_sheet_value(row[headers.index("判定")]).value == finding["status"]
        assert json.loads(row[headers.index("観測値")]) == finding["observed"]
        assert row[headers.index("取得元API")] == finding["source"]
        collected = datetime.fromisoformat(finding["collected_at"].replace("Z", "+00:00"))
        assert row[headers.index("取得日時（JST）")] == collected.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S JST")
    names = [row[headers.index("リソース名")] for row in rows]
    assert XSS_NAME in names


def test_gaps_sheet_names_the_permission_that_fixes_each(written):
    _, directory, _ = written
    sheet = load_workbook(directory / "usage-decision-criteria.xlsx")["確認不能"]
    _, headers, rows = table(sheet)
    call = next(r for r in rows if r[headers.index("取得元API")] == "guardduty:ListDetectors")
    assert call[headers.index("必要な権限（付与すると解消）")] == "guardduty:ListDetectors"
    assert call[headers.index("影響する統制")] == "network.ids"
    manual = [r for r in rows if r[0] == "自動判定なし"]
    assert {r[headers.index("影響する統制")] for r in manual} == {"time.sync"}


def test_gaps_sheet_and_run_sheet_count_and_list_the_unreadable_details(written, written_demo_en):
    """The sample's IAM account summary lists but its root_mfa detail could not be read: the 確認不能 sheet
    lists it beside the failed call, and every sheet counts both as the terminal and report.html do."""
    for (result, directory, _), lang in ((written, "ja"), (written_demo_en, "en")):
        workbook = load_workbook(directory / "ext-service-requirements.xlsx")
        sheet = workbook["確認不能" if lang == "ja" else "Could not read"]
        _, headers, rows = table(sheet)
        kind = "リソースの詳細を読めず" if lang == "ja" else "Resource detail unread"
        details = [r for r in rows if r[0] == kind]
        assert len(details) == 1
        detail = dict(zip(headers, details[0], strict=True))
        assert detail["リソース" if lang == "ja" else "Resource"] == "account"
        assert detail["読めなかった項目" if lang == "ja" else "Detail not read"] == "root_mfa"
        assert detail["取得元API" if lang == "ja" else "Source API call"] == "iam:GetAccountSummary"
        assert "iam:GetAccountSummary was denied" in detail["内容" if lang == "ja" else "Message"]
        snapshot = json.loads((directory / "snapshot.json").read_text(encoding="utf-8"))
        unreadable = unreadable_of(result.gaps, details_of_snapshot(snapshot))
        assert (unreadable.calls, unreadable.attributes, unreadable.resources) == (1, 1, 1)
        counted = summary_text(unreadable, lang)
        notes = [c for row in sheet.iter_rows(max_row=6, values_only=True) for c in row if c]
        assert counted in notes
        run = workbook["実行情報" if lang == "ja" else "Run information"]
        values = {row[0]: row[1] for row in run.iter_rows(values_only=True) if row and row[0]}
        assert values["読み取れなかったもの" if lang == "ja" else "Not readable"] == counted


def test_gaps_sheet_notes_are_written_in_the_sheet_register(written):
    _, directory, _ = written
    sheet = load_workbook(directory / "ext-service-requirements.xlsx")["確認不能"]
    notes = [c for row in sheet.iter_rows(max_row=4, values_only=True) for c in row if isinstance(c, str)]
    assert notes[1].endswith("確認不能は適合として扱わない。")
    assert not any(word in note for note in notes for word in ("ます", "です"))


def test_run_sheet_and_demo_banner(written_demo_en, written):
    _, directory, _ = written
    run = load_workbook(directory / "ext-service-requirements.xlsx")["実行情報"]
    values = {row[0]: row[1] for row in run.iter_rows(values_only=True) if row and row[0]}
    assert values["監査対象"] == "住民サービス基盤"
    assert values["開始"] == "2026-11-01 09:30:00 JST  (UTC 2026-11-01T00:30:00Z)"
    from auditor.run import load_catalogue
    assert values["チェックリストのバージョン"] == load_catalogue().checklists["ext-service-requirements"].version
    everything = "\n".join(str(v) for row in run.iter_rows(values_only=True) for v in row if v)
    assert "arn:aws:sts::111122223333:assumed-role/Audit/city" in everything
    assert "tenant: contoso.onmicrosoft.com" in everything
    assert "デモ（エミュレーター上の架空環境）— 実在の環境の監査結果ではない" not in values
    _, demo_dir, _ = written_demo_en
    workbook = load_workbook(demo_dir / "ext-service-requirements.xlsx")
    for sheet in workbook.worksheets:
        assert sheet["A2"].value.startswith("DEMO (fictitious estate on a local emulator)")


def test_english_headers_and_labels(written_demo_en):
    _, directory, _ = written_demo_en
    workbook = load_workbook(directory / "cloud-service-requirements.xlsx")
    assert workbook.sheetnames[1:] == ["Findings", "Could not read", "Run information"]
    _, headers, rows = table(workbook.worksheets[0])
    assert headers == ["No.", "Category", "Requirement", "Level", "Status", "Remarks (basis)", "Item ID"]
    assert {row[headers.index("Status")] for row in rows} <= set(status_values("en"))


def test_untrusted_text_stays_text(catalogue, tmp_path):
    from tests.reports.sample import ev, sample_evidence

    hostile = ev("aws", "111122223333", "us-east-1", "aws.ec2.volume", "vol-0ddd", '=HYPERLINK("http://x","y")\x07',
                 encrypted=False)
    _, _ = write_all(catalogue, tmp_path / "out", {"xlsx": __import__("reports.excel").excel.renderer},
                     evidence=(*sample_evidence(), hostile))
    sheet = load_workbook(tmp_path / "out" / "ext-service-requirements.xlsx")["検出結果"]
    _, headers, _ = table(sheet)
    column = headers.index("リソース名")
    cells = [sheet.cell(r, column + 1) for r in range(1, sheet.max_row + 1)]
    cell = next(c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK"))
    assert cell.data_type == "s"
    assert "\x07" not in cell.value


def test_checklist_not_installed_still_renders(tmp_path):
    """A result whose checklist data is missing gets a bare sheet, not a crash."""
    from auditor.plugins import ReportContext
    from reports.excel import renderer
    from tests.reports.sample import sample_result

    catalogue = sample_catalogue()
    _, result = sample_result(catalogue)
    context = ReportContext(result, catalogue.controls, {}, "ja")
    written = renderer.render(context, tmp_path)
    assert len(written) == 5
    sheet = load_workbook(written[0]).worksheets[0]
    _, _, rows = table(sheet)
    assert len(rows) == len(result.checklists[0].items)


def test_very_large_runs_list_only_what_is_not_a_pass(catalogue, tmp_path, monkeypatch):
    import reports.excel as excel
    from reports.excel import findings_sheet

    monkeypatch.setattr(findings_sheet, "FULL_LIST_LIMIT", 3)
    result, _ = write_all(catalogue, tmp_path / "out", {"xlsx": excel.renderer})
    sheet = load_workbook(tmp_path / "out" / "ext-service-requirements.xlsx")["検出結果"]
    _, headers, rows = table(sheet)
    statuses = [Status.from_sheet_value(r[headers.index("判定")]) for r in rows]
    assert Status.PASS not in statuses
    checklist = next(c for c in result.checklists if c.checklist_id == "ext-service-requirements")
    used = {cid for item in checklist.items for cid in item.control_ids}
    relevant = [f for f in result.findings if f.control_id in used]
    assert len(rows) == sum(1 for f in relevant if f.status is not Status.PASS) > 0
    passes = sum(1 for f in relevant if f.status is Status.PASS)
    notes = [c.value for c in sheet["A"][:6] if c.value]
    assert any(f"適合 {passes} 件はこの一覧に含めず findings.csv" in n for n in notes)
