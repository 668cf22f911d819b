"""diff_runs over two months decided by the real core: what regressed, what was fixed, nothing else."""

from __future__ import annotations

import json
from dataclasses import replace

from auditor.history.diff import ITEM_RANK, diff_runs, diff_to_dict
from auditor.status import Status
from tests.history import estate


def names(findings) -> set[tuple[str, str]]:
    return {(f.check_id, f.resource_id) for f in findings}


TRAIL = f"arn:aws:cloudtrail:{estate.REGION}:{estate.ACCOUNT}:trail/org"


def test_the_diff_names_the_regression_and_the_fix(catalogue):
    changes = diff_runs(estate.january(catalogue), estate.february(catalogue))

    assert names(changes.new_failures) == {("aws.ebs.volume_encrypted", "vol-new"), ("aws.cloudtrail.logging", TRAIL)}
    assert all(f.status is Status.FAIL for f in changes.new_failures)
    assert names(changes.fixed) == {("aws.ebs.volume_encrypted", "vol-old")}
    assert [f.status for f in changes.fixed] == [Status.FAIL]  # the previous finding: what was wrong
    assert names(changes.still_failing) == {("aws.ebs.volume_encrypted", "vol-legacy")}
    assert names(changes.newly_unknown) == {("aws.guardduty.enabled", "*guardduty:ListDetectors")}
    assert names(changes.resources_added) == {("aws.ebs.volume_encrypted", "vol-new")}
    # the detector could not be listed in February: not removed, just not visible (newly unknown says so)
    assert names(changes.resources_removed) == {("aws.ebs.volume_encrypted", "vol-gone")}
    assert changes.regressed


def test_item_changes_follow_the_controls(catalogue):
    january, february = estate.january(catalogue), estate.february(catalogue)
    changes = diff_runs(january, february)
    assert changes.item_changes, "the trail and GuardDuty feed checklist items"
    before = {(i.checklist_id, i.item_id): i for c in january.checklists for i in c.items}
    for change in changes.item_changes:
        item = before[(change.checklist_id, change.item_id)]
        assert change.before is item.status and change.after is not change.before
        assert change.worse == (ITEM_RANK[change.after] > ITEM_RANK[change.before])
        assert {"logging.audit-trail", "network.ids", "encryption.at-rest"} & set(item.control_ids)
    worse_controls = {c for change in changes.worse_items for c in before[(change.checklist_id,
                                                                              change.item_id)].control_ids}
    assert "logging.audit-trail" in worse_controls
    assert {c.checklist_id for c in changes.item_changes} <= set(catalogue.checklists)


def test_reworded_reasons_and_new_times_are_not_changes(catalogue):
    january = estate.january(catalogue)
    reworded = replace(
        january,
        run=replace(january.run, run_id="20260102T030000Z-cccc0003"),
        findings=tuple(replace(f, reason=f.reason + " (reworded)", collected_at=estate.FEBRUARY,
                               observed={"other": 1}) for f in january.findings),
    )
    changes = diff_runs(january, reworded)
    assert not (changes.new_failures or changes.fixed or changes.newly_unknown or changes.resources_added
                or changes.resources_removed or changes.item_changes)
    assert names(changes.still_failing) == {("aws.ebs.volume_encrypted", "vol-old"),
                                            ("aws.ebs.volume_encrypted", "vol-legacy")}
    assert not changes.regressed


def test_going_back_regresses_the_fix_and_clears_the_rest(catalogue):
    changes = diff_runs(estate.february(catalogue), estate.january(catalogue))
    assert names(changes.new_failures) == {("aws.ebs.volume_encrypted", "vol-old")}
    assert names(changes.fixed) == {("aws.ebs.volume_encrypted", "vol-new"), ("aws.cloudtrail.logging", TRAIL)}
    assert not changes.newly_unknown
    # January's detector was hidden by February's gap: neither added nor removed
    assert names(changes.resources_added) == {("aws.ebs.volume_encrypted", "vol-gone")}
    assert names(changes.resources_removed) == {("aws.ebs.volume_encrypted", "vol-new")}
    assert changes.regressed  # vol-old fails again


def test_an_item_that_only_improves_is_no_regression(catalogue):
    february = estate.february(catalogue)
    fixed_trail = estate.decide(catalogue, "20260301T030000Z-dddd0004", estate.FEBRUARY, [
        estate.volume("vol-old", True, 8, estate.FEBRUARY), estate.volume("vol-new", True, 32, estate.FEBRUARY),
        estate.volume("vol-legacy", True, 200, estate.FEBRUARY), estate.trail(True, estate.FEBRUARY),
        estate.detector(estate.FEBRUARY),
    ])
    changes = diff_runs(february, fixed_trail)
    assert not changes.regressed
    assert not changes.new_failures and not changes.newly_unknown and not changes.worse_items
    assert changes.better_items
    assert names(changes.fixed) == {("aws.ebs.volume_encrypted", "vol-new"), ("aws.cloudtrail.logging", TRAIL),
                                    ("aws.ebs.volume_encrypted", "vol-legacy")}


def test_json_form(catalogue):
    changes = diff_runs(estate.january(catalogue), estate.february(catalogue))
    data = json.loads(json.dumps(diff_to_dict(changes), ensure_ascii=False))
    assert data["kind"] == "auditor-diff" and data["regressed"] is True
    assert data["previous"]["id"] == "20260101T030000Z-aaaa0001"
    assert data["current"]["id"] == "20260201T030000Z-bbbb0002"
    assert data["summary"]["new_failures"] == 2 and data["summary"]["fixed"] == 1
    assert {f["resource_id"] for f in data["new_failures"]} == {"vol-new", TRAIL}
    assert all(set(c) >= {"checklist_id", "item_id", "before", "after", "worse"} for c in data["item_changes"])
    assert data["summary"]["items_worse"] == sum(c["worse"] for c in data["item_changes"])
