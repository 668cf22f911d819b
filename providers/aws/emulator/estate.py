"""The seeded AWS estate: its model (what was created, what was planted) and the helpers every part uses.

The parts of the estate are seeded by service family — :mod:`.estate_network`, :mod:`.estate_compute`,
:mod:`.estate_data`, :mod:`.estate_logging`, :mod:`.estate_identity` — through plain boto3 clients
pointed at the local emulator (:class:`Clients`, never a real account), each recording what it
created and what it planted on purpose in an :class:`Inventory`; :mod:`.demo` puts them together into
the estate ``auditor demo`` audits and describes it (:class:`DemoEstateDescription`). The regions,
name prefix and tags the parts share, the customer-managed keys and the operations topic are here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from providers.aws.emulator.server import DUMMY_CREDENTIALS

TOKYO = "ap-northeast-1"
OSAKA = "ap-northeast-3"
OREGON = "us-west-2"

PREFIX = "sakura-madoguchi"
OPS_EMAIL = "ops@sakura-systems.example.jp"
#: Made-up AMI id: the emulator starts without public images (``MOTO_EC2_LOAD_DEFAULT_AMIS=false``).
WEB_AMI = "ami-0d5a1b2c3e4f56789"

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
class Clients:
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


class Inventory:
    """Collects what was created and what was planted while the seeding runs."""

    def __init__(self) -> None:
        self.resources: list[SeededResource] = []
        self.mistakes: list[PlantedMistake] = []

    def add(self, region: str, kind: str, name: str, note: str = "") -> None:
        self.resources.append(SeededResource(region, kind, name, note))

    def plant(self, mistake: PlantedMistake) -> None:
        self.mistakes.append(mistake)


def resource_tags(name: str, **extra: str) -> list[dict[str, str]]:
    tags = {"Name": name, "Service": "madoguchi-yoyaku", "Owner": "sakura-systems", "Environment": "production"}
    tags.update(extra)
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def tag_spec(resource_type: str, name: str, **extra: str) -> list[dict[str, Any]]:
    return [{"ResourceType": resource_type, "Tags": resource_tags(name, **extra)}]


def ec2_arn(account_id: str, resource: str) -> str:
    return f"arn:aws:ec2:{TOKYO}:{account_id}:{resource}"


def seed_kms_key(clients: Clients, inventory: Inventory, region: str, alias: str) -> str:
    kms = clients("kms", region)
    key_arn = kms.create_key(
        Description=f"住民窓口予約サービス データ暗号化キー ({region})",
        Tags=[{"TagKey": "Service", "TagValue": "madoguchi-yoyaku"}],
    )["KeyMetadata"]["Arn"]
    kms.enable_key_rotation(KeyId=key_arn)
    kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=key_arn)
    inventory.add(region, "AWS::KMS::Key", f"alias/{alias}")
    return key_arn


def seed_ops_topic(clients: Clients, inventory: Inventory) -> str:
    sns = clients("sns")
    name = f"{PREFIX}-ops-alerts"
    topic_arn = sns.create_topic(Name=name, Attributes={"DisplayName": "窓口予約 運用通知"})["TopicArn"]
    # The emulator treats an e-mail subscription as confirmed straight away, as after the link was clicked.
    sns.subscribe(TopicArn=topic_arn, Protocol="email", Endpoint=OPS_EMAIL, ReturnSubscriptionArn=True)
    inventory.add(TOKYO, "AWS::SNS::Topic", name)
    inventory.add(TOKYO, "AWS::SNS::Subscription", OPS_EMAIL, f"e-mail, confirmed, topic {name}")
    return topic_arn
