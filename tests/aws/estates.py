"""Two small, realistic estates for the control tests: one built to pass every control, one with the
usual mistakes. Each is seeded once into an account of its own through plain boto3 clients."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tests.aws.conftest import OSAKA, TOKYO, VIRGINIA, Account, policy_document

AMI = "ami-0a1b2c3d4e5f67890"
STRONG_PASSWORD_POLICY = {"MinimumPasswordLength": 14, "RequireUppercaseCharacters": True,
                          "RequireLowercaseCharacters": True, "RequireNumbers": True, "RequireSymbols": True}
FULL_ACCESS = {"Effect": "Allow", "Action": "*", "Resource": "*"}
OFFICE_ONLY = {"Effect": "Deny", "Action": "*", "Resource": "*",
               "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]},
                             "Bool": {"aws:ViaAWSService": "false"}}}


def default_subnets(account: Account, region: str) -> list[str]:
    subnets = account.client("ec2", region).describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])
    return [s["SubnetId"] for s in subnets["Subnets"]]


def volume(account: Account, region: str, name: str, encrypted: bool) -> None:
    account.client("ec2", region).create_volume(
        AvailabilityZone=f"{region}a", Size=20, Encrypted=encrypted,
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": name}]}])


def instance(account: Account, region: str, name: str) -> None:
    account.client("ec2", region).run_instances(
        ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.small",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": True}}],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}])


def security_group(account: Account, name: str, port: int) -> None:
    ec2 = account.client("ec2")
    group = ec2.create_security_group(GroupName=name, Description=name)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


def database(account: Account, name: str, multi_az: bool) -> None:
    account.client("rds").create_db_instance(
        DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro", MasterUsername="app",
        MasterUserPassword="not-a-real-password-1", AllocatedStorage=20, MultiAZ=multi_az, StorageEncrypted=multi_az,
        BackupRetentionPeriod=7 if multi_az else 0)


def table(account: Account, name: str, pitr: bool) -> None:
    dynamodb = account.client("dynamodb")
    dynamodb.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                          BillingMode="PAY_PER_REQUEST")
    if pitr:
        dynamodb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True})


def bucket(account: Account, name: str, region: str = TOKYO, *, tls_only: bool = False, lock: bool = False,
           lifecycle_days: int | None = None) -> None:
    s3 = account.client("s3", region)
    config = {} if region == VIRGINIA else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=lock, **config)
    if tls_only:
        s3.put_bucket_policy(Bucket=name, Policy=policy_document({
            "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    if lifecycle_days is not None:
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [
            {"ID": "expire-logs", "Status": "Enabled", "Filter": {"Prefix": "AWSLogs/"},
             "Expiration": {"Days": lifecycle_days}}]})


def admin_user(account: Account, name: str, *, mfa: bool, office_only: bool, policy_arn: str | None = None,
               group: str | None = None) -> None:
    """A console user with full access: the policy attached to the user, or to ``group`` with the user in it."""
    iam = account.client("iam")
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password="Sufficiently-Long-Passw0rd!")
    policy_arn = policy_arn or "arn:aws:iam::aws:policy/AdministratorAccess"
    if group is None:
        iam.attach_user_policy(UserName=name, PolicyArn=policy_arn)
    else:
        iam.create_group(GroupName=group)
        iam.attach_group_policy(GroupName=group, PolicyArn=policy_arn)
        iam.add_user_to_group(GroupName=group, UserName=name)
    if office_only:
        iam.put_user_policy(UserName=name, PolicyName="office-only", PolicyDocument=policy_document(OFFICE_ONLY))
    if mfa:
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1="123456",
                              AuthenticationCode2="654321")
    iam.create_access_key(UserName=name)


def trail(account: Account, name: str, bucket_name: str, *, multi_region: bool, validation: bool) -> None:
    cloudtrail = account.client("cloudtrail")
    cloudtrail.create_trail(Name=name, S3BucketName=bucket_name, IsMultiRegionTrail=multi_region,
                            EnableLogFileValidation=validation)
    cloudtrail.start_logging(Name=name)


def load_balancer(account: Account, name: str, *, waf: bool) -> str:
    elbv2 = account.client("elbv2")
    arn = elbv2.create_load_balancer(Name=name, Subnets=default_subnets(account, TOKYO)[:2], Scheme="internet-facing",
                                     Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    if waf:
        wafv2 = account.client("wafv2")
        acl = wafv2.create_web_acl(Name=f"{name}-acl", Scope="REGIONAL", DefaultAction={"Allow": {}},
                                   VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True,
                                                     "MetricName": name})["Summary"]["ARN"]
        wafv2.associate_web_acl(WebACLArn=acl, ResourceArn=arn)
    return arn


def alarm(account: Account, name: str, topic_arn: str | None) -> None:
    account.client("cloudwatch").put_metric_alarm(
        AlarmName=name, MetricName="CPUUtilization", Namespace="AWS/EC2", Statistic="Average", Period=300,
        EvaluationPeriods=1, Threshold=80, ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic_arn] if topic_arn else [])


def seed_good(account: Account) -> None:
    """Tokyo only; Osaka is enabled but empty."""
    ec2 = account.client("ec2")
    ec2.enable_ebs_encryption_by_default()
    volume(account, TOKYO, "good-volume", encrypted=True)
    instance(account, TOKYO, "good-web")
    security_group(account, "good-https", 443)
    database(account, "good-db", multi_az=True)
    table(account, "good-table", pitr=True)
    bucket(account, f"good-data-{account.account_id}", tls_only=True)
    iam = account.client("iam")
    iam.update_account_password_policy(**STRONG_PASSWORD_POLICY)
    admin_user(account, "good-admin", mfa=True, office_only=True, group="good-admins")
    reader = iam.create_policy(PolicyName="good-readonly", PolicyDocument=policy_document(
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="good-admin", PolicyArn=reader)
    logs_bucket = f"good-trail-{account.account_id}"
    bucket(account, logs_bucket, tls_only=True, lock=True, lifecycle_days=400)
    trail(account, "good-trail", logs_bucket, multi_region=True, validation=True)
    account.client("logs").create_log_group(logGroupName="good-logs")
    account.client("logs").put_retention_policy(logGroupName="good-logs", retentionInDays=400)
    load_balancer(account, "good-alb", waf=True)
    account.client("guardduty").create_detector(
        Enable=True, Features=[{"Name": "EBS_MALWARE_PROTECTION", "Status": "ENABLED"}])
    account.client("inspector2").enable(resourceTypes=["EC2", "ECR", "LAMBDA"], accountIds=[account.account_id])
    sns = account.client("sns")
    topic = sns.create_topic(Name="good-ops")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@example.jp")
    alarm(account, "good-alarm", topic)


def seed_bad(account: Account) -> None:
    """Tokyo and Virginia, with the usual mistakes."""
    volume(account, VIRGINIA, "bad-volume", encrypted=False)
    instance(account, TOKYO, "bad-web")
    security_group(account, "bad-ssh", 22)
    ec2 = account.client("ec2")
    options = ec2.create_dhcp_options(DhcpConfigurations=[{"Key": "ntp-servers", "Values": ["127.0.0.1"]}])
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    ec2.associate_dhcp_options(DhcpOptionsId=options["DhcpOptions"]["DhcpOptionsId"], VpcId=vpc)
    database(account, "bad-db", multi_az=False)
    table(account, "bad-table", pitr=False)
    bucket(account, f"bad-data-{account.account_id}")
    iam = account.client("iam")
    iam.update_account_password_policy(MinimumPasswordLength=6, RequireNumbers=True)
    everything = iam.create_policy(PolicyName="bad-everything",
                                   PolicyDocument=policy_document(FULL_ACCESS))["Policy"]["Arn"]
    admin_user(account, "bad-admin", mfa=False, office_only=False, policy_arn=everything)
    logs_bucket = f"bad-trail-{account.account_id}"
    bucket(account, logs_bucket, lifecycle_days=30)
    trail(account, "bad-trail", logs_bucket, multi_region=False, validation=False)
    account.client("logs").create_log_group(logGroupName="bad-logs")
    account.client("logs").put_retention_policy(logGroupName="bad-logs", retentionInDays=30)
    load_balancer(account, "bad-alb", waf=False)
    account.client("guardduty").create_detector(
        Enable=True, Features=[{"Name": "EBS_MALWARE_PROTECTION", "Status": "DISABLED"}])
    account.client("inspector2").enable(resourceTypes=["LAMBDA"], accountIds=[account.account_id])
    alarm(account, "bad-alarm", None)
    account.hooks.append(age_access_keys("bad-admin", "2024-01-10T09:00:00+00:00"))


def age_access_keys(user: str, created: str):
    """Moto stamps keys with the current time; make one user's key old, as in a long-lived account."""

    def install(session: Any) -> None:
        def rewrite(parsed: dict[str, Any], **_: Any) -> None:
            rows = list(csv.DictReader(io.StringIO(parsed["Content"].decode())))
            for row in rows:
                if row["user"] == user:
                    row["access_key_1_last_rotated"] = created
                    row["user_creation_time"] = created
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
            parsed["Content"] = out.getvalue().encode()

        session.events.register("after-call.iam.GetCredentialReport", rewrite)

    return install


def as_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


__all__ = ["OSAKA", "seed_bad", "seed_good"]
