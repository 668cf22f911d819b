"""The Azure part of ``auditor demo``: the vendor's estate, audited through the real pipeline on the emulator.

The demo estate is started through the provider's ``demo_estate()``, collected by the real adapter and
decided by the core (checks and control roll-up), as ``auditor demo`` does. Exactly the two planted
mistakes fail, with their resource names; every other control the adapter decides passes, apart from
the password policy, which fails on every Entra tenant by design.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from auditor.checklists import Profile
from auditor.model import RunResult
from auditor.plugins import DemoEstate
from auditor.run import Collected, collect, evaluate, load_catalogue
from auditor.status import Status
from providers.azure.emulator import demo
from providers.azure.plugin import provider

#: Controls that are not PASS on the demo estate, and why.
PLANTED_CONTROLS = {"residency.japan", "logging.retention-1y"}
BY_DESIGN = {"identity.password-policy"}  # Entra ID's fixed policy: three of four character classes
INHERITED = {"csp.certification"}


@dataclass(frozen=True)
class Audited:
    estate: DemoEstate
    collected: Collected
    result: RunResult

    def control(self, control_id: str) -> Status:
        (found,) = [c for c in self.result.controls if c.control_id == control_id and c.provider == "azure"]
        return found.status

    def findings(self, check_id: str, status: Status | None = None) -> list:
        return [f for f in self.result.findings if f.check_id == check_id and (status is None or f.status is status)]


@pytest.fixture(scope="module")
def audited() -> Iterator[Audited]:
    catalogue = load_catalogue()
    with provider.demo_estate() as estate:
        collected = collect(catalogue, ["azure"], estate.options, target="demo", demo=True)
    result = evaluate(catalogue, collected, list(catalogue.checklists.values()), Profile(), {})
    yield Audited(estate, collected, result)


def test_description_names_the_vendor_service_and_subscription_and_says_demo(audited: Audited) -> None:
    estate = audited.estate
    assert "さくらシステムズ" in estate.description_ja and "住民窓口予約サービス" in estate.description_ja
    assert demo.SUBSCRIPTION in estate.description_ja and demo.SUBSCRIPTION in estate.description_en
    assert "デモ" in estate.description_ja and "エミュレーター" in estate.description_ja
    assert "Sakura Systems" in estate.description_en and "Resident Counter Reservation Service" in estate.description_en
    assert "demo" in estate.description_en.lower() and "emulator" in estate.description_en
    assert "Japan" in estate.description_en
    assert len(estate.planted_ja) == len(estate.planted_en) == 2
    assert all(m.resource_name in ja and m.resource_name in en and m.control_id in ja and m.control_id in en
               for m, ja, en in zip(demo.PLANTED, estate.planted_ja, estate.planted_en, strict=True))


def test_one_subscription_read_without_gaps(audited: Audited) -> None:
    [scope] = audited.collected.run.providers
    names = {s.name for s in demo.build_estate().subscriptions.values()}
    assert names == {demo.SUBSCRIPTION}
    assert len(scope.scopes) == 2  # the subscription and the tenant
    assert audited.collected.gaps == ()
    assert {e.region for e in audited.collected.evidence} >= {"japaneast", "japanwest", "eastus"}


def test_resource_names_follow_the_service_prefix(audited: Audited) -> None:
    names = {f.resource_name for f in audited.findings("azure.resource.location_japan")}
    assert {f"{demo.PREFIX}-agw", f"{demo.PREFIX}-sql", f"{demo.PREFIX}-etl-01", f"{demo.PREFIX}-log",
            f"{demo.STORAGE_PREFIX}data", demo.EXPORT_ACCOUNT} <= names
    assert all(n.startswith((demo.PREFIX, demo.STORAGE_PREFIX)) for n in names - {"master"})  # SQL's own database


def test_export_account_in_east_us_fails_residency(audited: Audited) -> None:
    [located] = audited.findings("azure.resource.location_japan", Status.FAIL)
    assert located.resource_name == demo.EXPORT_ACCOUNT and located.region == "eastus"
    [secondary] = audited.findings("azure.storage.geo_secondary_japan", Status.FAIL)
    assert secondary.resource_name == demo.EXPORT_ACCOUNT and "westus" in secondary.reason
    assert audited.control("residency.japan") is Status.FAIL
    [policy] = audited.findings("azure.policy.allowed_locations_japan")
    assert policy.status is Status.PASS  # assigned later: Azure Policy denies new deployments only


def test_workspace_kept_90_days_fails_log_retention(audited: Audited) -> None:
    [retention] = audited.findings("azure.activitylog.retention_365")
    assert retention.status is Status.FAIL and retention.resource_name == demo.SUBSCRIPTION
    assert demo.WORKSPACE in retention.reason and "90" in retention.reason
    assert audited.control("logging.retention-1y") is Status.FAIL
    assert audited.control("logging.integrity") is Status.PASS  # the archive container is locked
    assert audited.control("logging.audit-trail") is Status.PASS


def test_only_the_planted_mistakes_and_the_fixed_password_policy_fail(audited: Audited) -> None:
    failing = {(f.check_id, f.resource_name) for f in audited.result.findings if f.status is not Status.PASS}
    assert failing == {
        ("azure.resource.location_japan", demo.EXPORT_ACCOUNT),
        ("azure.storage.geo_secondary_japan", demo.EXPORT_ACCOUNT),
        ("azure.activitylog.retention_365", demo.SUBSCRIPTION),
        ("azure.entra.password_policy", demo.DOMAIN),
    }
    assert {(m.check_id, m.finding_name) for m in demo.PLANTED} <= failing


def test_every_other_azure_control_passes(audited: Audited) -> None:
    statuses = {c.control_id: c.status for c in audited.result.controls if c.provider == "azure"}
    assert {c for c, s in statuses.items() if s is Status.FAIL} == PLANTED_CONTROLS | BY_DESIGN
    assert {c for c, s in statuses.items() if s is Status.INHERITED} == INHERITED
    healthy = set(statuses) - PLANTED_CONTROLS - BY_DESIGN - INHERITED
    assert healthy >= {"encryption.at-rest", "tls.in-transit", "identity.admin-mfa", "identity.least-privilege",
                       "identity.account-lifecycle", "identity.access-restriction", "logging.audit-trail",
                       "logging.integrity", "network.waf", "network.ids", "network.firewall",
                       "resilience.redundancy", "resilience.backup", "time.sync", "vuln.management",
                       "vuln.malware", "ops.monitoring"}
    assert {c: s for c, s in statuses.items() if c in healthy and s is not Status.PASS} == {}


@pytest.mark.parametrize(("check_id", "name"), [
    ("azure.storage.redundant", f"{demo.STORAGE_PREFIX}data"),
    ("azure.storage.geo_secondary_japan", f"{demo.STORAGE_PREFIX}data"),
    ("azure.storage.min_tls_1_2", f"{demo.STORAGE_PREFIX}data"),
    ("azure.storage.https_only", f"{demo.STORAGE_PREFIX}data"),
    ("azure.appservice.https_only", f"{demo.PREFIX}-report"),
    ("azure.appservice.min_tls_1_2", f"{demo.PREFIX}-report"),
    ("azure.appgw.waf_prevention", f"{demo.PREFIX}-agw"),
    ("azure.appgw.min_tls_1_2", f"{demo.PREFIX}-agw"),
    ("azure.appgw.zone_redundant", f"{demo.PREFIX}-agw"),
    ("azure.sql.min_tls_1_2", f"{demo.PREFIX}-sql"),
    ("azure.sql.tde_enabled", f"{demo.PREFIX}-analytics"),
    ("azure.sql.zone_redundant", f"{demo.PREFIX}-analytics"),
    ("azure.vm.backup", f"{demo.PREFIX}-etl-01"),
    ("azure.vm.host_time_sync", f"{demo.PREFIX}-etl-01"),
    ("azure.vm.patch_assessment", f"{demo.PREFIX}-etl-01"),
    ("azure.vmss.zone_redundant", f"{demo.PREFIX}-worker"),
    ("azure.nsg.admin_ports_closed", f"{demo.PREFIX}-nsg-app"),
    ("azure.nsg.admin_ports_closed", f"{demo.PREFIX}-nsg-agw"),
    ("azure.activitylog.immutable", demo.SUBSCRIPTION),
    ("azure.policy.allowed_locations_japan", demo.SUBSCRIPTION),
    ("azure.defender.threat_detection", demo.SUBSCRIPTION),
    ("azure.monitor.subscription_alerting", demo.SUBSCRIPTION),
])
def test_healthy_resources_pass(audited: Audited, check_id: str, name: str) -> None:
    found = [f for f in audited.findings(check_id) if f.resource_name == name]
    assert [f.status for f in found] == [Status.PASS], [(f.status, f.reason) for f in found]


def test_storage_accounts_use_infrastructure_encryption(audited: Audited) -> None:
    storage = audited.findings("azure.storage.encrypted")
    assert len(storage) == 3
    assert all(f.status is Status.PASS and f.observed["infrastructure_encryption"] is True for f in storage)


def test_administrators_have_mfa_and_conditional_access(audited: Audited) -> None:
    registered = audited.findings("azure.entra.admin_mfa_registered")
    admins = {f"{name}@{demo.DOMAIN}" for name in ("admin.yamada", "admin.kimura", "ops.nakamura")}
    assert {f.resource_name for f in registered} == admins
    assert all(f.status is Status.PASS for f in registered)
    for check_id in ("azure.entra.admin_mfa_enforced", "azure.entra.admin_access_restricted",
                     "azure.entra.global_admin_count"):
        assert [f.status for f in audited.findings(check_id)] == [Status.PASS]
