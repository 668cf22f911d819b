"""The emulator speaks Google's protocol: the real clients work against it unchanged."""

from __future__ import annotations

import pytest
import requests
from google.api_core import exceptions as core
from google.cloud import asset_v1
from google.oauth2 import credentials as oauth

from providers.gcp import sample
from providers.gcp.emulator import Estate, GoogleApisEmulator


@pytest.fixture
def emulator():
    estate = Estate()
    org = estate.add_organization("1234567890")
    estate.add_project("p1", "100000000001", org)
    for index in range(7):
        sample.bucket(estate, "p1", f"b{index}")
    estate.set_iam_policy("projects/p1", [{"role": "roles/viewer", "members": ["user:a@example.jp"]}],
                          [{"service": "allServices", "auditLogConfigs": [{"logType": "DATA_READ"}]}])
    with GoogleApisEmulator(estate, page_size_cap=3) as running:
        yield running


def client(emulator, principal="tester@example.jp"):
    token = oauth.Credentials(token=emulator.issue_token(principal))
    return asset_v1.AssetServiceClient(credentials=token, transport="rest",
                                       client_options={"api_endpoint": emulator.url})


def test_list_assets_pages_with_integer_enums(emulator):
    assets = list(client(emulator).list_assets(request={
        "parent": "projects/p1", "content_type": asset_v1.ContentType.RESOURCE,
        "asset_types": ["storage.googleapis.com/Bucket"], "page_size": 1000}))
    assert [a.name for a in assets] == [f"//storage.googleapis.com/b{i}" for i in range(7)]
    calls = emulator.api_requests("asset")
    assert len(calls) == 3
    assert calls[0].query["contentType"] == ["1"]
    assert calls[0].query["$alt"] == ["json;enum-encoding=int"]


def test_iam_policy_enums_round_trip(emulator):
    policies = list(client(emulator).list_assets(request={
        "parent": "organizations/1234567890", "content_type": asset_v1.ContentType.IAM_POLICY}))
    assert len(policies) == 1
    log_config = policies[0].iam_policy.audit_configs[0].audit_log_configs[0]
    assert log_config.log_type == 3  # DATA_READ, sent as an integer because the client asked for it


def test_search_all_resources(emulator):
    results = list(client(emulator).search_all_resources(request={
        "scope": "organizations/1234567890", "asset_types": ["storage.googleapis.com/Bucket"]}))
    assert len(results) == 7
    assert results[0].project == "projects/100000000001"
    assert results[0].location == "asia-northeast1"


def test_errors_use_googles_format(emulator):
    emulator.estate.fail("asset", 403, "SERVICE_DISABLED")
    with pytest.raises(core.Forbidden) as error:
        list(client(emulator).list_assets(request={"parent": "projects/p1"}))
    assert error.value.reason == "SERVICE_DISABLED"
    assert error.value.domain == "googleapis.com"
    assert "cloudasset.googleapis.com" in error.value.message


def test_unauthenticated_calls_are_rejected(emulator):
    answer = requests.get(f"{emulator.url}/v1/projects/p1/assets", timeout=5)
    assert answer.status_code == 401
    assert answer.json()["error"]["status"] == "UNAUTHENTICATED"


def test_writes_are_recorded_and_refused(emulator):
    token = emulator.issue_token("tester@example.jp")
    answer = requests.post(f"{emulator.url}/v1/projects/p1/feeds", json={}, timeout=5,
                           headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 501
    assert [(r.method, r.path) for r in emulator.requests] == [("POST", "/v1/projects/p1/feeds")]
