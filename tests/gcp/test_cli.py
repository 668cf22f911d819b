"""End to end through the command line: ``auditor audit --provider gcp`` and ``auditor permissions gcp``."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from auditor.cli import cli
from providers.gcp.sample import seed_sample_estate
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


def test_permissions_prints_roles_and_a_minimal_custom_role():
    result = CliRunner().invoke(cli, ["permissions", "gcp", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    roles = [r["role"] for r in document["predefined_roles"]]
    assert roles[0] == "roles/cloudasset.viewer"
    assert {"roles/ids.viewer", "roles/securitycentermanagement.viewer",
            "roles/osconfig.vulnerabilityReportViewer"} <= set(roles)
    assert "roles/iam.securityReviewer" in [r["role"] for r in document["alternative_roles"]]
    permissions = document["custom_role"]["includedPermissions"]
    assert permissions == sorted(set(permissions))
    assert {"cloudasset.assets.listResource", "cloudasset.assets.listIamPolicy", "cloudasset.assets.listOrgPolicy",
            "ids.endpoints.list", "osconfig.vulnerabilityReports.list"} <= set(permissions)
    assert all(p.endswith((".list", ".get")) or ".list" in p for p in permissions)


def test_permissions_text_has_a_custom_role_file_and_grant_commands():
    result = CliRunner().invoke(cli, ["--lang", "en", "permissions", "gcp", "--format", "text", "--folder", "300",
                                      "--impersonate-service-account", "city@vendor.iam.gserviceaccount.com"])
    assert result.exit_code == 0, result.output
    text = result.output
    role_yaml = text.split("(municipalCloudAuditor.yaml)", 1)[1].split("## Create and grant", 1)[0]
    role = yaml.safe_load(role_yaml)
    assert role["stage"] == "GA" and "cloudasset.assets.listResource" in role["includedPermissions"]
    assert ("gcloud resource-manager folders add-iam-policy-binding 300 "
            "--member=serviceAccount:city@vendor.iam.gserviceaccount.com "
            "--role=organizations/ORGANIZATION_ID/roles/municipalCloudAuditor") in text
    assert "gcloud iam roles create municipalCloudAuditor --organization=ORGANIZATION_ID" in text
    assert "Users › Read" in text


def test_policy_only_is_the_custom_role_file():
    result = CliRunner().invoke(cli, ["permissions", "gcp", "--policy-only"])
    assert result.exit_code == 0, result.output
    role = yaml.safe_load(result.output)  # the file `gcloud iam roles create --file=` reads, nothing around it
    assert set(role) == {"title", "description", "stage", "includedPermissions"}
    assert "cloudasset.assets.listResource" in role["includedPermissions"]
