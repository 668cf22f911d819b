"""The Azure estate ``auditor demo`` audits: the same fictional vendor and service as the AWS demo.

株式会社さくらシステムズ (Sakura Systems Co., Ltd., fictional) runs 住民窓口予約サービス — the service where
residents of 若葉市 (Wakaba City, fictional) book appointments at the city hall counters. The
resident-facing part runs on AWS; the staff-facing reporting and analytics part (counter statistics,
waiting-time reports for the city's staff) runs on Azure, in one subscription
「さくらシステムズ 窓口予約 分析基盤」, in Japan East with copies in Japan West:

- the reporting portal and its API on App Service (HTTPS only, TLS 1.2) behind an Application
  Gateway WAF_v2 across three zones, its WAF policy in Prevention mode, TLS 1.2 SSL policy;
- Azure SQL (minimal TLS 1.2, TDE, zone-redundant database), a data lake storage account (GZRS with
  its secondary in Japan West, TLS 1.2, HTTPS only, infrastructure encryption);
- an ETL virtual machine from a marketplace Ubuntu image, backed up by a Recovery Services vault,
  with periodic patch assessment, and a report worker scale set across three zones;
- NSGs that open no administration port to the internet, Defender for Cloud on every plan, an
  enforced allowed-locations policy (japaneast / japanwest), alert rules with an action group;
- the activity log exported to Log Analytics and to a storage archive whose container has a
  locked immutability policy;
- Entra ID: every administrator has registered MFA, Conditional Access requires MFA for the
  administrator roles and lets them sign in only from the vendor's office network.

Exactly two real-world mistakes are planted, listed in :data:`PLANTED` with the resource, the
control and the check that reports them. Entra ID's password policy is fixed by Microsoft (three
of four character classes), so ``identity.password-policy`` fails on every Entra tenant: that is the
adapter's judgement by design, not a planted mistake.

:func:`demo_estate` builds the estate with the builders of :mod:`providers.azure.emulator.estate` and serves
it on the local emulator (:mod:`providers.azure.emulator.server`); it never talks to a real tenant.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from auditor.plugins import DemoEstate
from providers.azure import facts
from providers.azure.emulator.estate import Estate

VENDOR_JA = "株式会社さくらシステムズ"
VENDOR_EN = "Sakura Systems Co., Ltd."
SERVICE_JA = "住民窓口予約サービス"
SERVICE_EN = "Resident Counter Reservation Service"
MUNICIPALITY_JA = "若葉市"
MUNICIPALITY_EN = "Wakaba City"
SUBSCRIPTION = "さくらシステムズ 窓口予約 分析基盤"
DOMAIN = "sakurasystems.onmicrosoft.com"

PREFIX = "sakura-madoguchi"
STORAGE_PREFIX = "sakuramadoguchi"  # storage account names allow only lower-case letters and digits
APP = f"rg-{PREFIX}-analytics"
OPS = f"rg-{PREFIX}-ops"
EXPORT = f"rg-{PREFIX}-export"
OPS_EMAIL = "ops@sakura-systems.example.jp"
OFFICE_CIDR = "198.51.100.0/24"  # the vendor's office network (documentation range)
BASTION_CIDR = "10.20.250.0/26"  # AzureBastionSubnet of the hub network
USER_ADMINISTRATOR_ROLE_ID = "fe930be7-5e62-47db-91af-98c3a49a38b1"

#: Days the activity log is kept, the planted mistake: the team read "90 days" as enough.
LOG_DAYS = 90

EXPORT_ACCOUNT = f"{STORAGE_PREFIX}export"
WORKSPACE = f"{PREFIX}-log"
AUDIT_ARCHIVE = f"{STORAGE_PREFIX}audit"


@dataclass(frozen=True)
class PlantedMistake:
    """A misconfiguration put into the estate on purpose; the audit must report it as a failure."""

    key: str
    control_id: str
    check_id: str
    resource_name: str  # the misconfigured resource, as a person looks for it in the report
    finding_name: str  # the resource the failing finding is about (a subscription for subscription-wide checks)
    ja: str
    en: str
    related: tuple[str, ...] = ()  # other resources that show the same mistake


PLANTED: tuple[PlantedMistake, ...] = (
    PlantedMistake(
        "export-account-in-us", "residency.japan", "azure.resource.location_japan", EXPORT_ACCOUNT, EXPORT_ACCOUNT,
        f"ストレージアカウント {EXPORT_ACCOUNT} が米国東部（eastus）にあり、RA-GRS の複製先も米国西部（westus）です"
        "（集計データの一回限りの受け渡し用に、許可リージョンポリシーの割り当て前に CLI の既定値のまま作成しました）"
        " → residency.japan",
        f"Storage account {EXPORT_ACCOUNT} is in East US and its RA-GRS copy in West US (created for a one-off "
        "hand-over of aggregated data, with the CLI's defaults, before the allowed-locations policy was assigned) "
        "→ residency.japan",
    ),
    PlantedMistake(
        "activity-log-kept-90-days", "logging.retention-1y", "azure.activitylog.retention_365", WORKSPACE,
        SUBSCRIPTION,
        f"Log Analytics ワークスペース {WORKSPACE} の保持期間が {LOG_DAYS} 日で、アクティビティログの保存が 1 年に"
        f"満たない状態です（アーカイブ用ストレージ {AUDIT_ARCHIVE} もライフサイクル規則で {LOG_DAYS} 日後に削除します）"
        " → logging.retention-1y",
        f"Log Analytics workspace {WORKSPACE} keeps data {LOG_DAYS} days, so the activity log is not kept a year "
        f"(the archive storage account {AUDIT_ARCHIVE} also deletes it after {LOG_DAYS} days by a lifecycle rule) "
        "→ logging.retention-1y",
        related=(AUDIT_ARCHIVE,),
    ),
)
PLANTED_JA = tuple(m.ja for m in PLANTED)
PLANTED_EN = tuple(m.en for m in PLANTED)

DESCRIPTION_JA = (
    f"{VENDOR_JA}（架空）が{MUNICIPALITY_JA}（架空）向けに運営する「{SERVICE_JA}」の、職員向け集計・分析基盤の"
    f" Azure 環境です（サブスクリプション「{SUBSCRIPTION}」、東日本（japaneast）・西日本（japanwest））。"
    "設定ミスを 2 件だけ、意図的に仕込んであります。パスワードポリシーは Entra ID の固定ポリシー"
    "（4 種類の文字のうち 3 種類）のため、どの Entra テナントでも不適合と判定されます（仕込んだ誤りではありません）。"
    "これはローカルの Azure エミュレーター上のデモ環境で、実在のクラウドではありません。"
)
DESCRIPTION_EN = (
    f"The Azure estate of the staff-facing reporting and analytics part of the {SERVICE_EN} that {VENDOR_EN} "
    f"(fictional) runs for {MUNICIPALITY_EN} (fictional): subscription \"{SUBSCRIPTION}\", Japan East and Japan "
    "West. Exactly two mistakes are planted on purpose. The password policy fails on every Entra tenant because "
    "Entra ID's policy is fixed (three of four character classes); that is not a planted mistake. This is a demo "
    "estate on the local Azure emulator, not a real cloud."
)


def _properties(estate: Estate, resource_id: str) -> dict[str, Any]:
    return estate.resources[resource_id.lower()]["properties"]


def _storage(estate: Estate, sid: str, group: str, name: str, **options: Any) -> str:
    """A storage account as the vendor's template creates it: with infrastructure (double) encryption."""
    account = estate.storage_account(sid, group, name, **options)
    _properties(estate, account)["encryption"]["requireInfrastructureEncryption"] = True
    return account


def build_estate() -> Estate:
    """The vendor's Azure: one subscription, one Entra tenant, two planted mistakes (see :data:`PLANTED`)."""
    estate = Estate(domain=DOMAIN)
    sid = estate.subscription(SUBSCRIPTION)

    # data: the analytics store and the database the reports read
    _storage(estate, sid, APP, f"{STORAGE_PREFIX}data", sku="Standard_GZRS", secondary="japanwest")
    sql = estate.sql_server(sid, APP, f"{PREFIX}-sql")
    estate.sql_database(sql, f"{PREFIX}-analytics")

    # the staff-facing reporting portal and its API, behind a WAF
    estate.web_app(sid, APP, f"{PREFIX}-report")
    estate.web_app(sid, APP, f"{PREFIX}-report-api")
    waf = estate.waf_policy(sid, APP, f"{PREFIX}-waf")
    estate.app_gateway(sid, APP, f"{PREFIX}-agw", waf_policy=waf,
                       ssl_policy={"policyType": "Predefined", "policyName": "AppGwSslPolicy20220101S"})
    estate.nsg(sid, APP, f"{PREFIX}-nsg-agw", rules=(
        ("allow-https-internet", 100, "443", "Internet", "Allow"),
        ("allow-http-redirect", 110, "80", "Internet", "Allow"),
        ("allow-gateway-manager", 120, "65200-65535", "GatewayManager", "Allow")))

    # compute: the nightly ETL machine and the report workers
    etl = estate.virtual_machine(sid, APP, f"{PREFIX}-etl-01", zone="1")
    estate.scale_set(sid, APP, f"{PREFIX}-worker")
    estate.nsg(sid, APP, f"{PREFIX}-nsg-app", rules=(
        ("allow-https-vnet", 100, "443", "VirtualNetwork", "Allow"),
        ("allow-ssh-bastion", 110, "22", BASTION_CIDR, "Allow")))

    # operations: backup, logs, alerts, Defender, policy, access
    estate.recovery_vault(sid, OPS, f"{PREFIX}-rsv", protect=(etl,))
    workspace = estate.workspace(sid, OPS, WORKSPACE, retention=LOG_DAYS)  # planted: kept 90 days
    archive = _storage(estate, sid, OPS, AUDIT_ARCHIVE, location="japanwest", sku="Standard_GRS",
                       secondary="japaneast")
    estate.log_container(archive, immutability="Locked", days=LOG_DAYS, lifecycle_delete_days=LOG_DAYS)
    estate.export_activity_log(sid, name="activity-to-log-and-archive", workspace=workspace, storage=archive)
    group = estate.action_group(sid, OPS, f"{PREFIX}-ag-ops", emails=(OPS_EMAIL,))
    estate.metric_alert(sid, OPS, f"{PREFIX}-etl-cpu", etl, group)
    estate.activity_alert(sid, OPS, f"{PREFIX}-service-health", group)
    estate.defender(sid)
    estate.allowed_locations(sid)
    estate.role_assignment(sid, facts.OWNER_ROLE_ID, estate.user("admin.yamada", roles=(facts.GLOBAL_ADMIN_ROLE_ID,)))
    estate.role_assignment(sid, facts.OWNER_ROLE_ID, estate.user("admin.kimura", roles=(facts.GLOBAL_ADMIN_ROLE_ID,)))
    estate.role_assignment(sid, facts.CONTRIBUTOR_ROLE_ID, "33333333-0000-0000-0000-000000000001",
                           principal_type="ServicePrincipal")  # the deployment pipeline

    # planted: a one-off export account in East US, made before the allowed-locations policy existed
    _storage(estate, sid, EXPORT, EXPORT_ACCOUNT, location="eastus", sku="Standard_RAGRS", secondary="westus")

    # Entra ID: administrators with MFA, Conditional Access for every administrator role
    office = estate.named_location("さくらシステムズ 本社ネットワーク", (OFFICE_CIDR,))
    admin_roles = tuple(facts.PRIVILEGED_DIRECTORY_ROLES)
    estate.conditional_access("管理者ロールに MFA を要求", grant=("mfa",), roles=admin_roles)
    estate.conditional_access("管理者ロールは本社ネットワークからのみ", grant=("block",), roles=admin_roles,
                              include_locations=("All",), exclude_locations=(office,))
    estate.user("ops.nakamura", roles=(USER_ADMINISTRATOR_ROLE_ID,))
    estate.user("analyst.sasaki", last_sign_in_days=1)
    estate.user("analyst.inoue", last_sign_in_days=6)
    estate.user("wakaba.madoguchi", guest=True, last_sign_in_days=12)  # the city's counter section
    return estate


@contextmanager
def demo_estate() -> Iterator[DemoEstate]:
    """:func:`build_estate` served on the local emulator, ready for ``auditor demo``; stopped on exit."""
    from providers.azure.emulator.server import running

    with running(build_estate()) as emulator:
        # the CA goes in through the options: REQUESTS_CA_BUNDLE would also apply to the other clouds' clients
        environment = {k: v for k, v in emulator.environment().items() if k != "REQUESTS_CA_BUNDLE"}
        yield DemoEstate(options=emulator.options(), environment=environment, description_ja=DESCRIPTION_JA,
                         description_en=DESCRIPTION_EN, planted_ja=PLANTED_JA, planted_en=PLANTED_EN)
