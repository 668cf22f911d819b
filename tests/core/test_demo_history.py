"""The demo's previous month: made from the collected snapshot by flipping one setting each way and
deciding the copy again, dated a calendar month earlier, still marked as a demo."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from auditor.checklists import Profile
from auditor.demo_history import one_month_earlier, previous_month
from auditor.run import Collected, collect, evaluate
from auditor.status import Status
from tests.core.fake_provider import AT, bucket, denied, disk


def test_last_month_has_one_fix_and_one_regression_decided_by_the_same_checks(catalogue, fake):
    fake.evidence = [disk("web-1", False), disk("web-2", True), disk("web-3", True), bucket("data", "jp-east")]
    fake.gaps = [denied("fake.bucket", "jp-west")]
    collected = Collected(replace(_run(catalogue), demo=True), tuple(fake.evidence), tuple(fake.gaps))
    now = evaluate(catalogue, collected, [], Profile(), {})
    last = previous_month(collected, catalogue.checks(["fake"]), now.findings)
    assert [(c.kind, c.resource_name, c.attribute, c.last_month, c.now) for c in last.changes] == [
        ("regressed", "web-1", "encrypted", True, False), ("fixed", "web-2", "encrypted", False, True)]
    before = evaluate(catalogue, last.collected, [], Profile(), {})
    status = {(f.check_id, f.resource_name): f.status for f in before.findings}
    assert status[("fake.disk.encrypted", "web-1")] is Status.PASS
    assert status[("fake.disk.encrypted", "web-2")] is Status.FAIL
    assert status[("fake.disk.encrypted", "web-3")] is Status.PASS  # everything else as it is now
    assert status[("fake.bucket.in_japan", "data")] is Status.PASS
    run = last.collected.run
    assert run.demo and run.run_id != collected.run.run_id and run.run_id.startswith("20261001T")
    assert run.started_at == datetime(2026, 10, 1, 3, 0, tzinfo=UTC)
    assert {e.collected_at for e in last.collected.evidence} == {datetime(2026, 10, 1, 3, 0, tzinfo=UTC)}
    assert [g.collected_at for g in last.collected.gaps] == [datetime(2026, 10, 1, 3, 0, tzinfo=UTC)]


def test_nothing_is_planted_when_no_setting_can_be_flipped(catalogue, fake):
    fake.evidence = [bucket("data", "jp-east"), disk("web-9", None, unreadable="denied")]
    collected = Collected(_run(catalogue), tuple(fake.evidence), ())
    last = previous_month(collected, catalogue.checks(["fake"]), evaluate(catalogue, collected, [], Profile(),
                                                                          {}).findings)
    assert last.changes == () and len(last.collected.evidence) == 2


def test_one_month_earlier_is_a_day_every_month_has():
    assert one_month_earlier(datetime(2026, 3, 31, 3, 0, tzinfo=UTC)) == datetime(2026, 2, 28, 3, 0, tzinfo=UTC)
    assert one_month_earlier(datetime(2026, 1, 15, 9, 30, tzinfo=UTC)) == datetime(2025, 12, 15, 9, 30, tzinfo=UTC)


def _run(catalogue):
    return replace(collect(catalogue, ["fake"], {}).run, started_at=AT, finished_at=AT)
