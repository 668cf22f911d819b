"""The demo estate's data and its copies: RDS (the single-AZ reporting database, planted), DynamoDB,
EFS, S3 buckets with replication (the copy in Oregon, planted), and AWS Backup vaults and plan.
"""

from __future__ import annotations

import json
from typing import Any

from providers.aws.emulator.estate import (
    OREGON,
    OSAKA,
    PREFIX,
    TOKYO,
    Clients,
    Inventory,
    PlantedMistake,
    resource_tags,
)
from providers.aws.emulator.estate_identity import service_role
from providers.aws.emulator.estate_network import Network


def seed_databases(clients: Clients, network: Network, key_arn: str, inventory: Inventory) -> None:
    rds = clients("rds")
    subnet_group = f"{PREFIX}-db-subnets"
    rds.create_db_subnet_group(
        DBSubnetGroupName=subnet_group,
        DBSubnetGroupDescription="Private subnets in ap-northeast-1a and 1c",
        SubnetIds=list(network.private_subnets),
    )
    inventory.add(TOKYO, "AWS::RDS::DBSubnetGroup", subnet_group)
    _postgres(rds, f"{PREFIX}-db", subnet_group, network.db_sg, key_arn, multi_az=True)
    inventory.add(TOKYO, "AWS::RDS::DBInstance", f"{PREFIX}-db", "PostgreSQL, Multi-AZ, encrypted, 7-day backups")
    reporting = f"{PREFIX}-reporting-db"
    reporting_arn = _postgres(rds, reporting, subnet_group, network.db_sg, key_arn, multi_az=False)
    inventory.add(TOKYO, "AWS::RDS::DBInstance", reporting, "PostgreSQL, single-AZ (planted)")
    inventory.plant(
        PlantedMistake(
            key="single-az-database",
            control_id="resilience.redundancy",
            region=TOKYO,
            kind="AWS::RDS::DBInstance",
            resource_name=reporting,
            resource_id=reporting_arn,
            ja="集計・帳票用の RDS インスタンスが単一 AZ（Multi-AZ 無効）で動いています。AZ 障害時に市への月次報告が"
            "止まります。",
            en="The reporting RDS instance runs in a single Availability Zone (Multi-AZ off); an AZ outage stops "
            "the monthly reports to the city.",
        )
    )


def _postgres(rds: Any, name: str, subnet_group: str, sg: str, key_arn: str, *, multi_az: bool) -> str:
    placement = {"MultiAZ": True} if multi_az else {"MultiAZ": False, "AvailabilityZone": "ap-northeast-1a"}
    return rds.create_db_instance(
        DBInstanceIdentifier=name,
        Engine="postgres",
        EngineVersion="16.3",
        DBInstanceClass="db.t4g.medium" if multi_az else "db.t4g.small",
        AllocatedStorage=50,
        StorageType="gp3",
        MasterUsername="madoguchi_admin",
        ManageMasterUserPassword=True,
        DBSubnetGroupName=subnet_group,
        VpcSecurityGroupIds=[sg],
        **placement,
        StorageEncrypted=True,
        KmsKeyId=key_arn,
        BackupRetentionPeriod=7,
        PreferredBackupWindow="17:00-18:00",
        PubliclyAccessible=False,
        DeletionProtection=True,
        CopyTagsToSnapshot=True,
        Tags=resource_tags(name),
    )["DBInstance"]["DBInstanceArn"]


def seed_dynamodb(clients: Clients, key_arn: str, inventory: Inventory) -> None:
    dynamodb = clients("dynamodb")
    name = f"{PREFIX}-reservations"
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "counter_date", "AttributeType": "S"},
            {"AttributeName": "reservation_id", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "counter_date", "KeyType": "HASH"},
            {"AttributeName": "reservation_id", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_arn},
        DeletionProtectionEnabled=True,
        Tags=resource_tags(name),
    )
    dynamodb.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    inventory.add(TOKYO, "AWS::DynamoDB::Table", name, "SSE-KMS, point-in-time recovery")


def seed_efs(clients: Clients, network: Network, key_arn: str, inventory: Inventory) -> None:
    efs = clients("efs")
    name = f"{PREFIX}-shared"
    file_system_id = efs.create_file_system(
        CreationToken=name,
        PerformanceMode="generalPurpose",
        ThroughputMode="elastic",
        Encrypted=True,
        KmsKeyId=key_arn,
        Tags=resource_tags(name),
    )["FileSystemId"]
    for subnet_id in network.private_subnets:
        efs.create_mount_target(FileSystemId=file_system_id, SubnetId=subnet_id, SecurityGroups=[network.efs_sg])
    inventory.add(TOKYO, "AWS::EFS::FileSystem", name, "encrypted, mount targets in 1a and 1c")


def seed_bucket(clients: Clients, region: str, name: str, key_arn: str | None, *, object_lock: bool = False) -> str:
    s3 = clients("s3", region)
    s3.create_bucket(
        Bucket=name,
        CreateBucketConfiguration={"LocationConstraint": region},
        ObjectLockEnabledForBucket=object_lock,
    )
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    rule = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn} if key_arn else {"SSEAlgorithm": "AES256"}
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": rule, "BucketKeyEnabled": key_arn is not None}]
        },
    )
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": resource_tags(name)})
    return name


def _deny_insecure_transport(bucket: str) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def put_policy(clients: Clients, region: str, bucket: str, *statements: dict[str, Any]) -> None:
    policy = {"Version": "2012-10-17", "Statement": [*statements, _deny_insecure_transport(bucket)]}
    clients("s3", region).put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


def _replicate(clients: Clients, source: str, target: str, role_arn: str, target_key_arn: str) -> None:
    clients("s3").put_bucket_replication(
        Bucket=source,
        ReplicationConfiguration={
            "Role": role_arn,
            "Rules": [
                {
                    "ID": f"replicate-to-{target}",
                    "Priority": 1,
                    "Status": "Enabled",
                    "Filter": {},
                    "DeleteMarkerReplication": {"Status": "Disabled"},
                    "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                    "Destination": {
                        "Bucket": f"arn:aws:s3:::{target}",
                        "EncryptionConfiguration": {"ReplicaKmsKeyID": target_key_arn},
                    },
                }
            ],
        },
    )


def seed_buckets(clients: Clients, keys: dict[str, str], inventory: Inventory) -> None:
    """App data replicated to Osaka (fine); applicants' uploads replicated to Oregon (planted)."""
    role_arn = service_role(clients, f"{PREFIX}-s3-replication", "s3.amazonaws.com", inventory)
    pairs = (
        (f"{PREFIX}-appdata", f"{PREFIX}-appdata-dr-osaka", OSAKA),
        (f"{PREFIX}-uploads", f"{PREFIX}-uploads-dr-usw2", OREGON),
    )
    for source, replica, replica_region in pairs:
        seed_bucket(clients, TOKYO, source, keys[TOKYO])
        put_policy(clients, TOKYO, source)
        seed_bucket(clients, replica_region, replica, keys[replica_region])
        put_policy(clients, replica_region, replica)
        _replicate(clients, source, replica, role_arn, keys[replica_region])
        inventory.add(TOKYO, "AWS::S3::Bucket", source, f"SSE-KMS, replicated to {replica}")
        inventory.add(replica_region, "AWS::S3::Bucket", replica, f"SSE-KMS, replica of {source}")
    inventory.plant(
        PlantedMistake(
            key="bucket-replicated-abroad",
            control_id="residency.japan",
            region=TOKYO,
            kind="AWS::S3::Bucket",
            resource_name=f"{PREFIX}-uploads",
            resource_id=f"arn:aws:s3:::{PREFIX}-uploads",
            ja=f"住民がアップロードした申請添付書類のバケットが、災害対策として米国オレゴン (us-west-2) のバケット "
            f"{PREFIX}-uploads-dr-usw2 へレプリケーションされています。複製先のバケット（と複製用の KMS キー）も"
            "国外にあり、個人情報が日本国外に保存されています。",
            en=f"The bucket of residents' uploaded application documents is replicated, for disaster recovery, to "
            f"the bucket {PREFIX}-uploads-dr-usw2 in US West (Oregon, us-west-2). The replica bucket itself (and "
            "the KMS key for the replicas) is abroad too, so personal data is stored outside Japan.",
            related=(f"{PREFIX}-uploads-dr-usw2", f"alias/{PREFIX}-data ({OREGON})"),
        )
    )


def seed_backup(clients: Clients, keys: dict[str, str], inventory: Inventory) -> None:
    """Daily backups kept 35 days in Tokyo, copied to a vault in Osaka (a Japanese copy target)."""
    osaka_vault = f"{PREFIX}-vault-osaka"
    osaka_vault_arn = _vault(clients, OSAKA, osaka_vault, keys[OSAKA], inventory)
    tokyo_vault = f"{PREFIX}-vault"
    _vault(clients, TOKYO, tokyo_vault, keys[TOKYO], inventory)
    plan = f"{PREFIX}-daily"
    lifecycle = {"DeleteAfterDays": 35}
    clients("backup").create_backup_plan(
        BackupPlan={
            "BackupPlanName": plan,
            "Rules": [
                {
                    "RuleName": "daily-0200-jst",
                    "TargetBackupVaultName": tokyo_vault,
                    "ScheduleExpression": "cron(0 17 * * ? *)",
                    "StartWindowMinutes": 60,
                    "CompletionWindowMinutes": 360,
                    "Lifecycle": lifecycle,
                    "CopyActions": [{"DestinationBackupVaultArn": osaka_vault_arn, "Lifecycle": lifecycle}],
                }
            ],
        },
        BackupPlanTags={"Service": "madoguchi-yoyaku"},
    )
    inventory.add(TOKYO, "AWS::Backup::BackupPlan", plan, f"daily, copied to {osaka_vault}")


def _vault(clients: Clients, region: str, name: str, key_arn: str, inventory: Inventory) -> str:
    backup = clients("backup", region)
    arn = backup.create_backup_vault(BackupVaultName=name, EncryptionKeyArn=key_arn)["BackupVaultArn"]
    backup.put_backup_vault_lock_configuration(BackupVaultName=name, MinRetentionDays=7, MaxRetentionDays=400)
    inventory.add(region, "AWS::Backup::BackupVault", name, "vault lock")
    return arn
