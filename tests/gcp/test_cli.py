"""End to end through the command line: ``auditor audit --provider gcp`` (``auditor permissions gcp`` is in
test_permissions.py)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from auditor.cli import cli
from providers.gcp.emulator.samples import seed_sample_estate
from tests.gcp.conftest import AUDITOR


def test_audit_writes_results_json(gcp, tmp_path):
    organization = seed_sample_estate(gcp.estate).removeprefix("organizations/")
    out = tmp_path / "report"

    result = CliRunner().invoke(cli, [
        "--lang", "en", "audit", "--provider", "gcp", "--organization", organization,
        "--target", "juminhyo", "--format", "json", "--output", str(out),
    ])

    assert result.exit_code == 1, result.output  # the sample estate has failures
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    run = results["run"]
    assert run["providers"] == [{
        "provider": "gcp", "scopes": [f"organizations/{organization}"],
        "identity": {"credential_type": "service_account", "principal": AUDITOR},
        "regions": ["asia-northeast1", "asia1", "us"],
    }]
    findings = results["findings"]
    assert findings and {f["provider"] for f in findings} == {"gcp"}
    ssh = next(f for f in findings if f["check_id"] == "gcp.compute.firewall_admin_ports_closed"
               and f["scope"] == "juminhyo-stg")
    assert ssh["status"] == "FAIL" and ssh["source"] == "asset:assets.list[compute.googleapis.com/Firewall]"
    controls = {c["control_id"]: c["status"] for c in results["controls"] if c["provider"] == "gcp"}
    assert controls["network.firewall"] == "FAIL"
    assert controls["encryption.at-rest"] == "PASS"
    assert controls["identity.password-policy"] == "UNKNOWN"
    assert controls["csp.certification"] == "INHERITED"
    assert "gcp.compute.firewall_admin_ports_closed" in result.output

    # The snapshot re-decides offline to the same verdicts (evidence survives the JSON round trip).
    again = tmp_path / "again"
    result = CliRunner().invoke(cli, ["--lang", "en", "evaluate", str(out / "snapshot.json"), "--format", "json",
                                      "--output", str(again)])
    assert result.exit_code == 1, result.output
    redecided = json.loads((again / "results.json").read_text(encoding="utf-8"))["findings"]

    def verdicts(items):
        return sorted((f["check_id"], f["resource_id"], f["status"], f["reason"]) for f in items)

    assert verdicts(redecided) == verdicts(findings)
