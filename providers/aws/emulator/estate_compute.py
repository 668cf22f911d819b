"""The demo estate's compute and entry points: EBS (the unencrypted development volume, planted), the
web tier's Auto Scaling group, the load balancer with its TLS listener and the HTTP listener that
forwards instead of redirecting (planted), the WAF web ACL, and the Lambda function.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from providers.aws.emulator.estate import (
    OSAKA,
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
from providers.aws.emulator.estate_identity import service_role
from providers.aws.emulator.estate_network import Network

TLS12_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


@dataclass(frozen=True)
class _LoadBalancer:
    arn: str
    target_group_arn: str
    http_listener_arn: str


def seed_ebs(clients: Clients, account_id: str, inventory: Inventory) -> None:
    """The dev scratch volume predates encryption-by-default, which is why it stayed unencrypted (planted)."""
    ec2 = clients("ec2")
    name = f"{PREFIX}-dev-scratch"
    volume_id = ec2.create_volume(
        AvailabilityZone="ap-northeast-1a",
        Size=20,
        VolumeType="gp3",
        Encrypted=False,
        TagSpecifications=tag_spec("volume", name, Environment="development"),
    )["VolumeId"]
    inventory.add(TOKYO, "AWS::EC2::Volume", name, "unencrypted (planted)")
    inventory.plant(
        PlantedMistake(
            key="unencrypted-dev-volume",
            control_id="encryption.at-rest",
            region=TOKYO,
            kind="AWS::EC2::Volume",
            resource_name=name,
            resource_id=ec2_arn(account_id, f"volume/{volume_id}"),
            ja="開発用の EBS ボリュームが暗号化されていません。EBS の既定の暗号化を有効にする前に作られたため、"
            "そのまま残っています。",
            en="A development EBS volume is not encrypted: it was created before EBS encryption-by-default was "
            "turned on and was never replaced.",
        )
    )
    for region in (TOKYO, OSAKA):
        clients("ec2", region).enable_ebs_encryption_by_default()
        inventory.add(region, "AWS::EC2::EBSEncryptionByDefault", "ebs-encryption-by-default", "enabled")


def seed_web_tier(clients: Clients, network: Network, target_group_arn: str, inventory: Inventory) -> str:
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
            "TagSpecifications": tag_spec("instance", f"{PREFIX}-web"),
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


def _drop_emulator_root_volumes(clients: Clients, autoscaling: Any, group: str) -> None:
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


def _certificate(clients: Clients, inventory: Inventory) -> str:
    domain = "yoyaku.wakaba-city.example.jp"
    arn = clients("acm").request_certificate(DomainName=domain, ValidationMethod="DNS")["CertificateArn"]
    inventory.add(TOKYO, "AWS::CertificateManager::Certificate", domain)
    return arn


def seed_load_balancer(clients: Clients, network: Network, inventory: Inventory) -> _LoadBalancer:
    elbv2 = clients("elbv2")
    name = f"{PREFIX}-alb"
    lb_arn = elbv2.create_load_balancer(
        Name=name,
        Subnets=list(network.public_subnets),
        SecurityGroups=[network.alb_sg],
        Scheme="internet-facing",
        Type="application",
        Tags=resource_tags(name),
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


def plant_http_listener(inventory: Inventory, load_balancer: _LoadBalancer) -> None:
    inventory.plant(
        PlantedMistake(
            key="http-listener-forwards",
            control_id="tls.in-transit",
            region=TOKYO,
            kind="AWS::ElasticLoadBalancingV2::Listener",
            resource_name=f"{PREFIX}-alb HTTP:80",
            resource_id=load_balancer.http_listener_arn,
            ja="インターネット向け ALB の HTTP (80番) リスナーが HTTPS へリダイレクトせず、そのまま Web サーバーへ"
            "転送しています。予約内容が暗号化されずに流れるおそれがあります。",
            en="The internet-facing ALB's HTTP (port 80) listener forwards to the web servers instead of "
            "redirecting to HTTPS, so reservations can travel unencrypted.",
        )
    )


def seed_web_acl(clients: Clients, lb_arn: str, inventory: Inventory) -> None:
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


def seed_lambda(clients: Clients, key_arn: str, inventory: Inventory) -> None:
    name = f"{PREFIX}-reminder-mailer"
    role_arn = service_role(clients, f"{name}-role", "lambda.amazonaws.com", inventory)
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
