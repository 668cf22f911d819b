"""The GCP estate ``auditor demo`` audits: the same fictional vendor and service as the AWS demo.

株式会社さくらシステムズ (Sakura Systems Co., Ltd., fictional) runs the notification and analytics part of
住民窓口予約サービス (Resident Counter Reservation Service) for 若葉市 (Wakaba City, fictional) on Google
Cloud, in one project ``sakura-madoguchi-analytics`` under the folder ``wakaba-city`` of the vendor's
organisation: a notification / statistics API on a regional managed instance group behind an external
HTTPS load balancer (TLS 1.2+, HTTP → HTTPS redirect, Cloud Armor WAF), a reminder sender on Cloud Run,
Cloud SQL for PostgreSQL (high availability, backups in Tokyo, a read replica in Osaka), BigQuery, Cloud
Storage, Secret Manager and Artifact Registry — all in Tokyo (asia-northeast1), Osaka (asia-northeast2) or
the Tokyo + Osaka dual-region asia1.

The estate is built the way a careful team would build it and everything in it is meant to pass, except
exactly two real-world mistakes planted on purpose and listed in :data:`MISTAKES` (resource, control, and
a Japanese and English explanation). It is served by the local Google APIs emulator
(:mod:`providers.gcp.emulator.server`) and built with the same payload builders as the test estates
(:mod:`providers.gcp.emulator.estate_assets`); it is never a real organisation. :func:`demo_estate` runs
it for ``auditor demo``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from auditor.plugins import DemoEstate
from providers.gcp.emulator.estate import Estate
from providers.gcp.emulator.estate_assets import (
    backend_service,
    bucket,
    dataset,
    disk,
    firewall,
    forwarding_rule,
    instance,
    instance_group_manager,
    located,
    log_bucket,
    secret,
    security_policy,
    service_account_key,
    sql_instance,
    ssl_policy,
    target_http_proxy,
    target_https_proxy,
    url_map,
)
from providers.gcp.emulator.server import GoogleApisEmulator

DEMO_AUDITOR = "city-auditor@vendor-audit.iam.gserviceaccount.com"
PREFIX = "sakura-madoguchi"
PROJECT = f"{PREFIX}-analytics"
PROJECT_NUMBER = "418230576914"
ORGANIZATION_NUMBER = "730418562905"
FOLDER_NUMBER = "512847093316"
DOMAIN = "sakura-systems.example.jp"
TOKYO = "asia-northeast1"
OSAKA = "asia-northeast2"
TOKYO_ZONES = (f"{TOKYO}-a", f"{TOKYO}-b")
OPS_EMAIL = f"ops@{DOMAIN}"
ADMINS = (f"tanaka.admin@{DOMAIN}", f"suzuki.admin@{DOMAIN}")
OPS_GROUP = f"group:madoguchi-ops@{DOMAIN}"
ANALYSTS_GROUP = f"group:madoguchi-analysts@{DOMAIN}"
API_ACCOUNT = f"serviceAccount:{PREFIX}-api@{PROJECT}.iam.gserviceaccount.com"
REMINDER_ACCOUNT = f"serviceAccount:{PREFIX}-reminder@{PROJECT}.iam.gserviceaccount.com"
SYNC_ACCOUNT = f"{PREFIX}-sync@{PROJECT}.iam.gserviceaccount.com"
#: Google Front End ranges of external Application Load Balancers and health checks.
LB_RANGES = ("130.211.0.0/22", "35.191.0.0/16")
#: Identity-Aware Proxy TCP forwarding (SSH through IAP).
IAP_RANGE = "35.235.240.0/20"
OFFICE_RANGE = "203.0.113.0/24"
LOG_RETENTION_DAYS = 400
AUDIT_LOG_RETENTION_DAYS = 1827


@dataclass(frozen=True)
class PlantedMistake:
    """A misconfiguration put into the estate on purpose; the audit must report it as a failure."""

    key: str
    control_id: str
    check_id: str
    resource_name: str
    resource_id: str
    ja: str
    en: str

    @property
    def line_ja(self) -> str:
        return f"{self.resource_name}（{self.control_id}）: {self.ja}"

    @property
    def line_en(self) -> str:
        return f"{self.resource_name} ({self.control_id}): {self.en}"


MISTAKES = (
    PlantedMistake(
        key="bucket-outside-japan",
        control_id="residency.japan",
        check_id="gcp.storage.bucket_in_japan",
        resource_name=f"{PREFIX}-exports",
        resource_id=f"//storage.googleapis.com/{PREFIX}-exports",
        ja="集計データの受け渡し用バケットが US マルチリージョン（国外）にあります。海外 BI サービスの試用時に、"
        "ロケーションを国内に限定する組織ポリシーの導入より前に作られ、そのまま使われています。",
        en="The bucket used to hand over aggregated data is in the US multi-region (outside Japan): it was "
        "created for a trial of an overseas BI service before the organisation policy restricting locations "
        "to Japan was introduced, and is still in use.",
    ),
    PlantedMistake(
        key="ssh-open-to-internet",
        control_id="network.firewall",
        check_id="gcp.compute.firewall_admin_ports_closed",
        resource_name="allow-ssh-anywhere",
        resource_id=f"//compute.googleapis.com/projects/{PROJECT}/global/firewalls/allow-ssh-anywhere",
        ja="ファイアウォールルールが SSH (22/tcp) を 0.0.0.0/0（インターネット全体）に開放しています。"
        "IAP 経由の SSH が使えなかった障害対応で「一時的に」追加され、削除されずに残ったものです。",
        en="A firewall rule opens SSH (22/tcp) to 0.0.0.0/0 (the whole internet): added 'temporarily' during an "
        "incident when SSH through IAP could not be used, and never removed.",
    ),
)

#: The planted mistakes as the demo lists them, one (Japanese, English) pair each.
PLANTED = tuple((mistake.line_ja, mistake.line_en) for mistake in MISTAKES)

DESCRIPTION_JA = (
    "株式会社さくらシステムズ（架空）が若葉市（架空）向けに提供する「住民窓口予約サービス」の通知・集計部分の"
    f" Google Cloud 環境です（プロジェクト {PROJECT}、東京・大阪）。丁寧に構築されていますが、"
    f"現場でよくある設定ミスを {len(MISTAKES)} 件、意図的に仕込んであります。これはローカルの Google API "
    "エミュレーター上のデモ環境で、実在のクラウドではありません。"
)
DESCRIPTION_EN = (
    "The Google Cloud estate of the notification and analytics part of the Resident Counter Reservation Service "
    f"that Sakura Systems Co., Ltd. (fictional) runs for Wakaba City (fictional): project {PROJECT}, Tokyo and "
    f"Osaka. It is built with care, but {len(MISTAKES)} common real-world mistakes are planted on purpose. This "
    "is a demo estate on the local Google APIs emulator, not a real cloud."
)


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------- hierarchy, identity, policies


def _hierarchy(estate: Estate) -> str:
    org = estate.add_organization(ORGANIZATION_NUMBER, DOMAIN)
    folder = estate.add_folder(FOLDER_NUMBER, org, "wakaba-city")
    estate.add_project(PROJECT, PROJECT_NUMBER, folder)
    all_data_access = [{"logType": t} for t in ("ADMIN_READ", "DATA_READ", "DATA_WRITE")]
    estate.set_iam_policy(org, [
        {"role": "roles/resourcemanager.organizationAdmin", "members": [f"user:{ADMINS[0]}"]},
        {"role": "roles/cloudasset.viewer", "members": [f"serviceAccount:{DEMO_AUDITOR}"]},
        {"role": "roles/iam.securityReviewer", "members": [f"serviceAccount:{DEMO_AUDITOR}"]},
    ], [{"service": "allServices", "auditLogConfigs": all_data_access}])
    # Only Japanese locations may be used from now on; the policy does not remove what already existed.
    estate.set_org_policy(org, [{"constraint": "constraints/gcp.resourceLocations",
                                 "listPolicy": {"allowedValues": [f"in:{TOKYO}-locations", f"in:{OSAKA}-locations"]}}])
    estate.set_iam_policy(f"projects/{PROJECT}", [
        {"role": "roles/resourcemanager.projectIamAdmin", "members": [f"user:{ADMINS[1]}"]},
        {"role": "roles/compute.instanceAdmin.v1", "members": [OPS_GROUP]},
        {"role": "roles/cloudsql.editor", "members": [OPS_GROUP]},
        {"role": "roles/iap.tunnelResourceAccessor", "members": [OPS_GROUP]},
        {"role": "roles/monitoring.editor", "members": [OPS_GROUP]},
        {"role": "roles/bigquery.dataViewer", "members": [ANALYSTS_GROUP]},
        {"role": "roles/bigquery.jobUser", "members": [ANALYSTS_GROUP]},
        {"role": "roles/cloudsql.client", "members": [API_ACCOUNT]},
        {"role": "roles/secretmanager.secretAccessor", "members": [REMINDER_ACCOUNT]},
        {"role": "roles/bigquery.dataEditor", "members": [f"serviceAccount:{SYNC_ACCOUNT}"]},
    ])
    for admin in ADMINS:
        estate.add_directory_user(admin, enrolled=True, enforced=True)
    policy = estate.add_access_policy(org, "861204937", "sakura-systems")
    office = estate.add_access_level(org, policy, "sakura_office", [OFFICE_RANGE])
    estate.add_service_perimeter(org, policy, "sakura_madoguchi", [PROJECT_NUMBER], [office])
    return org


def _sync_key(estate: Estate, seeded_at: datetime) -> None:
    """The on-premises reservation system's key for loading data into BigQuery, rotated every 60 days."""
    service_account_key(estate, PROJECT, SYNC_ACCOUNT, "7c1e4a92d05b38f6a9e2c41d8b07f3a5e6d29c10",
                        _timestamp(seeded_at - timedelta(days=23)))


# ---------------------------------------------------------------------- data


def _kms_key(estate: Estate) -> str:
    ring = f"projects/{PROJECT}/locations/{TOKYO}/keyRings/{PREFIX}"
    located(estate, PROJECT, "cloudkms.googleapis.com/KeyRing", ring, TOKYO,
            {"createTime": "2025-04-01T00:00:00Z"})
    return f"{ring}/cryptoKeys/data"


def _data(estate: Estate, kms_key: str) -> None:
    bucket(estate, PROJECT, f"{PREFIX}-analytics-raw", "ASIA-NORTHEAST1", "region", kms_key=kms_key)
    bucket(estate, PROJECT, f"{PREFIX}-backup", "ASIA1", "dual-region")
    bucket(estate, PROJECT, f"{PREFIX}-exports", "US", "multi-region")  # planted: outside Japan
    dataset(estate, PROJECT, "madoguchi_analytics", TOKYO, kms_key=kms_key)
    sql_instance(estate, PROJECT, f"{PREFIX}-db", TOKYO, backup_location=TOKYO, kms_key=kms_key)
    # Disaster-recovery read replica in Osaka (backups are taken on the primary).
    sql_instance(estate, PROJECT, f"{PREFIX}-db-osaka", OSAKA, availability="ZONAL", backups=False,
                 backup_location="", replica=True)
    secret(estate, PROJECT, f"{PREFIX}-smtp-credentials", [TOKYO, OSAKA])
    located(estate, PROJECT, "artifactregistry.googleapis.com/Repository",
            f"projects/{PROJECT}/locations/{TOKYO}/repositories/{PREFIX}-images", TOKYO, {"format": "DOCKER"})
    located(estate, PROJECT, "run.googleapis.com/Service",
            f"projects/{PROJECT}/locations/{TOKYO}/services/{PREFIX}-reminder", TOKYO,
            {"description": "予約前日のリマインド通知（メール）を送る"})


# ---------------------------------------------------------------------- compute, load balancer, network


def _api_servers(estate: Estate, seeded_at: datetime) -> None:
    """The notification / statistics API: a regional managed instance group from a Google public image."""
    group = instance_group_manager(estate, PROJECT, f"{PREFIX}-api", region=TOKYO, zones=TOKYO_ZONES)
    reported = _timestamp(seeded_at - timedelta(hours=5))
    for zone, suffix in zip(TOKYO_ZONES, ("7h2k", "m4pq"), strict=True):
        name = f"{PREFIX}-api-{suffix}"
        self_link, instance_id = instance(estate, PROJECT, zone, name, created_by=group,
                                          labels={"service": "madoguchi-yoyaku", "tier": "api"})
        disk(estate, PROJECT, zone, name, users=[self_link])
        # VM Manager patches the group weekly; the latest report lists no open vulnerability.
        estate.add_vulnerability_report(PROJECT, zone, instance_id, [], reported)


def _load_balancer(estate: Estate) -> None:
    """External Application Load Balancer: HTTPS with TLS 1.2+, Cloud Armor WAF, HTTP redirected to HTTPS."""
    tls = ssl_policy(estate, PROJECT, f"{PREFIX}-tls12", "TLS_1_2", "MODERN")
    armor = security_policy(estate, PROJECT, f"{PREFIX}-armor")
    backend = backend_service(estate, PROJECT, f"{PREFIX}-api-backend", security_policy_link=armor)
    https_map = url_map(estate, PROJECT, f"{PREFIX}-api", default_service=backend)
    redirect_map = url_map(estate, PROJECT, f"{PREFIX}-http-redirect", https_redirect=True)
    https_proxy = target_https_proxy(estate, PROJECT, f"{PREFIX}-api-https", https_map, tls)
    http_proxy = target_http_proxy(estate, PROJECT, f"{PREFIX}-http-redirect", redirect_map)
    forwarding_rule(estate, PROJECT, f"{PREFIX}-https", https_proxy, port_range="443-443")
    forwarding_rule(estate, PROJECT, f"{PREFIX}-http", http_proxy, port_range="80-80")


def _firewall(estate: Estate) -> None:
    firewall(estate, PROJECT, "allow-lb-health-checks", LB_RANGES, [{"IPProtocol": "tcp", "ports": ["443"]}])
    firewall(estate, PROJECT, "allow-iap-ssh", [IAP_RANGE], [{"IPProtocol": "tcp", "ports": ["22"]}])
    # Planted: a "temporary" rule from an incident, never removed.
    firewall(estate, PROJECT, "allow-ssh-anywhere", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["22"]}])


# ---------------------------------------------------------------------- logging, monitoring, detection


def _logging(estate: Estate) -> None:
    # The organisation's default resource settings keep Cloud Logging in Tokyo.
    log_bucket(estate, PROJECT, "_Required", TOKYO, LOG_RETENTION_DAYS, locked=True)
    log_bucket(estate, PROJECT, "_Default", TOKYO, LOG_RETENTION_DAYS, locked=True)
    log_bucket(estate, PROJECT, f"{PREFIX}-audit", TOKYO, AUDIT_LOG_RETENTION_DAYS, locked=True)


def _notification_channel(estate: Estate, channel_id: str) -> str:
    path = f"projects/{PROJECT}/notificationChannels/{channel_id}"
    estate.add_resource(PROJECT, "monitoring.googleapis.com/NotificationChannel", path, {
        "name": path, "type": "email", "displayName": "窓口予約 運用通知", "enabled": True,
        "labels": {"email_address": OPS_EMAIL}, "verificationStatus": "VERIFIED",
    })
    return path


def _alert_policy(estate: Estate, policy_id: str, display_name: str, metric: str, resource: str,
                  threshold: float, channel: str) -> None:
    path = f"projects/{PROJECT}/alertPolicies/{policy_id}"
    estate.add_resource(PROJECT, "monitoring.googleapis.com/AlertPolicy", path, {
        "name": path, "displayName": display_name, "enabled": True, "combiner": "OR",
        "notificationChannels": [channel],
        "conditions": [{"displayName": display_name, "name": f"{path}/conditions/1",
                        "conditionThreshold": {"filter": f'metric.type="{metric}" resource.type="{resource}"',
                                               "comparison": "COMPARISON_GT", "thresholdValue": threshold,
                                               "duration": "300s"}}],
    })


def _monitoring(estate: Estate) -> None:
    channel = _notification_channel(estate, "4120583716")
    _alert_policy(estate, "8802317465", "API サーバー CPU 使用率 80% 超",
                  "compute.googleapis.com/instance/cpu/utilization", "gce_instance", 0.8, channel)
    _alert_policy(estate, "8802317466", "ロードバランサー 5xx 応答",
                  "loadbalancing.googleapis.com/https/request_count", "https_lb_rule", 10, channel)
    _alert_policy(estate, "8802317467", "Cloud SQL CPU 使用率 80% 超",
                  "cloudsql.googleapis.com/database/cpu/utilization", "cloudsql_database", 0.8, channel)


def _threat_detection(estate: Estate) -> None:
    estate.set_scc_services(PROJECT, event_threat_detection="ENABLED", vm_threat_detection="ENABLED",
                            security_health_analytics="ENABLED", vm_manager="ENABLED")


# ---------------------------------------------------------------------- the estate


def seed_demo_estate(estate: Estate) -> str:
    """Seed the demo estate into ``estate`` and return its organisation (``organizations/N``)."""
    seeded_at = datetime.now(UTC).replace(microsecond=0)
    org = _hierarchy(estate)
    _sync_key(estate, seeded_at)
    _data(estate, _kms_key(estate))
    _api_servers(estate, seeded_at)
    _load_balancer(estate)
    _firewall(estate)
    _logging(estate)
    _monitoring(estate)
    _threat_detection(estate)
    return org


@dataclass(frozen=True)
class RunningDemo:
    """The emulator serving the sample estate, and the environment that points the adapter at it."""

    emulator: GoogleApisEmulator
    organization: str
    environment: Mapping[str, str]


@contextmanager
def demo_emulator(seed: Callable[[Estate], str]) -> Iterator[RunningDemo]:
    """Run the emulator on an estate seeded by ``seed`` (which returns ``organizations/N``).

    The environment names a throwaway service-account key file (registered with the emulator) and
    every endpoint override; nothing is set in this process — the caller applies it while auditing.
    """
    estate = Estate()
    organization = seed(estate)
    with GoogleApisEmulator(estate) as emulator, tempfile.TemporaryDirectory(prefix="gcp-demo-") as folder:
        key_file = os.path.join(folder, "auditor-sa.json")
        with open(key_file, "w", encoding="utf-8") as handle:
            json.dump(emulator.service_account_info(DEMO_AUDITOR), handle)
        yield RunningDemo(emulator, organization,
                          {**emulator.environment(), "GOOGLE_APPLICATION_CREDENTIALS": key_file})




@contextmanager
def demo_estate() -> Iterator[DemoEstate]:
    """The demo estate on the local Google APIs emulator (``auditor demo``); stopped on exit."""
    with demo_emulator(seed_demo_estate) as demo:
        yield DemoEstate(
            options={"organization": (demo.organization.removeprefix("organizations/"),)},
            environment=dict(demo.environment),
            description_ja=DESCRIPTION_JA,
            description_en=DESCRIPTION_EN,
            planted_ja=tuple(ja for ja, _ in PLANTED),
            planted_en=tuple(en for _, en in PLANTED),
        )
