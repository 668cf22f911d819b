"""resilience.*: Multi-AZ databases, load balancers and Auto Scaling groups across two or more zones,
EFS regional storage; automated backups (RDS retention, DynamoDB PITR, AWS Backup plans in use)."""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.aws.checks.common import check


def db_multi_az(evidence: Evidence) -> Verdict:
    if evidence.attributes.get("cluster"):
        cluster = evidence.attributes["cluster"]
        return Verdict.not_applicable(f"クラスター {cluster} のメンバー（冗長性はクラスターで判定）")
    on = bool(need(evidence, "multi_az"))
    return Verdict.of(on, "マルチ AZ 配置", "シングル AZ 配置（マルチ AZ でない）",
                      {"multi_az": on, "availability_zone": evidence.attributes.get("availability_zone")})


def cluster_multi_az(evidence: Evidence) -> Verdict:
    on = bool(need(evidence, "multi_az"))
    return Verdict.of(on, "複数 AZ にインスタンスを持つクラスター", "クラスターのインスタンスが単一 AZ にしかない",
                      {"multi_az": on, "members": evidence.attributes.get("members")})


def zones(what: str):
    def decide(evidence: Evidence) -> Verdict:
        found = need(evidence, "availability_zones") or []
        return Verdict.of(len(found) >= 2, f"{what}が {len(found)} つの AZ にまたがる",
                          f"{what}が {len(found)} つの AZ にしかない", found)

    return decide


def efs_zones(evidence: Evidence) -> Verdict:
    zone = evidence.attributes.get("one_zone")
    return Verdict.of(not zone, "リージョナル（複数 AZ に冗長保存）", f"1 ゾーン ({zone}) ストレージクラス",
                      {"one_zone": zone})


def retention(evidence: Evidence) -> Verdict:
    if evidence.attributes.get("cluster"):
        cluster = evidence.attributes["cluster"]
        return Verdict.not_applicable(f"クラスター {cluster} のメンバー（バックアップはクラスターで判定）")
    days = int(need(evidence, "backup_retention_days") or 0)
    return Verdict.of(days > 0, f"自動バックアップを {days} 日保持", "自動バックアップが無効（保持期間 0 日）",
                      {"backup_retention_days": days})


def cluster_retention(evidence: Evidence) -> Verdict:
    days = int(need(evidence, "backup_retention_days") or 0)
    return Verdict.of(days > 0, f"自動バックアップを {days} 日保持", "自動バックアップが無効",
                      {"backup_retention_days": days})


def pitr(evidence: Evidence) -> Verdict:
    on = bool(need(evidence, "pitr"))
    return Verdict.of(on, "ポイントインタイムリカバリが有効", "ポイントインタイムリカバリが無効", {"pitr": on},
                      "dynamodb:DescribeContinuousBackups")


def plan(evidence: Evidence) -> Verdict:
    rules = need(evidence, "rules") or []
    selections = need(evidence, "selections") or []
    observed = {"rules": rules, "selections": selections}
    if not rules:
        return Verdict.failed("バックアップルールがないプラン", observed)
    return Verdict.of(bool(selections), f"{len(rules)} 件のルールで {len(selections)} 件のリソース割り当てを保護",
                      "リソースが割り当てられていない（何もバックアップしない）プラン", observed)


CHECKS = [
    check("rds.instance_multi_az", "resilience.redundancy", "aws.rds.instance", "MultiAZ = true", db_multi_az,
          "RDS インスタンスのマルチ AZ"),
    check("rds.cluster_multi_az", "resilience.redundancy", "aws.rds.cluster", "MultiAZ = true", cluster_multi_az,
          "RDS クラスターのマルチ AZ"),
    check("elbv2.load_balancer_multi_az", "resilience.redundancy", "aws.elbv2.load_balancer", "2 つ以上の AZ",
          zones("ロードバランサ"), "ロードバランサの AZ 冗長"),
    check("autoscaling.group_multi_az", "resilience.redundancy", "aws.autoscaling.group", "2 つ以上の AZ",
          zones("Auto Scaling グループ"), "Auto Scaling グループの AZ 冗長"),
    check("efs.file_system_regional", "resilience.redundancy", "aws.efs.file_system", "リージョナル（1 ゾーンでない）",
          efs_zones, "EFS の冗長性"),
    check("rds.instance_backup_retention", "resilience.backup", "aws.rds.instance", "BackupRetentionPeriod > 0",
          retention, "RDS インスタンスの自動バックアップ"),
    check("rds.cluster_backup_retention", "resilience.backup", "aws.rds.cluster", "BackupRetentionPeriod > 0",
          cluster_retention, "RDS クラスターの自動バックアップ"),
    check("dynamodb.table_pitr", "resilience.backup", "aws.dynamodb.table", "PITR が有効", pitr,
          "DynamoDB のポイントインタイムリカバリ"),
    check("backup.plan_in_use", "resilience.backup", "aws.backup.plan", "ルールとリソース割り当てがある", plan,
          "AWS Backup プラン"),
]
