"""The sample AWS estate ``auditor demo`` audits: a fictional vendor's municipal service on the emulator.

株式会社さくらシステムズ (Sakura Systems Co., Ltd., fictional) runs 住民窓口予約サービス — a service where
residents of 若葉市 (Wakaba City, fictional) book appointments at the city hall counters — in Tokyo
(ap-northeast-1) with disaster-recovery copies in Osaka (ap-northeast-3). The estate is built the way a
careful team would build it, and everything in it is meant to pass, except a handful of real-world
mistakes that are planted on purpose and listed in :class:`DemoEstateDescription` (each with the
resource, the control it violates and a Japanese and English explanation), so the demo's reports can be
checked against them.

:func:`seed_demo_estate` creates it through plain boto3 clients pointed at a local emulator (see
:mod:`providers.aws.emulator.server`), one service family at a time (the ``estate_*`` modules); it is
never pointed at a real account. Calls the emulator does not implement are left out rather than faked
(AWS Backup resource selections, for one). :func:`demo_estate` is what the plugin hands ``auditor
demo``: the emulator started, the estate seeded, and how to audit and describe it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from auditor.plugins import DemoEstate
from providers.aws.emulator.estate import (
    OREGON,
    OSAKA,
    PREFIX,
    TOKYO,
    Clients,
    DemoEstateDescription,
    EmulatorLimit,
    Inventory,
    PlantedMistake,
    seed_kms_key,
    seed_ops_topic,
)
from providers.aws.emulator.estate_compute import (
    plant_http_listener,
    seed_ebs,
    seed_lambda,
    seed_load_balancer,
    seed_web_acl,
    seed_web_tier,
)
from providers.aws.emulator.estate_data import seed_backup, seed_buckets, seed_databases, seed_dynamodb, seed_efs
from providers.aws.emulator.estate_identity import seed_identities, seed_password_policy
from providers.aws.emulator.estate_logging import (
    seed_alarms,
    seed_guardduty,
    seed_inspector,
    seed_log_groups,
    seed_trail,
    seed_trail_bucket,
)
from providers.aws.emulator.estate_network import open_ssh_to_internet, seed_bastion, seed_network
from providers.aws.emulator.server import DUMMY_CREDENTIALS, moto_server


def _account_id(clients: Clients) -> str:
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


def _seed(clients: Clients, account_id: str, inventory: Inventory) -> None:
    keys = {region: seed_kms_key(clients, inventory, region, f"{PREFIX}-data") for region in (TOKYO, OSAKA, OREGON)}
    topic_arn = seed_ops_topic(clients, inventory)
    seed_password_policy(clients, inventory)
    seed_identities(clients, inventory)
    seed_ebs(clients, account_id, inventory)
    network = seed_network(clients, inventory)
    open_ssh_to_internet(clients, account_id, network, inventory)
    seed_bastion(clients, network, inventory)
    load_balancer = seed_load_balancer(clients, network, inventory)
    plant_http_listener(inventory, load_balancer)
    seed_web_acl(clients, load_balancer.arn, inventory)
    asg = seed_web_tier(clients, network, load_balancer.target_group_arn, inventory)
    seed_databases(clients, network, keys[TOKYO], inventory)
    seed_dynamodb(clients, keys[TOKYO], inventory)
    seed_efs(clients, network, keys[TOKYO], inventory)
    seed_buckets(clients, keys, inventory)
    trail_group_arn = seed_log_groups(clients, inventory)
    seed_trail(clients, seed_trail_bucket(clients, account_id, inventory), trail_group_arn, inventory)
    seed_lambda(clients, keys[TOKYO], inventory)
    seed_guardduty(clients, (TOKYO, OSAKA, OREGON), inventory)
    seed_inspector(clients, account_id, (TOKYO, OSAKA, OREGON), inventory)
    seed_backup(clients, keys, inventory)
    seed_alarms(clients, topic_arn, load_balancer.arn, asg, inventory)


NOT_EMULATED = (
    EmulatorLimit(
        ja="エミュレーターはルートユーザーの MFA を常に「未設定」と報告する"
        "（iam:GetAccountSummary の AccountMFAEnabled=0）ため、ルートユーザーの MFA は不適合と表示されます。",
        en="The emulator always reports the root user without MFA (iam:GetAccountSummary AccountMFAEnabled=0), so "
        "root MFA shows as a failure.",
    ),
    EmulatorLimit(
        ja="AWS Backup のリソース割り当て（backup:CreateBackupSelection）はエミュレーターが実装していないため、"
        "バックアッププランはありますが、対象のリソースを指定していません。",
        en="AWS Backup resource selections (backup:CreateBackupSelection) are not implemented by the emulator: "
        "the backup plan exists but names no resources.",
    ),
    EmulatorLimit(
        ja="エミュレーターの EC2 インスタンスでは SSM エージェントが動かないため、Systems Manager の"
        "マネージドインスタンスがなく、Patch Manager のパッチ適用状況（ssm:DescribeInstancePatchStates）は"
        "表示されません。実環境ではマネージドインスタンスごとに判定します。",
        en="No SSM agent runs on the emulator's EC2 instances, so there are no Systems Manager managed instances "
        "and no Patch Manager compliance (ssm:DescribeInstancePatchStates) is shown; on AWS each managed "
        "instance is judged.",
    ),
)


def seed_demo_estate(endpoint_url: str) -> DemoEstateDescription:
    """Create the sample estate on the emulator at ``endpoint_url`` and describe it.

    Expects a freshly started (or reset) emulator; seeding twice fails on names already taken.
    """
    clients = Clients(endpoint_url)
    inventory = Inventory()
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


@contextmanager
def demo_estate() -> Iterator[DemoEstate]:
    """The sample estate on a local moto server (``auditor demo``); stopped on exit."""
    with moto_server() as emulator:
        described = seed_demo_estate(emulator.endpoint_url)
        yield DemoEstate(
            options={"regions": tuple(described.regions)},
            environment={**DUMMY_CREDENTIALS, "AWS_ENDPOINT_URL": emulator.endpoint_url},
            description_ja="\n".join([described.summary_ja, *(f"エミュレーターの制約: {limit.ja}"
                                                               for limit in described.not_emulated)]),
            description_en="\n".join([described.summary_en, *(f"Emulator limit: {limit.en}"
                                                               for limit in described.not_emulated)]),
            planted_ja=tuple(f"{m.resource_name}（{m.region}）: {m.ja}" for m in described.mistakes),
            planted_en=tuple(f"{m.resource_name} ({m.region}): {m.en}" for m in described.mistakes),
        )
