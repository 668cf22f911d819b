"""residency.japan: every resource that holds data or runs code is in Tokyo or Osaka, and so are its
replication and backup-copy targets; an SCP that denies other regions is recorded as preventive evidence."""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.aws.checks.common import JAPAN, check, in_japan, region_label
from providers.aws.collect import KINDS

CONTROL = "residency.japan"
EXPECTED = ("東京 (ap-northeast-1) または大阪 (ap-northeast-3) リージョン",
            "the Tokyo (ap-northeast-1) or Osaka (ap-northeast-3) region")


def located(evidence: Evidence) -> Verdict:
    region = evidence.region
    if evidence.resource_type == "aws.s3.bucket":
        region = need(evidence, "location")
    if evidence.attributes.get("holds_data") is False:
        return Verdict.not_applicable((f"{region_label(region)} にあるが、データを保持していない（空）",
                                       f"in {region}, but holds no data (empty)"), region)
    what = KINDS[evidence.resource_type].title_ja
    return Verdict.of(in_japan(region), (f"{what}は国内リージョン {region_label(region)} にある",
                                         f"in the Japanese region {region}"),
                      (f"{what}が国外リージョン {region} にある", f"in {region}, a region outside Japan"), region)


def replication(evidence: Evidence) -> Verdict:
    config = need(evidence, "replication") or {}
    targets = config.get("destinations") or []
    if not targets:
        return Verdict.not_applicable(("レプリケーションは設定されていない", "no replication is configured"))
    regions = config.get("regions") or {}
    abroad = ", ".join(f"{t} ({r})" for t, r in regions.items() if not in_japan(r))
    if abroad:
        return Verdict.failed((f"複製先バケットが国外にある: {abroad}", f"replica buckets outside Japan: {abroad}"),
                              regions)
    return Verdict.passed(("複製先バケットはすべて国内リージョンにある",
                           "every replica bucket is in a Japanese region"),
                          regions)


def table(evidence: Evidence) -> Verdict:
    replicas = need(evidence, "replica_regions") or []
    regions = sorted({evidence.region, *replicas})
    abroad = [r for r in regions if not in_japan(r)]
    return Verdict.of(not abroad, ("テーブル（グローバルテーブルのレプリカを含む）は国内リージョンにある",
                                   "the table (with its global-table replicas) is in Japanese regions"),
                      ("テーブルまたはレプリカが国外リージョンにある: " + ", ".join(abroad),
                       "the table or a replica is outside Japan: " + ", ".join(abroad)), regions)


def copy_targets(evidence: Evidence) -> Verdict:
    targets = need(evidence, "copy_targets") or {}
    if not targets:
        return Verdict.not_applicable(("バックアップのコピー先は設定されていない",
                                       "no backup copy target is configured"))
    abroad = ", ".join(sorted({r for r in targets.values() if not in_japan(r)}))
    return Verdict.of(not abroad, ("バックアップのコピー先ボールトはすべて国内リージョンにある",
                                   "every backup copy target vault is in a Japanese region"),
                      (f"バックアップのコピー先が国外リージョンにある: {abroad}",
                       f"backup copies go to regions outside Japan: {abroad}"),
                      targets)


def region_deny(evidence: Evidence) -> Verdict:
    allowed = need(evidence, "allowed_regions")
    if allowed is None:
        return Verdict.not_applicable(("リージョンを制限する SCP ではない", "not an SCP that restricts regions"))
    targets = need(evidence, "targets") or []
    outside = ", ".join(r for r in allowed if r not in JAPAN)
    if outside:
        return Verdict.failed((f"SCP が国外リージョンの利用を許している: {outside}",
                               f"the SCP allows regions outside Japan: {outside}"), allowed)
    if not targets:
        return Verdict.failed(("国外リージョンを拒否する SCP があるが、どこにもアタッチされていない（効力なし）",
                               "an SCP denies regions outside Japan but is attached nowhere (no effect)"), allowed)
    return Verdict.passed(("国外リージョンの利用を拒否する SCP が適用されている（予防的統制）",
                           "an SCP denying regions outside Japan is in force (preventive control)"),
                          {"allowed_regions": allowed, "targets": targets})


def _located(kind: str, suffix: str) -> tuple:
    service = kind.split(".")[1]
    return (f"{service}.{suffix}_in_japan", kind, located, f"{KINDS[kind].title_ja}の所在リージョン",
            f"Region of {kind.removeprefix('aws.')}")


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
    ("dynamodb.table_in_japan", "aws.dynamodb.table", table, "DynamoDB テーブルとレプリカの所在リージョン",
     "Region of DynamoDB tables and replicas"),
]

CHECKS = [check(cid, CONTROL, kind, EXPECTED, fn, title_ja, title) for cid, kind, fn, title_ja, title in ROWS] + [
    check("s3.replication_in_japan", CONTROL, "aws.s3.bucket",
          ("複製先バケットも国内リージョン", "replica buckets in Japan too"), replication,
          "S3 レプリケーション先の所在リージョン", "Region of S3 replication targets"),
    check("backup.copy_targets_in_japan", CONTROL, "aws.backup.plan",
          ("コピー先ボールトも国内リージョン", "copy target vaults in Japan too"), copy_targets,
          "AWS Backup のコピー先リージョン", "Region of AWS Backup copy targets"),
    check("organizations.scp_denies_regions_outside_japan", CONTROL, "aws.organizations.scp",
          ("国内リージョン以外を拒否する SCP がアタッチされている", "an attached SCP denies regions outside Japan"),
          region_deny, "国外リージョンを拒否する SCP（予防的統制）", "SCP denying regions outside Japan (preventive)"),
]
