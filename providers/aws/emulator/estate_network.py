"""The demo estate's network: the VPC (DHCP options handing out the Amazon Time Sync Service), subnets,
security groups, the maintenance bastion, and the SSH rule opened to the internet (planted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from providers.aws.emulator.estate import (
    PREFIX,
    TOKYO,
    WEB_AMI,
    Clients,
    Inventory,
    PlantedMistake,
    ec2_arn,
    resource_tags,
    tag_spec,
)

#: Amazon Time Sync Service, the NTP server the DHCP option set hands out.
TIME_SYNC_SERVER = "169.254.169.123"


@dataclass(frozen=True)
class Network:
    vpc_id: str
    public_subnets: tuple[str, ...]
    private_subnets: tuple[str, ...]
    alb_sg: str
    web_sg: str
    db_sg: str
    efs_sg: str
    bastion_sg: str


def _dhcp_options(ec2: Any, vpc_id: str, inventory: Inventory) -> None:
    name = f"{PREFIX}-dhcp"
    options_id = ec2.create_dhcp_options(
        DhcpConfigurations=[
            {"Key": "domain-name", "Values": ["ap-northeast-1.compute.internal"]},
            {"Key": "domain-name-servers", "Values": ["AmazonProvidedDNS"]},
            {"Key": "ntp-servers", "Values": [TIME_SYNC_SERVER]},
        ],
    )["DhcpOptions"]["DhcpOptionsId"]
    ec2.create_tags(Resources=[options_id], Tags=resource_tags(name))
    ec2.associate_dhcp_options(DhcpOptionsId=options_id, VpcId=vpc_id)
    inventory.add(TOKYO, "AWS::EC2::DHCPOptions", name)


def _subnets(
    ec2: Any, vpc_id: str, tier: str, cidrs: Iterable[tuple[str, str]], inventory: Inventory
) -> tuple[str, ...]:
    subnet_ids = []
    for zone, cidr in cidrs:
        name = f"{PREFIX}-{tier}-{zone[-2:]}"
        subnet = ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone, TagSpecifications=tag_spec("subnet", name)
        )["Subnet"]
        subnet_ids.append(subnet["SubnetId"])
        inventory.add(TOKYO, "AWS::EC2::Subnet", name)
    return tuple(subnet_ids)


def _security_group(ec2: Any, vpc_id: str, name: str, description: str, inventory: Inventory) -> str:
    group_id = ec2.create_security_group(
        GroupName=name, Description=description, VpcId=vpc_id, TagSpecifications=tag_spec("security-group", name)
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


def seed_network(clients: Clients, inventory: Inventory) -> Network:
    ec2 = clients("ec2")
    name = f"{PREFIX}-vpc"
    vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=tag_spec("vpc", name))["Vpc"]["VpcId"]
    inventory.add(TOKYO, "AWS::EC2::VPC", name)
    _dhcp_options(ec2, vpc_id, inventory)
    igw_id = ec2.create_internet_gateway(TagSpecifications=tag_spec("internet-gateway", f"{PREFIX}-igw"))[
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
    network = Network(
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


def open_ssh_to_internet(clients: Clients, account_id: str, network: Network, inventory: Inventory) -> None:
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
            resource_id=ec2_arn(account_id, f"security-group/{network.bastion_sg}"),
            ja="保守用踏み台のセキュリティグループが SSH (22/tcp) を 0.0.0.0/0（インターネット全体）に開放しています。"
            "「一時的」のつもりの設定が残ったものです。",
            en="The maintenance bastion's security group allows SSH (22/tcp) from 0.0.0.0/0 (the whole internet) — "
            "a 'temporary' rule that was never removed.",
        )
    )


def seed_bastion(clients: Clients, network: Network, inventory: Inventory) -> None:
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
        TagSpecifications=tag_spec("instance", name),
    )
    inventory.add(TOKYO, "AWS::EC2::Instance", name, "encrypted root volume")
