"""residency.japan — where every data-holding resource keeps its data, and the preventive policy.

Japan is Tokyo (asia-northeast1), Osaka (asia-northeast2) and the Cloud Storage dual-region asia1.
Multi-regions (ASIA, US, EU) include locations outside Japan; ``global`` gives no location guarantee.
Global load-balancing frontends are not regional and hold no data: not applicable.
"""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.gcp.checks.common import ORG_POLICIES, check
from providers.gcp.locations import GLOBAL_KIND, MULTI, classify, japan_only_allowed_values, residency

CONTROL = "residency.japan"
EXPECTED = ("所在地が asia-northeast1（東京）/ asia-northeast2（大阪）/ デュアルリージョン asia1 のいずれか",
            "located in asia-northeast1 (Tokyo), asia-northeast2 (Osaka) or the dual-region asia1")


def _describe(location: str, kind: str) -> str:
    if kind == GLOBAL_KIND:
        return f"{location}（global: 保存場所の保証なし）"
    if kind == MULTI:
        return f"{location}（マルチ／デュアルリージョン: 国外の拠点を含む）"
    return f"{location}（国外リージョン）"


def _describe_en(location: str, kind: str) -> str:
    if kind == GLOBAL_KIND:
        return f"{location} (global: no guarantee where data is stored)"
    if kind == MULTI:
        return f"{location} (multi-/dual-region including locations outside Japan)"
    return f"{location} (a region outside Japan)"


SEE_EACH_RESOURCE = ("国内保存は各リソースの所在地で判定する", "residency is decided by each resource's location")


def in_japan(evidence: Evidence) -> Verdict:
    locations = need(evidence, "locations") or []
    found = residency(locations)
    if found.empty:
        return Verdict.unknown(("Cloud Asset Inventory がこのリソースの所在地を返していない",
                                "Cloud Asset Inventory returns no location for this resource"), observed=locations)
    if found.all_in_japan:
        return Verdict.passed((f"所在地 {', '.join(found.japan)} は国内（東京・大阪）",
                               f"the location {', '.join(found.japan)} is in Japan (Tokyo, Osaka)"), observed=locations)
    outside = "、".join(_describe(loc, kind) for loc, kind in found.elsewhere)
    outside_en = ", ".join(_describe_en(loc, kind) for loc, kind in found.elsewhere)
    return Verdict.failed((f"国外または所在地の保証がない: {outside}",
                           f"outside Japan or with no location guarantee: {outside_en}"), observed=locations)


def forwarding_rule_in_japan(evidence: Evidence) -> Verdict:
    if evidence.attributes.get("global"):
        return Verdict.not_applicable((
            "グローバルな負荷分散のフロントエンドはリージョンに属さない"
            "（データを保存せず、Google のエッジで通信を処理する）",
            "a global load-balancing frontend belongs to no region (it stores no data and handles traffic at"
            " Google's edge)"),
            observed="global",
        )
    return in_japan(evidence)


def secret_in_japan(evidence: Evidence) -> Verdict:
    if need(evidence, "replication") == "automatic":
        return Verdict.failed((
            "自動レプリケーション: 保存先リージョンを Google が選ぶため国内保存の保証がない"
            "（ユーザー管理レプリケーションで国内を指定する）",
            "automatic replication: Google chooses the regions, so storage in Japan is not guaranteed (use"
            " user-managed replication with Japanese regions)"),
            observed="automatic",
        )
    return in_japan(evidence)


def sql_backups_in_japan(evidence: Evidence) -> Verdict:
    if need(evidence, "instance_type") == "READ_REPLICA_INSTANCE":
        return Verdict.not_applicable(("リードレプリカ（バックアップはプライマリで取得）",
                                       "a read replica (backups are taken on the primary)"))
    if not need(evidence, "backup_enabled"):
        return Verdict.not_applicable(("自動バックアップが無効（resilience.backup で不適合として扱う）",
                                       "automated backups are off (treated as failing under resilience.backup)"))
    location = need(evidence, "backup_location") or ""
    if not location:
        return Verdict.failed((
            "backupConfiguration.location が未指定: 既定ではインスタンスに最も近いマルチリージョン"
            "（東京・大阪なら asia）に保存され、国外の拠点を含む",
            "backupConfiguration.location is not set: by default backups go to the multi-region nearest the"
            " instance (asia for Tokyo and Osaka), which includes locations outside Japan"),
            observed={"backup_location": None},
        )
    kind = classify(location)
    return Verdict.of(
        kind == "japan",
        (f"バックアップの保存先 {location} は国内", f"backups are stored in {location}, in Japan"),
        (f"バックアップの保存先: {_describe(location, kind)}", f"backups are stored in {_describe_en(location, kind)}"),
        observed={"backup_location": location},
    )


def resource_locations_policy(evidence: Evidence) -> Verdict:
    effective = evidence.attributes
    hidden = need(evidence, "levels_outside_scope") or []
    above = ", ".join(hidden)
    see_ja, see_en = SEE_EACH_RESOURCE
    if not need(evidence, "constrained"):
        where = ((f"（監査範囲外の上位 {above} の設定は見えない）", f" (the settings above the audited scope, {above},"
                  " are not visible)") if hidden else ("", ""))
        return Verdict.not_applicable((
            f"組織ポリシー gcp.resourceLocations による国内限定の予防的統制はない{where[0]}。{see_ja}",
            f"no organisation policy gcp.resourceLocations limits locations to Japan as a preventive control"
            f"{where[1]}; {see_en}"),
            observed=dict(effective),
        )
    japan_only, foreign = japan_only_allowed_values(need(evidence, "allowed") or [])
    if japan_only and evidence.attributes.get("incomplete"):
        return Verdict.not_applicable((
            "gcp.resourceLocations は国内のみを許可しているが上位から継承する設定で、"
            f"監査範囲外の上位 {above} の値が見えないため予防的統制として確認できない。{see_ja}",
            "gcp.resourceLocations allows only Japan but inherits from above, and the values above the audited"
            f" scope ({above}) are not visible, so it cannot be confirmed as a preventive control; {see_en}"),
            observed=dict(effective),
        )
    if japan_only:
        set_at = ", ".join(need(evidence, "set_at") or [])
        return Verdict.passed((
            f"組織ポリシー gcp.resourceLocations が国内のロケーションのみを許可（予防的統制、設定箇所: {set_at}）",
            f"the organisation policy gcp.resourceLocations allows only locations in Japan (preventive control,"
            f" set at: {set_at})"),
            observed=dict(effective),
        )
    return Verdict.not_applicable((
        f"gcp.resourceLocations は設定されているが国外も許可している（{', '.join(foreign) or '許可値なし'}）: "
        f"予防的統制としては国内限定になっていない。{see_ja}",
        f"gcp.resourceLocations is set but allows locations outside Japan"
        f" ({', '.join(foreign) or 'no allowed values'}): as a preventive control it does not limit locations to"
        f" Japan; {see_en}"),
        observed=dict(effective),
    )


def _row(check_id: str, kind: str, title: str, title_ja: str, evaluate=in_japan):
    return check(check_id, CONTROL, kind, evaluate, expected=EXPECTED, title=title, title_ja=title_ja)


CHECKS = (
    _row("gcp.storage.bucket_in_japan", "gcp.storage.bucket", "Bucket stored in Japan", "バケットの国内保存"),
    _row("gcp.compute.disk_in_japan", "gcp.compute.disk", "Disk in Japan", "ディスクの国内保存"),
    _row("gcp.compute.snapshot_in_japan", "gcp.compute.snapshot", "Snapshot stored in Japan",
         "スナップショットの国内保存"),
    _row("gcp.compute.image_in_japan", "gcp.compute.image", "Custom image stored in Japan",
         "カスタムイメージの国内保存"),
    _row("gcp.compute.instance_in_japan", "gcp.compute.instance", "VM in Japan", "VM の国内配置"),
    _row("gcp.compute.forwarding_rule_in_japan", "gcp.compute.forwarding_rule", "Regional load balancer in Japan",
         "リージョン負荷分散の国内配置", forwarding_rule_in_japan),
    _row("gcp.sql.instance_in_japan", "gcp.sql.instance", "Cloud SQL instance in Japan", "Cloud SQL の国内配置"),
    check("gcp.sql.backups_in_japan", CONTROL, "gcp.sql.instance", sql_backups_in_japan,
          expected=("backupConfiguration.location が国内リージョン",
                    "backupConfiguration.location in a Japanese region"),
          title="Cloud SQL backups stored in Japan",
          title_ja="Cloud SQL バックアップの国内保存"),
    _row("gcp.bigquery.dataset_in_japan", "gcp.bigquery.dataset", "BigQuery dataset in Japan",
         "BigQuery データセットの国内保存"),
    _row("gcp.logging.bucket_in_japan", "gcp.logging.bucket", "Log bucket in Japan", "ログバケットの国内保存"),
    _row("gcp.container.cluster_in_japan", "gcp.container.cluster", "GKE cluster in Japan", "GKE クラスタの国内配置"),
    _row("gcp.run.service_in_japan", "gcp.run.service", "Cloud Run service in Japan", "Cloud Run の国内配置"),
    _row("gcp.functions.function_in_japan", "gcp.functions.function", "Cloud Function in Japan",
         "Cloud Functions の国内配置"),
    _row("gcp.filestore.instance_in_japan", "gcp.filestore.instance", "Filestore in Japan", "Filestore の国内配置"),
    _row("gcp.redis.instance_in_japan", "gcp.redis.instance", "Memorystore in Japan", "Memorystore の国内配置"),
    _row("gcp.kms.key_ring_in_japan", "gcp.kms.key_ring", "KMS key ring in Japan", "KMS キーリングの国内配置"),
    _row("gcp.artifactregistry.repository_in_japan", "gcp.artifactregistry.repository",
         "Artifact Registry repository in Japan", "Artifact Registry の国内保存"),
    _row("gcp.secretmanager.secret_in_japan", "gcp.secretmanager.secret", "Secret replicated only in Japan",
         "シークレットの国内保存", secret_in_japan),
    check("gcp.orgpolicy.resource_locations_japan", CONTROL, "gcp.resourcemanager.resource_locations_policy",
          resource_locations_policy,
          expected=("組織ポリシー gcp.resourceLocations が国内ロケーションのみ許可（予防的統制）",
                    "organisation policy gcp.resourceLocations allows only locations in Japan (preventive)"),
          title="Resource locations restricted to Japan", title_ja="組織ポリシーによるロケーション制限",
          permissions=ORG_POLICIES),
)
