"""The demo estate's logging and monitoring: the CloudTrail trail and its Object Lock bucket, log groups
(the access log kept 30 days, planted), GuardDuty, Inspector and CloudWatch alarms.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from providers.aws.emulator.estate import OSAKA, PREFIX, TOKYO, Clients, Inventory, PlantedMistake
from providers.aws.emulator.estate_data import put_policy, seed_bucket
from providers.aws.emulator.estate_identity import service_role

LOG_RETENTION_DAYS = 400
TRAIL_LOG_EXPIRATION_DAYS = 1827
TRAIL_LOCK_DAYS = 400


def seed_trail_bucket(clients: Clients, account_id: str, inventory: Inventory) -> str:
    name = seed_bucket(clients, TOKYO, f"{PREFIX}-cloudtrail-logs", None, object_lock=True)
    s3 = clients("s3")
    s3.put_object_lock_configuration(
        Bucket=name,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": TRAIL_LOCK_DAYS}},
        },
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=name,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "archive-then-expire-after-5-years",
                    "Status": "Enabled",
                    "Filter": {"Prefix": "AWSLogs/"},
                    "Transitions": [{"Days": 90, "StorageClass": "GLACIER"}],
                    "Expiration": {"Days": TRAIL_LOG_EXPIRATION_DAYS},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": TRAIL_LOG_EXPIRATION_DAYS},
                }
            ]
        },
    )
    put_policy(clients, TOKYO, name, *_cloudtrail_write_statements(name, account_id))
    inventory.add(TOKYO, "AWS::S3::Bucket", name, f"Object Lock, expires after {TRAIL_LOG_EXPIRATION_DAYS} days")
    return name


def _cloudtrail_write_statements(bucket: str, account_id: str) -> tuple[dict[str, Any], ...]:
    principal = {"Service": "cloudtrail.amazonaws.com"}
    return (
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": principal, "Action": "s3:GetBucketAcl",
         "Resource": f"arn:aws:s3:::{bucket}"},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": principal, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account_id}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
    )  # fmt: skip


def seed_trail(clients: Clients, bucket: str, log_group_arn: str, inventory: Inventory) -> None:
    cloudtrail = clients("cloudtrail")
    name = f"{PREFIX}-trail"
    cloudtrail.create_trail(
        Name=name,
        S3BucketName=bucket,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        CloudWatchLogsLogGroupArn=log_group_arn,
        CloudWatchLogsRoleArn=service_role(
            clients, f"{PREFIX}-cloudtrail-to-logs", "cloudtrail.amazonaws.com", inventory
        ),
        TagsList=[{"Key": "Service", "Value": "madoguchi-yoyaku"}],
    )
    cloudtrail.start_logging(Name=name)
    inventory.add(TOKYO, "AWS::CloudTrail::Trail", name, "multi-region, log file validation")


def _log_group(clients: Clients, region: str, name: str, days: int, inventory: Inventory) -> str:
    logs = clients("logs", region)
    logs.create_log_group(logGroupName=name, tags={"Service": "madoguchi-yoyaku"})
    logs.put_retention_policy(logGroupName=name, retentionInDays=days)
    inventory.add(region, "AWS::Logs::LogGroup", name, f"{days} days")
    return logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["arn"].removesuffix(":*")


def seed_log_groups(clients: Clients, inventory: Inventory) -> str:
    """Returns the ARN of the log group CloudTrail delivers to."""
    trail_group_arn = _log_group(clients, TOKYO, "/madoguchi/cloudtrail", LOG_RETENTION_DAYS, inventory)
    for name in ("/madoguchi/app", f"/aws/lambda/{PREFIX}-reminder-mailer"):
        _log_group(clients, TOKYO, name, LOG_RETENTION_DAYS, inventory)
    _log_group(clients, OSAKA, "/madoguchi/dr/restore-drills", LOG_RETENTION_DAYS, inventory)
    short = "/madoguchi/web/access"
    short_arn = _log_group(clients, TOKYO, short, 30, inventory)
    inventory.plant(
        PlantedMistake(
            key="log-group-kept-30-days",
            control_id="logging.retention-1y",
            region=TOKYO,
            kind="AWS::Logs::LogGroup",
            resource_name=short,
            resource_id=short_arn,
            ja="Web サーバーのアクセスログのロググループの保持期間が 30 日に短縮されています（費用削減のため）。"
            "1 年以上の保存が求められるアクセス記録が消えていきます。",
            en="The web servers' access-log log group keeps only 30 days (shortened to save cost); access records "
            "that must be kept for a year or more are deleted.",
        )
    )
    return trail_group_arn


def seed_guardduty(clients: Clients, regions: Iterable[str], inventory: Inventory) -> None:
    for region in regions:
        clients("guardduty", region).create_detector(
            Enable=True,
            FindingPublishingFrequency="FIFTEEN_MINUTES",
            Features=[
                {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
                {"Name": "EBS_MALWARE_PROTECTION", "Status": "ENABLED"},
                {"Name": "RDS_LOGIN_EVENTS", "Status": "ENABLED"},
                {"Name": "LAMBDA_NETWORK_LOGS", "Status": "ENABLED"},
            ],
        )
        inventory.add(region, "AWS::GuardDuty::Detector", "guardduty", "enabled, EBS malware protection")


def seed_inspector(clients: Clients, account_id: str, regions: Iterable[str], inventory: Inventory) -> None:
    for region in regions:
        # ``accountIds`` is optional in AWS; the emulator fails without it.
        clients("inspector2", region).enable(resourceTypes=["EC2", "ECR", "LAMBDA"], accountIds=[account_id])
        inventory.add(region, "AWS::Inspector2::Enabler", "inspector2", "EC2, ECR, Lambda")


def seed_alarms(clients: Clients, topic_arn: str, lb_arn: str, asg: str, inventory: Inventory) -> None:
    alb_dimension = lb_arn.split(":loadbalancer/", 1)[1]
    alarms = (
        ("alb-5xx", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", alb_dimension, 10),
        ("web-cpu-high", "AWS/EC2", "CPUUtilization", "AutoScalingGroupName", asg, 80),
        ("db-cpu-high", "AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", f"{PREFIX}-db", 80),
    )
    cloudwatch = clients("cloudwatch")
    for suffix, namespace, metric, dimension, value, threshold in alarms:
        name = f"{PREFIX}-{suffix}"
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            Namespace=namespace,
            MetricName=metric,
            Dimensions=[{"Name": dimension, "Value": value}],
            Statistic="Sum" if metric.startswith("HTTPCode") else "Average",
            Period=300,
            EvaluationPeriods=2,
            Threshold=threshold,
            ComparisonOperator="GreaterThanThreshold",
            AlarmActions=[topic_arn],
            OKActions=[topic_arn],
        )
        inventory.add(TOKYO, "AWS::CloudWatch::Alarm", name, f"notifies {PREFIX}-ops-alerts")
