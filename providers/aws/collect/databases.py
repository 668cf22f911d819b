"""RDS instances and clusters, DynamoDB tables (encryption, point-in-time recovery, replicas) and EFS."""

from __future__ import annotations

from auditor.model import Said
from providers.aws.collect.account import AccountContext
from providers.aws.collect.common import list_or_gap, read
from providers.aws.kinds import REGIONAL, Collector, Kind, Listing, Outcome, Task

DB_INSTANCE = Kind("aws.rds.instance", REGIONAL, Listing("rds", "DescribeDBInstances", "DBInstances"),
                   holds_data=True, title_ja="RDS DB インスタンス")
DB_CLUSTER = Kind("aws.rds.cluster", REGIONAL, Listing("rds", "DescribeDBClusters", "DBClusters"),
                  holds_data=True, title_ja="RDS / Aurora DB クラスター")
TABLE = Kind("aws.dynamodb.table", REGIONAL, Listing("dynamodb", "ListTables", "TableNames"),
             follow_ups=("dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups"), holds_data=True,
             title_ja="DynamoDB テーブル")
FILE_SYSTEM = Kind("aws.efs.file_system", REGIONAL, Listing("efs", "DescribeFileSystems", "FileSystems"),
                   holds_data=True, title_ja="EFS ファイルシステム")


def db_instances(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, DB_INSTANCE, [DB_INSTANCE], wanted, out) or []:
        out.evidence.append(ctx.evidence(
            region, DB_INSTANCE.resource_type, item["DBInstanceArn"], DB_INSTANCE.listing.source,
            {"engine": item.get("Engine"), "storage_encrypted": bool(item.get("StorageEncrypted")),
             "multi_az": bool(item.get("MultiAZ")), "backup_retention_days": item.get("BackupRetentionPeriod", 0),
             "availability_zone": item.get("AvailabilityZone"), "cluster": item.get("DBClusterIdentifier"),
             "publicly_accessible": bool(item.get("PubliclyAccessible"))},
            raw=item, name=item.get("DBInstanceIdentifier", ""),
        ))
    return out


def db_clusters(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, DB_CLUSTER, [DB_CLUSTER], wanted, out) or []:
        out.evidence.append(ctx.evidence(
            region, DB_CLUSTER.resource_type, item["DBClusterArn"], DB_CLUSTER.listing.source,
            {"engine": item.get("Engine"), "storage_encrypted": bool(item.get("StorageEncrypted")),
             "multi_az": bool(item.get("MultiAZ")), "backup_retention_days": item.get("BackupRetentionPeriod", 0),
             "availability_zones": sorted(item.get("AvailabilityZones") or []),
             "members": len(item.get("DBClusterMembers") or [])},
            raw=item, name=item.get("DBClusterIdentifier", ""),
        ))
    return out


def tables(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for name in list_or_gap(ctx, region, TABLE, [TABLE], wanted, out) or []:
        out.tasks.append(Task(f"dynamodb {region} {name}", lambda name=name: _table(ctx, region, name)))
    return out


def _table(ctx: AccountContext, region: str, name: str) -> Outcome:
    unreadable: dict[str, Said] = {}
    described = read(unreadable, ("sse", "replica_regions"),
                     lambda: ctx.call(region, "dynamodb", "DescribeTable", TableName=name))
    table = (described or {}).get("Table") or {}
    backups = read(unreadable, ("pitr",),
                   lambda: ctx.call(region, "dynamodb", "DescribeContinuousBackups", TableName=name))
    attributes: dict = {}
    if described is not None:
        sse = table.get("SSEDescription") or {}
        # Without SSEDescription the table is encrypted with an AWS owned key (DynamoDB's default).
        attributes["sse"] = {"status": sse.get("Status", "ENABLED"), "type": sse.get("SSEType", "AWS_OWNED"),
                             "kms_key": sse.get("KMSMasterKeyArn")}
        attributes["replica_regions"] = sorted(r.get("RegionName") for r in table.get("Replicas") or [])
    if backups is not None:
        description = (backups.get("ContinuousBackupsDescription") or {}).get("PointInTimeRecoveryDescription") or {}
        attributes["pitr"] = description.get("PointInTimeRecoveryStatus") == "ENABLED"
    resource_id = table.get("TableArn") or ctx.arn("dynamodb", region, f"table/{name}")
    return Outcome(evidence=[ctx.evidence(
        region, TABLE.resource_type, resource_id, "dynamodb:DescribeTable", attributes, unreadable=unreadable,
        raw={"Table": table, "ContinuousBackups": (backups or {}).get("ContinuousBackupsDescription")}, name=name,
    )])


def file_systems(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, FILE_SYSTEM, [FILE_SYSTEM], wanted, out) or []:
        resource_id = item.get("FileSystemArn") or ctx.arn("elasticfilesystem", region,
                                                           f"file-system/{item['FileSystemId']}")
        out.evidence.append(ctx.evidence(
            region, FILE_SYSTEM.resource_type, resource_id, FILE_SYSTEM.listing.source,
            {"encrypted": bool(item.get("Encrypted")), "kms_key_id": item.get("KmsKeyId"),
             "one_zone": item.get("AvailabilityZoneName")},
            raw=item, name=item.get("Name") or item["FileSystemId"],
        ))
    return out


COLLECTORS = (
    Collector("rds-instances", REGIONAL, (DB_INSTANCE,), db_instances),
    Collector("rds-clusters", REGIONAL, (DB_CLUSTER,), db_clusters),
    Collector("dynamodb", REGIONAL, (TABLE,), tables),
    Collector("efs", REGIONAL, (FILE_SYSTEM,), file_systems),
)
