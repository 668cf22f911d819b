"""The sample estates for tests and benchmarks, built with the payload builders of :mod:`.estate_assets`.

:func:`seed_sample_estate` is a small vendor organisation with a mostly compliant production project
and a staging project that is not (its mistakes are listed in :data:`PLANTED`); :func:`scaled_estate`
is an organisation of many projects and about as many resource assets as asked, for the benchmarks.
"""

from __future__ import annotations

from providers.gcp.emulator.estate import Estate
from providers.gcp.emulator.estate_assets import (
    alert_policy,
    backend_service,
    bucket,
    default_log_buckets,
    disk,
    firewall,
    forwarding_rule,
    instance,
    instance_group_manager,
    log_bucket,
    notification_channel,
    security_policy,
    service_account_key,
    snapshot,
    snapshot_schedule,
    sql_instance,
    ssl_policy,
    target_http_proxy,
    target_https_proxy,
    url_map,
)

# ---------------------------------------------------------------------- the demo's sample estate

#: The deliberate mistakes of the sample estate (Japanese, English), as the demo lists them.
PLANTED = (
    ("juminhyo-stg: バケット juminhyo-stg-exports が US マルチリージョン（国外）、ログバケットが global",
     "juminhyo-stg: bucket juminhyo-stg-exports in the US multi-region (outside Japan); log buckets in global"),
    ("juminhyo-stg: ファイアウォール allow-ssh が 22/3389 を 0.0.0.0/0 に開放",
     "juminhyo-stg: firewall rule allow-ssh opens 22/3389 to 0.0.0.0/0"),
    ("juminhyo-stg: Cloud SQL stg-db が単一ゾーン・バックアップ無効・平文接続可",
     "juminhyo-stg: Cloud SQL stg-db is zonal, without backups, and accepts unencrypted connections"),
    ("juminhyo-stg: dev@vendor.example.jp に編集者（基本ロール）、2 段階認証なし",
     "juminhyo-stg: dev@vendor.example.jp holds Editor (a basic role) without 2-Step Verification"),
    ("juminhyo-stg: 2024 年作成のサービスアカウント鍵が未更新",
     "juminhyo-stg: a service-account key created in 2024 was never rotated"),
    ("juminhyo-stg: VPC Service Controls の境界外、アラートポリシーなし、SCC の脅威検知が無効",
     "juminhyo-stg: outside the VPC Service Controls perimeter, no alert policy, SCC threat detection off"),
    ("juminhyo-stg: VM stg-1 に OS Config の脆弱性レポートがなく、ディスクにスナップショット スケジュールがない",
     "juminhyo-stg: VM stg-1 has no OS Config vulnerability report and its disk no snapshot schedule"),
    ("両プロジェクト: _Default ログバケットが 30 日保存・未ロック",
     "both projects: the _Default log bucket keeps 30 days and is not locked"),
)


def seed_sample_estate(estate: Estate) -> str:
    """A small vendor organisation: a production project that mostly complies, a staging one that does not."""
    org = estate.add_organization("1234567890", "vendor.example.jp")
    folder = estate.add_folder("200000000001", org, "municipal-services")
    prod, stg = "juminhyo-prod", "juminhyo-stg"
    estate.add_project(prod, "100000000001", folder)
    estate.add_project(stg, "100000000002", folder)
    all_data_access = [{"logType": t} for t in ("ADMIN_READ", "DATA_READ", "DATA_WRITE")]
    estate.set_iam_policy(org, [{"role": "roles/resourcemanager.organizationAdmin",
                                 "members": ["user:admin@vendor.example.jp"]}],
                          [{"service": "allServices", "auditLogConfigs": all_data_access}])
    estate.set_org_policy(org, [{"constraint": "constraints/gcp.resourceLocations",
                                 "listPolicy": {"allowedValues": ["in:asia-northeast1-locations",
                                                                  "in:asia-northeast2-locations"]}}])
    estate.add_directory_user("admin@vendor.example.jp", enrolled=True, enforced=True)
    estate.add_directory_user("dev@vendor.example.jp", enrolled=False)
    estate.set_iam_policy(prod, [{"role": "roles/cloudsql.client",
                                  "members": [f"serviceAccount:app@{prod}.iam.gserviceaccount.com"]}])
    estate.set_iam_policy(stg, [{"role": "roles/editor", "members": ["user:dev@vendor.example.jp"]}])
    policy = estate.add_access_policy(org, "555")
    level = estate.add_access_level(org, policy, "office", ["203.0.113.0/24"])
    estate.add_service_perimeter(org, policy, "juminhyo", ["100000000001"], [level])

    zone = "asia-northeast1-b"
    schedule = snapshot_schedule(estate, prod, "asia-northeast1", "daily")
    web, web_id = instance(estate, prod, zone, "web-1")
    disk(estate, prod, zone, "web-1", resource_policies=[schedule], users=[web])
    estate.add_vulnerability_report(prod, zone, web_id)
    instance_group_manager(estate, prod, "api", region="asia-northeast1",
                           zones=["asia-northeast1-a", "asia-northeast1-b"])
    sql_instance(estate, prod, "juminhyo-db")
    bucket(estate, prod, "juminhyo-prod-docs", "ASIA1", "dual-region")
    default_log_buckets(estate, prod, "asia-northeast1")
    log_bucket(estate, prod, "audit-1y", "asia-northeast1", 400, locked=True)
    tls = ssl_policy(estate, prod, "tls12")
    armor = security_policy(estate, prod, "waf")
    backend_service(estate, prod, "web", security_policy_link=armor)
    https_map = url_map(estate, prod, "web")
    redirect_map = url_map(estate, prod, "web-redirect", https_redirect=True)
    forwarding_rule(estate, prod, "web-https", target_https_proxy(estate, prod, "web", https_map, tls),
                    port_range="443-443")
    forwarding_rule(estate, prod, "web-http", target_http_proxy(estate, prod, "web-redirect", redirect_map))
    firewall(estate, prod, "allow-https", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["443"]}])
    channel = notification_channel(estate, prod, "101")
    alert_policy(estate, prod, "201", "VM CPU", [channel])
    estate.set_scc_services(prod, event_threat_detection="ENABLED", vm_threat_detection="ENABLED")

    stg_vm, _ = instance(estate, stg, "asia-northeast1-a", "stg-1")
    disk(estate, stg, "asia-northeast1-a", "stg-1", users=[stg_vm])
    sql_instance(estate, stg, "stg-db", availability="ZONAL", backups=False, backup_location="",
                 ssl_mode="ALLOW_UNENCRYPTED_AND_ENCRYPTED")
    bucket(estate, stg, "juminhyo-stg-exports", "US", "multi-region")
    default_log_buckets(estate, stg)
    firewall(estate, stg, "allow-ssh", ["0.0.0.0/0"], [{"IPProtocol": "tcp", "ports": ["22", "3389"]}])
    service_account_key(estate, stg, f"ci@{stg}.iam.gserviceaccount.com", "a1b2c3", "2024-01-10T00:00:00Z")
    return org


# ---------------------------------------------------------------------- a large estate for benchmarks

ZONES = ("asia-northeast1-a", "asia-northeast1-b", "asia-northeast1-c")


def scaled_estate(estate: Estate, resources: int, projects: int) -> str:
    """An organisation of ``projects`` projects holding about ``resources`` resource assets in all.

    Each project cycles through VMs with their disks, buckets, firewall rules, snapshots, Cloud SQL
    instances, service-account keys and monitoring, plus its two log buckets and an IAM policy; half
    of the VMs have an OS Config vulnerability report.
    """
    org = estate.add_organization("9000000000", "bench.example.jp")
    folder = estate.add_folder("9100000000", org, "bench")
    per_project = max(resources // projects - 3, 0)  # minus the project itself and its two log buckets
    for p in range(projects):
        project = f"bench-{p:02d}"
        estate.add_project(project, str(9200000000 + p), folder)
        default_log_buckets(estate, project, "asia-northeast1")
        estate.set_iam_policy(f"projects/{project}", [
            {"role": "roles/owner", "members": [f"user:owner{p % 5}@bench.example.jp"]},
            {"role": "roles/viewer", "members": ["group:auditors@bench.example.jp"]},
        ])
        made = 0
        index = 0
        while made < per_project:
            zone = ZONES[index % len(ZONES)]
            kind = index % 8
            if kind in (0, 1) and made + 2 <= per_project:
                vm, vm_id = instance(estate, project, zone, f"vm-{index}")
                disk(estate, project, zone, f"vm-{index}", users=[vm])
                if index % 2 == 0:
                    estate.add_vulnerability_report(project, zone, vm_id)
                made += 2
            elif kind == 2:
                bucket(estate, project, f"{project}-bucket-{index}")
                made += 1
            elif kind == 3:
                firewall(estate, project, f"fw-{index}", ["10.0.0.0/8"], [{"IPProtocol": "tcp", "ports": ["22"]}])
                made += 1
            elif kind == 4:
                snapshot(estate, project, f"snap-{index}")
                made += 1
            elif kind == 5:
                sql_instance(estate, project, f"db-{index}")
                made += 1
            elif kind == 6:
                service_account_key(estate, project, f"app@{project}.iam.gserviceaccount.com", f"k{index}",
                                    "2025-12-01T00:00:00Z")
                made += 1
            else:
                notification_channel(estate, project, f"c{index}")
                made += 1
            index += 1
    for user in range(5):
        estate.add_directory_user(f"owner{user}@bench.example.jp", enrolled=user != 0)
    return org
