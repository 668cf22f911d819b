"""The sample AWS estate ``auditor demo`` audits: a fictional vendor's municipal service on the emulator.

株式会社さくらシステムズ (Sakura Systems Co., Ltd., fictional) runs 住民窓口予約サービス — a service where
residents of 若葉市 (Wakaba City, fictional) book appointments at the city hall counters — in Tokyo
(ap-northeast-1) with disaster-recovery copies in Osaka (ap-northeast-3). The estate is built the way a
careful team would build it, and everything in it is meant to pass, except a handful of real-world
mistakes that are planted on purpose and listed in :class:`DemoEstateDescription` (each with the
resource, the control it violates and a Japanese and English explanation), so the demo's reports can be
checked against them.

:func:`seed_demo_estate` creates it through plain boto3 clients pointed at a local emulator (see
:mod:`providers.aws.emulator`); it is never pointed at a real account. Calls the emulator does not
implement are left out rather than faked (AWS Backup resource selections, for one).
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from providers.aws.emulator import DUMMY_CREDENTIALS

TOKYO = "ap-northeast-1"
OSAKA = "ap-northeast-3"
OREGON = "us-west-2"

PREFIX = "sakura-madoguchi"
OPS_EMAIL = "ops@sakura-systems.example.jp"
#: Amazon Time Sync Service, the NTP server the DHCP option set hands out.
TIME_SYNC_SERVER = "169.254.169.123"
#: Made-up AMI id: the emulator starts without public images (``MOTO_EC2_LOAD_DEFAULT_AMIS=false``).
WEB_AMI = "ami-0d5a1b2c3e4f56789"
TLS12_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
LOG_RETENTION_DAYS = 400
TRAIL_LOG_EXPIRATION_DAYS = 1827
TRAIL_LOCK_DAYS = 400

_CLIENT_CONFIG = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)


@dataclass(frozen=True)
class SeededResource:
    """One resource the seeding created: ``kind`` is its CloudFormation type name, ``note`` says how it is set up."""

    region: str
    kind: str
    name: str
    note: str = ""


@dataclass(frozen=True)
class PlantedMistake:
    """A misconfiguration put into the estate on purpose; the audit must report it as a failure.

    ``resource_name`` is the name a person would look for in the report (bucket name, log group name,
    user name …); ``resource_id`` is its ARN (log groups without the trailing ``:*``). ``related`` names other
    resources that show the same mistake (the replica bucket of a replication rule, say).
    """

    key: str
    control_id: str
    region: str
    kind: str
    resource_name: str
    resource_id: str
    ja: str
    en: str
    related: tuple[str, ...] = ()


@dataclass(frozen=True)
class EmulatorLimit:
    """A part of a real estate the emulator could not create: left out and said so, never faked."""

    ja: str
    en: str


@dataclass(frozen=True)
class DemoEstateDescription:
    """What :func:`seed_demo_estate` built: who runs it, what is in it, and what is wrong with it."""

    vendor_ja: str
    vendor_en: str
    service_ja: str
    service_en: str
    municipality_ja: str
    municipality_en: str
    account_id: str
    summary_ja: str
    summary_en: str
    regions: tuple[str, ...]
    resources: tuple[SeededResource, ...]
    mistakes: tuple[PlantedMistake, ...]
    not_emulated: tuple[EmulatorLimit, ...] = ()

    def resources_in(self, region: str) -> tuple[SeededResource, ...]:
        return tuple(resource for resource in self.resources if resource.region == region)

    def mistakes_for(self, control_id: str) -> tuple[PlantedMistake, ...]:
        return tuple(mistake for mistake in self.mistakes if mistake.control_id == control_id)


@dataclass(frozen=True)
class _Clients:
    """Makes boto3 clients for the emulator with the dummy credentials and no retries."""

    endpoint_url: str

    def __call__(self, service: str, region: str = TOKYO) -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            config=_CLIENT_CONFIG,
        )


@dataclass(frozen=True)
class _Network:
    vpc_id: str
    public_subnets: tuple[str, ...]
    private_subnets: tuple[str, ...]
    alb_sg: str
    web_sg: str
    db_sg: str
    efs_sg: str
    bastion_sg: str


@dataclass(frozen=True)
class _LoadBalancer:
    arn: str
    target_group_arn: str
    http_listener_arn: str


class _Inventory:
    """Collects what was created and what was planted while the seeding runs."""

    def __init__(self) -> None:
        self.resources: list[SeededResource] = []
        self.mistakes: list[PlantedMistake] = []

    def add(self, region: str, kind: str, name: str, note: str = "") -> None:
        self.resources.append(SeededResource(region, kind, name, note))

    def plant(self, mistake: PlantedMistake) -> None:
        self.mistakes.append(mistake)


def _tags(name: str, **extra: str) -> list[dict[str, str]]:
    tags = {"Name": name, "Service": "madoguchi-yoyaku", "Owner": "sakura-systems", "Environment": "production"}
    tags.update(extra)
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _tag_spec(resource_type: str, name: str, **extra: str) -> list[dict[str, Any]]:
    return [{"ResourceType": resource_type, "Tags": _tags(name, **extra)}]


def _console_password() -> str:
    """A throw-away password that satisfies the account password policy."""
    return f"Demo-{secrets.token_urlsafe(12)}-Aa9!"


# --- keys, notifications ------------------------------------------------------------------------------------


def _kms_key(clients: _Clients, inventory: _Inventory, region: str, alias: str) -> str:
    kms = clients("kms", region)
    key_arn = kms.create_key(
        Description=f"住民窓口予約サービス データ暗号化キー ({region})",
        Tags=[{"TagKey": "Service", "TagValue": "madoguchi-yoyaku"}],
    )["KeyMetadata"]["Arn"]
    kms.enable_key_rotation(KeyId=key_arn)
    kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key_arn)
    inventory.add(region, "AWS::KMS::Key", f"alias/{alias}")
    return key_arn


def _ops_topic(clients: _Clients, inventory: _Inventory) -> str:
    sns = clients("sns")
    name = f"{PREFIX}-ops-alerts"
    topic_arn = sns.create_topic(Name=name, Attributes={"DisplayName": "窓口予約 運用通知"})["TopicArn"]
    # The emulator treats an e-mail subscription as confirmed straight away, as after the link was clicked.
    sns.subscribe(TopicArn=topic_arn, Protocol="email", Endpoint=OPS_EMAIL, ReturnSubscriptionArn=True)
    inventory.add(TOKYO, "AWS::SNS::Topic", name)
    inventory.add(TOKYO, "AWS::SNS::Subscription", OPS_EMAIL, f"e-mail, confirmed, topic {name}")
    return topic_arn


# --- network ------------------------------------------------------------------------------------------------


def _dhcp_options(ec2: Any, vpc_id: str, inventory: _Inventory) -> None:
    name = f"{PREFIX}-dhcp"
    options_id = ec2.create_dhcp_options(
        DhcpConfigurations=[
            {"Key": "domain-name", "Values": ["ap-northeast-1.compute.internal"]},
            {"Key": "domain-name-servers", "Values": ["AmazonProvidedDNS"]},
            {"Key": "ntp-servers", "Values": [TIME_SYNC_SERVER]},
        ],
    )["DhcpOptions"]["DhcpOptionsId"]
    ec2.create_tags(Resources=[options_id], Tags=_tags(name))
    ec2.associate_dhcp_options(DhcpOptionsId=options_id, VpcId=vpc_id)
    inventory.add(TOKYO, "AWS::EC2::DHCPOptions", name)


def _subnets(
    ec2: Any, vpc_id: str, tier: str, cidrs: Iterable[tuple[str, str]], inventory: _Inventory
) -> tuple[str, ...]:
    subnet_ids = []
    for zone, cidr in cidrs:
        name = f"{PREFIX}-{tier}-{zone[-2:]}"
        subnet = ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone, TagSpecifications=_tag_spec("subnet", name)
        )["Subnet"]
        subnet_ids.append(subnet["SubnetId"])
        inventory.add(TOKYO, "AWS::EC2::Subnet", name)
    return tuple(subnet_ids)


def _security_group(ec2: Any, vpc_id: str, name: str, description: str, inventory: _Inventory) -> str:
    group_id = ec2.create_security_group(
        GroupName=name, Description=description, VpcId=vpc_id, TagSpecifications=_tag_spec("security-group", name)
    )["GroupId"]
    inventory.add(TOKYO, "AWS::EC2::SecurityGroup", name)
    return group_id


def _allow_from_group(ec2: Any, group_id: str, port: int, source_group: str, description: str) -> None:
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": port,
                "ToPort": port,
                "UserIdGroupPairs": [{"GroupId": source_group, "Description": description}],
            }
        ],
    )


def _allow_from_internet(ec2: Any, group_id: str, port: int, description: str) -> None:
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": port,
                "ToPort": port,
                "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": description}],
            }
        ],
    )


def _network(clients: _Clients, inventory: _Inventory) -> _Network:
    ec2 = clients("ec2")
    name = f"{PREFIX}-vpc"
    vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=_tag_spec("vpc", name))["Vpc"]["VpcId"]
    inventory.add(TOKYO, "AWS::EC2::VPC", name)
    _dhcp_options(ec2, vpc_id, inventory)
    igw_id = ec2.create_internet_gateway(TagSpecifications=_tag_spec("internet-gateway", f"{PREFIX}-igw"))[
        "InternetGateway"
    ]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    inventory.add(TOKYO, "AWS::EC2::InternetGateway", f"{PREFIX}-igw")
    public = _subnets(
        ec2, vpc_id, "public", [("ap-northeast-1a", "10.20.0.0/24"), ("ap-northeast-1c", "10.20.1.0/24")], inventory
    )
    private = _subnets(
        ec2, vpc_id, "private", [("ap-northeast-1a", "10.20.10.0/24"), ("ap-northeast-1c", "10.20.11.0/24")], inventory
    )
    network = _Network(
        vpc_id=vpc_id,
        public_subnets=public,
        private_subnets=private,
        alb_sg=_security_group(ec2, vpc_id, f"{PREFIX}-alb-sg", "ALB: HTTPS from residents", inventory),
        web_sg=_security_group(ec2, vpc_id, f"{PREFIX}-web-sg", "Web servers: from the ALB only", inventory),
        db_sg=_security_group(ec2, vpc_id, f"{PREFIX}-db-sg", "PostgreSQL: from the web servers only", inventory),
        efs_sg=_security_group(ec2, vpc_id, f"{PREFIX}-efs-sg", "NFS: from the web servers only", inventory),
        bastion_sg=_security_group(ec2, vpc_id, f"{PREFIX}-bastion-sg", "Maintenance bastion", inventory),
    )
    _allow_from_internet(ec2, network.alb_sg, 443, "HTTPS from residents")
    _allow_from_internet(ec2, network.alb_sg, 80, "HTTP from residents")
    _allow_from_group(ec2, network.web_sg, 80, network.alb_sg, "HTTP from the ALB")
    _allow_from_group(ec2, network.db_sg, 5432, network.web_sg, "PostgreSQL from the web servers")
    _allow_from_group(ec2, network.efs_sg, 2049, network.web_sg, "NFS from the web servers")
    return network


def _ec2_arn(account_id: str, resource: str) -> str:
    return f"arn:aws:ec2:{TOKYO}:{account_id}:{resource}"


def _open_ssh_to_internet(clients: _Clients, account_id: str, network: _Network, inventory: _Inventory) -> None:
    """Planted: SSH open to the whole internet on the maintenance bastion's security group."""
    ec2 = clients("ec2")
    _allow_from_internet(ec2, network.bastion_sg, 22, "temporary: vendor maintenance")
    inventory.plant(
        PlantedMistake(
            key="ssh-open-to-internet",
            control_id="network.firewall",
            region=TOKYO,
            kind="AWS::EC2::SecurityGroup",
            resource_name=f"{PREFIX}-bastion-sg",
            resource_id=_ec2_arn(account_id, f"security-group/{network.bastion_sg}"),
            ja="保守用踏み台のセキュリティグループが SSH (22/tcp) を 0.0.0.0/0（インターネット全体）に開放している。"
            "「一時的」のつもりの設定が残ったもの。",
            en="The maintenance bastion's security group allows SSH (22/tcp) from 0.0.0.0/0 (the whole internet) — "
            "a 'temporary' rule that was never removed.",
        )
    )


def _bastion(clients: _Clients, network: _Network, inventory: _Inventory) -> None:
    name = f"{PREFIX}-bastion"
    clients("ec2").run_instances(
        ImageId=WEB_AMI,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        SubnetId=network.public_subnets[0],
        SecurityGroupIds=[network.bastion_sg],
        BlockDeviceMappings=[
            {
                "DeviceName": "/dev/xvda",
                "Ebs": {"VolumeSize": 8, "VolumeType": "gp3", "Encrypted": True, "DeleteOnTermination": True},
            }
        ],
        MetadataOptions={"HttpTokens": "required"},
        TagSpecifications=_tag_spec("instance", name),
    )
    inventory.add(TOKYO, "AWS::EC2::Instance", name, "encrypted root volume")


# --- compute: EBS, web tier, load balancer, WAF -------------------------------------------------------------


def _ebs(clients: _Clients, account_id: str, inventory: _Inventory) -> None:
    """The dev scratch volume predates encryption-by-default, which is why it stayed unencrypted (planted)."""
    ec2 = clients("ec2")
    name = f"{PREFIX}-dev-scratch"
    volume_id = ec2.create_volume(
        AvailabilityZone="ap-northeast-1a",
        Size=20,
        VolumeType="gp3",
        Encrypted=False,
        TagSpecifications=_tag_spec("volume", name, Environment="development"),
    )["VolumeId"]
    inventory.add(TOKYO, "AWS::EC2::Volume", name, "unencrypted (planted)")
    inventory.plant(
        PlantedMistake(
            key="unencrypted-dev-volume",
            control_id="encryption.at-rest",
            region=TOKYO,
            kind="AWS::EC2::Volume",
            resource_name=name,
            resource_id=_ec2_arn(account_id, f"volume/{volume_id}"),
            ja="開発用の EBS ボリュームが暗号化されていない。EBS の既定の暗号化を有効にする前に作られたため、"
            "そのまま残っている。",
            en="A development EBS volume is not encrypted: it was created before EBS encryption-by-default was "
            "turned on and was never replaced.",
        )
    )
    for region in (TOKYO, OSAKA):
        clients("ec2", region).enable_ebs_encryption_by_default()
        inventory.add(region, "AWS::EC2::EBSEncryptionByDefault", "ebs-encryption-by-default", "enabled")


def _web_tier(clients: _Clients, network: _Network, target_group_arn: str, inventory: _Inventory) -> str:
    ec2 = clients("ec2")
    template = f"{PREFIX}-web-lt"
    ec2.create_launch_template(
        LaunchTemplateName=template,
        LaunchTemplateData={
            "ImageId": WEB_AMI,
            "InstanceType": "t3.small",
            "SecurityGroupIds": [network.web_sg],
            "MetadataOptions": {"HttpTokens": "required"},
            "BlockDeviceMappings": [
                {
                    "DeviceName": "/dev/xvda",
                    "Ebs": {"VolumeSize": 30, "VolumeType": "gp3", "Encrypted": True, "DeleteOnTermination": True},
                }
            ],
            "TagSpecifications": _tag_spec("instance", f"{PREFIX}-web"),
        },
    )
    inventory.add(TOKYO, "AWS::EC2::LaunchTemplate", template)
    group = f"{PREFIX}-web-asg"
    autoscaling = clients("autoscaling")
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=group,
        LaunchTemplate={"LaunchTemplateName": template, "Version": "$Latest"},
        MinSize=1,
        MaxSize=4,
        DesiredCapacity=1,
        VPCZoneIdentifier=",".join(network.private_subnets),
        TargetGroupARNs=[target_group_arn],
        HealthCheckType="ELB",
        HealthCheckGracePeriod=120,
        Tags=[{"Key": "Name", "Value": f"{PREFIX}-web", "PropagateAtLaunch": True}],
    )
    _spread_over_zones(autoscaling, group, network.private_subnets)
    _drop_emulator_root_volumes(clients, autoscaling, group)
    inventory.add(TOKYO, "AWS::AutoScaling::AutoScalingGroup", group)
    inventory.add(TOKYO, "AWS::EC2::Instance", f"{PREFIX}-web", "2 instances in 1a and 1c, encrypted volumes")
    return group


def _spread_over_zones(autoscaling: Any, group: str, subnets: tuple[str, ...]) -> None:
    """Scale out to two instances, one per zone.

    AWS balances a group's instances over its zones by itself; the emulator launches every instance in
    the first subnet listed, so the second instance is launched with the subnet order reversed.
    """
    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName=group, VPCZoneIdentifier=",".join(reversed(subnets)), MinSize=2, DesiredCapacity=2
    )


def _drop_emulator_root_volumes(clients: _Clients, autoscaling: Any, group: str) -> None:
    """Remove the unencrypted 8 GiB root volume the emulator adds beside the launch template's volumes.

    AWS creates only the volumes the launch template maps (here one encrypted root volume); the emulator
    also attaches a default ``/dev/sda1``, which would show up as an unplanted unencrypted volume.
    """
    ec2 = clients("ec2")
    (described,) = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"]
    instance_ids = [instance["InstanceId"] for instance in described["Instances"]]
    filters = [{"Name": "attachment.instance-id", "Values": instance_ids}, {"Name": "encrypted", "Values": ["false"]}]
    for volume in ec2.describe_volumes(Filters=filters)["Volumes"]:
        attachment = volume["Attachments"][0]
        ec2.detach_volume(VolumeId=volume["VolumeId"], InstanceId=attachment["InstanceId"], Device=attachment["Device"])
        ec2.delete_volume(VolumeId=volume["VolumeId"])


def _certificate(clients: _Clients, inventory: _Inventory) -> str:
    domain = "yoyaku.wakaba-city.example.jp"
    arn = clients("acm").request_certificate(DomainName=domain, ValidationMethod="DNS")["CertificateArn"]
    inventory.add(TOKYO, "AWS::CertificateManager::Certificate", domain)
    return arn


def _load_balancer(clients: _Clients, network: _Network, inventory: _Inventory) -> _LoadBalancer:
    elbv2 = clients("elbv2")
    name = f"{PREFIX}-alb"
    lb_arn = elbv2.create_load_balancer(
        Name=name,
        Subnets=list(network.public_subnets),
        SecurityGroups=[network.alb_sg],
        Scheme="internet-facing",
        Type="application",
        Tags=_tags(name),
    )["LoadBalancers"][0]["LoadBalancerArn"]
    target_group_arn = elbv2.create_target_group(
        Name=f"{PREFIX}-web-tg",
        Protocol="HTTP",
        Port=80,
        VpcId=network.vpc_id,
        TargetType="instance",
        HealthCheckPath="/health",
    )["TargetGroups"][0]["TargetGroupArn"]
    forward = [{"Type": "forward", "TargetGroupArn": target_group_arn}]
    elbv2.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTPS",
        Port=443,
        SslPolicy=TLS12_POLICY,
        Certificates=[{"CertificateArn": _certificate(clients, inventory)}],
        DefaultActions=forward,
    )
    http_listener_arn = elbv2.create_listener(LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80, DefaultActions=forward)[
        "Listeners"
    ][0]["ListenerArn"]
    inventory.add(TOKYO, "AWS::ElasticLoadBalancingV2::LoadBalancer", name, "internet-facing, 1a and 1c")
    inventory.add(TOKYO, "AWS::ElasticLoadBalancingV2::TargetGroup", f"{PREFIX}-web-tg")
    inventory.add(TOKYO, "AWS::ElasticLoadBalancingV2::Listener", f"{name} HTTPS:443", TLS12_POLICY)
    inventory.add(TOKYO, "AWS::ElasticLoadBalancingV2::Listener", f"{name} HTTP:80", "forwards (planted)")
    return _LoadBalancer(lb_arn, target_group_arn, http_listener_arn)


def _plant_http_listener(inventory: _Inventory, load_balancer: _LoadBalancer) -> None:
    inventory.plant(
        PlantedMistake(
            key="http-listener-forwards",
            control_id="tls.in-transit",
            region=TOKYO,
            kind="AWS::ElasticLoadBalancingV2::Listener",
            resource_name=f"{PREFIX}-alb HTTP:80",
            resource_id=load_balancer.http_listener_arn,
            ja="インターネット向け ALB の HTTP (80番) リスナーが HTTPS へリダイレクトせず、そのまま Web サーバーへ"
            "転送している。予約内容が暗号化されずに流れうる。",
            en="The internet-facing ALB's HTTP (port 80) listener forwards to the web servers instead of "
            "redirecting to HTTPS, so reservations can travel unencrypted.",
        )
    )


def _web_acl(clients: _Clients, lb_arn: str, inventory: _Inventory) -> None:
    wafv2 = clients("wafv2")
    name = f"{PREFIX}-web-acl"
    rules = [
        _managed_rule("AWSManagedRulesCommonRuleSet", 0),
        _managed_rule("AWSManagedRulesKnownBadInputsRuleSet", 1),
        _managed_rule("AWSManagedRulesSQLiRuleSet", 2),
    ]
    acl_arn = wafv2.create_web_acl(
        Name=name,
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        Rules=rules,
        VisibilityConfig=_visibility(name),
        Tags=[{"Key": "Service", "Value": "madoguchi-yoyaku"}],
    )["Summary"]["ARN"]
    wafv2.associate_web_acl(WebACLArn=acl_arn, ResourceArn=lb_arn)
    inventory.add(TOKYO, "AWS::WAFv2::WebACL", name, f"associated with {PREFIX}-alb")


def _managed_rule(group: str, priority: int) -> dict[str, Any]:
    return {
        "Name": group,
        "Priority": priority,
        "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}},
        "OverrideAction": {"None": {}},
        "VisibilityConfig": _visibility(group),
    }


def _visibility(metric: str) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": metric}


# --- data: RDS, DynamoDB, EFS, S3 ---------------------------------------------------------------------------


def _databases(clients: _Clients, network: _Network, key_arn: str, inventory: _Inventory) -> None:
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
            ja="集計・帳票用の RDS インスタンスが単一 AZ（Multi-AZ 無効）で動いている。AZ 障害時に市への月次報告が"
            "止まる。",
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
        Tags=_tags(name),
    )["DBInstance"]["DBInstanceArn"]


def _dynamodb(clients: _Clients, key_arn: str, inventory: _Inventory) -> None:
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
        Tags=_tags(name),
    )
    dynamodb.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    inventory.add(TOKYO, "AWS::DynamoDB::Table", name, "SSE-KMS, point-in-time recovery")


def _efs(clients: _Clients, network: _Network, key_arn: str, inventory: _Inventory) -> None:
    efs = clients("efs")
    name = f"{PREFIX}-shared"
    file_system_id = efs.create_file_system(
        CreationToken=name,
        PerformanceMode="generalPurpose",
        ThroughputMode="elastic",
        Encrypted=True,
        KmsKeyId=key_arn,
        Tags=_tags(name),
    )["FileSystemId"]
    for subnet_id in network.private_subnets:
        efs.create_mount_target(FileSystemId=file_system_id, SubnetId=subnet_id, SecurityGroups=[network.efs_sg])
    inventory.add(TOKYO, "AWS::EFS::FileSystem", name, "encrypted, mount targets in 1a and 1c")


def _bucket(clients: _Clients, region: str, name: str, key_arn: str | None, *, object_lock: bool = False) -> str:
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
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _tags(name)})
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


def _put_policy(clients: _Clients, region: str, bucket: str, *statements: dict[str, Any]) -> None:
    policy = {"Version": "2012-10-17", "Statement": [*statements, _deny_insecure_transport(bucket)]}
    clients("s3", region).put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


def _replicate(clients: _Clients, source: str, target: str, role_arn: str, target_key_arn: str) -> None:
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


def _buckets(clients: _Clients, keys: dict[str, str], inventory: _Inventory) -> None:
    """App data replicated to Osaka (fine); applicants' uploads replicated to Oregon (planted)."""
    role_arn = _service_role(clients, f"{PREFIX}-s3-replication", "s3.amazonaws.com", inventory)
    pairs = (
        (f"{PREFIX}-appdata", f"{PREFIX}-appdata-dr-osaka", OSAKA),
        (f"{PREFIX}-uploads", f"{PREFIX}-uploads-dr-usw2", OREGON),
    )
    for source, replica, replica_region in pairs:
        _bucket(clients, TOKYO, source, keys[TOKYO])
        _put_policy(clients, TOKYO, source)
        _bucket(clients, replica_region, replica, keys[replica_region])
        _put_policy(clients, replica_region, replica)
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
            f"{PREFIX}-uploads-dr-usw2 へレプリケーションされている。複製先のバケット（と複製用の KMS キー）も"
            "国外にあり、個人情報が日本国外に保存されている。",
            en=f"The bucket of residents' uploaded application documents is replicated, for disaster recovery, to "
            f"the bucket {PREFIX}-uploads-dr-usw2 in US West (Oregon, us-west-2). The replica bucket itself (and "
            "the KMS key for the replicas) is abroad too, so personal data is stored outside Japan.",
            related=(f"{PREFIX}-uploads-dr-usw2", f"alias/{PREFIX}-data ({OREGON})"),
        )
    )


# --- logging: CloudTrail, log groups ------------------------------------------------------------------------


def _trail_bucket(clients: _Clients, account_id: str, inventory: _Inventory) -> str:
    name = _bucket(clients, TOKYO, f"{PREFIX}-cloudtrail-logs", None, object_lock=True)
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
    _put_policy(clients, TOKYO, name, *_cloudtrail_write_statements(name, account_id))
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


def _trail(clients: _Clients, bucket: str, log_group_arn: str, inventory: _Inventory) -> None:
    cloudtrail = clients("cloudtrail")
    name = f"{PREFIX}-trail"
    cloudtrail.create_trail(
        Name=name,
        S3BucketName=bucket,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        CloudWatchLogsLogGroupArn=log_group_arn,
        CloudWatchLogsRoleArn=_service_role(
            clients, f"{PREFIX}-cloudtrail-to-logs", "cloudtrail.amazonaws.com", inventory
        ),
        TagsList=[{"Key": "Service", "Value": "madoguchi-yoyaku"}],
    )
    cloudtrail.start_logging(Name=name)
    inventory.add(TOKYO, "AWS::CloudTrail::Trail", name, "multi-region, log file validation")


def _log_group(clients: _Clients, region: str, name: str, days: int, inventory: _Inventory) -> str:
    logs = clients("logs", region)
    logs.create_log_group(logGroupName=name, tags={"Service": "madoguchi-yoyaku"})
    logs.put_retention_policy(logGroupName=name, retentionInDays=days)
    inventory.add(region, "AWS::Logs::LogGroup", name, f"{days} days")
    return logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["arn"].removesuffix(":*")


def _log_groups(clients: _Clients, inventory: _Inventory) -> str:
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
            ja="Web サーバーのアクセスログのロググループの保持期間が 30 日に短縮されている（費用削減のため）。"
            "1 年以上の保存が求められるアクセス記録が消えていく。",
            en="The web servers' access-log log group keeps only 30 days (shortened to save cost); access records "
            "that must be kept for a year or more are deleted.",
        )
    )
    return trail_group_arn


# --- threat detection, vulnerability scanning, backup, monitoring -------------------------------------------


def _guardduty(clients: _Clients, regions: Iterable[str], inventory: _Inventory) -> None:
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


def _inspector(clients: _Clients, account_id: str, regions: Iterable[str], inventory: _Inventory) -> None:
    for region in regions:
        # ``accountIds`` is optional in AWS; the emulator fails without it.
        clients("inspector2", region).enable(resourceTypes=["EC2", "ECR", "LAMBDA"], accountIds=[account_id])
        inventory.add(region, "AWS::Inspector2::Enabler", "inspector2", "EC2, ECR, Lambda")


def _backup(clients: _Clients, keys: dict[str, str], inventory: _Inventory) -> None:
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


def _vault(clients: _Clients, region: str, name: str, key_arn: str, inventory: _Inventory) -> str:
    backup = clients("backup", region)
    arn = backup.create_backup_vault(BackupVaultName=name, EncryptionKeyArn=key_arn)["BackupVaultArn"]
    backup.put_backup_vault_lock_configuration(BackupVaultName=name, MinRetentionDays=7, MaxRetentionDays=400)
    inventory.add(region, "AWS::Backup::BackupVault", name, "vault lock")
    return arn


def _alarms(clients: _Clients, topic_arn: str, lb_arn: str, asg: str, inventory: _Inventory) -> None:
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


# --- serverless ---------------------------------------------------------------------------------------------


def _lambda(clients: _Clients, key_arn: str, inventory: _Inventory) -> None:
    name = f"{PREFIX}-reminder-mailer"
    role_arn = _service_role(clients, f"{name}-role", "lambda.amazonaws.com", inventory)
    clients("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role_arn,
        Handler="handler.main",
        Code={"ZipFile": _lambda_package()},
        Description="前日に予約者へリマインドメールを送る",
        Timeout=60,
        MemorySize=256,
        KMSKeyArn=key_arn,
        Tags={"Service": "madoguchi-yoyaku"},
    )
    inventory.add(TOKYO, "AWS::Lambda::Function", name)


def _lambda_package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def main(event, context):\n    return {'sent': 0}\n")
    return buffer.getvalue()


# --- identity -----------------------------------------------------------------------------------------------


def _service_role(clients: _Clients, name: str, service: str, inventory: _Inventory) -> str:
    """A role only ``service`` can assume (its permission policies are left out: nothing reads them)."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }
    role = clients("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    inventory.add("global", "AWS::IAM::Role", name)
    return role["Arn"]


def _password_policy(clients: _Clients, inventory: _Inventory) -> None:
    clients("iam").update_account_password_policy(
        MinimumPasswordLength=12,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        RequireNumbers=True,
        RequireSymbols=True,
        AllowUsersToChangePassword=True,
        PasswordReusePrevention=5,
        MaxPasswordAge=180,
    )
    inventory.add("global", "AWS::IAM::AccountPasswordPolicy", "password-policy", "length 12, all character classes")


def _console_user(iam: Any, name: str) -> str:
    arn = iam.create_user(UserName=name, Tags=[{"Key": "Owner", "Value": "sakura-systems"}])["User"]["Arn"]
    iam.create_login_profile(UserName=name, Password=_console_password(), PasswordResetRequired=False)
    return arn


def _enable_virtual_mfa(iam: Any, user: str) -> None:
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]["SerialNumber"]
    # Two consecutive codes from the device; the emulator accepts any six digits.
    iam.enable_mfa_device(
        UserName=user, SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
    )


def _identities(clients: _Clients, inventory: _Inventory) -> None:
    iam = clients("iam")
    group = f"{PREFIX}-admins"
    iam.create_group(GroupName=group)
    iam.attach_group_policy(GroupName=group, PolicyArn=ADMIN_POLICY_ARN)
    # Administrators may act only from the vendor's office network (a documentation address range).
    office_only = {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyOutsideOfficeNetwork", "Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]},
                          "Bool": {"aws:ViaAWSService": "false"}},
        }],
    }
    iam.put_group_policy(GroupName=group, PolicyName="deny-outside-office", PolicyDocument=json.dumps(office_only))
    inventory.add("global", "AWS::IAM::Group", group, "AdministratorAccess, only from the office network")
    for user in ("tanaka.admin", "suzuki.admin"):
        _console_user(iam, user)
        iam.add_user_to_group(GroupName=group, UserName=user)
        _enable_virtual_mfa(iam, user)
        inventory.add("global", "AWS::IAM::User", user, f"console, virtual MFA, in {group}")
    careless = "sato.ops"
    careless_arn = _console_user(iam, careless)
    operators = f"{PREFIX}-operators"
    iam.create_group(GroupName=operators)
    iam.attach_group_policy(GroupName=operators, PolicyArn=ADMIN_POLICY_ARN)
    iam.add_user_to_group(GroupName=operators, UserName=careless)
    inventory.add("global", "AWS::IAM::Group", operators, "AdministratorAccess, no source-IP restriction")
    inventory.add("global", "AWS::IAM::User", careless, f"console, in {operators}, no MFA (planted)")
    inventory.plant(
        PlantedMistake(
            key="admin-without-mfa",
            control_id="identity.admin-mfa",
            region="global",
            kind="AWS::IAM::User",
            resource_name=careless,
            resource_id=careless_arn,
            ja="運用担当の IAM ユーザーが AdministratorAccess を付与した運用グループに属し、コンソールの"
            "パスワードがあるのに MFA が設定されていない（管理者グループの接続元 IP 制限も受けない）。"
            "パスワードが漏れれば環境全体を操作される。",
            en="An operations IAM user is in an operators group with AdministratorAccess and has a console password, "
            "but no MFA (and escapes the admin group's source-IP restriction): a leaked password gives control of "
            "the whole account.",
        )
    )


# --- the estate ---------------------------------------------------------------------------------------------


def _account_id(clients: _Clients) -> str:
    return clients("sts").get_caller_identity()["Account"]


def _summary(mistakes: Iterable[PlantedMistake]) -> tuple[str, str]:
    count = len(tuple(mistakes))
    ja = (
        "株式会社さくらシステムズ（架空）が若葉市（架空）向けに提供する「住民窓口予約サービス」の AWS 環境です。"
        "東京リージョンで稼働し、大阪リージョンへ災害対策用のコピーを置いています。"
        f"丁寧に構築されていますが、現場でよくある設定ミスを {count} 件、意図的に仕込んであります。"
        "これはローカルのエミュレーター上のデモ環境で、実在のクラウドではありません。"
    )
    en = (
        "The AWS estate of the Resident Counter Reservation Service that Sakura Systems Co., Ltd. (fictional) "
        "runs for Wakaba City (fictional): production in Tokyo, disaster-recovery copies in Osaka. It is built "
        f"with care, but {count} common real-world mistakes are planted on purpose. This is a demo estate on "
        "a local emulator, not a real cloud."
    )
    return ja, en


def _seed(clients: _Clients, account_id: str, inventory: _Inventory) -> None:
    keys = {region: _kms_key(clients, inventory, region, f"{PREFIX}-data") for region in (TOKYO, OSAKA, OREGON)}
    topic_arn = _ops_topic(clients, inventory)
    _password_policy(clients, inventory)
    _identities(clients, inventory)
    _ebs(clients, account_id, inventory)
    network = _network(clients, inventory)
    _open_ssh_to_internet(clients, account_id, network, inventory)
    _bastion(clients, network, inventory)
    load_balancer = _load_balancer(clients, network, inventory)
    _plant_http_listener(inventory, load_balancer)
    _web_acl(clients, load_balancer.arn, inventory)
    asg = _web_tier(clients, network, load_balancer.target_group_arn, inventory)
    _databases(clients, network, keys[TOKYO], inventory)
    _dynamodb(clients, keys[TOKYO], inventory)
    _efs(clients, network, keys[TOKYO], inventory)
    _buckets(clients, keys, inventory)
    trail_group_arn = _log_groups(clients, inventory)
    _trail(clients, _trail_bucket(clients, account_id, inventory), trail_group_arn, inventory)
    _lambda(clients, keys[TOKYO], inventory)
    _guardduty(clients, (TOKYO, OSAKA, OREGON), inventory)
    _inspector(clients, account_id, (TOKYO, OSAKA, OREGON), inventory)
    _backup(clients, keys, inventory)
    _alarms(clients, topic_arn, load_balancer.arn, asg, inventory)


NOT_EMULATED = (
    EmulatorLimit(
        ja="エミュレーターはルートユーザーの MFA を常に「未設定」と報告する"
        "（iam:GetAccountSummary の AccountMFAEnabled=0）ため、ルートユーザーの MFA は不適合と表示される。",
        en="The emulator always reports the root user without MFA (iam:GetAccountSummary AccountMFAEnabled=0), so "
        "root MFA shows as a failure.",
    ),
    EmulatorLimit(
        ja="AWS Backup のリソース割り当て（backup:CreateBackupSelection）はエミュレーターが未実装のため、"
        "バックアッププランはあるが対象リソースを指定していない。",
        en="AWS Backup resource selections (backup:CreateBackupSelection) are not implemented by the emulator: "
        "the backup plan exists but names no resources.",
    ),
    EmulatorLimit(
        ja="エミュレーターの EC2 インスタンスでは SSM エージェントが動かないため、Systems Manager の"
        "マネージドインスタンスがなく、Patch Manager のパッチ適用状況（ssm:DescribeInstancePatchStates）は"
        "表示されない。実環境ではマネージドインスタンスごとに判定する。",
        en="No SSM agent runs on the emulator's EC2 instances, so there are no Systems Manager managed instances "
        "and no Patch Manager compliance (ssm:DescribeInstancePatchStates) is shown; on AWS each managed "
        "instance is judged.",
    ),
)


def seed_demo_estate(endpoint_url: str) -> DemoEstateDescription:
    """Create the sample estate on the emulator at ``endpoint_url`` and describe it.

    Expects a freshly started (or reset) emulator; seeding twice fails on names already taken.
    """
    clients = _Clients(endpoint_url)
    inventory = _Inventory()
    account_id = _account_id(clients)
    _seed(clients, account_id, inventory)
    summary_ja, summary_en = _summary(inventory.mistakes)
    return DemoEstateDescription(
        vendor_ja="株式会社さくらシステムズ",
        vendor_en="Sakura Systems Co., Ltd.",
        service_ja="住民窓口予約サービス",
        service_en="Resident Counter Reservation Service",
        municipality_ja="若葉市",
        municipality_en="Wakaba City",
        account_id=account_id,
        summary_ja=summary_ja,
        summary_en=summary_en,
        regions=(TOKYO, OSAKA, OREGON),
        resources=tuple(inventory.resources),
        mistakes=tuple(inventory.mistakes),
        not_emulated=NOT_EMULATED,
    )
