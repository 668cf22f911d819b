"""encryption.at-rest: EBS (volumes, snapshots, default per region), RDS, S3, DynamoDB, EFS, ECR, KMS rotation."""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.aws.checks.common import check, regional_service
from providers.aws.collect.security import aws_managed_alias

CONTROL = "encryption.at-rest"
ENCRYPTED = ("暗号化されている", "encrypted")
EC2 = frozenset({"aws.ec2.instance", "aws.ec2.volume", "aws.ec2.snapshot", "aws.autoscaling.group"})


def flag(attribute: str, what: tuple[str, str]):
    def decide(evidence: Evidence) -> Verdict:
        on = bool(need(evidence, attribute))
        key = evidence.attributes.get("kms_key_id")
        return Verdict.of(on, (f"{what[0]}は暗号化されている" + (f"（KMS キー {key}）" if key else ""),
                               f"the {what[1]} is encrypted" + (f" (KMS key {key})" if key else "")),
                          (f"{what[0]}が暗号化されていない", f"the {what[1]} is not encrypted"),
                          {attribute: on, "kms_key": key})

    return decide


def ebs_default(evidence: Evidence) -> Verdict:
    on = bool(need(evidence, "enabled"))
    return regional_service(evidence, on, ("EBS の既定の暗号化が有効（新しいボリュームは必ず暗号化される）",
                                           "EBS encryption by default is on (every new volume is encrypted)"),
                            ("EBS の既定の暗号化が無効", "EBS encryption by default is off"), {"enabled": on},
                            relevant=EC2)


def bucket(evidence: Evidence) -> Verdict:
    encryption = need(evidence, "encryption") or {}
    algorithm = encryption.get("algorithm")
    if encryption.get("source") == "platform-default":
        return Verdict.passed((
            "既定の暗号化設定は返されなかったが、S3 は 2023 年 1 月以降すべての新規オブジェクトを SSE-S3 (AES256) で"
            "暗号化する（プラットフォーム既定）",
            "no default encryption was returned, but since January 2023 S3 encrypts every new object with SSE-S3"
            " (AES256) (platform default)"), encryption)
    ok = algorithm in ("AES256", "aws:kms", "aws:kms:dsse")
    return Verdict.of(ok, (f"既定の暗号化 {algorithm} が設定されている", f"default encryption {algorithm} is set"),
                      (f"既定の暗号化が設定されていない（{algorithm}）", f"no default encryption is set ({algorithm})"),
                      encryption)


def table(evidence: Evidence) -> Verdict:
    sse = need(evidence, "sse") or {}
    if sse.get("type") == "AWS_OWNED":
        return Verdict.passed(("AWS 所有キーで暗号化されている（DynamoDB のプラットフォーム既定）",
                               "encrypted with an AWS owned key (DynamoDB's platform default)"), sse)
    ok = sse.get("status") in ("ENABLED", "ENABLING", "UPDATING")
    return Verdict.of(ok, (f"{sse.get('type')} キーで暗号化されている", f"encrypted with a {sse.get('type')} key"),
                      (f"暗号化の状態が {sse.get('status')}", f"encryption status is {sse.get('status')}"), sse)


def repository(evidence: Evidence) -> Verdict:
    kind = evidence.attributes.get("encryption_type") or "AES256"
    reason = (("KMS キーで暗号化されている", "encrypted with a KMS key") if kind.startswith("KMS")
              else ("AES256 で暗号化されている（ECR のプラットフォーム既定）",
                    "encrypted with AES256 (ECR's platform default)"))
    return Verdict.passed(reason, {"encryption_type": kind, "kms_key": evidence.attributes.get("kms_key")})


def key_rotation(evidence: Evidence) -> Verdict:
    manager = need(evidence, "key_manager")
    if manager != "CUSTOMER" or aws_managed_alias(evidence.attributes.get("aliases") or []):
        return Verdict.not_applicable(("AWS 管理キー（AWS が自動でローテーションする）",
                                       "an AWS managed key (AWS rotates it automatically)"))
    if need(evidence, "state") != "Enabled":
        state = evidence.attributes.get("state")
        return Verdict.not_applicable((f"キーは {state} 状態", f"the key is in state {state}"))
    if need(evidence, "spec") != "SYMMETRIC_DEFAULT" or evidence.attributes.get("origin", "AWS_KMS") != "AWS_KMS":
        return Verdict.not_applicable(("自動ローテーションに対応しない種類のキー（非対称・HMAC・インポート等）",
                                       "a kind of key without automatic rotation (asymmetric, HMAC, imported …)"))
    on = bool(need(evidence, "rotation"))
    return Verdict.of(on, ("キーの自動ローテーションが有効", "automatic key rotation is on"),
                      ("カスタマー管理キーの自動ローテーションが無効",
                       "automatic rotation of the customer managed key is off"),
                      {"rotation": on})


CHECKS = [
    check("ec2.volume_encrypted", CONTROL, "aws.ec2.volume", ENCRYPTED,
          flag("encrypted", ("EBS ボリューム", "EBS volume")), "EBS ボリュームの暗号化", "EBS volume encryption"),
    check("ec2.snapshot_encrypted", CONTROL, "aws.ec2.snapshot", ENCRYPTED,
          flag("encrypted", ("EBS スナップショット", "EBS snapshot")), "EBS スナップショットの暗号化",
          "EBS snapshot encryption"),
    check("ec2.ebs_encryption_by_default", CONTROL, "aws.ec2.ebs_default_encryption",
          ("リソースのあるリージョンで EBS 既定の暗号化が有効", "EBS encryption by default on in every region in use"),
          ebs_default, "EBS 既定の暗号化（リージョン）", "EBS encryption by default (per region)"),
    check("rds.instance_storage_encrypted", CONTROL, "aws.rds.instance", "StorageEncrypted = true",
          flag("storage_encrypted", ("DB インスタンスのストレージ", "DB instance's storage")),
          "RDS インスタンスのストレージ暗号化", "RDS instance storage encryption"),
    check("rds.cluster_storage_encrypted", CONTROL, "aws.rds.cluster", "StorageEncrypted = true",
          flag("storage_encrypted", ("DB クラスターのストレージ", "DB cluster's storage")),
          "RDS クラスターのストレージ暗号化", "RDS cluster storage encryption"),
    check("s3.bucket_default_encryption", CONTROL, "aws.s3.bucket", "SSE-S3 / SSE-KMS / DSSE-KMS", bucket,
          "S3 バケットの既定の暗号化", "S3 bucket default encryption"),
    check("dynamodb.table_encrypted", CONTROL, "aws.dynamodb.table", ("保存時暗号化が有効", "encryption at rest on"),
          table, "DynamoDB テーブルの暗号化", "DynamoDB table encryption"),
    check("efs.file_system_encrypted", CONTROL, "aws.efs.file_system", ENCRYPTED,
          flag("encrypted", ("EFS ファイルシステム", "EFS file system")), "EFS ファイルシステムの暗号化",
          "EFS file system encryption"),
    check("ecr.repository_encrypted", CONTROL, "aws.ecr.repository", ("AES256 または KMS", "AES256 or KMS"), repository,
          "ECR リポジトリの暗号化", "ECR repository encryption"),
    check("kms.customer_key_rotation", CONTROL, "aws.kms.key",
          ("カスタマー管理の対称キーは自動ローテーション有効", "customer managed symmetric keys rotate automatically"),
          key_rotation, "KMS カスタマー管理キーのローテーション", "KMS customer managed key rotation"),
]
