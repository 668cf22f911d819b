"""encryption.at-rest: EBS (volumes, snapshots, default per region), RDS, S3, DynamoDB, EFS, ECR, KMS rotation."""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.aws.checks.common import check, regional_service
from providers.aws.collectors.security import aws_managed_alias

CONTROL = "encryption.at-rest"
EC2 = frozenset({"aws.ec2.instance", "aws.ec2.volume", "aws.ec2.snapshot", "aws.autoscaling.group"})


def flag(attribute: str, what: str):
    def decide(evidence: Evidence) -> Verdict:
        on = bool(need(evidence, attribute))
        key = evidence.attributes.get("kms_key_id")
        return Verdict.of(on, f"{what}は暗号化されている" + (f"（KMS キー {key}）" if key else ""),
                          f"{what}が暗号化されていない", {attribute: on, "kms_key": key})

    return decide


def ebs_default(evidence: Evidence) -> Verdict:
    on = bool(need(evidence, "enabled"))
    return regional_service(evidence, on, "EBS の既定の暗号化が有効（新しいボリュームは必ず暗号化される）",
                            "EBS の既定の暗号化が無効", {"enabled": on}, relevant=EC2)


def bucket(evidence: Evidence) -> Verdict:
    encryption = need(evidence, "encryption") or {}
    algorithm = encryption.get("algorithm")
    if encryption.get("source") == "platform-default":
        return Verdict.passed(
            "既定の暗号化設定は返されなかったが、S3 は 2023 年 1 月以降すべての新規オブジェクトを SSE-S3 (AES256) で"
            "暗号化する（プラットフォーム既定）", encryption)
    ok = algorithm in ("AES256", "aws:kms", "aws:kms:dsse")
    return Verdict.of(ok, f"既定の暗号化 {algorithm} が設定されている",
                      f"既定の暗号化が設定されていない（{algorithm}）",
                      encryption)


def table(evidence: Evidence) -> Verdict:
    sse = need(evidence, "sse") or {}
    if sse.get("type") == "AWS_OWNED":
        return Verdict.passed("AWS 所有キーで暗号化されている（DynamoDB のプラットフォーム既定）", sse)
    ok = sse.get("status") in ("ENABLED", "ENABLING", "UPDATING")
    return Verdict.of(ok, f"{sse.get('type')} キーで暗号化されている", f"暗号化の状態が {sse.get('status')}", sse)


def repository(evidence: Evidence) -> Verdict:
    kind = evidence.attributes.get("encryption_type") or "AES256"
    reason = ("KMS キーで暗号化されている" if kind.startswith("KMS")
              else "AES256 で暗号化されている（ECR のプラットフォーム既定）")
    return Verdict.passed(reason, {"encryption_type": kind, "kms_key": evidence.attributes.get("kms_key")})


def key_rotation(evidence: Evidence) -> Verdict:
    manager = need(evidence, "key_manager")
    if manager != "CUSTOMER" or aws_managed_alias(evidence.attributes.get("aliases") or []):
        return Verdict.not_applicable("AWS 管理キー（AWS が自動でローテーションする）")
    if need(evidence, "state") != "Enabled":
        return Verdict.not_applicable(f"キーは {evidence.attributes.get('state')} 状態")
    if need(evidence, "spec") != "SYMMETRIC_DEFAULT" or evidence.attributes.get("origin", "AWS_KMS") != "AWS_KMS":
        return Verdict.not_applicable("自動ローテーションに対応しない種類のキー（非対称・HMAC・インポート等）")
    on = bool(need(evidence, "rotation"))
    return Verdict.of(on, "キーの自動ローテーションが有効", "カスタマー管理キーの自動ローテーションが無効",
                      {"rotation": on})


CHECKS = [
    check("ec2.volume_encrypted", CONTROL, "aws.ec2.volume", "暗号化されている", flag("encrypted", "EBS ボリューム"),
          "EBS ボリュームの暗号化"),
    check("ec2.snapshot_encrypted", CONTROL, "aws.ec2.snapshot", "暗号化されている",
          flag("encrypted", "EBS スナップショット"), "EBS スナップショットの暗号化"),
    check("ec2.ebs_encryption_by_default", CONTROL, "aws.ec2.ebs_default_encryption",
          "資源のあるリージョンで EBS 既定の暗号化が有効", ebs_default, "EBS 既定の暗号化（リージョン）"),
    check("rds.instance_storage_encrypted", CONTROL, "aws.rds.instance", "StorageEncrypted = true",
          flag("storage_encrypted", "DB インスタンスのストレージ"), "RDS インスタンスのストレージ暗号化"),
    check("rds.cluster_storage_encrypted", CONTROL, "aws.rds.cluster", "StorageEncrypted = true",
          flag("storage_encrypted", "DB クラスターのストレージ"), "RDS クラスターのストレージ暗号化"),
    check("s3.bucket_default_encryption", CONTROL, "aws.s3.bucket", "SSE-S3 / SSE-KMS / DSSE-KMS", bucket,
          "S3 バケットの既定の暗号化"),
    check("dynamodb.table_encrypted", CONTROL, "aws.dynamodb.table", "保存時暗号化が有効", table,
          "DynamoDB テーブルの暗号化"),
    check("efs.file_system_encrypted", CONTROL, "aws.efs.file_system", "暗号化されている",
          flag("encrypted", "EFS ファイルシステム"), "EFS ファイルシステムの暗号化"),
    check("ecr.repository_encrypted", CONTROL, "aws.ecr.repository", "AES256 または KMS", repository,
          "ECR リポジトリの暗号化"),
    check("kms.customer_key_rotation", CONTROL, "aws.kms.key", "カスタマー管理の対称キーは自動ローテーション有効",
          key_rotation, "KMS カスタマー管理キーのローテーション"),
]
