"""``auditor evaluate`` on snapshots a careless or hostile user might hand in: one clear line, exit 2.

Wrong types deep inside records name the field (``evidence[0].collected_at``); devices, FIFOs, folders
and oversized files are refused before anything is read; a snapshot of kinds no check reads is refused.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from auditor.limits import MAX_SNAPSHOT_BYTES, MAX_SNAPSHOT_STRING_CHARS
from tests.core.english_cli import invoke_english, one_line_error
from tests.core.fake_provider import bucket, denied, disk


@pytest.fixture
def run(catalogue):
    return lambda *args: invoke_english(catalogue, *args)


@pytest.fixture
def snapshot(run, fake, tmp_path) -> dict:
    """A real snapshot written by an audit of the fake estate, as JSON data."""
    fake.evidence = [disk("web-1", True), bucket("data", "jp-east")]
    fake.gaps = [denied("fake.bucket")]
    assert run("audit", "--provider", "fake", "--output", str(tmp_path / "a"), "--format", "json").exit_code == 0
    return json.loads((tmp_path / "a" / "snapshot.json").read_text(encoding="utf-8"))


def evaluate(run, path: Path, out: Path):
    return run("evaluate", str(path), "--output", str(out), "--format", "json")


def assert_refused(result, out: Path, *expected: str) -> None:
    one_line_error(result, *expected)
    assert not out.exists()


def _set(path: str, value):
    def damage(data: dict) -> None:
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return damage


@pytest.mark.parametrize(
    "damage, where, detail",
    [
        (_set("evidence.0.attributes", ["encrypted"]), "evidence[0].attributes", "must be a mapping, not a list"),
        (_set("evidence.0.collected_at", 12), "evidence[0].collected_at", "ISO 8601 time"),
        (_set("evidence.0.collected_at", "yesterday"), "evidence[0].collected_at", "ISO 8601 time"),
        (_set("evidence.0.collected_at", "2026-11-01T03:00:00"), "evidence[0].collected_at", "time zone"),
        (_set("evidence.0.region", 3), "evidence[0].region", "must be text, not the number 3"),
        (_set("evidence.1.resource_id", None), "evidence[1].resource_id", "must be text, not null"),
        (_set("evidence.0.resource_id", {"id": "x"}), "evidence[0].resource_id", "must be text, not a mapping"),
        (_set("evidence.0.unreadable", ["encrypted"]), "evidence[0].unreadable", "must be a mapping"),
        (_set("evidence.0.unreadable", {"encrypted": 5}), "evidence[0].unreadable.encrypted", "must be text"),
        (_set("evidence.0.name", True), "evidence[0].name", "must be text, not true/false"),
        (_set("evidence.0", "disk"), "evidence[0]", "must be a mapping, not the text"),
        (_set("evidence", {"0": {}}), "evidence", "must be a list, not a mapping"),
        (_set("gaps", "none"), "gaps", "must be a list"),
        (_set("gaps.0.resource_types", "fake.bucket"), "gaps[0].resource_types", "must be a list, not the text"),
        (_set("gaps.0.resource_types", [1]), "gaps[0].resource_types[0]", "must be text"),
        (_set("gaps.0.message", ["denied"]), "gaps[0].message", "must be text"),
        (_set("run.providers", "fake"), "run.providers", "must be a list"),
        (_set("run.providers.0.scopes", [None]), "run.providers[0].scopes[0]", "must be text, not null"),
        (_set("run.started_at", None), "run.started_at", "ISO 8601 time"),
        (_set("run.demo", "yes"), "run.demo", "must be true or false"),
    ],
)
def test_wrong_types_inside_records_name_the_field(run, snapshot, tmp_path, damage, where, detail):
    damage(snapshot)
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(snapshot), encoding="utf-8")
    out = tmp_path / "out"
    assert_refused(evaluate(run, path, out), out, f"is invalid at {where}:", detail)


def test_a_missing_field_is_named(run, snapshot, tmp_path):
    del snapshot["evidence"][1]["source"]
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(snapshot), encoding="utf-8")
    assert_refused(evaluate(run, path, tmp_path / "out"), tmp_path / "out", "evidence[1].source: is missing")


def test_a_string_over_the_limit_is_refused(run, snapshot, tmp_path):
    snapshot["evidence"][0]["raw"] = {"Policy": "x" * (MAX_SNAPSHOT_STRING_CHARS + 1)}
    path = tmp_path / "long.json"
    path.write_text(json.dumps(snapshot), encoding="utf-8")
    assert_refused(evaluate(run, path, tmp_path / "out"), tmp_path / "out", "evidence[0].raw.Policy", "limit")


def test_deep_nesting_is_refused(run, snapshot, tmp_path):
    path = tmp_path / "deep.json"
    text = json.dumps(snapshot)
    path.write_text(text.replace('"raw": {', '"raw": ' + "[" * 5000 + "]" * 5000 + ', "x": {', 1), encoding="utf-8")
    assert_refused(evaluate(run, path, tmp_path / "out"), tmp_path / "out", "nested deeper than")


def test_an_oversized_snapshot_is_refused_without_reading_it(run, tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as stream:
        stream.truncate(MAX_SNAPSHOT_BYTES + 1)  # sparse: costs no disk
    started = time.monotonic()
    assert_refused(evaluate(run, path, tmp_path / "out"), tmp_path / "out", "too large", "512 MiB")
    assert time.monotonic() - started < 5


def test_dev_zero_is_refused_immediately(run, tmp_path):
    started = time.monotonic()
    assert_refused(evaluate(run, Path("/dev/zero"), tmp_path / "out"), tmp_path / "out",
                   "/dev/zero is not a regular file", "device")
    assert time.monotonic() - started < 5


def test_a_folder_is_refused(run, tmp_path):
    assert_refused(evaluate(run, tmp_path, tmp_path / "out"), tmp_path / "out", "not a regular file", "directory")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_without_a_writer_is_refused_without_waiting(run, tmp_path):
    fifo = tmp_path / "snapshot.fifo"
    os.mkfifo(fifo)
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(result=evaluate(run, fifo, tmp_path / "out")), daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock the reader so the test run can end, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("evaluate waited on a FIFO")
    assert_refused(outcome["result"], tmp_path / "out", "not a regular file", "FIFO")


def test_a_snapshot_of_kinds_no_check_reads_is_refused(run, snapshot, tmp_path):
    for record in snapshot["evidence"]:
        record["resource_type"] = "fake.teapot"
    for gap in snapshot["gaps"]:
        gap["resource_types"] = ["fake.kettle"]
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps(snapshot), encoding="utf-8")
    assert_refused(evaluate(run, path, tmp_path / "out"), tmp_path / "out", "fake.kettle, fake.teapot",
                   "nothing to evaluate")


def test_a_snapshot_with_some_known_kinds_is_evaluated(run, snapshot, tmp_path):
    snapshot["evidence"][0]["resource_type"] = "fake.teapot"
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(snapshot), encoding="utf-8")
    result = evaluate(run, path, tmp_path / "out")
    assert result.exit_code in (0, 1), result.output
    assert (tmp_path / "out" / "results.json").is_file()
