"""``auditor history`` and ``auditor diff`` as a scheduler meets them: output, JSON and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.history import open_store
from tests.history import estate

TARGET = f"aws:{estate.ACCOUNT}"
JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uff01-\uffef]")


@pytest.fixture
def seeded(store_url, catalogue):
    """A store holding January and February of the estate, and a run of another vendor."""
    with open_store(store_url) as store:
        store.save_run(estate.january(catalogue))
        store.save_run(estate.february(catalogue))
        store.save_run(estate.january(catalogue, "20260110T000000Z-other001", target="vendor-b",
                                      started=estate.JANUARY.replace(day=10)))
    return store_url


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_diff_of_the_last_two_runs_exits_1_on_a_regression(seeded):
    result = invoke("--lang", "en", "diff", "--store", seeded, "--target", TARGET)
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "New failures (2)" in out and "vol-new" in out and "trail has stopped logging" in out
    assert "Fixed (failed before) (1)" in out and "vol-old" in out
    assert "Newly unknown (1)" in out and "Resources removed (1)" in out and "vol-gone" in out
    assert "Regressed since the previous run (exit code 1)" in out


def test_diff_json_and_japanese_table(seeded):
    result = invoke("diff", "--store", seeded, "--target", TARGET, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["regressed"] is True
    assert (data["previous"]["id"], data["current"]["id"]) == ("20260101T030000Z-aaaa0001",
                                                                "20260201T030000Z-bbbb0002")
    assert {f["resource_id"] for f in data["fixed"]} == {"vol-old"}
    table = invoke("diff", "--store", seeded, "--target", TARGET)
    assert "新たな不適合 (2)" in table.stdout and "前回から悪化しました" in table.stdout


def _row(output: str, text: str) -> str:
    return next(line for line in output.splitlines() if text in line)


def test_english_diff_is_all_english_and_fixed_rows_show_their_status_now(seeded):
    out = invoke("--lang", "en", "diff", "--store", seeded, "--target", TARGET).stdout
    assert not JAPANESE.findall(out), [line for line in out.splitlines() if JAPANESE.search(line)]
    assert "trail has stopped logging" in _row(out, "aws.cloudtrail.logging")
    header = _row(out, "reason")
    assert all(word in header for word in ("check", "resource", "region", "scope"))
    fixed = _row(out, "vol-old")
    assert "○ Pass" in fixed and "×" not in fixed and "now" in out
    assert "reason before" in out  # a fixed row quotes why it failed, not why it passes now
    assert "× Fail" in _row(out, "vol-new")


def test_japanese_diff_has_japanese_headers_and_reasons(seeded):
    out = invoke("diff", "--store", seeded, "--target", TARGET, env={"AUDITOR_LANG": ""}).stdout
    header = _row(out, "理由")
    assert all(word in header for word in ("チェック", "リソース", "リージョン", "スコープ"))
    assert not re.search(r"\b(check|resource|region|scope|reason|provider|type|checklist|item)\b", out)
    assert "証跡のログ記録が停止している" in _row(out, "aws.cloudtrail.logging")
    fixed = _row(out, "vol-old")
    assert "○ 適合" in fixed and "×" not in fixed and "今回" in out and "前回の理由" in out
    assert "リソースなし" not in out


def test_history_speaks_the_chosen_language(seeded):
    english = invoke("--lang", "en", "history", "--store", seeded, "--target", TARGET).stdout
    assert not JAPANESE.findall(english), english
    assert "Needs answer" in english and "run" in _row(english, "target")
    japanese = invoke("history", "--store", seeded, "--target", TARGET, env={"AUDITOR_LANG": ""}).stdout
    assert "要確認" in japanese and "実行 ID" in _row(japanese, "対象")
    assert not re.search(r"\b(run|target|started|findings|gaps)\b", japanese.replace(seeded, ""))


def test_explicit_runs_in_either_order(seeded):
    forward = invoke("diff", "20260101T030000Z-aaaa0001", "20260201", "--store", seeded, "--format", "json")
    assert forward.exit_code == 1
    assert json.loads(forward.stdout)["summary"]["new_failures"] == 2
    backward = invoke("diff", "20260201", "20260101T030000Z", "--store", seeded, "--format", "json")
    data = json.loads(backward.stdout)
    assert backward.exit_code == 1 and [f["resource_id"] for f in data["new_failures"]] == ["vol-old"]
    # one run: compared with the run before it of the same target
    single = invoke("diff", "20260201", "--store", seeded, "--format", "json")
    assert json.loads(single.stdout)["previous"]["id"] == "20260101T030000Z-aaaa0001"


def test_no_regression_exits_0(seeded, catalogue):
    february = estate.february(catalogue)
    again = replace(february, run=replace(february.run, run_id="20260301T030000Z-cccc0003",
                                          started_at=estate.FEBRUARY.replace(month=3)))
    with open_store(seeded) as store:
        store.save_run(again)
    result = invoke("--lang", "en", "diff", "--store", seeded, "--target", TARGET)
    assert result.exit_code == 0, result.output
    assert "No regression since the previous run." in result.stdout
    assert "Still failing (3)" in result.stdout


def test_default_target_is_the_most_recent_runs(seeded):
    result = invoke("diff", "--store", seeded, "--format", "json")
    assert json.loads(result.stdout)["current"]["id"] == "20260201T030000Z-bbbb0002"


def test_a_first_run_has_nothing_to_compare(seeded):
    result = invoke("--lang", "en", "diff", "--store", seeded, "--target", "vendor-b")
    assert result.exit_code == 0
    assert "No previous run of vendor-b" in result.stdout
    data = json.loads(invoke("diff", "--store", seeded, "--target", "vendor-b", "--format", "json").stdout)
    assert data["previous"] is None and data["regressed"] is False


def test_errors_exit_2_with_a_clear_message(seeded, tmp_path):
    unknown = invoke("--lang", "en", "diff", "20250101-nope", "--store", seeded)
    assert unknown.exit_code == 2 and "No run '20250101-nope'" in unknown.output
    assert "Traceback" not in unknown.output
    target = invoke("--lang", "en", "diff", "--store", seeded, "--target", "nobody")
    assert target.exit_code == 2 and "No runs of target 'nobody'" in target.output and "vendor-b" in target.output
    open_store(str(tmp_path / "empty.sqlite")).close()  # a store an audit created, with no run kept yet
    empty = invoke("--lang", "en", "diff", "--store", str(tmp_path / "empty.sqlite"))
    assert empty.exit_code == 2 and "has no runs yet" in empty.output
    missing = invoke("--lang", "en", "diff", "--store", str(tmp_path / "emtpy.sqlite"))
    assert missing.exit_code == 2 and "no history store" in missing.output
    ambiguous = invoke("diff", "2026", "--store", seeded)
    assert ambiguous.exit_code == 2 and "複数" in ambiguous.output


def test_history_lists_runs_with_counts(seeded):
    result = invoke("--lang", "en", "history", "--store", seeded, "--target", TARGET)
    assert result.exit_code == 0
    assert "20260101T030000Z-aaaa0001" in result.stdout and "20260201T030000Z-bbbb0002" in result.stdout
    assert "other001" not in result.stdout
    assert "ext-service-requirements:" in result.stdout
    data = json.loads(invoke("history", "--store", seeded, "--format", "json").stdout)
    assert [r["run_id"] for r in data["runs"]] == ["20260101T030000Z-aaaa0001", "20260110T000000Z-other001",
                                                   "20260201T030000Z-bbbb0002"]
    february = data["runs"][2]
    assert february["findings"] == {"pass": 1, "fail": 3, "unknown": 1, "not_applicable": 0}
    assert february["gaps"] == 1 and february["target"] == TARGET
    assert sum(february["items"]["ext-service-requirements"].values()) == 37


def test_history_targets_and_store_from_the_environment(seeded):
    result = invoke("history", "--targets", "--format", "json", env={"AUDITOR_STORE": seeded})
    targets = {t["name"]: t for t in json.loads(result.stdout)["targets"]}
    assert targets[TARGET]["runs"] == 2 and targets["vendor-b"]["runs"] == 1
    assert targets[TARGET]["scopes"] == [TARGET]
    table = invoke("history", "--targets", env={"AUDITOR_STORE": seeded})
    assert "vendor-b" in table.stdout
    missing = invoke("--lang", "en", "history", "--target", "nobody", env={"AUDITOR_STORE": seeded})
    assert missing.exit_code == 2 and "No runs of target 'nobody'" in missing.output


def test_history_of_an_empty_store(tmp_path):
    open_store(str(tmp_path / "new.sqlite")).close()
    result = invoke("--lang", "en", "history", "--store", str(tmp_path / "new.sqlite"))
    assert result.exit_code == 0 and "No runs in the history store" in result.stdout


def test_a_reader_that_stops_early_ends_the_diff_quietly(seeded):
    """``auditor diff … | head``: once the reader is gone the rest goes nowhere, with no error line (here the
    reader takes nothing at all, so the very first line written meets a closed pipe)."""
    command = f'"{sys.executable}" -m auditor --lang en diff --store "{seeded}" --target {TARGET} | true'
    reader_gone = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120,
                                 env={**os.environ, "COLUMNS": "60"})
    assert reader_gone.stderr == ""
