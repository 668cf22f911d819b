"""EC2 (instances, volumes, snapshots, default encryption, security groups, VPC time sources), Lambda,
Auto Scaling groups and ECR repositories."""

from __future__ import annotations

from auditor.model import Said
from providers.aws.collect.account import AccountContext, tag_name
from providers.aws.collect.common import list_or_gap, read
from providers.aws.kinds import REGIONAL, Collector, Kind, Listing, Outcome

INSTANCE = Kind("aws.ec2.instance", REGIONAL, Listing("ec2", "DescribeInstances", "Reservations[].Instances[]"),
                holds_data=True, title_ja="EC2 インスタンス")
VOLUME = Kind("aws.ec2.volume", REGIONAL, Listing("ec2", "DescribeVolumes", "Volumes"), holds_data=True,
              title_ja="EBS ボリューム")
SNAPSHOT = Kind("aws.ec2.snapshot", REGIONAL, Listing("ec2", "DescribeSnapshots", "Snapshots", {"OwnerIds": ["self"]}),
                holds_data=True, title_ja="EBS スナップショット")
EBS_DEFAULT = Kind("aws.ec2.ebs_default_encryption", REGIONAL,
                   Listing("ec2", "GetEbsEncryptionByDefault", "EbsEncryptionByDefault"),
                   title_ja="EBS 既定の暗号化（リージョン）")
SECURITY_GROUP = Kind("aws.ec2.security_group", REGIONAL, Listing("ec2", "DescribeSecurityGroups", "SecurityGroups"),
                      title_ja="セキュリティグループ")
VPC = Kind("aws.ec2.vpc", REGIONAL, Listing("ec2", "DescribeVpcs", "Vpcs"), follow_ups=("ec2:DescribeDhcpOptions",),
           title_ja="VPC（DHCP オプションの NTP サーバー）")
FUNCTION = Kind("aws.lambda.function", REGIONAL, Listing("lambda", "ListFunctions", "Functions"), holds_data=True,
                title_ja="Lambda 関数")
ASG = Kind("aws.autoscaling.group", REGIONAL,
           Listing("autoscaling", "DescribeAutoScalingGroups", "AutoScalingGroups"), holds_data=True,
           title_ja="Auto Scaling グループ")
REPOSITORY = Kind("aws.ecr.repository", REGIONAL, Listing("ecr", "DescribeRepositories", "repositories"),
                  holds_data=True, title_ja="ECR リポジトリ")

INTERNET = ("0.0.0.0/0", "::/0")


def instances(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, INSTANCE, [INSTANCE], wanted, out) or []:
        state = (item.get("State") or {}).get("Name", "")
        if state in ("terminated", "shutting-down"):
            continue
        out.evidence.append(ctx.evidence(
            region, INSTANCE.resource_type, ctx.arn("ec2", region, f"instance/{item['InstanceId']}"),
            INSTANCE.listing.source,
            {"state": state, "availability_zone": (item.get("Placement") or {}).get("AvailabilityZone"),
             "vpc_id": item.get("VpcId"), "instance_type": item.get("InstanceType"),
             "public_ip": item.get("PublicIpAddress")},
            raw=_without(item, "UserData"), name=tag_name(item.get("Tags")) or item["InstanceId"],
        ))
    return out


def volumes(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, VOLUME, [VOLUME], wanted, out) or []:
        out.evidence.append(ctx.evidence(
            region, VOLUME.resource_type, ctx.arn("ec2", region, f"volume/{item['VolumeId']}"), VOLUME.listing.source,
            {"encrypted": bool(item.get("Encrypted")), "kms_key_id": item.get("KmsKeyId"),
             "availability_zone": item.get("AvailabilityZone"), "size_gib": item.get("Size"),
             "attached_to": [a.get("InstanceId") for a in item.get("Attachments") or []]},
            raw=item, name=tag_name(item.get("Tags")) or item["VolumeId"],
        ))
    return out


def snapshots(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, SNAPSHOT, [SNAPSHOT], wanted, out) or []:
        out.evidence.append(ctx.evidence(
            region, SNAPSHOT.resource_type, ctx.arn("ec2", region, f"snapshot/{item['SnapshotId']}"),
            SNAPSHOT.listing.source,
            {"encrypted": bool(item.get("Encrypted")), "kms_key_id": item.get("KmsKeyId"),
             "volume_id": item.get("VolumeId")},
            raw=item, name=tag_name(item.get("Tags")) or item["SnapshotId"],
        ))
    return out


def ebs_default(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    found = list_or_gap(ctx, region, EBS_DEFAULT, [EBS_DEFAULT], wanted, out)
    if found is not None:
        enabled = bool(found and found[0])
        out.evidence.append(ctx.evidence(
            region, EBS_DEFAULT.resource_type, "ebs-encryption-by-default", EBS_DEFAULT.listing.source,
            {"enabled": enabled}, raw={"EbsEncryptionByDefault": enabled}, name="ebs:default-encryption",
        ))
    return out


def security_groups(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, SECURITY_GROUP, [SECURITY_GROUP], wanted, out) or []:
        out.evidence.append(ctx.evidence(
            region, SECURITY_GROUP.resource_type,
            item.get("SecurityGroupArn") or ctx.arn("ec2", region, f"security-group/{item['GroupId']}"),
            SECURITY_GROUP.listing.source,
            {"group_id": item["GroupId"], "group_name": item.get("GroupName"), "vpc_id": item.get("VpcId"),
             "open_ingress": open_ingress(item.get("IpPermissions") or [])},
            raw=item, name=f"{item.get('GroupName', '')} ({item['GroupId']})",
        ))
    return out


def open_ingress(permissions: list[dict]) -> list[dict]:
    """The ingress rules that admit the whole internet (0.0.0.0/0 or ::/0), normalised."""
    rules = []
    for perm in permissions:
        sources = [r.get("CidrIp") for r in perm.get("IpRanges") or []]
        sources += [r.get("CidrIpv6") for r in perm.get("Ipv6Ranges") or []]
        for source in sources:
            if source in INTERNET:
                protocol = str(perm.get("IpProtocol", "-1"))
                rules.append({
                    "protocol": {"6": "tcp", "17": "udp", "58": "icmpv6", "1": "icmp"}.get(protocol, protocol),
                    "from_port": perm.get("FromPort"),
                    "to_port": perm.get("ToPort"),
                    "source": source,
                })
    return rules


def vpcs(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    found = list_or_gap(ctx, region, VPC, [VPC], wanted, out)
    if not found:
        return out
    unreadable: dict[str, Said] = {}
    options = read(unreadable, ("ntp_servers",), lambda: ctx.pages(region, "ec2", "DescribeDhcpOptions", "DhcpOptions"))
    by_id = {o["DhcpOptionsId"]: o for o in options or []}
    for item in found:
        option_id = item.get("DhcpOptionsId") or "default"
        attributes = {"vpc_id": item["VpcId"], "is_default": bool(item.get("IsDefault")),
                      "dhcp_options_id": option_id}
        missing = dict(unreadable)
        if not missing:
            config = dhcp_values(by_id.get(option_id)) if option_id != "default" else {}
            if option_id != "default" and option_id not in by_id:
                missing["ntp_servers"] = f"DHCP option set {option_id} was not returned by ec2:DescribeDhcpOptions"
            attributes["ntp_servers"] = config.get("ntp-servers", [])
            attributes["domain_name_servers"] = config.get("domain-name-servers", [])
        out.evidence.append(ctx.evidence(
            region, VPC.resource_type, ctx.arn("ec2", region, f"vpc/{item['VpcId']}"), VPC.listing.source,
            attributes, unreadable=missing, raw={"Vpc": item, "DhcpOptions": by_id.get(option_id)},
            name=tag_name(item.get("Tags")) or item["VpcId"],
        ))
    return out


def dhcp_values(option_set: dict | None) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for entry in (option_set or {}).get("DhcpConfigurations") or []:
        values[entry.get("Key", "")] = [str(v.get("Value")) for v in entry.get("Values") or []]
    return values


def functions(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, FUNCTION, [FUNCTION], wanted, out) or []:
        out.evidence.append(ctx.evidence(
            region, FUNCTION.resource_type, item["FunctionArn"], FUNCTION.listing.source,
            {"runtime": item.get("Runtime"), "kms_key_arn": item.get("KMSKeyArn")},
            raw=_without(item, "Environment"), name=item.get("FunctionName", ""),
        ))
    return out


def autoscaling_groups(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, ASG, [ASG], wanted, out) or []:
        out.evidence.append(ctx.evidence(
            region, ASG.resource_type, item["AutoScalingGroupARN"], ASG.listing.source,
            {"availability_zones": sorted(item.get("AvailabilityZones") or []),
             "min_size": item.get("MinSize"), "desired_capacity": item.get("DesiredCapacity")},
            raw=item, name=item.get("AutoScalingGroupName", ""),
        ))
    return out


def repositories(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, REPOSITORY, [REPOSITORY], wanted, out) or []:
        encryption = item.get("encryptionConfiguration") or {}
        out.evidence.append(ctx.evidence(
            region, REPOSITORY.resource_type, item["repositoryArn"], REPOSITORY.listing.source,
            {"encryption_type": encryption.get("encryptionType") or "AES256", "kms_key": encryption.get("kmsKey")},
            raw=item, name=item.get("repositoryName", ""),
        ))
    return out


def _without(item: dict, *secret_keys: str) -> dict:
    """The raw item minus fields that may hold secrets (user data, environment variables)."""
    return {k: v for k, v in item.items() if k not in secret_keys}


COLLECTORS = (
    Collector("ec2-instances", REGIONAL, (INSTANCE,), instances),
    Collector("ec2-volumes", REGIONAL, (VOLUME,), volumes),
    Collector("ec2-snapshots", REGIONAL, (SNAPSHOT,), snapshots),
    Collector("ec2-default-encryption", REGIONAL, (EBS_DEFAULT,), ebs_default),
    Collector("ec2-security-groups", REGIONAL, (SECURITY_GROUP,), security_groups),
    Collector("ec2-vpcs", REGIONAL, (VPC,), vpcs),
    Collector("lambda", REGIONAL, (FUNCTION,), functions),
    Collector("autoscaling", REGIONAL, (ASG,), autoscaling_groups),
    Collector("ecr", REGIONAL, (REPOSITORY,), repositories),
)
