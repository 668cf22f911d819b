"""The history store on SQLite and on a real PostgreSQL: faithful round trips, ordering, summaries,
all-or-nothing saves (an exception or a killed process mid-save leaves nothing), concurrent saves."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from auditor.errors import AuditorError
from auditor.history import open_store, schema
from auditor.history.store import HistoryStore
from auditor.model import Attestation, ItemResult
from auditor.serialize import results_from_dict, results_to_dict
from auditor.status import Status
from tests.history import estate


def row_counts(store: HistoryStore) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (schema.runs, *schema.RUN_CHILDREN)
        }


def test_a_saved_run_loads_back_equal(store_url, catalogue):
    january = estate.january(catalogue)
    # an attestation and odd observed values must survive too
    checklist = january.checklists[0]
    attested = ItemResult(checklist.checklist_id, checklist.items[0].item_id, Status.ATTESTED, "manual", (),
                          "申告", "必須", Attestation(checklist.checklist_id, checklist.items[0].item_id, "yes",
                                                    ("規程.pdf", "手順書.docx"), "情報政策課", "2026-01-01",
                                                    "年次確認", 12))
    january = replace(january, checklists=(replace(checklist, items=(attested, *checklist.items[1:])),
                                           *january.checklists[1:]),
                      findings=(replace(january.findings[0], observed={"nested": [1, "二", None, True]}),
                                *january.findings[1:]))
    with open_store(store_url) as store:
        store.save_run(january)
        loaded = store.load_run(january.run.run_id)
    assert loaded == january
    assert results_to_dict(loaded) == results_to_dict(january)


def test_a_run_reloads_from_a_fresh_connection(store_url, catalogue):
    february = estate.february(catalogue, target="vendor-a")
    with open_store(store_url) as store:
        store.save_run(february)
    with open_store(store_url) as store:
        assert store.load_run(february.run.run_id) == february
        assert [t.name for t in store.targets()] == ["vendor-a"]


def test_targets_are_named_or_derived_from_scopes(store_url, catalogue):
    with open_store(store_url) as store:
        store.save_run(estate.january(catalogue))
        store.save_run(estate.february(catalogue), "city-portal")
        store.save_run(estate.january(catalogue, "20260103T030000Z-eeee0005", target="vendor-b"))
        targets = {t.name: t for t in store.targets()}
    assert set(targets) == {f"aws:{estate.ACCOUNT}", "city-portal", "vendor-b"}
    derived = targets[f"aws:{estate.ACCOUNT}"]
    assert derived.scopes == (f"aws:{estate.ACCOUNT}",) and derived.runs == 1
    assert derived.last_run_id == "20260101T030000Z-aaaa0001"


def test_history_summaries_count_findings_and_items(store_url, catalogue):
    january, february = estate.january(catalogue), estate.february(catalogue)
    with open_store(store_url) as store:
        store.save_run(february)
        store.save_run(january)
        summaries = store.runs(f"aws:{estate.ACCOUNT}")
        assert store.runs("nobody") == []
    assert [s.run_id for s in summaries] == [january.run.run_id, february.run.run_id]  # oldest first
    for summary, result in zip(summaries, (january, february), strict=True):
        statuses = [f.status for f in result.findings]
        assert (summary.findings.passed, summary.findings.failed, summary.findings.unknown) == (
            statuses.count(Status.PASS), statuses.count(Status.FAIL), statuses.count(Status.UNKNOWN))
        assert summary.gaps == len(result.gaps)
        for checklist in result.checklists:
            expected = {s: [i.status for i in checklist.items].count(s) for s in Status}
            assert summary.items[checklist.checklist_id] == {s: n for s, n in expected.items() if n}
        assert summary.started_at == result.run.started_at
        assert summary.scopes == (f"aws:{estate.ACCOUNT}",)
    assert summaries[1].findings.failed == 3 and summaries[1].findings.unknown == 1


def test_previous_run_is_the_latest_earlier_run_of_the_same_target(store_url, catalogue):
    with open_store(store_url) as store:
        january, february = estate.january(catalogue), estate.february(catalogue)
        other = estate.january(catalogue, "20260115T030000Z-ffff0006", target="vendor-b",
                               started=estate.JANUARY + timedelta(days=14))
        for result in (february, other, january):
            store.save_run(result)
        target = f"aws:{estate.ACCOUNT}"
        assert store.previous_run(target, february.run.run_id) == january
        assert store.previous_run(target, january.run.run_id) is None
        # a run that is not saved yet compares with the latest stored one
        assert store.previous_run(target, "20260301T030000Z-not-saved").run.run_id == february.run.run_id
        assert store.previous_run("vendor-b", "20260301T030000Z-not-saved").run.run_id == other.run.run_id
        assert store.previous_run("nobody", february.run.run_id) is None
        assert store.latest_run_ids(target, 2) == [january.run.run_id, february.run.run_id]
        assert store.latest_target() == target


def test_run_ids_resolve_by_unambiguous_prefix(store_url, catalogue):
    with open_store(store_url) as store:
        store.save_run(estate.january(catalogue))
        store.save_run(estate.february(catalogue))
        assert store.resolve_run_id("20260201") == "20260201T030000Z-bbbb0002"
        assert store.resolve_run_id("20260101T030000Z-aaaa0001") == "20260101T030000Z-aaaa0001"
        with pytest.raises(AuditorError, match="several runs"):
            store.resolve_run_id("2026")
        with pytest.raises(AuditorError, match="No run 'nope'"):
            store.resolve_run_id("nope")
        with pytest.raises(AuditorError, match="No run '20%'"):
            store.resolve_run_id("20%")  # LIKE wildcards are taken literally
        with pytest.raises(AuditorError, match="No run"):
            store.load_run("20260301T000000Z-missing")


def test_saving_the_same_run_again_replaces_it(store_url, catalogue):
    january = estate.january(catalogue)
    redecided = replace(january, findings=january.findings[:2], gaps=())
    with open_store(store_url) as store:
        store.save_run(january)
        before = row_counts(store)
        store.save_run(redecided)
        assert store.load_run(january.run.run_id) == redecided
        after = row_counts(store)
        assert after["auditor_runs"] == 1
        assert after["auditor_findings"] == 2 < before["auditor_findings"]
        store.delete_run(january.run.run_id)
        assert all(n == 0 for n in row_counts(store).values())


class FailingStore(HistoryStore):
    """Fails after the run, findings, gaps, controls and checklists were written, before the items."""

    def _insert_batch(self, connection, table, batch):
        if table.name == "auditor_items":
            raise KeyboardInterrupt  # what Ctrl-C looks like in the middle of a save
        super()._insert_batch(connection, table, batch)


def test_an_interrupted_save_leaves_nothing(store_url, catalogue):
    january, february = estate.january(catalogue), estate.february(catalogue)
    with open_store(store_url) as store:
        store.save_run(january)
        before = row_counts(store)
        failing = FailingStore(store.engine, store.url)
        with pytest.raises(KeyboardInterrupt):
            failing.save_run(february)
        assert row_counts(store) == before
        assert [s.run_id for s in store.runs()] == [january.run.run_id]
        # replacing a stored run and failing half-way keeps the stored version whole
        with pytest.raises(KeyboardInterrupt):
            failing.save_run(replace(january, findings=january.findings[:1]))
        assert store.load_run(january.run.run_id) == january
        store.save_run(february)  # the store still works
        assert len(store.runs()) == 2


CHILD = """
import json, sys, time
from auditor.history.store import HistoryStore, open_store
from auditor.serialize import results_from_dict

result = results_from_dict(json.load(open(sys.argv[2], encoding="utf-8")))
store = open_store(sys.argv[1])
insert = HistoryStore._insert_batch

def insert_then_hang(self, connection, table, batch):
    insert(self, connection, table, batch)
    if table.name == "auditor_items":
        print("inserted", flush=True)
        time.sleep(120)

HistoryStore._insert_batch = insert_then_hang
store.save_run(result)
"""


def test_a_killed_save_leaves_nothing(store_url, catalogue, tmp_path: Path):
    january, february = estate.january(catalogue), estate.february(catalogue)
    payload = tmp_path / "february.json"
    payload.write_text(json.dumps(results_to_dict(february), ensure_ascii=False), encoding="utf-8")
    with open_store(store_url) as store:
        store.save_run(january)
        before = row_counts(store)
    child = subprocess.Popen([sys.executable, "-c", CHILD, store_url, str(payload)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "inserted", child.stderr.read()
        with open_store(store_url) as store:  # readers never see a run that is still being written
            assert [s.run_id for s in store.runs()] == [january.run.run_id]
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    with open_store(store_url) as store:
        assert row_counts(store) == before
        with pytest.raises(AuditorError):
            store.load_run(february.run.run_id)
        store.save_run(february)  # the lock died with the process
        assert store.load_run(february.run.run_id) == february


def _big(result, run_id: str, copies: int):
    findings = tuple(replace(f, resource_id=f"{f.resource_id}-{n}") for n in range(copies) for f in result.findings)
    return replace(result, run=replace(result.run, run_id=run_id), findings=findings)


def test_concurrent_saves_do_not_mix(store_url, catalogue):
    january, february = estate.january(catalogue), estate.february(catalogue)
    runs = [_big(january, f"20260101T030000Z-par{n}", 60) for n in range(3)] + [_big(february, "20260201-par", 60)]
    # two writers racing on the same run id: one of them wins, whole
    same_a = _big(january, "20260105T000000Z-same", 40)
    same_b = replace(_big(february, "20260105T000000Z-same", 50), run=same_a.run)
    jobs = [*runs, same_a, same_b]
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def save(result):
        try:
            with open_store(store_url) as store:
                barrier.wait(timeout=30)
                store.save_run(result)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(r,)) for r in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with open_store(store_url) as store:
        for result in runs:
            assert store.load_run(result.run.run_id) == result
        winner = store.load_run("20260105T000000Z-same")
        assert winner in (same_a, same_b)
        assert len(store.runs()) == len(runs) + 1
        counts = row_counts(store)
    assert counts["auditor_findings"] == sum(len(r.findings) for r in runs) + len(winner.findings)


def test_results_json_can_be_stored(store_url, catalogue):
    """A run read back from results.json (the contract other tools write) is stored as it is."""
    data = json.loads(json.dumps(results_to_dict(estate.february(catalogue))))
    result = results_from_dict(data)
    with open_store(store_url) as store:
        store.save_run(result)
        assert results_to_dict(store.load_run(result.run.run_id)) == data
