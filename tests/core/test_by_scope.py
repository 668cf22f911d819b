"""Per-scope roll-up: each scope decided by the whole run's rules from its own findings."""

from __future__ import annotations

from dataclasses import replace

from auditor.by_scope import is_multi_scope, run_scopes, scope_items, scope_rollup
from auditor.checklists import Profile
from auditor.model import ProviderScope, RunInfo
from auditor.run import Catalogue, Collected, evaluate
from auditor.status import Status
from tests.core.fake_provider import AT, bucket, denied, disk

CHECKLIST = "cloud-service-requirements"


def run_info(*scopes: str) -> RunInfo:
    return RunInfo("20261101T030000Z-00000001", AT, AT, "0", (ProviderScope("fake", scopes),))


def two_scopes(catalogue: Catalogue, evidence, gaps=()):
    collected = Collected(run_info("acct-1", "acct-2"), tuple(evidence), tuple(gaps))
    return evaluate(catalogue, collected, [catalogue.checklists[CHECKLIST]], Profile(), {})


def item(result, item_id):
    return next(i for c in result.checklists for i in c.items if i.item_id == item_id)


def test_the_failing_scope_fails_the_item_and_the_other_passes_it(catalogue):
    result = two_scopes(catalogue, [
        bucket("home", "jp-east"),
        replace(bucket("abroad", "us-west"), scope="acct-2"),
        replace(bucket("also-home", "jp-west"), scope="acct-2"),
    ])
    assert is_multi_scope(result)
    assert run_scopes(result) == [("fake", "acct-1"), ("fake", "acct-2")]
    assert item(result, "1.12").status is Status.FAIL
    scopes = {s.scope: s for s in scope_rollup(result, catalogue.checklists, catalogue.controls)}
    by_item = {k: {i.item_id: i for i in s.checklist(CHECKLIST).items} for k, s in scopes.items()}
    assert by_item["acct-1"]["1.12"].status is Status.PASS
    assert by_item["acct-2"]["1.12"].status is Status.FAIL
    assert "1.12" in scope_items(catalogue.checklists[CHECKLIST])


def test_each_scope_keeps_its_own_unknowns_and_items_outside_controls_match_the_run(catalogue):
    result = two_scopes(catalogue, [disk("a", True), replace(disk("b", True), scope="acct-2")],
                        [denied("fake.bucket")])
    scopes = {s.scope: s for s in scope_rollup(result, catalogue.checklists, catalogue.controls)}
    residency = {k: {c.control_id: c for c in s.controls}["residency.japan"].status for k, s in scopes.items()}
    assert residency == {"acct-1": Status.UNKNOWN, "acct-2": Status.NOT_APPLICABLE}
    whole = {i.item_id: i.status for c in result.checklists for i in c.items if i.basis != "controls"}
    for s in scopes.values():
        assert {i.item_id: i.status for i in s.checklist(CHECKLIST).items if i.basis != "controls"} == whole


def test_a_not_automated_control_stays_unknown_in_every_scope(catalogue, fake):
    fake.manual["time.sync"] = "時刻同期は読めない"
    result = two_scopes(catalogue, [disk("a", True), replace(disk("b", True), scope="acct-2")])
    for s in scope_rollup(result, catalogue.checklists, catalogue.controls):
        sync = {c.control_id: c for c in s.controls}["time.sync"]
        assert sync.status is Status.UNKNOWN and "時刻同期は読めない" in sync.reason


def test_a_one_scope_run_has_no_per_scope_rollup(catalogue, fake):
    fake.evidence = [bucket("abroad", "us-west")]
    collected = Collected(run_info("acct-1"), tuple(fake.evidence), ())
    result = evaluate(catalogue, collected, [catalogue.checklists[CHECKLIST]], Profile(), {})
    assert not is_multi_scope(result)
    assert scope_rollup(result, catalogue.checklists, catalogue.controls) == ()


def test_one_scope_on_each_of_two_clouds_is_not_a_multi_scope_run(catalogue):
    run = replace(run_info("acct-1"), providers=(ProviderScope("fake", ("acct-1",)), ProviderScope("other", ("x",))))
    result = evaluate(catalogue, Collected(run_info("acct-1"), (), ()), [catalogue.checklists[CHECKLIST]],
                      Profile(), {})
    assert not is_multi_scope(replace(result, run=run))
