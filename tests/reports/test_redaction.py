"""Secrets stay out of every file: redaction by name and by shape, counted, in the output folder and the bundle."""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace

from click.testing import CliRunner

from auditor.bundle import write_bundle
from auditor.cli import cli
from auditor.redaction import REDACTED, looks_random, redact, redact_counted
from auditor.serialize import snapshot_to_dict
from tests.reports.conftest import RENDERERS
from tests.reports.sample import sample_collected, sample_evidence, write_all

STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ9xZ"
DB_URL_PASSWORD = "s3cr3t-Pa55"

#: The shapes the issue found in bundled snapshots: API Gateway stage variables, a tag named password,
#: Cloud Run / Cloud Functions env lists, credential-bearing URLs.
RAW = {
    "restApiId": "a1b2c3", "stageName": "prod",
    "variables": {"dbPass": "hunter2", "stripeKey": STRIPE, "backendHost": "api.example.jp", "kmsKey": "alias/app"},
    "Tags": [{"Key": "password", "Value": "tag-pw"}, {"Key": "Name", "Value": "web"}],
    "containers": [{"env": [{"name": "DB_PASSWORD", "value": "env-pw"}, {"name": "REGION", "value": "tokyo"},
                            {"name": "API_TOKEN", "valueSource": {"secretKeyRef": {"secret": "api-token"}}}]}],
    "environmentVariables": {"DATABASE_URL": f"postgres://app:{DB_URL_PASSWORD}@db.internal:5432/app"},
    "endpoint": "https://st.blob.core.windows.net/c?sv=2024&sig=abcDEF123&se=2027",
    "KmsKeyId": "1234abcd-12ab-34cd-56ef-1234567890ab",
    "cmekKey": "projects/p/locations/asia-northeast1/keyRings/r/cryptoKeys/k1a2b3",
    "PasswordReusePrevention": 5, "password_enabled": "true", "NextToken": "page-2",
}


def test_secret_shapes_are_redacted_and_facts_kept():
    cleaned, count = redact_counted(RAW)
    assert cleaned["variables"]["dbPass"] == REDACTED
    assert cleaned["variables"]["stripeKey"] == REDACTED, "a random-looking value under a *Key name"
    assert cleaned["variables"]["backendHost"] == "api.example.jp" and cleaned["variables"]["kmsKey"] == "alias/app"
    assert cleaned["Tags"] == [{"Key": "password", "Value": REDACTED}, {"Key": "Name", "Value": "web"}]
    env = cleaned["containers"][0]["env"]
    assert env[0] == {"name": "DB_PASSWORD", "value": REDACTED} and env[1]["value"] == "tokyo"
    assert env[2]["valueSource"] == RAW["containers"][0]["env"][2]["valueSource"], "a secret reference is no secret"
    assert cleaned["environmentVariables"]["DATABASE_URL"] == f"postgres://app:{REDACTED}@db.internal:5432/app"
    assert cleaned["endpoint"] == f"https://st.blob.core.windows.net/c?sv=2024&sig={REDACTED}&se=2027"
    assert cleaned["KmsKeyId"] == RAW["KmsKeyId"] and cleaned["cmekKey"] == RAW["cmekKey"]
    assert (cleaned["PasswordReusePrevention"], cleaned["password_enabled"], cleaned["NextToken"]) == (5, "true",
                                                                                                       "page-2")
    assert count == 6
    text = json.dumps(cleaned)
    for secret in ("hunter2", STRIPE, "tag-pw", "env-pw", DB_URL_PASSWORD, "abcDEF123"):
        assert secret not in text, secret


def test_redaction_is_idempotent_so_re_derived_reports_match():
    once, _ = redact_counted(RAW)
    twice, count = redact_counted(once)
    assert twice == once and count == 0
    assert redact("see https://user:pw@host/x and ?token=abc") == f"see https://user:{REDACTED}@host/x and " \
                                                                     f"?token={REDACTED}"


def test_random_looking_values_are_told_from_identifiers():
    assert looks_random(STRIPE) and looks_random("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    for value in ("arn:aws:kms:ap-northeast-1:111122223333:key/1", "1234abcd-12ab-34cd-56ef-1234567890ab",
                  "projects/p/locations/asia-northeast1/keyRings/r", "production-database", "short1"):
        assert not looks_random(value), value


def _with_stage_secrets():
    return tuple(replace(e, raw={**e.raw, **RAW}) if e.resource_id == "audit-logs" else e for e in sample_evidence())


def test_output_snapshot_and_bundle_carry_no_secret_and_count_it(catalogue, tmp_path):
    out = tmp_path / "out"
    write_all(catalogue, out, RENDERERS, evidence=_with_stage_secrets())
    snapshot = json.loads((out / "snapshot.json").read_text(encoding="utf-8"))
    raw = next(e["raw"] for e in snapshot["evidence"] if e["resource_id"] == "audit-logs")
    assert raw["variables"]["dbPass"] == REDACTED and raw["Tags"][0]["Value"] == REDACTED
    assert snapshot["redaction"]["values_redacted"] == 3 + 6
    folder, archive = write_bundle(out)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["redaction"]["values_redacted"] == 9
    assert manifest["redaction"]["by_file"]["snapshot.json"] == 9
    with zipfile.ZipFile(archive) as zipped:
        contents = {name: zipped.read(name) for name in zipped.namelist()}
    contents.update({path.name: path.read_bytes() for path in out.iterdir() if path.is_file()})
    for name, data in contents.items():
        for secret in ("hunter2", STRIPE, "tag-pw", "env-pw", DB_URL_PASSWORD):
            assert secret.encode() not in data, (name, secret)


def test_run_summary_shows_the_redaction_count(catalogue, tmp_path):
    collected = sample_collected(evidence=_with_stage_secrets())
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(json.dumps(snapshot_to_dict(collected.run, collected.evidence, collected.gaps),
                                   default=str, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--lang", "en", "evaluate", str(snapshot), "--no-history", "--format", "json",
                                      "-o", str(tmp_path / "out")], obj={"catalogue": catalogue})
    assert result.exit_code in (0, 1), result.output
    assert "9 secret values were redacted (***REDACTED***) from the files written." in result.output
    assert "hunter2" not in (tmp_path / "out" / "snapshot.json").read_text(encoding="utf-8")
