"""End to end: ``auditor audit --provider aws`` against the emulator writes results.json with the
AWS findings, gaps and the identity audited; unusable credentials exit with code 2 and a message."""

from __future__ import annotations

import json
import os

from click.testing import CliRunner

from auditor.cli import cli
from tests.aws.conftest import TOKYO, VIRGINIA
from tests.aws.estates import bucket, security_group, volume


def test_audit_writes_results_with_aws_findings(account, tmp_path):
    volume(account, TOKYO, "tokyo-data", encrypted=True)
    bucket(account, f"abroad-{account.account_id}", VIRGINIA)
    security_group(account, "admin-ssh", 22)
    os.environ["AWS_MAX_ATTEMPTS"] = "1"
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["--lang", "en", "audit", "--provider", "aws", "--regions", TOKYO,
                                      "--regions", VIRGINIA, "--output", str(out), "--format", "json"])
    assert result.exit_code == 1, result.output  # the audit ran and something failed
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    (scope,) = [p for p in data["run"]["providers"] if p["provider"] == "aws"]
    assert scope["scopes"] == [account.account_id] and scope["identity"]["account"] == account.account_id
    assert scope["regions"] == [TOKYO, VIRGINIA]
    findings = {(f["check_id"], f["resource_id"]): f for f in data["findings"] if f["provider"] == "aws"}
    abroad = findings[("aws.s3.bucket_in_japan", f"arn:aws:s3:::abroad-{account.account_id}")]
    assert abroad["status"] == "FAIL" and abroad["region"] == VIRGINIA and abroad["source"] == "s3:ListBuckets"
    ssh = [f for (check, _), f in findings.items() if check == "aws.ec2.security_group_admin_ports"
           and f["status"] == "FAIL"]
    assert ssh and "22" in ssh[0]["reason"]
    controls = {(c["control_id"], c["provider"]): c["status"] for c in data["controls"]}
    assert controls[("residency.japan", "aws")] == "FAIL"
    assert controls[("csp.certification", "aws")] == "INHERITED"
    assert "Findings (per resource):" in result.output


def test_unreachable_credentials_endpoint_exits_2_with_a_message(account, tmp_path):
    os.environ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"
    os.environ["AWS_MAX_ATTEMPTS"] = "1"
    result = CliRunner().invoke(cli, ["--lang", "en", "audit", "--provider", "aws", "--regions", TOKYO,
                                      "--output", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "The AWS endpoint http://127.0.0.1:9 could not be reached" in result.output
    assert not (tmp_path / "out" / "results.json").exists()
