"""The least-privilege grant: every check declares read permissions that Reader and the named
Microsoft Graph application permissions cover.
"""

from __future__ import annotations

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
