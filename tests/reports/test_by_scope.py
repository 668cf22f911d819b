"""The per-account table (「アカウント別」) in the workbook and the HTML report of a multi-account run."""

from __future__ import annotations

from dataclasses import replace

from openpyxl import load_workbook

from auditor.checklists import Profile
from auditor.model import ProviderScope
from auditor.run import evaluate
from auditor.status import Status
from reports.excel import renderer as excel
from reports.html import render_html
from reports.labels import STATUS_COLOURS
from tests.reports.sample import context_of, ev, sample_catalogue, sample_collected, sample_result

CHECKLIST = "ext-service-requirements"
RESIDENCY_ITEM = "25"  # データはすべて国内に保存されること: residency.japan only
HOME, ABROAD = "111122223333", "444455556666"


def two_accounts():
    """One AWS account keeps its bucket in Tokyo, the other in Oregon."""
    catalogue = sample_catalogue()
    collected = sample_collected(evidence=(
        ev("aws", HOME, "ap-northeast-1", "aws.s3.bucket", "home-logs", "home-logs", raw={}),
        ev("aws", ABROAD, "us-west-2", "aws.s3.bucket", "backup-us", "backup-us", raw={}),
        ev("aws", ABROAD, "ap-northeast-1", "aws.s3.bucket", "abroad-logs", "abroad-logs", raw={}),
    ))
    run = replace(collected.run, providers=(ProviderScope("aws", (HOME, ABROAD)),))
    collected = replace(collected, run=run, gaps=())
    result = evaluate(catalogue, collected, list(catalogue.checklists.values()), Profile(), {})
    return catalogue, result


def whole_run_status(result, item_id):
    return next(i.status for c in result.checklists if c.checklist_id == CHECKLIST for i in c.items
                if i.item_id == item_id)


def test_the_sheet_names_the_failing_account_in_the_main_sheets_colours(tmp_path):
    catalogue, result = two_accounts()
    assert whole_run_status(result, RESIDENCY_ITEM) is Status.FAIL
    excel.render(context_of(catalogue, result), tmp_path)
    workbook = load_workbook(tmp_path / f"{CHECKLIST}.xlsx")
    assert workbook.sheetnames[1] == "アカウント別"
    sheet = workbook["アカウント別"]
    assert sheet.freeze_panes == "C5"
    header = [c.value for c in sheet[4]]
    assert header[:2] == ["クラウド", "スコープ"]
    column = header.index(RESIDENCY_ITEM) + 1
    rows = {sheet.cell(r, 2).value: sheet.cell(r, column) for r in range(5, sheet.max_row + 1)}
    assert set(rows) == {HOME, ABROAD}
    assert rows[ABROAD].value == "×"
    assert rows[ABROAD].fill.fgColor.rgb[-6:] == STATUS_COLOURS[Status.FAIL]
    assert rows[HOME].value == "○"
    assert rows[HOME].fill.fgColor.rgb[-6:] == STATUS_COLOURS[Status.PASS]
    manual_items = {i.id for i in catalogue.checklists[CHECKLIST].items if i.basis != "controls"}
    assert not manual_items & set(header[2:])


def test_the_english_sheet_is_by_account(tmp_path):
    catalogue, result = two_accounts()
    excel.render(context_of(catalogue, result, "en"), tmp_path)
    assert load_workbook(tmp_path / f"{CHECKLIST}.xlsx", read_only=True).sheetnames[1] == "By account"


def test_the_html_table_names_the_failing_account():
    catalogue, result = two_accounts()
    page = render_html(context_of(catalogue, result))
    start = page.index(f'data-by-scope="{CHECKLIST}"')
    table = page[start:page.index("</table>", start)]
    header = table[:table.index("</thead>")]
    numbers = [cell.split("</th>")[0] for cell in header.split('<th class="num">')[1:]]
    position = numbers.index(RESIDENCY_ITEM)
    cells = {row.split("</th>")[0]: row.split('data-status="')[1:] for row in table.split('<th scope="row">')[1:]}
    assert set(cells) == {HOME, ABROAD}
    assert cells[ABROAD][position].startswith("FAIL")
    assert cells[HOME][position].startswith("PASS")


def test_a_single_account_run_has_no_per_account_sheet_or_table(tmp_path):
    catalogue = sample_catalogue()
    _, result = sample_result(catalogue)
    excel.render(context_of(catalogue, result), tmp_path)
    assert "アカウント別" not in load_workbook(tmp_path / f"{CHECKLIST}.xlsx", read_only=True).sheetnames
    assert "data-by-scope" not in render_html(context_of(catalogue, result))
