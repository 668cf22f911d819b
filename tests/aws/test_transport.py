"""The read-only guard: a write, or a read the audit does not declare, through the adapter's sessions is
refused before anything is sent; every call a collection makes is allowed; the guard and the printed
policy are one list."""

from __future__ import annotations

import pytest

from auditor.checks import resource_types_for
from providers.aws import credentials
from providers.aws.calls import AUDITOR_SIDE, UNGATED, iam_action
from providers.aws.collect import KINDS
from providers.aws.permissions import actions
from providers.aws.plugin import provider
from providers.aws.settings import AwsSettings
from providers.aws.transport import WriteRefused, allowed_calls, is_read_only, share_client_classes
from tests.aws.conftest import TOKYO
from tests.aws.estates import AMI


@pytest.mark.parametrize("service, operation, allowed", [
    ("ec2", "DescribeInstances", True), ("s3", "GetBucketPolicy", True), ("s3", "HeadBucket", False),
    ("inspector2", "BatchGetAccountStatus", True), ("iam", "GenerateCredentialReport", True),
    ("sts", "AssumeRole", True), ("ec2", "TerminateInstances", False), ("s3", "PutObject", False),
    ("iam", "CreateAccessKey", False), ("s3", "DeleteBucket", False), ("ec2", "ModifyInstanceAttribute", False),
    ("iam", "GenerateServiceLastAccessedDetails", False),
])
def test_reads_pass_and_everything_else_is_refused(service, operation, allowed):
    assert is_read_only(service, operation) is allowed


def test_every_call_the_collectors_declare_is_a_read():
    for kind in KINDS.values():
        for service, operation in kind.calls():
            assert is_read_only(service, operation), f"{kind.resource_type}: {service}:{operation}"


def _sent(session) -> list[str]:
    sent: list[str] = []
    session.events.register("before-send", lambda request=None, **_: sent.append(request.url))
    return sent


def test_a_write_through_the_adapters_session_is_refused_before_it_is_sent(account):
    reservation = account.client("ec2").run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    instance_id = reservation["Instances"][0]["InstanceId"]
    account.client("s3").create_bucket(Bucket=f"evidence-{account.account_id}",
                                       CreateBucketConfiguration={"LocationConstraint": TOKYO})
    settings = AwsSettings(max_attempts=1)
    session = credentials.open_session(None, settings)
    sent = _sent(session)
    ec2 = session.client("ec2", region_name=TOKYO, config=settings.client_config())
    with pytest.raises(WriteRefused, match="ec2:TerminateInstances"):
        ec2.terminate_instances(InstanceIds=[instance_id])
    s3 = session.client("s3", region_name=TOKYO, config=settings.client_config())
    with pytest.raises(WriteRefused, match="s3:PutObject"):
        s3.put_object(Bucket=f"evidence-{account.account_id}", Key="tampered.txt", Body=b"x")
    assert sent == []
    state = account.client("ec2").describe_instances(InstanceIds=[instance_id])
    assert state["Reservations"][0]["Instances"][0]["State"]["Name"] == "running"
    assert "Contents" not in account.client("s3").list_objects_v2(Bucket=f"evidence-{account.account_id}")
    ec2.describe_instances(InstanceIds=[instance_id])  # reads still go through
    assert len(sent) == 1


def test_an_assumed_role_session_is_guarded_too(account):
    settings = AwsSettings(max_attempts=1)
    base = credentials.open_session(None, settings)
    role = credentials.assume_role(base, f"arn:aws:iam::{account.account_id}:role/Audit", "city-ext-id", "auditor",
                                settings)
    iam = role.client("iam", region_name=TOKYO, config=settings.client_config())
    with pytest.raises(WriteRefused):
        iam.create_user(UserName="intruder")
    assert account.client("iam").list_users()["Users"] == []


SIDE_EFFECTING_READS = [
    ("sts", "get_session_token", {}),
    ("secretsmanager", "get_secret_value", {"SecretId": "prod/db"}),
    ("cognito-identity", "get_id", {"IdentityPoolId": f"{TOKYO}:00000000-0000-0000-0000-000000000000"}),
    ("redshift", "get_cluster_credentials", {"DbUser": "admin", "ClusterIdentifier": "warehouse"}),
    ("waf", "get_change_token", {}),
]


@pytest.mark.parametrize("service, method, params", SIDE_EFFECTING_READS)
def test_reads_with_side_effects_are_refused_before_they_are_sent(account, service, method, params):
    settings = AwsSettings(max_attempts=1)
    session = credentials.open_session(None, settings)
    sent = _sent(session)
    client = session.client(service, region_name=TOKYO, config=settings.client_config())
    with pytest.raises(WriteRefused, match="not a read the audit declares"):
        getattr(client, method)(**params)
    assert sent == []


def test_every_call_a_full_collection_makes_is_allowed(account):
    collection = account.collect(regions=(TOKYO,))
    made = {(service, operation) for service, operation, _ in account.calls}
    assert collection.evidence and ("sts", "GetCallerIdentity") in made
    assert made <= allowed_calls(), sorted(made - allowed_calls())


def test_the_guard_and_the_printed_policy_are_one_list():
    checks = list(provider.checks())
    wanted = resource_types_for(checks)
    kind_calls = {call for kind in KINDS.values() if kind.resource_type in wanted for call in kind.calls()}
    guarded = {iam_action(*call) for call in allowed_calls()} - UNGATED - AUDITOR_SIDE
    printed = set(actions(checks, {"org": True}))
    assert printed == guarded
    assert kind_calls <= allowed_calls()


def test_clients_sharing_a_service_class_across_regions_keep_their_own_region_and_the_guard(account):
    """Each service's model and class are built once per session; every region's client still has its
    own region, endpoint and handlers, and every one of them refuses writes before sending."""
    osaka, virginia = "ap-northeast-3", "us-east-1"
    account.client("ec2", osaka).create_security_group(GroupName="osaka-web", Description="web")
    settings = AwsSettings(max_attempts=1)
    session = credentials.open_session(None, settings)
    sent = _sent(session)
    tokyo_ec2, osaka_ec2, virginia_ec2 = (session.client("ec2", region_name=region, config=settings.client_config())
                                          for region in (TOKYO, osaka, virginia))
    assert type(tokyo_ec2) is type(osaka_ec2) is type(virginia_ec2)
    assert tokyo_ec2.meta.service_model is osaka_ec2.meta.service_model
    assert [c.meta.region_name for c in (tokyo_ec2, osaka_ec2, virginia_ec2)] == [TOKYO, osaka, virginia]
    assert tokyo_ec2.meta.events is not osaka_ec2.meta.events
    names = {region: {g["GroupName"] for g in client.describe_security_groups()["SecurityGroups"]}
             for region, client in ((TOKYO, tokyo_ec2), (osaka, osaka_ec2))}
    assert "osaka-web" in names[osaka] and "osaka-web" not in names[TOKYO]
    for client in (tokyo_ec2, osaka_ec2, virginia_ec2):
        with pytest.raises(WriteRefused, match="ec2:CreateSecurityGroup"):
            client.create_security_group(GroupName="intruder", Description="x")
    assert len(sent) == 2  # the two reads; no write left the machine
    other = credentials.open_session(None, settings).client("ec2", region_name=TOKYO, config=settings.client_config())
    assert type(other) is not type(tokyo_ec2)  # another session builds its own (its handlers may differ)
    s3 = session.client("s3", region_name=osaka, config=settings.client_config())
    assert hasattr(s3, "upload_file")  # boto3's additions to the class are still there


def test_a_botocore_with_other_builders_is_left_as_it_is(monkeypatch):
    """The class sharing wraps two botocore internals; if their arguments ever differ, it stays off."""
    import botocore.client

    def load_service_model(self, service_name, api_version=None, *, partition=None):
        raise AssertionError("not called")

    def create_client_class(self, service_name, service_model):
        raise AssertionError("not called")

    monkeypatch.setattr(botocore.client.ClientCreator, "_load_service_model", load_service_model)
    monkeypatch.setattr(botocore.client.ClientCreator, "_create_client_class", create_client_class)
    share_client_classes()
    assert botocore.client.ClientCreator._load_service_model is load_service_model
    assert botocore.client.ClientCreator._create_client_class is create_client_class


def test_a_closed_session_and_its_shared_classes_are_freed(account):
    """The shared client classes live with their session: once its clients are gone, so is all of it
    (an organisation run opens one session per account)."""
    import gc
    import weakref

    settings = AwsSettings(max_attempts=1)
    session = credentials.open_session(None, settings)
    clients = [session.client(service, region_name=TOKYO, config=settings.client_config())
               for service in ("ec2", "s3", "iam")]
    emitter = weakref.ref(session._session.get_component("event_emitter"))
    classes = [weakref.ref(type(client)) for client in clients]
    del session, clients
    gc.collect()
    assert emitter() is None
    assert [c for c in classes if c() is not None] == []


#: Handler keys as botocore names its events: services, operations, wildcards, several levels deep.
_EVENT_KEYS = ("before-send", "before-send.ec2", "before-send.ec2.DescribeVolumes", "before-send.s3",
               "needs-retry.ec2", "needs-retry.*.GetObject", "provide-client-params", "provide-client-params.s3",
               "provide-client-params.s3.PutObject", "after-call.*", "after-call.iam.GetUser")
_EVENT_LOOKUPS = (*_EVENT_KEYS, "before-send.ec2.DescribeInstances", "needs-retry.s3.GetObject",
                  "provide-client-params.s3.GetObject", "after-call.kms", "choose-signer", "before-send.x.y.z")


@pytest.mark.parametrize("seed", range(40))
def test_the_copy_on_write_handler_table_finds_what_botocores_own_finds(seed):
    """Random registrations, removals and copies, done alike on botocore's table and on the
    copy-on-write one (a copy of a copy included): every table finds the same handlers in the same order
    as its botocore twin after every step, so what one copy registers is never seen by another."""
    import copy
    import random

    from botocore.hooks import _PrefixTrie

    from providers.aws.handler_table import CopyOnWriteHandlers

    rng = random.Random(seed)
    twins = [(_PrefixTrie(), CopyOnWriteHandlers())]
    handlers = iter(range(10**6))
    for _ in range(120):
        plain, shared = rng.choice(twins)
        action, key = rng.random(), rng.choice(_EVENT_KEYS)
        if action < 0.15 and len(twins) < 8:
            twins.append((copy.copy(plain), copy.copy(shared)))
        elif action < 0.4:
            present = list(plain.prefix_search(key))
            if present:
                value = rng.choice(present)
                errors = []
                for table in (plain, shared):
                    try:
                        table.remove_item(key, value)
                        errors.append(None)
                    except Exception as error:  # the value is registered under a shorter key: botocore fails
                        errors.append(type(error))
                assert errors[0] is errors[1]
        else:
            value, section = next(handlers), rng.randrange(3)
            plain.append_item(key, value, section=section)
            shared.append_item(key, value, section=section)
        for one, other in twins:
            assert [list(one.prefix_search(k)) for k in _EVENT_LOOKUPS] == \
                   [list(other.prefix_search(k)) for k in _EVENT_LOOKUPS]


def test_sessions_use_the_copy_on_write_table_and_their_clients_keep_their_own_handlers(account):
    """The adapter's sessions copy handlers on write; a handler one client registers fires for it alone,
    one registered on the session afterwards reaches only clients made afterwards (botocore's own
    behaviour), and the guard is on every client."""
    from providers.aws.handler_table import CopyOnWriteHandlers

    settings = AwsSettings(max_attempts=1)
    session = credentials.open_session(None, settings)
    assert isinstance(session._session._original_handler._handlers, CopyOnWriteHandlers)
    seen: list[str] = []
    first, second = (session.client("ec2", region_name=TOKYO, config=settings.client_config()) for _ in range(2))
    first.meta.events.register("before-send.ec2", lambda **_: seen.append("first"))
    session.events.register("before-send.ec2", lambda **_: seen.append("session"))
    third = session.client("ec2", region_name=TOKYO, config=settings.client_config())
    for client in (first, second, third):
        client.describe_vpcs()
    assert seen == ["first", "session"]
    for client in (first, second, third):
        with pytest.raises(WriteRefused):
            client.create_vpc(CidrBlock="10.0.0.0/16")


def test_a_botocore_whose_handler_table_differs_keeps_its_own(monkeypatch):
    """The copy-on-write table is checked against botocore's before it is used: a table that behaves
    otherwise (here, one whose copies share what they register) leaves sessions on botocore's own."""
    import botocore.hooks

    from providers.aws import handler_table
    from providers.aws.transport import new_botocore_session

    class Leaky(botocore.hooks._PrefixTrie):
        def __copy__(self):
            return self  # every copy is the original: a registration shows up in all of them

    assert handler_table.behaves_like(botocore.hooks._PrefixTrie, handler_table.CopyOnWriteHandlers)
    assert not handler_table.behaves_like(botocore.hooks._PrefixTrie, Leaky)
    monkeypatch.setattr(handler_table, "CopyOnWriteHandlers", Leaky)
    handler_table.copy_on_write_emitter.cache_clear()
    try:
        session = new_botocore_session()
        assert type(session._original_handler) is botocore.hooks.HierarchicalEmitter
    finally:
        monkeypatch.undo()
        handler_table.copy_on_write_emitter.cache_clear()
    assert type(new_botocore_session()._original_handler) is handler_table.CopyOnWriteEmitter
