"""residency.japan: every resource that holds data or runs code is in Tokyo or Osaka, and so are its
replication and backup-copy targets; an SCP that denies other regions is recorded as preventive evidence."""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.aws.checks.common import JAPAN, check, in_japan, region_label
from providers.aws.collectors import KINDS

CONTROL = "residency.japan"
EXPECTED = "東京 (ap-northeast-1) または大阪 (ap-northeast-3) リージョン"


def located(evidence: Evidence) -> Verdict:
    region = evidence.region
    if evidence.resource_type == "aws.s3.bucket":
        region = need(evidence, "location")
    if evidence.attributes.get("holds_data") is False:
        return Verdict.not_applicable(f"{region_label(region)} にあるが、データを保持していない（空）", region)
    what = KINDS[evidence.resource_type].title_ja
    return Verdict.of(in_japan(region), f"{what}は国内リージョン {region_label(region)} にある",
                      f"{what}が国外リージョン {region} にある", region)


def replication(evidence: Evidence) -> Verdict:
    config = need(evidence, "replication") or {}
    targets = config.get("destinations") or []
    if not targets:
        return Verdict.not_applicable("レプリケーションは設定されていない")
    regions = config.get("regions") or {}
    abroad = {t: r for t, r in regions.items() if not in_japan(r)}
    if abroad:
        return Verdict.failed("複製先バケットが国外にある: " + ", ".join(f"{t} ({r})" for t, r in abroad.items()),
                              regions)
    return Verdict.passed("複製先バケットはすべて国内リージョンにある", regions)


def table(evidence: Evidence) -> Verdict:
    replicas = need(evidence, "replica_regions") or []
    regions = sorted({evidence.region, *replicas})
    abroad = [r for r in regions if not in_japan(r)]
    return Verdict.of(not abroad, "テーブル（グローバルテーブルのレプリカを含む）は国内リージョンにある",
                      "テーブルまたはレプリカが国外リージョンにある: " + ", ".join(abroad), regions)


def copy_targets(evidence: Evidence) -> Verdict:
    targets = need(evidence, "copy_targets") or {}
    if not targets:
        return Verdict.not_applicable("バックアップのコピー先は設定されていない")
    abroad = {arn: r for arn, r in targets.items() if not in_japan(r)}
    return Verdict.of(not abroad, "バックアップのコピー先ボールトはすべて国内リージョンにある",
                      "バックアップのコピー先が国外リージョンにある: " + ", ".join(sorted(set(abroad.values()))),
                      targets)


def region_deny(evidence: Evidence) -> Verdict:
    allowed = need(evidence, "allowed_regions")
    if allowed is None:
        return Verdict.not_applicable("リージョンを制限する SCP ではない")
    targets = need(evidence, "targets") or []
    outside = [r for r in allowed if r not in JAPAN]
    if outside:
        return Verdict.failed("SCP が国外リージョンの利用を許している: " + ", ".join(outside), allowed)
    if not targets:
        return Verdict.failed("国外リージョンを拒否する SCP があるが、どこにもアタッチされていない（効力なし）",
                              allowed)
    return Verdict.passed("国外リージョンの利用を拒否する SCP が適用されている（予防的統制）",
                          {"allowed_regions": allowed, "targets": targets})


def _located(kind: str, suffix: str) -> tuple:
    service = kind.split(".")[1]
    return (f"{service}.{suffix}_in_japan", kind, located, f"{KINDS[kind].title_ja}の所在リージョン")


ROWS = [
    _located("aws.ec2.instance", "instance"),
    _located("aws.ec2.volume", "volume"),
    _located("aws.ec2.snapshot", "snapshot"),
    _located("aws.rds.instance", "instance"),
    _located("aws.rds.cluster", "cluster"),
    _located("aws.s3.bucket", "bucket"),
    _located("aws.lambda.function", "function"),
    _located("aws.efs.file_system", "file_system"),
    _located("aws.elbv2.load_balancer", "load_balancer"),
    _located("aws.logs.log_group", "log_group"),
    _located("aws.ecr.repository", "repository"),
    _located("aws.autoscaling.group", "group"),
    _located("aws.apigateway.rest_api", "rest_api"),
    _located("aws.backup.vault", "vault"),
    ("dynamodb.table_in_japan", "aws.dynamodb.table", table, "DynamoDB テーブルとレプリカの所在リージョン"),
]

CHECKS = [check(cid, CONTROL, kind, EXPECTED, fn, title) for cid, kind, fn, title in ROWS] + [
    check("s3.replication_in_japan", CONTROL, "aws.s3.bucket", "複製先バケットも国内リージョン", replication,
          "S3 レプリケーション先の所在リージョン"),
    check("backup.copy_targets_in_japan", CONTROL, "aws.backup.plan", "コピー先ボールトも国内リージョン", copy_targets,
          "AWS Backup のコピー先リージョン"),
    check("organizations.scp_denies_regions_outside_japan", CONTROL, "aws.organizations.scp",
          "国内リージョン以外を拒否する SCP がアタッチされている", region_deny,
          "国外リージョンを拒否する SCP（予防的統制）"),
]
