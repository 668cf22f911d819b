"""Credentials, caller identity, Microsoft Graph refusals as gaps, and the read-only guarantee."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.core.rest import HttpRequest

from auditor.errors import AuditorError
from providers.azure import facts
from providers.azure import kinds as k
from providers.azure.credentials import (
    REFRESH_MARGIN_SECONDS,
    SharedTokens,
    TenantCredential,
    build_credential,
    token_claims,
)
from providers.azure.emulator import running
from providers.azure.readonly import WriteRefused, is_read, resource_graph_query_url
from providers.azure.sample import sample_estate
from providers.azure.settings import Settings
from providers.azure.transport import AzureApis

from .conftest import audit, audit_running

ENTRA = frozenset({k.TENANT, k.ADMIN, k.USER, k.DOMAIN})


# ---------------------------------------------------------------- credentials


def test_real_client_secret_credential_against_the_emulator_authority(estate):
    with running(estate) as emulator:
        settings = Settings.from_options(emulator.options(), environ={})
        credential = build_credential(settings)
        assert type(credential).__name__ == "ClientSecretCredential"
        token = credential.get_token(settings.arm_scope)
        claims = token_claims(token.token)
        assert claims["tid"] == estate.tenant_id and claims["appid"] == estate.app.client_id
        assert claims["aud"] == emulator.url
        wrong = Settings.from_options({**emulator.options(), "client_secret": "not-the-secret"}, environ={})
        with pytest.raises(ClientAuthenticationError, match="AADSTS7000215"):
            build_credential(wrong).get_token(wrong.arm_scope)
        with pytest.raises(AuditorError, match="Cannot authenticate to Azure"):
            audit_running(emulator, frozenset({k.RESOURCE}), client_secret="not-the-secret")
        assert emulator.traffic.counts["arm"] == 0


def test_certificate_credential_sends_a_client_assertion(estate, tmp_path):
    import trustme

    pem = tmp_path / "sp.pem"
    issued = trustme.CA().issue_cert("auditor-sp", key_type=trustme.KeyType.RSA)
    pem.write_bytes(issued.private_key_and_cert_chain_pem.bytes())
    with running(estate) as emulator:
        options = {**emulator.options(), "client_secret": "", "client_certificate_path": str(pem)}
        settings = Settings.from_options(options, environ={})
        credential = build_credential(settings)
        assert type(credential).__name__ == "CertificateCredential"
        assert token_claims(credential.get_token(settings.graph_scope).token)["oid"] == estate.app.object_id


def test_caller_identity_is_recorded(estate):
    estate.subscription("one")
    result = audit(estate, frozenset({k.RESOURCE}))
    identity = result.collection.scope.identity
    assert identity["tenant"] == estate.tenant_id
    assert identity["object_id"] == estate.app.object_id
    assert identity["app_id"] == estate.app.client_id
    assert identity["kind"] == "service principal"


def test_settings_follow_options_then_the_standard_environment():
    env = {"AUDITOR_AZURE_ARM_ENDPOINT": "https://arm.example/",
           "AUDITOR_AZURE_GRAPH_ENDPOINT": "https://graph.example",
           "AZURE_AUTHORITY_HOST": "https://login.example", "AZURE_TENANT_ID": "t-env", "AZURE_CLIENT_ID": "c-env",
           "AZURE_CLIENT_SECRET": "s-env"}
    settings = Settings.from_options({"tenant": "t-opt", "subscription": ("ABC", " ")}, environ=env)
    assert settings.arm_endpoint == "https://arm.example" and settings.arm_scope == "https://arm.example/.default"
    assert settings.graph_scope == "https://graph.example/.default"
    assert (settings.tenant, settings.client_id, settings.client_secret) == ("t-opt", "c-env", "s-env")
    assert settings.subscriptions == ("abc",) and not settings.authority_is_known
    public = Settings.from_options({}, environ={})
    assert public.arm_scope == "https://management.azure.com/.default" and public.authority_is_known


def test_tenant_credential_asks_the_chain_for_that_tenant():
    seen = {}

    class Chain:
        def get_token(self, *scopes, **kwargs):
            seen.update(kwargs, scopes=scopes)
            return "token"

    assert TenantCredential(Chain(), "t-1").get_token("s/.default") == "token"
    assert seen == {"tenant_id": "t-1", "scopes": ("s/.default",)}


class Counting:
    """The real credential, counting the token requests it is asked for."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.asked: list[tuple[str, ...]] = []
        self._lock = threading.Lock()

    def get_token(self, *scopes, **kwargs):
        with self._lock:
            self.asked.append(scopes)
        return self.inner.get_token(*scopes, **kwargs)


def _token_requests(emulator) -> int:
    return sum(1 for method, path in emulator.traffic.lines if method == "POST" and path.endswith("/oauth2/v2.0/token"))


def test_parallel_callers_share_one_token_from_the_authority(estate):
    with running(estate) as emulator:
        settings = Settings.from_options(emulator.options(), environ={})
        shared = SharedTokens(build_credential(settings))
        start = threading.Barrier(8)

        def ask(_):
            start.wait()
            return shared.get_token(settings.arm_scope)

        with ThreadPoolExecutor(max_workers=8) as pool:
            tokens = list(pool.map(ask, range(8)))
        assert all(token is tokens[0] for token in tokens)
        assert _token_requests(emulator) == 1


def test_an_audit_asks_once_per_scope_across_parallel_resource_graph_queries(estate):
    for n in range(4):
        sid = estate.subscription(f"s{n}")
        estate.virtual_machine(sid, "rg", f"vm{n}")
        estate.storage_account(sid, "rg", f"st{n}")
    with running(estate) as emulator:
        settings = Settings.from_options(emulator.options(), environ={})
        credential = Counting(build_credential(settings))
        result = audit_running(emulator, credential=credential)
        assert emulator.traffic.counts["resourcegraph"] > settings.workers  # the queries ran on several threads
        assert sorted(credential.asked) == sorted(set(credential.asked))  # each scope asked for once
        assert _token_requests(emulator) == len(set(credential.asked))
    assert result.status("azure.vm.backup", "vm3") == "FAIL"


def test_a_shared_token_is_fetched_again_only_near_its_expiry(estate):
    with running(estate) as emulator:
        settings = Settings.from_options(emulator.options(), environ={})
        credential = Counting(build_credential(settings))
        now = [time.time()]
        shared = SharedTokens(credential, clock=lambda: now[0])
        first = shared.get_token(settings.arm_scope)
        now[0] = first.expires_on - REFRESH_MARGIN_SECONDS - 1
        assert shared.get_token(settings.arm_scope) is first
        assert len(credential.asked) == 1
        now[0] = first.expires_on - REFRESH_MARGIN_SECONDS + 1
        shared.get_token(settings.arm_scope)
        assert len(credential.asked) == 2
        shared.get_token(settings.graph_scope, claims='{"access_token": {"nbf": {"essential": true}}}')
        assert len(credential.asked) == 3  # a claims challenge always reaches the credential


# ---------------------------------------------------------------- Microsoft Graph refusals


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


# ---------------------------------------------------------------- read-only


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("GET", "/subscriptions", True),
    ("HEAD", "/subscriptions/x", True),
    ("POST", "/providers/Microsoft.ResourceGraph/resources", True),
    ("POST", "/providers/microsoft.resourcegraph/resources/", True),
    ("POST", "/proxy/providers/microsoft.resourcegraph/resources", False),
    ("POST", "/subscriptions/x/providers/Microsoft.ResourceGraph/resources", False),
    ("POST", "/subscriptions/x/providers/Microsoft.Compute/register", False),
    ("PUT", "/subscriptions/x/resourceGroups/rg", False),
    ("PATCH", "/subscriptions/x/providers/Microsoft.Storage/storageAccounts/a", False),
    ("DELETE", "/subscriptions/x/resourceGroups/rg", False),
    ("POST", "/subscriptions/x/providers/Microsoft.Storage/storageAccounts/a/listKeys", False),
])
def test_read_classification(method, path, allowed):
    posts = (resource_graph_query_url("https://management.azure.com"),)
    assert is_read(method, f"https://management.azure.com{path}", posts) is allowed
    assert not is_read("POST", f"https://management.azure.com{path}")  # a channel without POST URLs
    assert is_read("POST", "https://proxy.example.jp/azure/providers/Microsoft.ResourceGraph/resources",
                   (resource_graph_query_url("https://proxy.example.jp/azure/"),))


def test_every_pipeline_refuses_writes_before_sending(estate):
    sid = estate.subscription("guarded")
    with running(estate) as emulator:
        settings = Settings.from_options(emulator.options(), environ={})
        apis = AzureApis(build_credential(settings), settings)
        try:
            attempts = [
                (apis.arm._client, HttpRequest("PUT", f"{emulator.url}/subscriptions/{sid}/resourceGroups/rg"
                                                      "?api-version=2021-04-01", json={"location": "japaneast"})),
                (apis.arm._client, HttpRequest("DELETE", f"{emulator.url}/subscriptions/{sid}/resourceGroups/rg"
                                                         "?api-version=2021-04-01")),
                (apis.graph._client, HttpRequest("PATCH", f"{emulator.url}/v1.0/policies/"
                                                          "identitySecurityDefaultsEnforcementPolicy",
                                                 json={"isEnabled": True})),
                (apis.resource_graph._client._client, HttpRequest(
                    "POST", f"{emulator.url}/subscriptions/{sid}/providers/Microsoft.ResourceGraph/register"
                            "?api-version=2016-02-01")),
            ]
            for client, request in attempts:
                with pytest.raises(WriteRefused):
                    client.send_request(request)
            assert [line for line in emulator.traffic.lines if line[0] not in ("GET",)
                    and "/oauth2/" not in line[1]] == []
            assert apis.arm.get("/subscriptions", {"api-version": "2022-12-01"})["value"]
        finally:
            apis.close()


def _service(path: str) -> str:
    if "/oauth2/" in path:
        return "token"
    return "resourcegraph" if path.lower().endswith("microsoft.resourcegraph/resources") else "other"


def test_a_full_audit_sends_only_reads():
    with running(sample_estate()) as emulator:
        audit_running(emulator)
        methods = {(method, _service(path)) for method, path in emulator.traffic.lines}
    assert methods <= {("GET", "other"), ("POST", "resourcegraph"), ("POST", "token"), ("GET", "token")}


def test_an_unreachable_arm_endpoint_is_one_clear_error(estate):
    with running(estate) as emulator:
        options = {**emulator.options(), "arm_endpoint": emulator.url + "/nowhere"}
        with pytest.raises(AuditorError, match="Cannot list subscriptions"):
            audit_running(emulator, frozenset({k.RESOURCE}), **options)


# ---------------------------------------------------------------- causes in both languages

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
