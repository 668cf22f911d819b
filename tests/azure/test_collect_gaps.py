"""Refused or failed reads become gaps and unreadable attributes, worded in both languages."""

from __future__ import annotations

import re

import pytest

from auditor.errors import AuditorError
from providers.azure import facts
from providers.azure import kinds as k
from providers.azure.emulator.server import running

from .conftest import audit, audit_running

ENTRA = frozenset({k.TENANT, k.ADMIN, k.USER, k.DOMAIN})


def test_graph_403_becomes_gaps_naming_the_permission(estate):
    estate.user("ga", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    estate.app.graph_permissions.clear()
    result = audit(estate, ENTRA)
    gaps = result.collection.gaps
    assert {g.error_code for g in gaps} == {"Authorization_RequestDenied"}
    permissions = {g.permission for g in gaps}
    for name in ("AuditLog.Read.All", "Policy.Read.All", "RoleManagement.Read.Directory", "Domain.Read.All",
                 "User.Read.All"):
        assert any(name in p for p in permissions), name
    assert result.findings and {f.status.value for f in result.findings} == {"UNKNOWN"}
    enforced = result.finding("azure.entra.admin_mfa_enforced", estate.tenant_id)
    assert "Policy.Read.All" in enforced.reason or "RoleManagement.Read.Directory" in enforced.reason


def test_one_missing_graph_permission_leaves_the_rest_decided(estate):
    estate.user("ga", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    estate.app.graph_permissions.discard("Policy.Read.All")
    result = audit(estate, ENTRA)
    tenant = estate.tenant_id
    assert result.status("azure.entra.admin_mfa_enforced", tenant) == "UNKNOWN"
    assert "Policy.Read.All" in result.finding("azure.entra.admin_mfa_enforced", tenant).reason
    assert result.status("azure.entra.global_admin_count", tenant) == "PASS"
    assert result.status("azure.entra.admin_mfa_registered", "ga@test-city.onmicrosoft.com") == "PASS"
    assert {g.source for g in result.collection.gaps} == {
        "graph:GET /identity/conditionalAccess/policies", "graph:GET /identity/conditionalAccess/namedLocations",
        "graph:GET /policies/identitySecurityDefaultsEnforcementPolicy"}


def test_tenant_without_premium_licence_is_a_gap_not_a_failure(estate):
    estate.user("ga", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    estate.premium = False
    result = audit(estate, frozenset({k.ADMIN}))
    [gap] = result.collection.gaps
    assert gap.error_code == "Authentication_RequestFromNonPremiumTenantOrB2CTenant"
    assert [f.status.value for f in result.findings] == ["UNKNOWN"]


def test_an_unreachable_arm_endpoint_is_one_clear_error(estate):
    with running(estate) as emulator:
        options = {**emulator.options(), "arm_endpoint": emulator.url + "/nowhere"}
        with pytest.raises(AuditorError, match="Cannot list subscriptions"):
            audit_running(emulator, frozenset({k.RESOURCE}), **options)


JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def test_causes_the_adapter_words_itself_are_in_both_languages(estate):
    estate.user("ga", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    estate.app.graph_permissions.discard("Policy.Read.All")
    missing = "0b1e2c3d-0000-4000-8000-00000000dead"
    result = audit(estate, ENTRA | {k.SUB_DEFENDER}, subscription=(missing,))
    enforced = result.finding("azure.entra.admin_mfa_enforced", estate.tenant_id)
    assert "必要な権限" in enforced.reason and "Policy.Read.All" in enforced.reason
    assert "needs Microsoft Graph application permission Policy.Read.All" in enforced.reason_en
    assert not JAPANESE.search(enforced.reason_en), enforced.reason_en
    [hidden] = [g for g in result.collection.gaps if g.scope == missing]
    assert "見えない" in hidden.message_in("ja")
    assert hidden.message_in("en") == f"subscription {missing} is not visible to this identity"
