"""The CLI as a user meets it: listings, an audit, re-evaluation, and clear errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from tests.core.fake_provider import bucket, disk

SEED_IDS = {
    "ext-service-requirements": 37,
    "cloud-service-requirements": 28,
    "infosec-requirements-annex4": 100,
    "ext-service-selection-criteria": 33,
    "usage-decision-criteria": 35,
}


@pytest.fixture
def run(catalogue):
    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), obj={"catalogue": catalogue}, catch_exceptions=False)

    return invoke


def test_checklists_json(run):
    result = run("checklists", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {c["id"]: len(c["items"]) for c in data["checklists"]} == SEED_IDS
    item = next(i for c in data["checklists"] if c["id"] == "ext-service-requirements" for i in c["items"]
                if i["id"] == "25")
    assert item["basis"] == "controls" and item["control_ids"] == ["residency.japan"]
    assert item["text"].startswith("データはすべて国内に保存されること。")
    assert item["level"] == "○" and item["not_applicable"] is None


def test_checklists_json_follows_the_profile(run):
    def item(*options: str) -> dict:
        data = json.loads(run("checklists", "--format", "json", "--checklist", "ext-service-selection-criteria",
                              *options).output)
        return next(i for i in data["checklists"][0]["items"] if i["id"] == "sel-05")

    assert item()["level"] == "必須" and item()["not_applicable"] is None
    registered = item("--profile-option", "ismap=registered")
    assert registered["level"] == "-" and "対象外" in registered["not_applicable"]


def test_checklists_table_and_unknown_id(run):
    assert "ext-service-requirements" in run("checklists", "--checklist", "ext-service-requirements").output
    bad = run("--lang", "en", "checklists", "--checklist", "nope")
    assert bad.exit_code == 2 and "Unknown checklist 'nope'" in bad.output


def test_controls_json_lists_checks_per_provider(run):
    data = json.loads(run("controls", "--format", "json").output)
    by_id = {c["id"]: c for c in data["controls"]}
    assert len(by_id) == 21
    assert by_id["encryption.at-rest"]["providers"]["fake"]["checks"][0]["id"] == "fake.disk.encrypted"


def audit(run, out: Path, *extra: str):
    return run("audit", "--provider", "fake", "--output", str(out), "--format", "json", *extra)


def test_audit_writes_results_and_exit_code_follows_failures(run, fake, tmp_path):
    fake.evidence = [disk("web-1", True), bucket("data", "jp-east")]
    ok = audit(run, tmp_path / "ok")
    assert ok.exit_code == 0, ok.output
    results = json.loads((tmp_path / "ok" / "results.json").read_text(encoding="utf-8"))
    assert results["schema_version"] == 1
    assert {f["status"] for f in results["findings"]} == {"PASS"}
    assert (tmp_path / "ok" / "snapshot.json").exists()

    fake.evidence = [disk("web-1", False), bucket("data", "jp-east")]
    failed = audit(run, tmp_path / "failed")
    assert failed.exit_code == 1
    assert "web-1" in failed.output


def test_evaluate_reproduces_the_audit(run, fake, tmp_path):
    fake.evidence = [disk("web-1", False), bucket("replica", "us-west")]
    audit(run, tmp_path / "a")
    again = run("evaluate", str(tmp_path / "a" / "snapshot.json"), "--output", str(tmp_path / "b"), "--format", "json")
    assert again.exit_code == 1
    first = json.loads((tmp_path / "a" / "results.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "b" / "results.json").read_text(encoding="utf-8"))
    assert first["findings"] == second["findings"]
    assert first["checklists"] == second["checklists"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],
        lambda text: text.replace('"kind": "auditor-snapshot"', '"kind": "other"'),
        lambda text: text.replace('"schema_version": 1', '"schema_version": 99'),
        lambda text: text.replace('"collected_at"', '"collected"', 1),
    ],
    ids=["truncated", "not-a-snapshot", "future-version", "missing-field"],
)
def test_corrupted_snapshot_is_a_clear_error(run, fake, tmp_path, damage):
    fake.evidence = [disk("web-1", True)]
    audit(run, tmp_path / "a")
    snapshot = tmp_path / "a" / "snapshot.json"
    snapshot.write_text(damage(snapshot.read_text(encoding="utf-8")), encoding="utf-8")
    result = run("--lang", "en", "evaluate", str(snapshot), "--output", str(tmp_path / "b"))
    assert result.exit_code == 2
    assert "Cannot read snapshot" in result.output or "is invalid at evidence[0].collected_at" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "b").exists()


def test_bad_attestations_stop_before_collection_and_write_nothing(run, fake, tmp_path):
    bad = tmp_path / "att.yaml"
    bad.write_text("attestations:\n  - item: ext-service-requirements#1\n    answer: yes\n", encoding="utf-8")
    fake.evidence = [disk("web-1", True)]
    result = run("audit", "--provider", "fake", "--attestations", str(bad), "--output", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "2 行目" in result.output and "evidence" in result.output
    assert not (tmp_path / "out").exists()


def test_attested_item_in_results(run, fake, tmp_path):
    answers = tmp_path / "att.yaml"
    answers.write_text(
        "attestations:\n  - item: ext-service-requirements#1\n    answer: yes\n    evidence: [研修記録 2026]\n"
        "    answered_by: 山田\n    answered_on: 2026-11-01\n",
        encoding="utf-8",
    )
    fake.evidence = [disk("web-1", True)]
    assert audit(run, tmp_path / "out", "--attestations", str(answers)).exit_code == 0
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    items = {i["item_id"]: i for c in results["checklists"] if c["id"] == "ext-service-requirements"
             for i in c["items"]}
    assert items["1"]["status"] == "ATTESTED" and items["1"]["attestation"]["evidence"] == ["研修記録 2026"]
    assert items["2"]["status"] == "MANUAL"


def test_non_empty_output_needs_force(run, fake, tmp_path):
    fake.evidence = [disk("web-1", True)]
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    refused = audit(run, out)
    assert refused.exit_code == 2 and "--force" in refused.output
    foreign = audit(run, out, "--force")  # --force replaces only an earlier report folder
    assert foreign.exit_code == 2 and "keep.txt" in foreign.output
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert not [p for p in tmp_path.iterdir() if "auditor-staging" in p.name]


def test_usage_errors_exit_2(run, tmp_path):
    assert run("audit", "--output", str(tmp_path / "x")).exit_code == 2
    assert run("audit", "--provider", "nope", "--output", str(tmp_path / "x")).exit_code == 2
    bad_profile = run("--lang", "en", "audit", "--provider", "fake", "--profile-option", "usage=moon",
                      "--output", str(tmp_path / "x"))
    assert bad_profile.exit_code == 2 and "usage" in bad_profile.output


def test_english_checklists_table_shows_levels_in_english(run):
    english = run("--lang", "en", "checklists", "--checklist", "cloud-service-requirements").output
    assert "level: optional" in english and "level: required" in english
    assert "要否" not in english and "任意" not in english and "level (column: value)" in english
    selection = run("--lang", "en", "checklists", "--checklist", "ext-service-selection-criteria").output
    assert "registered.implementer: required" in selection and "ISMAPに登録" not in selection
    japanese = run("--lang", "ja", "checklists", "--checklist", "cloud-service-requirements").output
    assert "要否:任意" in japanese and "要否:必須" in japanese
