"""The demo's sample AWS estate: every planted mistake is there as described, and so are the healthy parts.

Seeds the estate once on a moto server on 127.0.0.1 and reads it back through boto3, the way the
adapter will.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

pytest.importorskip("moto")

import boto3
from botocore.config import Config

from auditor.controls import load_controls
from providers.aws.emulator.demo import seed_demo_estate
from providers.aws.emulator.estate import OREGON, OSAKA, PREFIX, TOKYO, DemoEstateDescription, PlantedMistake
from providers.aws.emulator.server import DUMMY_CREDENTIALS, moto_server

JAPAN = {TOKYO, OSAKA}
REQUIRED_MISTAKES = {
    "bucket-replicated-abroad": "residency.japan",
    "log-group-kept-30-days": "logging.retention-1y",
    "admin-without-mfa": "identity.admin-mfa",
    "http-listener-forwards": "tls.in-transit",
    "single-az-database": "resilience.redundancy",
    "ssh-open-to-internet": "network.firewall",
}


@dataclass(frozen=True)
class Seeded:
    endpoint_url: str
    description: DemoEstateDescription
    seconds: float

    def client(self, service: str, region: str = TOKYO) -> Any:
        config = Config(retries={"total_max_attempts": 1})
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint_url, config=config)

    def mistake(self, key: str) -> PlantedMistake:
        (found,) = [mistake for mistake in self.description.mistakes if mistake.key == key]
        return found


@pytest.fixture(scope="module")
def estate() -> Iterator[Seeded]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in DUMMY_CREDENTIALS.items():
            patch.setenv(name, value)
        patch.delenv("AWS_PROFILE", raising=False)
        with moto_server() as emulator:
            started = time.perf_counter()
            description = seed_demo_estate(emulator.endpoint_url)
            yield Seeded(emulator.endpoint_url, description, time.perf_counter() - started)


def _statements(policy_text: str) -> list[dict[str, Any]]:
    return json.loads(policy_text)["Statement"]


def _denies_insecure_transport(policy_text: str) -> bool:
    return any(
        statement["Effect"] == "Deny"
        and statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
        for statement in _statements(policy_text)
    )


# --- the description -------------------------------------------------------------------------------------------


def test_description_lists_every_planted_mistake_in_both_languages(estate: Seeded) -> None:
    mistakes = {mistake.key: mistake for mistake in estate.description.mistakes}
    assert len(mistakes) == len(estate.description.mistakes)
    assert REQUIRED_MISTAKES.items() <= {key: mistake.control_id for key, mistake in mistakes.items()}.items()
    known_controls = load_controls()
    seeded_names = {resource.name for resource in estate.description.resources}
    for mistake in mistakes.values():
        assert mistake.ja and mistake.en and mistake.resource_id.startswith("arn:aws:")
        assert mistake.control_id in known_controls
        assert mistake.resource_name in seeded_names


def test_description_names_the_vendor_and_says_it_is_a_demo(estate: Seeded) -> None:
    description = estate.description
    assert description.vendor_ja == "株式会社さくらシステムズ"
    assert description.service_ja == "住民窓口予約サービス"
    assert "エミュレーター" in description.summary_ja and "デモ" in description.summary_ja
    assert "emulator" in description.summary_en and "demo" in description.summary_en
    assert description.account_id == "123456789012"
    assert description.regions[:2] == (TOKYO, OSAKA)
    assert all(limit.ja and limit.en for limit in description.not_emulated)


def test_only_the_planted_residency_mistake_lives_abroad(estate: Seeded) -> None:
    abroad = [r for r in estate.description.resources if r.region not in JAPAN | {"global"}]
    planted = estate.mistake("bucket-replicated-abroad")
    assert {r.region for r in abroad} == {OREGON}
    assert {r.name for r in abroad if r.kind == "AWS::S3::Bucket"} == {f"{PREFIX}-uploads-dr-usw2"}
    assert f"{PREFIX}-uploads-dr-usw2" in planted.related


def test_seeding_takes_a_few_seconds(estate: Seeded) -> None:
    assert estate.seconds < 15


# --- the planted mistakes --------------------------------------------------------------------------------------


def test_uploads_bucket_is_replicated_to_a_bucket_in_oregon(estate: Seeded) -> None:
    source = estate.mistake("bucket-replicated-abroad").resource_name
    replica = f"{PREFIX}-uploads-dr-usw2"
    rules = estate.client("s3").get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"]
    assert [rule["Destination"]["Bucket"] for rule in rules] == [f"arn:aws:s3:::{replica}"]
    assert estate.client("s3", OREGON).get_bucket_location(Bucket=replica)["LocationConstraint"] == OREGON
    assert estate.client("s3").get_bucket_location(Bucket=source)["LocationConstraint"] == TOKYO


def test_appdata_bucket_is_replicated_within_japan(estate: Seeded) -> None:
    s3 = estate.client("s3")
    rules = s3.get_bucket_replication(Bucket=f"{PREFIX}-appdata")["ReplicationConfiguration"]["Rules"]
    (target,) = [rule["Destination"]["Bucket"].removeprefix("arn:aws:s3:::") for rule in rules]
    assert estate.client("s3", OSAKA).get_bucket_location(Bucket=target)["LocationConstraint"] == OSAKA


def test_access_log_group_is_kept_30_days(estate: Seeded) -> None:
    name = estate.mistake("log-group-kept-30-days").resource_name
    (group,) = estate.client("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert group["retentionInDays"] == 30


def test_ops_user_is_admin_with_console_password_and_no_mfa(estate: Seeded) -> None:
    iam = estate.client("iam")
    user = estate.mistake("admin-without-mfa").resource_name
    (group,) = iam.list_groups_for_user(UserName=user)["Groups"]
    attached = iam.list_attached_group_policies(GroupName=group["GroupName"])["AttachedPolicies"]
    assert [policy["PolicyArn"] for policy in attached] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    assert iam.list_group_policies(GroupName=group["GroupName"])["PolicyNames"] == []  # no source-IP restriction
    assert iam.get_login_profile(UserName=user)["LoginProfile"]["UserName"] == user
    assert iam.list_mfa_devices(UserName=user)["MFADevices"] == []


def test_http_listener_forwards_instead_of_redirecting(estate: Seeded) -> None:
    elbv2 = estate.client("elbv2")
    (listener,) = elbv2.describe_listeners(ListenerArns=[estate.mistake("http-listener-forwards").resource_id])[
        "Listeners"
    ]
    assert (listener["Protocol"], listener["Port"]) == ("HTTP", 80)
    assert [action["Type"] for action in listener["DefaultActions"]] == ["forward"]
    (balancer,) = elbv2.describe_load_balancers(LoadBalancerArns=[listener["LoadBalancerArn"]])["LoadBalancers"]
    assert balancer["Scheme"] == "internet-facing"


def test_reporting_database_is_single_az_but_otherwise_sound(estate: Seeded) -> None:
    name = estate.mistake("single-az-database").resource_name
    (db,) = estate.client("rds").describe_db_instances(DBInstanceIdentifier=name)["DBInstances"]
    assert db["MultiAZ"] is False
    assert db["StorageEncrypted"] is True and db["BackupRetentionPeriod"] == 7


def test_bastion_security_group_opens_ssh_to_the_internet(estate: Seeded) -> None:
    group_id = estate.mistake("ssh-open-to-internet").resource_id.rsplit("/", 1)[1]
    (group,) = estate.client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    ssh = [rule for rule in group["IpPermissions"] if rule.get("FromPort") == 22]
    assert [r["CidrIp"] for rule in ssh for r in rule["IpRanges"]] == ["0.0.0.0/0"]


def test_only_the_dev_scratch_volume_is_unencrypted(estate: Seeded) -> None:
    volumes = estate.client("ec2").describe_volumes()["Volumes"]
    unencrypted = [volume["VolumeId"] for volume in volumes if not volume["Encrypted"]]
    assert [f"volume/{volume_id}" for volume_id in unencrypted] == [
        estate.mistake("unencrypted-dev-volume").resource_id.rsplit(":", 1)[1]
    ]
    assert len(volumes) == 4  # bastion, two web servers, the dev volume


def test_no_other_security_group_opens_admin_or_database_ports(estate: Seeded) -> None:
    planted = estate.mistake("ssh-open-to-internet").resource_id.rsplit("/", 1)[1]
    for region in (TOKYO, OSAKA, OREGON):
        for group in estate.client("ec2", region).describe_security_groups()["SecurityGroups"]:
            open_ports = {
                rule.get("FromPort")
                for rule in group["IpPermissions"]
                if any(r["CidrIp"] == "0.0.0.0/0" for r in rule.get("IpRanges", []))
            }
            assert open_ports <= {80, 443} or group["GroupId"] == planted


# --- the healthy parts -----------------------------------------------------------------------------------------


def test_buckets_are_encrypted_private_and_refuse_plain_http(estate: Seeded) -> None:
    buckets = [f"{PREFIX}-appdata", f"{PREFIX}-uploads", f"{PREFIX}-cloudtrail-logs"]
    s3 = estate.client("s3")
    for bucket in buckets:
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("aws:kms", "AES256")
        assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
        assert _denies_insecure_transport(s3.get_bucket_policy(Bucket=bucket)["Policy"])


def test_trail_is_multi_region_validated_and_logging(estate: Seeded) -> None:
    cloudtrail = estate.client("cloudtrail")
    (trail,) = cloudtrail.describe_trails()["trailList"]
    assert trail["IsMultiRegionTrail"] and trail["LogFileValidationEnabled"] and trail["HomeRegion"] == TOKYO
    assert cloudtrail.get_trail_status(Name=trail["Name"])["IsLogging"] is True


def test_trail_bucket_has_object_lock_and_keeps_logs_over_a_year(estate: Seeded) -> None:
    s3 = estate.client("s3")
    (trail,) = estate.client("cloudtrail").describe_trails()["trailList"]
    bucket = trail["S3BucketName"]
    lock = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled" and lock["Rule"]["DefaultRetention"]["Days"] >= 365
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rule["Expiration"]["Days"] >= 365


def test_other_log_groups_keep_400_days(estate: Seeded) -> None:
    planted = estate.mistake("log-group-kept-30-days").resource_name
    for region in (TOKYO, OSAKA):
        for group in estate.client("logs", region).describe_log_groups()["logGroups"]:
            assert group["logGroupName"] == planted or group["retentionInDays"] == 400


def test_https_listener_uses_tls12_and_the_alb_has_a_web_acl(estate: Seeded) -> None:
    elbv2 = estate.client("elbv2")
    (balancer,) = elbv2.describe_load_balancers(Names=[f"{PREFIX}-alb"])["LoadBalancers"]
    listeners = elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
    (https,) = [listener for listener in listeners if listener["Protocol"] == "HTTPS"]
    assert https["Port"] == 443 and "TLS13-1-2" in https["SslPolicy"]
    assert {zone["ZoneName"] for zone in balancer["AvailabilityZones"]} == {"ap-northeast-1a", "ap-northeast-1c"}
    acl = estate.client("wafv2").get_web_acl_for_resource(ResourceArn=balancer["LoadBalancerArn"])["WebACL"]
    assert acl["Name"] == f"{PREFIX}-web-acl"


def test_web_servers_run_in_two_zones_with_encrypted_volumes(estate: Seeded) -> None:
    (group,) = estate.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[f"{PREFIX}-web-asg"])[
        "AutoScalingGroups"
    ]
    assert set(group["AvailabilityZones"]) == {"ap-northeast-1a", "ap-northeast-1c"}
    assert {instance["AvailabilityZone"] for instance in group["Instances"]} == {"ap-northeast-1a", "ap-northeast-1c"}
    instance_ids = [instance["InstanceId"] for instance in group["Instances"]]
    filters = [{"Name": "attachment.instance-id", "Values": instance_ids}]
    volumes = estate.client("ec2").describe_volumes(Filters=filters)["Volumes"]
    assert len(volumes) == 2 and all(volume["Encrypted"] for volume in volumes)


def test_ebs_encryption_by_default_is_on_in_japan(estate: Seeded) -> None:
    for region in (TOKYO, OSAKA):
        assert estate.client("ec2", region).get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True


def test_main_database_is_multi_az_encrypted_and_backed_up(estate: Seeded) -> None:
    (db,) = estate.client("rds").describe_db_instances(DBInstanceIdentifier=f"{PREFIX}-db")["DBInstances"]
    assert db["MultiAZ"] is True and db["StorageEncrypted"] is True and db["BackupRetentionPeriod"] == 7
    assert db["Engine"] == "postgres"


def test_reservations_table_has_sse_and_pitr(estate: Seeded) -> None:
    dynamodb = estate.client("dynamodb")
    table = f"{PREFIX}-reservations"
    assert dynamodb.describe_table(TableName=table)["Table"]["SSEDescription"]["Status"] == "ENABLED"
    backups = dynamodb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def test_threat_detection_and_scanning_cover_every_region_in_use(estate: Seeded) -> None:
    account = estate.description.account_id
    for region in (TOKYO, OSAKA, OREGON):
        guardduty = estate.client("guardduty", region)
        (detector_id,) = guardduty.list_detectors()["DetectorIds"]
        detector = guardduty.get_detector(DetectorId=detector_id)
        assert detector["Status"] == "ENABLED"
        assert {"Name": "EBS_MALWARE_PROTECTION", "Status": "ENABLED"} in detector["Features"]
        status = estate.client("inspector2", region).batch_get_account_status(accountIds=[account])
        assert status["accounts"][0]["state"]["status"] == "ENABLED"


def test_backup_plan_copies_to_a_locked_vault_in_osaka(estate: Seeded) -> None:
    backup = estate.client("backup")
    (plan,) = backup.list_backup_plans()["BackupPlansList"]
    (rule,) = backup.get_backup_plan(BackupPlanId=plan["BackupPlanId"])["BackupPlan"]["Rules"]
    (copy,) = rule["CopyActions"]
    assert copy["DestinationBackupVaultArn"].startswith(f"arn:aws:backup:{OSAKA}:")
    for region in (TOKYO, OSAKA):
        (vault,) = estate.client("backup", region).list_backup_vaults()["BackupVaultList"]
        assert vault["Locked"] is True


def test_alarms_notify_a_confirmed_email_subscription(estate: Seeded) -> None:
    alarms = estate.client("cloudwatch").describe_alarms()["MetricAlarms"]
    topics = {action for alarm in alarms for action in alarm["AlarmActions"]}
    assert len(alarms) >= 3 and len(topics) == 1
    sns = estate.client("sns")
    (subscription,) = sns.list_subscriptions_by_topic(TopicArn=topics.pop())["Subscriptions"]
    assert subscription["Protocol"] == "email"
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])["Attributes"]
    assert attributes["PendingConfirmation"] == "false"


def test_password_policy_and_admins_with_mfa(estate: Seeded) -> None:
    iam = estate.client("iam")
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 12
    assert all(policy[key] for key in ("RequireUppercaseCharacters", "RequireLowercaseCharacters"))
    assert all(policy[key] for key in ("RequireNumbers", "RequireSymbols"))
    group = f"{PREFIX}-admins"
    attached = iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AdministratorAccess"]
    for user in iam.get_group(GroupName=group)["Users"]:
        assert len(iam.list_mfa_devices(UserName=user["UserName"])["MFADevices"]) == 1


def test_lambda_efs_kms_and_time_sync(estate: Seeded) -> None:
    assert estate.client("lambda").get_function(FunctionName=f"{PREFIX}-reminder-mailer")["Configuration"]
    (file_system,) = estate.client("efs").describe_file_systems()["FileSystems"]
    assert file_system["Encrypted"] is True
    for region in (TOKYO, OSAKA, OREGON):
        kms = estate.client("kms", region)
        key_id = kms.describe_key(KeyId=f"alias/{PREFIX}-data")["KeyMetadata"]["KeyId"]
        assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    ec2 = estate.client("ec2")
    (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}-vpc"]}])["Vpcs"]
    (options,) = ec2.describe_dhcp_options(DhcpOptionsIds=[vpc["DhcpOptionsId"]])["DhcpOptions"]
    ntp = {c["Key"]: [v["Value"] for v in c["Values"]] for c in options["DhcpConfigurations"]}["ntp-servers"]
    assert ntp == ["169.254.169.123"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    assert {subnet["AvailabilityZone"] for subnet in subnets} == {"ap-northeast-1a", "ap-northeast-1c"}
