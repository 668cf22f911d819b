"""The least-privilege grant (``auditor permissions azure``): Reader plus the named Microsoft Graph permissions.

Every check declares read permissions that Reader and the named Microsoft Graph application
permissions cover; the command prints that grant.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from auditor.cli import cli
from providers.azure.checks import CHECKS
from providers.azure.permissions import covered_by_reader, grant


def test_every_check_declares_permissions_and_expectation():
    for check in CHECKS:
        assert check.permissions, check.id
        assert check.expected, check.id
        assert check.title_ja, check.id


def test_every_arm_permission_is_a_read_that_reader_covers():
    arm = {p for c in CHECKS for p in c.permissions if not p.startswith("graph:")}
    assert arm and all(covered_by_reader(p) for p in arm)


def test_permissions_grant_is_reader_plus_named_graph_permissions_only():
    document = grant(list(CHECKS), {"subscription": ("s1", "s2")})
    roles = document["azure_rbac_role_assignments"]
    assert [r["role"] for r in roles] == ["Reader", "Reader"]
    assert [r["scope"] for r in roles] == ["/subscriptions/s1", "/subscriptions/s2"]
    graph = {g["permission"] for g in document["microsoft_graph_application_permissions"]}
    assert graph == {"AuditLog.Read.All", "Domain.Read.All", "Policy.Read.All", "RoleManagement.Read.Directory",
                     "User.Read.All"}


def test_permissions_command_prints_reader_and_graph_permissions():
    result = CliRunner().invoke(cli, ["permissions", "azure", "--format", "json", "--subscription", "sub-1"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    grant = json.loads(result.output)
    assert grant["azure_rbac_role_assignments"][0]["role"] == "Reader"
    assert grant["azure_rbac_role_assignments"][0]["scope"] == "/subscriptions/sub-1"
    assert len(grant["microsoft_graph_application_permissions"]) == 5


def test_policy_only_says_azure_has_no_single_document():
    result = CliRunner().invoke(cli, ["--lang", "en", "permissions", "azure", "--policy-only"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    [line] = result.output.splitlines()
    assert "Reader" in line and "--format text" in line
