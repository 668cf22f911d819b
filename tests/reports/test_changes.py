"""「前回からの変化」: the run diff over two runs decided by the real core, as the HTML report shows it."""

from __future__ import annotations

from dataclasses import replace

from auditor.checklists import Profile
from auditor.history.diff import diff_runs, resource_of
from auditor.run import Collected, evaluate
from auditor.status import Status
from tests.reports.sample import ev, sample_attestations, sample_collected, sample_evidence, sample_gaps


def decide(catalogue, evidence, gaps=None):
    base = sample_collected(evidence=evidence)
    collected = Collected(base.run, evidence, sample_gaps() if gaps is None else gaps)
    return evaluate(catalogue, collected, list(catalogue.checklists.values()), Profile(), sample_attestations())


def test_new_fixed_still_unknown_added_removed(catalogue):
    before_evidence = sample_evidence()
    previous = decide(catalogue, before_evidence, gaps=())
    now_evidence = []
    for record in before_evidence:
        if record.resource_id == "vol-0bbb":
            record = replace(record, attributes={**record.attributes, "encrypted": True})  # fixed
        if record.resource_id == "vol-0ccc":
            continue  # removed
        now_evidence.append(record)
    now_evidence.append(ev("aws", "111122223333", "ap-northeast-1", "aws.ec2.volume", "vol-0new", "new-disk",
                           encrypted=False))
    current = decide(catalogue, tuple(now_evidence))
    changes = diff_runs(previous, current)

    assert [f.resource_id for f in changes.new_failures] == ["vol-0new"]
    # fixed: the volume now encrypted, and the failing volume that was deleted
    assert [(b.status, b.resource_id) for b in changes.fixed] == [(Status.FAIL, "vol-0bbb"), (Status.FAIL, "vol-0ccc")]
    assert {f.resource_id for f in changes.still_failing} == {"backup-us", "/subscriptions/sub-0001/st2"}
    assert [f.resource_id for f in changes.newly_unknown] == ["*guardduty:ListDetectors"]
    assert {resource_of(f)[4] for f in changes.resources_added} == {"vol-0new"}
    assert {resource_of(f)[4] for f in changes.resources_removed} == {"vol-0ccc"}
    assert changes.regressed
    item_changes = {(c.checklist_id, c.item_id): (c.before, c.after) for c in changes.item_changes}
    assert item_changes[("ext-service-requirements", "33")] == (Status.MANUAL, Status.UNKNOWN)


def test_same_run_twice_has_no_changes(catalogue):
    first = decide(catalogue, sample_evidence())
    second = decide(catalogue, sample_evidence())
    changes = diff_runs(first, second)
    assert not (changes.new_failures or changes.fixed or changes.newly_unknown or changes.item_changes)
    assert not (changes.resources_added or changes.resources_removed) and not changes.regressed
    assert len(changes.still_failing) == sum(1 for f in second.findings if f.status is Status.FAIL)


def test_improvement_is_not_a_regression(catalogue):
    previous = decide(catalogue, sample_evidence())
    fixed = tuple(
        replace(r, attributes={**r.attributes, "encrypted": True}) if r.resource_type == "aws.ec2.volume" else r
        for r in sample_evidence()
    )
    current = decide(catalogue, fixed)
    changes = diff_runs(previous, current)
    assert not changes.new_failures and not changes.newly_unknown
    assert {b.resource_id for b in changes.fixed} == {"vol-0bbb", "vol-0ccc"}
    assert all(not c.worse for c in changes.item_changes)
    assert not changes.regressed
