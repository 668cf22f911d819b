"""Seeded estates for the demo, the tests and the benchmark.

:func:`sample_estate` is what a small municipal vendor's Azure looks like: two subscriptions,
almost everything in Japan East / Japan West, and a handful of realistic mistakes (a storage account
left in East US, an LRS account, an app still accepting TLS 1.0, RDP open to the internet, a WAF in
Detection mode, an administrator without MFA, a workspace keeping logs 90 days …).
:func:`scaled_estate` spreads a given number of resources over a number of subscriptions, and
:func:`demo_estate` serves the sample estate on the local emulator, ready to audit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from auditor.plugins import DemoEstate
from providers.azure import facts
from providers.azure.emulator.estate import Estate
from providers.azure.emulator.server import running

APP = "rg-juminhyo"  # 住民票 application
OPS = "rg-ops"

#: The deliberate mistakes of :func:`sample_estate`, one line each.
PLANTED_JA = (
    "検証用ストレージアカウント sttestuseast が米国東部（eastus）にあり、LRS で TLS1.0 を許可",
    "ストレージアカウント sttestgeo が HTTP（安全な転送なし）を受け付ける",
    "検証用 App Service app-juminhyo-test が HTTPS を強制せず TLS1.0 を許可",
    "検証用 SQL サーバーの最小 TLS が未設定、そのデータベースは TDE 無効・ゾーン冗長なし",
    "NSG nsg-batch が RDP（3389）をインターネットに開放",
    "Front Door の WAF ポリシーが検出（Detection）モード",
    "VM vm-batch-01・vm-test-01 がバックアップされておらず、定期パッチ評価も無効（vm-batch-01 はカスタムイメージ）",
    "ユーザー管理者 ops.sato が MFA 未登録、接続元制限は全体管理者のみ",
    "120 日以上サインインのない利用者と、一度もサインインしていないゲスト",
    "検証サブスクリプション: Owner 4 名、アクティビティログ保存 30 日で改ざん防止なし、Defender の一部プラン・"
    "Defender for Endpoint 連携・ストレージのマルウェアスキャン無効、通知するアラートなし",
)
PLANTED_EN = (
    "Staging storage account sttestuseast is in East US, LRS, and accepts TLS 1.0",
    "Storage account sttestgeo accepts plain HTTP (secure transfer off)",
    "Staging App Service app-juminhyo-test does not force HTTPS and accepts TLS 1.0",
    "Staging SQL server has no minimal TLS; its database has TDE off and no zone redundancy",
    "NSG nsg-batch opens RDP (3389) to the internet",
    "The Front Door WAF policy is in Detection mode",
    "VMs vm-batch-01 and vm-test-01 are not backed up and have no periodic patch assessment "
    "(vm-batch-01 runs a custom image)",
    "User Administrator ops.sato has no MFA registered; origin restriction covers Global Administrators only",
    "A user with no sign-in for over 120 days and a guest who never signed in",
    "Staging subscription: four Owners, activity log kept 30 days without immutable storage, some Defender plans, "
    "the Defender for Endpoint integration and storage malware scanning off, no alert that notifies anyone",
)


def sample_estate() -> Estate:
    estate = Estate(domain="example-city.onmicrosoft.com")
    prod = estate.subscription("住民サービス本番")
    dev = estate.subscription("住民サービス検証")

    # data and compute, production
    estate.storage_account(prod, APP, "stjuminhyodata", sku="Standard_RAGZRS", secondary="japanwest")
    estate.storage_account(prod, APP, "stjuminhyodocs", sku="Standard_ZRS", key_source="Microsoft.Keyvault")
    web1 = estate.virtual_machine(prod, APP, "vm-web-01", zone="1")
    web2 = estate.virtual_machine(prod, APP, "vm-web-02", zone="2")
    estate.virtual_machine(prod, APP, "vm-batch-01", location="japanwest", zone=None,
                           publisher=None, assessment="ImageDefault")
    estate.scale_set(prod, APP, "vmss-api")
    sql = estate.sql_server(prod, APP, "sql-juminhyo")
    estate.sql_database(sql, "juminhyo")
    estate.web_app(prod, APP, "app-juminhyo-portal")
    waf = estate.waf_policy(prod, APP, "waf-juminhyo")
    estate.app_gateway(prod, APP, "agw-juminhyo", ssl_policy={"policyType": "Predefined",
                                                              "policyName": "AppGwSslPolicy20220101S"},
                       waf_policy=waf)
    fd_waf = estate.waf_policy(prod, APP, "wafjuminhyofd", mode="Detection", front_door=True)
    estate.front_door(prod, APP, "afd-juminhyo", custom_domain="juminhyo.example-city.jp", waf_policy=fd_waf)
    estate.nsg(prod, APP, "nsg-web", rules=(("allow-https", 100, "443", "Internet", "Allow"),
                                            ("allow-ssh-office", 110, "22", "203.0.113.0/24", "Allow")))
    estate.nsg(prod, APP, "nsg-batch", location="japanwest",
               rules=(("allow-rdp", 100, "3389", "*", "Allow"),))
    estate.firewall(prod, OPS, "afw-hub")

    # operations, production
    workspace = estate.workspace(prod, OPS, "log-audit", retention=90, activity_total=730)
    archive = estate.storage_account(prod, OPS, "staudittrail", sku="Standard_GRS", secondary="japanwest")
    estate.log_container(archive, immutability="Locked", days=365)
    estate.export_activity_log(prod, workspace=workspace, storage=archive)
    estate.recovery_vault(prod, OPS, "rsv-juminhyo", protect=(web1, web2))
    group = estate.action_group(prod, OPS, "ag-ops")
    estate.metric_alert(prod, OPS, "cpu-web-01", web1, group)
    estate.activity_alert(prod, OPS, "service-health", group)
    estate.defender(prod)
    estate.allowed_locations(prod)
    estate.role_assignment(prod, facts.OWNER_ROLE_ID, "11111111-0000-0000-0000-000000000001")
    estate.role_assignment(prod, facts.OWNER_ROLE_ID, "11111111-0000-0000-0000-000000000002")
    estate.role_assignment(prod, facts.CONTRIBUTOR_ROLE_ID, "11111111-0000-0000-0000-000000000003",
                           principal_type="ServicePrincipal")

    # the staging subscription, with the usual shortcuts
    estate.storage_account(dev, "rg-test", "sttestuseast", location="eastus", sku="Standard_LRS", min_tls="TLS1_0")
    estate.storage_account(dev, "rg-test", "sttestgeo", sku="Standard_GRS", secondary="japanwest", https_only=False)
    estate.web_app(dev, "rg-test", "app-juminhyo-test", https_only=False, min_tls="1.0")
    estate.virtual_machine(dev, "rg-test", "vm-test-01", zone=None, assessment="ImageDefault")
    dev_sql = estate.sql_server(dev, "rg-test", "sql-juminhyo-test", min_tls=None)
    estate.sql_database(dev_sql, "juminhyo-test", zone_redundant=False, tde="Disabled")
    estate.workspace(dev, "rg-test", "log-test", retention=30)
    estate.export_activity_log(dev, name="to-test-workspace",
                               workspace=f"/subscriptions/{dev}/resourceGroups/rg-test/providers/"
                                         "Microsoft.OperationalInsights/workspaces/log-test")
    estate.defender(dev, plans=("Arm", "VirtualMachines"), endpoint_integration=False)
    for n in range(4):
        estate.role_assignment(dev, facts.OWNER_ROLE_ID, f"22222222-0000-0000-0000-00000000000{n}")

    # Entra ID
    office = estate.named_location("庁舎ネットワーク", ("203.0.113.0/24",))
    estate.conditional_access("管理者に MFA を要求", grant=("mfa",), roles=tuple(facts.PRIVILEGED_DIRECTORY_ROLES))
    estate.conditional_access("管理者は庁舎からのみ", grant=("block",), roles=(facts.GLOBAL_ADMIN_ROLE_ID,),
                              include_locations=("All",), exclude_locations=(office,))
    estate.user("admin.tanaka", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    estate.user("admin.suzuki", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    estate.user("ops.sato", roles=("fe930be7-5e62-47db-91af-98c3a49a38b1",), mfa=False)
    estate.user("staff.ito")
    estate.user("staff.kato", last_sign_in_days=200)
    estate.user("vendor.kobayashi", guest=True, last_sign_in_days=None, created_days=180)
    return estate


def scaled_estate(resources: int, subscriptions: int = 5) -> Estate:
    """``resources`` resources spread evenly over ``subscriptions``, in the proportions of a real estate.

    Per subscription: one Recovery Services vault, one workspace and the activity-log export to it;
    the rest is a mix of disks, NICs-equivalent NSGs, storage accounts, VMs and a few SQL databases.
    """
    estate = Estate(domain="scale-test.onmicrosoft.com")
    subs = [estate.subscription(f"scale-{n}") for n in range(subscriptions)]
    per_sub = max(1, resources // subscriptions)
    for index, sid in enumerate(subs):
        group = f"rg-{index}"
        workspace = estate.workspace(sid, group, f"log-{index}")
        estate.export_activity_log(sid, workspace=workspace)
        vault = f"rsv-{index}"
        made = 3  # workspace, vault and its NSG below
        vms = []
        n = 0
        while made < per_sub:
            region = "japaneast" if n % 4 else "japanwest"
            kind = n % 10
            if kind in (0, 1, 2):
                vms.append(estate.virtual_machine(sid, group, f"vm-{index}-{n}", location=region))
                made += 2  # the VM and its OS disk
            elif kind in (3, 4):
                estate.storage_account(sid, group, f"st{index}x{n}", location=region)
                made += 1
            elif kind in (5, 6):
                estate.nsg(sid, group, f"nsg-{index}-{n}", location=region,
                           rules=(("allow-https", 100, "443", "Internet", "Allow"),))
                made += 1
            elif kind == 7 and n % 50 == 7:
                server = estate.sql_server(sid, group, f"sql-{index}-{n}", location=region)
                estate.sql_database(server, "app")
                made += 3  # server, master and the user database
            else:
                estate.managed_disk(sid, group, f"data-{index}-{n}", location=region)
                made += 1
            n += 1
        estate.recovery_vault(sid, group, vault, protect=tuple(vms))
        estate.nsg(sid, group, f"nsg-{index}-base")
    return estate


@contextmanager
def demo_estate() -> Iterator[DemoEstate]:
    """The sample estate (see :func:`sample_estate`) served locally, ready to audit."""
    with running(sample_estate()) as emulator:
        environment = {k: v for k, v in emulator.environment().items() if k != "REQUESTS_CA_BUNDLE"}
        yield DemoEstate(
            options=emulator.options(), environment=environment,
            description_ja="サンプル Azure 環境: 2 サブスクリプション、東日本・西日本が中心、いくつかの設定不備あり",
            description_en="Sample Azure estate: two subscriptions, mostly Japan East/West, with a few mistakes",
            planted_ja=PLANTED_JA, planted_en=PLANTED_EN,
        )
