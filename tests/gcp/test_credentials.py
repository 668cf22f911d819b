"""Credentials: a service-account key file whose token endpoint is the emulator (the real google-auth
JWT-bearer flow), impersonation for delegated audits, and the identity recorded in the run."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from google.oauth2 import credentials as user_credentials

from auditor.errors import AuditorError
from providers.gcp.credentials import describe
from tests.gcp.conftest import AUDITOR, PROJECT, org_and_project

DELEGATE = "city-audit@vendor-prod.iam.gserviceaccount.com"


def _decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_service_account_key_file_runs_the_real_token_flow(gcp, rsa_key):
    org_and_project(gcp.estate)

    collection = gcp.collect(project=[PROJECT])

    grants = [t for t in gcp.emulator.token_requests
              if t.get("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer"]
    assert grants, "google-auth never asked the token endpoint"
    header, payload, signature = grants[0]["assertion"].split(".")
    rsa_key.public_key().verify(_decode(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(),
                                hashes.SHA256())
    claims = json.loads(_decode(payload))
    assert claims["iss"] == AUDITOR
    assert "https://www.googleapis.com/auth/cloud-platform" in claims["scope"]
    api_calls = gcp.emulator.api_requests()
    assert api_calls and {r.principal for r in api_calls} == {AUDITOR}
    assert collection.scope.identity == {"credential_type": "service_account", "principal": AUDITOR}


def test_unregistered_key_is_refused_with_one_clear_error(gcp, monkeypatch):
    org_and_project(gcp.estate)
    gcp.estate.service_account_keys.clear()
    with pytest.raises(AuditorError) as error:
        gcp.collect(project=[PROJECT])
    assert "access token" in error.value.message("en")
    assert not gcp.emulator.api_requests("asset")


def test_impersonation_calls_apis_as_the_delegated_service_account(gcp):
    org_and_project(gcp.estate)
    gcp.estate.token_creators.add((AUDITOR, DELEGATE))

    collection = gcp.collect(project=[PROJECT], impersonate_service_account=DELEGATE)

    minted = gcp.emulator.api_requests("iamcredentials")
    assert [r.principal for r in minted if r.method == "POST"] == [AUDITOR]
    assert minted[0].path == f"/v1/projects/-/serviceAccounts/{DELEGATE}:generateAccessToken"
    assert {r.principal for r in gcp.emulator.api_requests("asset")} == {DELEGATE}
    assert collection.scope.identity == {
        "principal": DELEGATE, "credential_type": "impersonated_service_account", "impersonated_by": AUDITOR,
        "source_credential_type": "service_account"}


def test_impersonation_without_token_creator_grant_stops_the_audit(gcp):
    org_and_project(gcp.estate)
    with pytest.raises(AuditorError) as error:
        gcp.collect(project=[PROJECT], impersonate_service_account=DELEGATE)
    assert "iam.serviceAccounts.getAccessToken" in error.value.message("en")


def test_default_scope_is_the_key_files_project(gcp):
    gcp.estate.add_project("audit-host", "100000000099")
    collection = gcp.collect()
    assert collection.scope.scopes == ("projects/audit-host",)


def test_missing_credentials_file_is_a_clear_error(gcp, monkeypatch, tmp_path):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    with pytest.raises(AuditorError) as error:
        gcp.collect(project=[PROJECT])
    assert "GOOGLE_APPLICATION_CREDENTIALS" in error.value.message("en")
    assert "認証情報" in error.value.message("ja")


def test_bad_scope_options_are_refused_before_any_call(gcp):
    with pytest.raises(AuditorError):
        gcp.collect(folder=["not-a-number"])
    with pytest.raises(AuditorError):
        gcp.collect(project=["Bad_Project"])
    assert not gcp.emulator.api_requests()


def test_user_credentials_identity_is_described_without_calling_anything():
    creds = user_credentials.Credentials(token=None, refresh_token="x", client_id="c", client_secret="s",
                                         account="alice@example.jp", quota_project_id="billing-proj")
    assert describe(creds) == {"credential_type": "authorized_user", "principal": "alice@example.jp",
                               "quota_project": "billing-proj"}
