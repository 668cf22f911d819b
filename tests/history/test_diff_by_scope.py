"""``auditor diff`` account by account: which account newly fails which item, while the whole run stays ×."""

from __future__ import annotations

import json

from click.testing import CliRunner

from auditor.cli import cli
from auditor.history import open_store
from auditor.history.diff import diff_runs, diff_to_dict
from auditor.status import Status
from tests.history import estate

OTHER = estate.OTHER
CHECKLIST, ITEM = "ext-service-requirements", "34"  # 34: encryption.at-rest only
TARGET = estate.ORG_TARGET


def whole(result):
    return next(i.status for c in result.checklists if c.checklist_id == CHECKLIST for i in c.items
                if i.item_id == ITEM)


months = estate.org_months


def test_the_account_that_newly_fails_is_named_though_the_whole_run_was_already_failing(catalogue):
    january, february = months(catalogue)
    assert whole(january) is Status.FAIL and whole(february) is Status.FAIL
    changes = diff_runs(january, february, catalogue.checklists, catalogue.controls)
    assert not [c for c in changes.item_changes if (c.checklist_id, c.item_id) == (CHECKLIST, ITEM)]
    mine = [c for c in changes.scope_changes if (c.checklist_id, c.item_id) == (CHECKLIST, ITEM)]
    assert [(c.scope, c.before, c.after, c.worse) for c in mine] == [(OTHER, Status.PASS, Status.FAIL, True)]
    assert all(c.scope == OTHER for c in changes.scope_changes)
    assert changes.regressed
    data = diff_to_dict(changes)
    assert data["summary"]["scope_items_worse"] == len(changes.worse_scope_items) >= 1
    expected = {"provider": "aws", "scope": OTHER, "checklist_id": CHECKLIST, "item_id": ITEM, "before": "PASS",
                "after": "FAIL", "before_symbol": "○ 適合", "after_symbol": "× 不適合", "worse": True}
    assert expected in data["scope_changes"]


def test_without_the_catalogue_or_for_one_account_there_are_no_account_changes(catalogue):
    january, february = months(catalogue)
    assert diff_runs(january, february).scope_changes == ()
    single = diff_runs(estate.january(catalogue), estate.february(catalogue), catalogue.checklists, catalogue.controls)
    assert single.scope_changes == ()


def test_the_diff_command_lists_the_account_in_text_and_json(store_url, catalogue):
    with open_store(store_url) as store:
        for run in months(catalogue):
            store.save_run(run)
    runner = CliRunner()
    out = runner.invoke(cli, ["--lang", "en", "diff", "--store", store_url, "--target", TARGET],
                        catch_exceptions=False)
    assert out.exit_code == 1
    section = out.stdout[out.stdout.index("Item changes by account"):]
    assert OTHER in section and estate.ACCOUNT not in section.split("\n\n")[0]
    assert any(OTHER in line and CHECKLIST in line and "× Fail" in line and "worse" in line
               for line in section.splitlines())
    data = json.loads(runner.invoke(cli, ["diff", "--store", store_url, "--target", TARGET, "--format", "json"],
                                    catch_exceptions=False).stdout)
    assert {(c["scope"], c["item_id"], c["after"]) for c in data["scope_changes"]} >= {(OTHER, ITEM, "FAIL")}
