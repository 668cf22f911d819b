"""Credentials: the real azure-identity chain against the emulator's authority, the caller's
identity, the settings, and one shared token for every parallel caller.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from azure.core.exceptions import ClientAuthenticationError

from auditor.errors import AuditorError
from providers.azure import kinds as k
from providers.azure.credentials import (
    REFRESH_MARGIN_SECONDS,
    SharedTokens,
    TenantCredential,
    build_credential,
    token_claims,
)
from providers.azure.emulator.server import running
from providers.azure.settings import Settings

from .conftest import audit, audit_running


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
