"""The emulator and the demo estate.

The emulator speaks Google's protocol: the real clients work against it unchanged. The demo's GCP
estate is the same vendor and service as the AWS demo, healthy except two planted mistakes: it is
started through the provider's ``demo_estate()`` (the emulator ``auditor demo`` uses), audited with
the real collection and the core evaluation, and exactly the planted mistakes fail, on their
resources, while every control the adapter can decide passes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from google.api_core import exceptions as core
from google.cloud import asset_v1
from google.oauth2 import credentials as oauth

from auditor.checklists import Profile
from auditor.model import RunResult
from auditor.plugins import DemoEstate
from auditor.run import collect, evaluate, load_catalogue
from auditor.status import Status
from providers.gcp.emulator import estate_assets
from providers.gcp.emulator.demo import MISTAKES, PREFIX, PROJECT
from providers.gcp.emulator.estate import Estate
from providers.gcp.emulator.server import GoogleApisEmulator
from providers.gcp.plugin import provider


@pytest.fixture
def emulator():
    estate = Estate()
    org = estate.add_organization("1234567890")
    estate.add_project("p1", "100000000001", org)
    for index in range(7):
        estate_assets.bucket(estate, "p1", f"b{index}")
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


# ---------------------------------------------------------------------- the demo estate

#: Controls the demo estate must pass on GCP (everything but the planted mistakes and the exceptions below).
HEALTHY = (
    "encryption.at-rest", "tls.in-transit", "identity.admin-mfa", "identity.least-privilege",
    "identity.account-lifecycle", "identity.access-restriction", "logging.audit-trail", "logging.retention-1y",
    "logging.integrity", "network.waf", "network.ids", "resilience.redundancy", "resilience.backup", "time.sync",
    "vuln.management", "vuln.malware", "ops.monitoring",
)
PLANTED_CONTROLS = {"residency.japan", "network.firewall"}
#: Not automated on GCP (UNKNOWN by design) and inherited from the cloud provider's certification.
EXCEPTIONS = {"identity.password-policy": Status.UNKNOWN, "csp.certification": Status.INHERITED}


@dataclass(frozen=True)
class Audited:
    demo: DemoEstate
    result: RunResult

    def control(self, control_id: str) -> Status:
        (found,) = [c for c in self.result.controls if c.control_id == control_id and c.provider == "gcp"]
        return found.status

    def findings(self, check_id: str) -> dict[str, Status]:
        return {f.resource_name: f.status for f in self.result.findings if f.check_id == check_id}


@pytest.fixture(scope="module")
def audited() -> Iterator[Audited]:
    catalogue = load_catalogue()
    with provider.demo_estate() as demo, pytest.MonkeyPatch.context() as patch:
        for name, value in demo.environment.items():
            patch.setenv(name, value)
        for name in ("GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT", "GCLOUD_PROJECT"):
            patch.delenv(name, raising=False)
        collected = collect(catalogue, ["gcp"], demo.options)
    result = evaluate(catalogue, collected, list(catalogue.checklists.values()), Profile(), {})
    yield Audited(demo, result)


def test_the_description_names_the_vendor_the_service_and_the_project(audited):
    demo = audited.demo
    for text in ("株式会社さくらシステムズ", "住民窓口予約サービス", "若葉市", PROJECT, "エミュレーター"):
        assert text in demo.description_ja
    for text in ("Sakura Systems", "Resident Counter Reservation Service", "Wakaba City", PROJECT, "emulator"):
        assert text in demo.description_en


def test_exactly_two_mistakes_are_planted_and_listed_with_resource_and_control(audited):
    assert {m.control_id for m in MISTAKES} == PLANTED_CONTROLS
    assert {m.resource_name for m in MISTAKES} == {f"{PREFIX}-exports", "allow-ssh-anywhere"}
    assert len(audited.demo.planted_ja) == len(audited.demo.planted_en) == len(MISTAKES) == 2
    for mistake, ja, en in zip(MISTAKES, audited.demo.planted_ja, audited.demo.planted_en, strict=True):
        for line in (ja, en):
            assert mistake.resource_name in line and mistake.control_id in line


def test_the_estate_is_read_without_gaps(audited):
    assert not audited.result.gaps
    assert [f for f in audited.result.findings if f.provider == "gcp" and f.status is Status.UNKNOWN] == []


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.key)
def test_each_planted_mistake_fails_on_its_resource(audited, mistake):
    failed = [f for f in audited.result.findings if f.check_id == mistake.check_id and f.status is Status.FAIL]
    assert [(f.resource_name, f.resource_id, f.control_id) for f in failed] == [
        (mistake.resource_name, mistake.resource_id, mistake.control_id)
    ]
    assert audited.control(mistake.control_id) is Status.FAIL


def test_nothing_else_fails(audited):
    failed = {(f.check_id, f.resource_name) for f in audited.result.findings if f.status is Status.FAIL}
    assert failed == {(m.check_id, m.resource_name) for m in MISTAKES}


@pytest.mark.parametrize("control_id", HEALTHY)
def test_healthy_controls_pass(audited, control_id):
    assert audited.control(control_id) is Status.PASS


def test_every_control_is_accounted_for(audited):
    gcp = {c.control_id: c.status for c in audited.result.controls if c.provider == "gcp"}
    expected = {**dict.fromkeys(HEALTHY, Status.PASS), **dict.fromkeys(PLANTED_CONTROLS, Status.FAIL), **EXCEPTIONS}
    assert gcp == expected


def test_the_healthy_parts_next_to_the_mistakes_pass(audited):
    buckets = audited.findings("gcp.storage.bucket_in_japan")
    assert buckets == {f"{PREFIX}-analytics-raw": Status.PASS, f"{PREFIX}-backup": Status.PASS,
                       f"{PREFIX}-exports": Status.FAIL}
    rules = audited.findings("gcp.compute.firewall_admin_ports_closed")
    assert rules == {"allow-lb-health-checks": Status.PASS, "allow-iap-ssh": Status.PASS,
                     "allow-ssh-anywhere": Status.FAIL}
    assert audited.findings("gcp.orgpolicy.resource_locations_japan") == {PROJECT: Status.PASS}
    assert audited.findings("gcp.sql.high_availability")[f"{PREFIX}-db"] is Status.PASS
    assert audited.findings("gcp.sql.backups_in_japan")[f"{PREFIX}-db"] is Status.PASS
    assert set(audited.findings("gcp.compute.instance_vulnerability_report").values()) == {Status.PASS}
    assert set(audited.findings("gcp.logging.bucket_retention_1y").values()) == {Status.PASS}
    assert set(audited.findings("gcp.logging.bucket_locked").values()) == {Status.PASS}
