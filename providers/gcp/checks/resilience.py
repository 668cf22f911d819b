"""resilience.redundancy and resilience.backup — zones and automatic backups.

- Redundancy: managed instance groups are regional across ≥ 2 zones (GKE node-pool groups are
  decided by their cluster); GKE clusters span ≥ 2 zones; Cloud SQL primaries are REGIONAL (HA).
- Backup: Cloud SQL automated backups are on; persistent disks have a snapshot schedule (disks of
  managed-group or GKE nodes are recreated from templates and are not applicable).
"""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.gcp.checks.common import check
from providers.gcp.locations import region_of


def mig_regional(evidence: Evidence) -> Verdict:
    if need(evidence, "gke_node_pool"):
        return Verdict.not_applicable(("GKE ノードプールのグループ（冗長性はクラスタのゾーン構成で判定）",
                                       "a GKE node pool's group (redundancy is decided by the cluster's zones)"))
    zones = need(evidence, "zones") or []
    observed = {"regional": evidence.attributes.get("regional"), "zones": zones}
    if need(evidence, "regional"):
        return Verdict.of(
            len(set(zones)) >= 2,
            (f"リージョン マネージド インスタンス グループ（ゾーン {', '.join(zones)}）",
             f"a regional managed instance group (zones {', '.join(zones)})"),
            (f"リージョン MIG だが配置ゾーンが {len(set(zones))} つだけ",
             f"a regional MIG, but in only {len(set(zones))} zone(s)"),
            observed=observed,
        )
    return Verdict.failed((f"ゾーン マネージド インスタンス グループ（単一ゾーン {', '.join(zones)}）",
                           f"a zonal managed instance group (single zone {', '.join(zones)})"), observed=observed)


def sql_high_availability(evidence: Evidence) -> Verdict:
    if need(evidence, "instance_type") == "READ_REPLICA_INSTANCE":
        return Verdict.not_applicable(("リードレプリカ（可用性構成はプライマリで判定）",
                                       "a read replica (availability is decided on the primary)"))
    availability = need(evidence, "availability_type")
    observed = {"availabilityType": availability, "gceZone": evidence.attributes.get("gce_zone"),
                "secondaryGceZone": evidence.attributes.get("secondary_gce_zone")}
    return Verdict.of(
        availability == "REGIONAL",
        ("高可用性構成（availabilityType=REGIONAL、2 ゾーン）",
         "high availability (availabilityType=REGIONAL, 2 zones)"),
        (f"単一ゾーン構成（availabilityType={availability}）", f"a single zone (availabilityType={availability})"),
        observed=observed,
    )


def gke_multi_zone(evidence: Evidence) -> Verdict:
    location = (need(evidence, "locations") or [""])[0]
    zones = need(evidence, "node_zones") or []
    observed = {"location": location, "node_zones": zones}
    regional = region_of(location) == location.lower() and bool(location)
    return Verdict.of(
        regional or len(set(zones)) >= 2,
        (f"ノードが複数ゾーンに配置（{location}: {', '.join(zones) or 'リージョン クラスタ'}）",
         f"nodes in several zones ({location}: {', '.join(zones) or 'regional cluster'})"),
        (f"単一ゾーンのクラスタ（{location}）", f"a single-zone cluster ({location})"),
        observed=observed,
    )


def sql_backups_enabled(evidence: Evidence) -> Verdict:
    if need(evidence, "instance_type") == "READ_REPLICA_INSTANCE":
        return Verdict.not_applicable(("リードレプリカ（バックアップはプライマリで取得）",
                                       "a read replica (backups are taken on the primary)"))
    enabled = need(evidence, "backup_enabled")
    pitr = need(evidence, "point_in_time_recovery")
    observed = {"backupConfiguration.enabled": enabled, "pointInTimeRecovery": pitr}
    return Verdict.of(
        bool(enabled),
        ("自動バックアップが有効" + ("（ポイントインタイムリカバリも有効）" if pitr else ""),
         "automated backups are on" + (" (point-in-time recovery too)" if pitr else "")),
        ("自動バックアップが無効", "automated backups are off"),
        observed=observed,
    )


def disk_snapshot_schedule(evidence: Evidence) -> Verdict:
    managed = need(evidence, "managed_by")
    if managed:
        return Verdict.not_applicable(
            ("マネージド インスタンス グループ / GKE ノードのディスク（テンプレートから再作成される）",
             "a disk of a managed instance group / GKE node (recreated from a template)"),
            observed={"managed_by": managed},
        )
    schedules = need(evidence, "snapshot_schedules") or []
    return Verdict.of(
        bool(schedules),
        (f"スナップショット スケジュール {', '.join(schedules)} が設定済み",
         f"the snapshot schedules {', '.join(schedules)} are set"),
        ("スナップショット スケジュールが設定されていない（Backup and DR など別の仕組みで保護しているなら申告）",
         "no snapshot schedule is set (attest it if another mechanism such as Backup and DR protects the disk)"),
        observed={"snapshot_schedules": schedules},
    )


CHECKS = (
    check("gcp.compute.mig_regional", "resilience.redundancy", "gcp.compute.instance_group_manager", mig_regional,
          expected=("リージョン MIG（2 ゾーン以上）", "regional MIG (2 or more zones)"),
          title="Managed instance groups span zones", title_ja="MIG の複数ゾーン配置"),
    check("gcp.sql.high_availability", "resilience.redundancy", "gcp.sql.instance", sql_high_availability,
          expected=("availabilityType が REGIONAL", "availabilityType REGIONAL"),
          title="Cloud SQL high availability", title_ja="Cloud SQL の高可用性構成"),
    check("gcp.container.cluster_multi_zone", "resilience.redundancy", "gcp.container.cluster", gke_multi_zone,
          expected=("リージョン クラスタ、またはノードが 2 ゾーン以上",
                    "regional cluster, or nodes in 2 or more zones"),
          title="GKE nodes span zones", title_ja="GKE ノードの複数ゾーン配置"),
    check("gcp.sql.backups_enabled", "resilience.backup", "gcp.sql.instance", sql_backups_enabled,
          expected=("backupConfiguration.enabled が true", "backupConfiguration.enabled true"),
          title="Cloud SQL automated backups", title_ja="Cloud SQL の自動バックアップ"),
    check("gcp.compute.disk_snapshot_schedule", "resilience.backup", "gcp.compute.disk", disk_snapshot_schedule,
          expected=("スナップショット スケジュール（リソースポリシー）が設定済み",
                    "snapshot schedule (resource policy) set"),
          title="Disk snapshot schedule", title_ja="ディスクのスナップショット スケジュール"),
)
