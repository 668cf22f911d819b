"""Answers and acceptances over time: valid_until, document digests, re-examination, risk acceptance."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from auditor.attestations import load_attestations
from auditor.checklists import Profile
from auditor.checks import run_checks
from auditor.cli import cli
from auditor.errors import AuditorError
from auditor.model import Attestation, RiskAcceptance
from auditor.risk import ACTIVE, EXPIRED, UNMATCHED, apply_risk_acceptances, load_risk_acceptances
from auditor.rollup import ATTESTATION_EXPIRED, ATTESTATION_RECHECK, rollup_checklist
from auditor.run import collect, evaluate
from auditor.serialize import results_from_dict, results_to_dict
from auditor.status import Status
from reports.remarks import RunIndex, item_remarks
from tests.core.fake_provider import CHECKS, disk
from tests.core.test_rollup_rules import CHECKLIST, ctrl

DAY = dt.date(2026, 11, 1)


def answered(item_id: str, answer: str = "yes", valid_until: str = "") -> dict:
    return {("rules", item_id): Attestation("rules", item_id, answer, ("規程 v1",), "山田", "2026-04-01",
                                            valid_until=valid_until)}


def decide(controls, answers, as_of=DAY):
    return {i.item_id: i for i in rollup_checklist(CHECKLIST, controls, Profile(), answers, as_of).items}


@pytest.mark.parametrize(("valid_until", "status", "flagged"), [
    ("", Status.ATTESTED, False),
    ("2026-11-01", Status.ATTESTED, False),  # valid through the day it names
    ("2026-10-31", Status.MANUAL, True),
])
def test_an_expired_answer_is_shown_but_not_used(valid_until, status, flagged):
    item = decide([], answered("manual", valid_until=valid_until))["manual"]
    assert item.status is status
    assert (ATTESTATION_EXPIRED in item.flags) is flagged
    assert item.attestation is not None  # still shown, with its flag
    if flagged:
        assert "期限切れ" in item.reason


def test_an_expired_answer_does_not_meet_a_written_exemption():
    assert decide([], answered("gate"))["gated-manual"].status is Status.NOT_APPLICABLE
    lapsed = decide([], answered("gate", valid_until="2026-01-31"))
    assert lapsed["gate"].status is Status.MANUAL and lapsed["gated-manual"].status is Status.MANUAL


def test_an_answer_whose_controls_now_fail_is_flagged_for_re_examination():
    failing = decide([ctrl("a", "aws", Status.FAIL)], answered("partial"))["partial"]
    assert failing.status is Status.FAIL and ATTESTATION_RECHECK in failing.flags
    passing = decide([ctrl("a", "aws", Status.PASS)], answered("partial"))["partial"]
    assert passing.status is Status.ATTESTED and not passing.flags


# -- the attestation file: valid_until, document digests, template entries


@pytest.fixture
def write(tmp_path):
    def write(entries, name="attestations.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump({"attestations": entries}, allow_unicode=True), encoding="utf-8")
        return path
    return write


def entry(**fields) -> dict:
    return {"item": "ext-service-requirements#1", "answer": "yes", "evidence": ["方針 v3"],
            "answered_by": "山田", "answered_on": "2026-11-01", **fields}


def test_valid_until_and_document_digests_are_read(tmp_path, write, installed):
    document = tmp_path / "方針.pdf"
    document.write_bytes(b"policy v3")
    digest = hashlib.sha256(b"policy v3").hexdigest()
    path = write([entry(valid_until="2027-03-31", evidence=["研修記録", {"name": "方針.pdf", "sha256": digest}])])
    (answer,) = load_attestations(path, installed.checklists).values()
    assert answer.valid_until == "2027-03-31"
    assert answer.evidence == ("研修記録", "方針.pdf") and answer.digests == (("方針.pdf", digest),)


def test_a_document_changed_since_it_was_attested_is_refused(tmp_path, write, installed):
    document = tmp_path / "方針.pdf"
    document.write_bytes(b"policy v3")
    path = write([entry(evidence=[{"name": "方針.pdf", "sha256": hashlib.sha256(b"policy v3").hexdigest()}])])
    document.write_bytes(b"policy v4, edited after the answer")
    with pytest.raises(AuditorError) as caught:
        load_attestations(path, installed.checklists)
    assert "方針.pdf" in caught.value.message("en") and "changed" in caught.value.message("en")


@pytest.mark.parametrize(("fields", "message"), [
    ({"valid_until": "next spring"}, "valid_until must be a date"),
    ({"evidence": [{"name": "x.pdf", "sha256": "abc"}]}, "64 hexadecimal"),
    ({"evidence": [{"sha256": "0" * 64}]}, "mapping with 'name'"),
])
def test_malformed_lifecycle_fields_name_the_line(write, installed, fields, message):
    with pytest.raises(AuditorError) as caught:
        load_attestations(write([entry(**fields)]), installed.checklists)
    assert message in caught.value.message("en") and "line" in caught.value.message("en")


def test_template_entries_left_empty_are_skipped_half_filled_ones_are_errors(write, installed):
    empty = {"item": "ext-service-requirements#2", "answer": "", "evidence": [], "answered_by": "",
             "answered_on": "", "valid_until": ""}
    assert list(load_attestations(write([entry(), empty]), installed.checklists)) == [
        ("ext-service-requirements", "1")]
    with pytest.raises(AuditorError, match="missing field"):
        load_attestations(write([{**empty, "answered_by": "山田"}]), installed.checklists)


def test_attest_template_is_loadable_and_fillable(tmp_path, installed):
    output = tmp_path / "answers.yaml"
    runner = CliRunner()
    made = runner.invoke(cli, ["attest", "template", "--checklist", "cloud-service-requirements", "-o", str(output)])
    assert made.exit_code == 0, made.output
    text = output.read_text(encoding="utf-8")
    checklist = installed.checklists["cloud-service-requirements"]
    expected = [i.id for i in checklist.items if i.basis == "manual" or i.coverage == "partial"]
    assert text.count("- item: cloud-service-requirements#") == len(expected) > 20
    assert "1.1でISMAPへの登録が行われていない場合" in text  # the item's own words, as a comment
    assert load_attestations(output, installed.checklists) == {}
    filled = text.replace(
        "- item: cloud-service-requirements#1.5\n    answer: ''\n    evidence: []\n    answered_by: ''\n"
        "    answered_on: ''",
        "- item: cloud-service-requirements#1.5\n    answer: yes\n    evidence: [生成AI利用規約]\n"
        "    answered_by: 山田\n    answered_on: 2026-11-01")
    assert filled != text
    output.write_text(filled, encoding="utf-8")
    assert list(load_attestations(output, installed.checklists)) == [("cloud-service-requirements", "1.5")]
    again = runner.invoke(cli, ["attest", "template", "--checklist", "cloud-service-requirements", "-o", str(output)])
    assert again.exit_code == 2 and "--force" in again.output and "Traceback" not in again.output


def test_attest_hash_prints_entries_that_load(tmp_path, write, installed):
    document = tmp_path / "手順書.docx"
    document.write_bytes(b"steps")
    printed = CliRunner().invoke(cli, ["attest", "hash", str(document)])
    assert printed.exit_code == 0, printed.output
    (listed,) = yaml.safe_load(printed.output)
    assert listed == {"name": str(document), "sha256": hashlib.sha256(b"steps").hexdigest()}
    (answer,) = load_attestations(write([entry(evidence=[listed])]), installed.checklists).values()
    assert answer.digests[0][1] == listed["sha256"]
    missing = CliRunner().invoke(cli, ["attest", "hash", str(tmp_path / "nothing.pdf")])
    assert missing.exit_code == 2 and "nothing.pdf" in missing.output


# -- risk acceptance


def write_acceptances(tmp_path, entries) -> Path:
    path = tmp_path / "risks.yaml"
    path.write_text(yaml.safe_dump({"risk_acceptances": entries}, allow_unicode=True), encoding="utf-8")
    return path


def accept(resource="disk/b", until="2027-03-31", **extra) -> dict:
    return {"check": "fake.disk.encrypted", "resource": resource, "accepted_by": "課長 田中",
            "reason": "更改時に廃止", "until": until, **extra}


def test_an_accepted_failure_stays_a_failure_and_says_so(tmp_path, catalogue, fake):
    fake.evidence = [disk("a", True), disk("b", False), disk("c", False)]
    acceptances = load_risk_acceptances(write_acceptances(tmp_path, [
        accept(), accept("disk/c", until="2026-10-31"), accept("disk/zzz"),
    ]))
    collected = collect(catalogue, ["fake"], {})  # the run starts now, after 2026-10-31
    checklists = [catalogue.checklists["ext-service-requirements"]]
    result = evaluate(catalogue, collected, checklists, Profile(), {}, acceptances)
    states = {a.acceptance.resource_id: a.state for a in result.risk_acceptances}
    assert states == {"disk/b": ACTIVE, "disk/c": EXPIRED, "disk/zzz": UNMATCHED}
    failing = {f.resource_id for f in result.findings if f.status is Status.FAIL}
    assert failing == {"disk/b", "disk/c"} and result.has_failures  # nothing accepted disappears
    assert results_from_dict(results_to_dict(result)) == result
    (item,) = [i for c in result.checklists for i in c.items if i.item_id == "34"]
    assert item.status is Status.FAIL
    remarks = item_remarks(item, catalogue.checklists["ext-service-requirements"].item("34"), RunIndex.of(result),
                           catalogue.controls, "ja")
    assert "リスク受容（期限 2027-03-31、承認者 課長 田中" in remarks
    assert "うちリスク受容 1 件（不適合として数える）" in remarks
    assert "期限切れのリスク受容（無視）: fake.disk.encrypted — disk/c（期限 2026-10-31）" in remarks


def test_risk_acceptances_on_the_command_line(tmp_path, catalogue, fake):
    fake.evidence = [disk("a", True), disk("b", False)]
    risks = write_acceptances(tmp_path, [accept(), accept("disk/gone", until="2026-01-31")])
    runner = CliRunner()
    done = runner.invoke(cli, ["--lang", "en", "audit", "--provider", "fake", "--no-history", "--format", "json",
                               "--risk-acceptances", str(risks), "-o", str(tmp_path / "out")],
                         obj={"catalogue": catalogue})
    assert done.exit_code == 1, done.output  # the accepted failure still fails the audit
    assert "Risk acceptances: 1 active (their failures still count), 1 expired (ignored)" in done.output
    assert "expired: fake.disk.encrypted — disk/gone" in done.output
    recorded = yaml.safe_load((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert [(r["resource"], r["state"]) for r in recorded["risk_acceptances"]] == [
        ("disk/b", "active"), ("disk/gone", "expired")]
    bad = write_acceptances(tmp_path, [accept(until="someday")])
    refused = runner.invoke(cli, ["audit", "--provider", "fake", "--no-history", "--risk-acceptances", str(bad),
                                  "-o", str(tmp_path / "never")], obj={"catalogue": catalogue})
    assert refused.exit_code == 2 and "risks.yaml" in refused.output and "Traceback" not in refused.output
    assert not (tmp_path / "never").exists()


def test_acceptance_dates_are_judged_on_the_day_of_the_audit():
    findings = run_checks(CHECKS, [disk("b", False)], [])
    acceptance = RiskAcceptance("fake.disk.encrypted", "disk/b", "田中", "理由", "2026-11-30")
    (on_time,) = apply_risk_acceptances([acceptance], findings, dt.date(2026, 11, 30))
    (late,) = apply_risk_acceptances([acceptance], findings, dt.date(2026, 12, 1))
    assert (on_time.state, late.state) == (ACTIVE, EXPIRED)
    assert on_time.findings == (findings[0].key,)


@pytest.mark.parametrize(("entries", "message"), [
    ([accept(until="soon")], "until must be a date"),
    ([{"check": "x", "resource": "y"}], "missing field"),
    ([accept(), accept()], "accepted twice"),
    (["just text"], "must be a mapping"),
])
def test_a_malformed_risk_acceptance_file_names_the_line(tmp_path, entries, message):
    with pytest.raises(AuditorError) as caught:
        load_risk_acceptances(write_acceptances(tmp_path, entries))
    assert message in caught.value.message("en") and "Risk-acceptance file" in caught.value.message("en")


@pytest.mark.parametrize("command", [["evaluate", "missing-snapshot.json"], ["keys", "fingerprint", "missing.pem"],
                                     ["verify", "missing-bundle.zip"]])
def test_a_missing_input_file_is_said_in_the_chosen_language(tmp_path, command):
    for lang, said in (("ja", "ファイルがありません"), ("en", "the file does not exist")):
        result = subprocess.run([sys.executable, "-m", "auditor", "--lang", lang, *command], cwd=tmp_path,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 2, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert said in line and "Errno" not in line and "No such file" not in line
