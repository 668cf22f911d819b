"""``auditor permissions gcp``: the predefined roles, the least-privilege custom role and the grant commands."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from auditor.cli import cli


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
