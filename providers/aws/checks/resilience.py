"""resilience.*: Multi-AZ databases, load balancers and Auto Scaling groups across two or more zones,
EFS regional storage; automated backups (RDS retention, DynamoDB PITR, AWS Backup plans in use)."""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.aws.checks.common import check

TWO_AZS = ("2 つ以上の AZ", "two or more AZs")


def db_multi_az(evidence: Evidence) -> Verdict:
    if evidence.attributes.get("cluster"):
        cluster = evidence.attributes["cluster"]
        return Verdict.not_applicable((f"クラスター {cluster} のメンバー（冗長性はクラスターで判定）",
                                       f"a member of cluster {cluster} (redundancy is decided for the cluster)"))
    on = bool(need(evidence, "multi_az"))
    return Verdict.of(on, ("マルチ AZ 配置", "Multi-AZ deployment"),
                      ("シングル AZ 配置（マルチ AZ でない）", "single-AZ deployment (not Multi-AZ)"),
                      {"multi_az": on, "availability_zone": evidence.attributes.get("availability_zone")})


def cluster_multi_az(evidence: Evidence) -> Verdict:
    on = bool(need(evidence, "multi_az"))
    return Verdict.of(on, ("複数 AZ にインスタンスを持つクラスター", "the cluster has instances in several AZs"),
                      ("クラスターのインスタンスが単一 AZ にしかない", "the cluster's instances are in one AZ only"),
                      {"multi_az": on, "members": evidence.attributes.get("members")})


def zones(what: tuple[str, str]):
    def decide(evidence: Evidence) -> Verdict:
        found = need(evidence, "availability_zones") or []
        return Verdict.of(len(found) >= 2, (f"{what[0]}が {len(found)} つの AZ にまたがる",
                                            f"the {what[1]} spans {len(found)} AZs"),
                          (f"{what[0]}が {len(found)} つの AZ にしかない", f"the {what[1]} is in {len(found)} AZ only"),
                          found)

    return decide


def efs_zones(evidence: Evidence) -> Verdict:
    zone = evidence.attributes.get("one_zone")
    return Verdict.of(not zone, ("リージョナル（複数 AZ に冗長保存）", "regional (stored redundantly across AZs)"),
                      (f"1 ゾーン ({zone}) ストレージクラス", f"One Zone ({zone}) storage class"),
                      {"one_zone": zone})


def retention(evidence: Evidence) -> Verdict:
    if evidence.attributes.get("cluster"):
        cluster = evidence.attributes["cluster"]
        return Verdict.not_applicable((f"クラスター {cluster} のメンバー（バックアップはクラスターで判定）",
                                       f"a member of cluster {cluster} (backups are decided for the cluster)"))
    days = int(need(evidence, "backup_retention_days") or 0)
    return Verdict.of(days > 0, (f"自動バックアップを {days} 日保持", f"automated backups kept {days} days"),
                      ("自動バックアップが無効（保持期間 0 日）", "automated backups are off (retention 0 days)"),
                      {"backup_retention_days": days})


def cluster_retention(evidence: Evidence) -> Verdict:
    days = int(need(evidence, "backup_retention_days") or 0)
    return Verdict.of(days > 0, (f"自動バックアップを {days} 日保持", f"automated backups kept {days} days"),
                      ("自動バックアップが無効", "automated backups are off"),
                      {"backup_retention_days": days})


def pitr(evidence: Evidence) -> Verdict:
    on = bool(need(evidence, "pitr"))
    return Verdict.of(on, ("ポイントインタイムリカバリが有効", "point-in-time recovery is on"),
                      ("ポイントインタイムリカバリが無効", "point-in-time recovery is off"), {"pitr": on},
                      "dynamodb:DescribeContinuousBackups")


def plan(evidence: Evidence) -> Verdict:
    rules = need(evidence, "rules") or []
    selections = need(evidence, "selections") or []
    observed = {"rules": rules, "selections": selections}
    if not rules:
        return Verdict.failed(("バックアップルールがないプラン", "a plan without backup rules"), observed)
    return Verdict.of(bool(selections), (f"{len(rules)} 件のルールで {len(selections)} 件のリソース割り当てを保護",
                                         f"{len(rules)} rules protect {len(selections)} resource assignments"),
                      ("リソースが割り当てられていない（何もバックアップしない）プラン",
                       "a plan with no resources assigned (it backs up nothing)"), observed)


CHECKS = [
    check("rds.instance_multi_az", "resilience.redundancy", "aws.rds.instance", "MultiAZ = true", db_multi_az,
          "RDS インスタンスのマルチ AZ", "RDS instance Multi-AZ"),
    check("rds.cluster_multi_az", "resilience.redundancy", "aws.rds.cluster", "MultiAZ = true", cluster_multi_az,
          "RDS クラスターのマルチ AZ", "RDS cluster Multi-AZ"),
    check("elbv2.load_balancer_multi_az", "resilience.redundancy", "aws.elbv2.load_balancer", TWO_AZS,
          zones(("ロードバランサー", "load balancer")), "ロードバランサーの AZ 冗長", "Load balancer AZ redundancy"),
    check("autoscaling.group_multi_az", "resilience.redundancy", "aws.autoscaling.group", TWO_AZS,
          zones(("Auto Scaling グループ", "Auto Scaling group")), "Auto Scaling グループの AZ 冗長",
          "Auto Scaling group AZ redundancy"),
    check("efs.file_system_regional", "resilience.redundancy", "aws.efs.file_system",
          ("リージョナル（1 ゾーンでない）", "regional (not One Zone)"),
          efs_zones, "EFS の冗長性", "EFS redundancy"),
    check("rds.instance_backup_retention", "resilience.backup", "aws.rds.instance", "BackupRetentionPeriod > 0",
          retention, "RDS インスタンスの自動バックアップ", "RDS instance automated backups"),
    check("rds.cluster_backup_retention", "resilience.backup", "aws.rds.cluster", "BackupRetentionPeriod > 0",
          cluster_retention, "RDS クラスターの自動バックアップ", "RDS cluster automated backups"),
    check("dynamodb.table_pitr", "resilience.backup", "aws.dynamodb.table", ("PITR が有効", "PITR on"), pitr,
          "DynamoDB のポイントインタイムリカバリ", "DynamoDB point-in-time recovery"),
    check("backup.plan_in_use", "resilience.backup", "aws.backup.plan",
          ("ルールとリソース割り当てがある", "has rules and resource assignments"),
          plan, "AWS Backup プラン", "AWS Backup plans"),
]
