"""The read-only guard: a write through the adapter's sessions is refused before anything is sent."""

from __future__ import annotations

import pytest

from providers.aws import session as sessions
from providers.aws.collectors import KINDS
from providers.aws.guard import WriteRefused, is_read_only
from providers.aws.settings import AwsSettings
from tests.aws.conftest import TOKYO
from tests.aws.estates import AMI


@pytest.mark.parametrize("service, operation, allowed", [
    ("ec2", "DescribeInstances", True), ("s3", "GetBucketPolicy", True), ("s3", "HeadBucket", True),
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
    session = sessions.open_session(None, settings)
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
    base = sessions.open_session(None, settings)
    role = sessions.assume_role(base, f"arn:aws:iam::{account.account_id}:role/Audit", "city-ext-id", "auditor",
                                settings)
    iam = role.client("iam", region_name=TOKYO, config=settings.client_config())
    with pytest.raises(WriteRefused):
        iam.create_user(UserName="intruder")
    assert account.client("iam").list_users()["Users"] == []
