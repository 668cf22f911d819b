"""Collection behaviour a user notices: the region sweep, organisations, the moto differences coded for
real AWS, and every kind of failed call turning into a visible gap."""

from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from auditor.checks import run_checks
from auditor.plugins import CollectRequest
from auditor.serialize import snapshot_to_dict
from auditor.snapshot_file import read_snapshot
from auditor.status import Status
from providers.aws.plugin import AwsProvider, provider
from providers.aws.settings import AwsSettings
from tests.aws.conftest import (
    OSAKA,
    TOKYO,
    VIRGINIA,
    credentials_for,
    denied,
    policy_document,
)
from tests.aws.estates import bucket, instance, volume

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")

RESIDENCY_KINDS = frozenset({"aws.ec2.instance", "aws.ec2.volume", "aws.s3.bucket"})


def test_default_sweep_covers_every_enabled_region_and_finds_what_lives_abroad(account):
    volume(account, TOKYO, "tokyo-data", encrypted=True)
    instance(account, "eu-west-1", "ireland-web")
    bucket(account, f"virginia-{account.account_id}", VIRGINIA)
    audit = account.audit(regions=None, kinds=RESIDENCY_KINDS)
    swept = set(audit.collection.scope.regions)
    assert {TOKYO, OSAKA, VIRGINIA, "eu-west-1"} <= swept
    assert "ap-east-1" not in swept  # listed by DescribeRegions as not opted in
    assert audit.one("aws.ec2.volume_in_japan", "tokyo-data").status is Status.PASS
    ireland = audit.one("aws.ec2.instance_in_japan", "ireland-web")
    assert ireland.status is Status.FAIL and ireland.region == "eu-west-1"
    assert audit.one("aws.s3.bucket_in_japan", f"virginia-{account.account_id}").status is Status.FAIL
    assert not audit.collection.gaps


def test_regions_option_narrows_the_sweep(account):
    instance(account, "eu-west-1", "ireland-web")
    audit = account.audit(regions=("ap-northeast-1,ap-northeast-3",), kinds=RESIDENCY_KINDS)
    assert audit.collection.scope.regions == (TOKYO, OSAKA)
    assert not audit.of("aws.ec2.instance_in_japan")


def test_a_multi_region_trail_homed_outside_the_swept_regions_still_counts(account):
    bucket(account, f"trail-{account.account_id}", VIRGINIA)
    cloudtrail = account.client("cloudtrail", VIRGINIA)
    cloudtrail.create_trail(Name="org-trail", S3BucketName=f"trail-{account.account_id}", IsMultiRegionTrail=True)
    cloudtrail.start_logging(Name="org-trail")
    audit = account.audit(regions=(TOKYO,), kinds=frozenset({"aws.cloudtrail.trail", "aws.cloudtrail.account"}))
    assert audit.one("aws.cloudtrail.multi_region_trail_logging").status is Status.PASS
    (trail,) = audit.evidence("aws.cloudtrail.trail")
    assert trail.region == VIRGINIA and trail.attributes["logging"] is True


def test_threat_detection_matters_only_in_regions_that_hold_resources(account):
    volume(account, TOKYO, "tokyo-data", encrypted=True)
    audit = account.audit(regions=(TOKYO, OSAKA), kinds=frozenset({"aws.guardduty.region", "aws.ec2.volume"}))
    by_region = {f.region: f for f in audit.of("aws.guardduty.enabled")}
    assert by_region[TOKYO].status is Status.FAIL and "EBS ボリューム 1" in by_region[TOKYO].reason
    assert by_region[OSAKA].status is Status.NOT_APPLICABLE


def test_region_usage_unknown_when_its_listing_was_denied(account):
    account.refuse("ec2:DescribeVolumes")
    audit = account.audit(regions=(OSAKA,), kinds=frozenset({"aws.guardduty.region", "aws.ec2.volume"}))
    finding = audit.one("aws.guardduty.enabled")
    assert finding.status is Status.UNKNOWN and "DescribeVolumes" in finding.reason
    assert "could not be read, so whether the region holds resources is unknown" in finding.reason_en
    assert not JAPANESE.search(finding.reason_en), finding.reason_en


def test_a_denied_follow_up_names_its_permission_in_both_languages(shared):
    name = f"denied-{shared.account_id}"
    bucket(shared, name)
    shared.refuse("s3:GetBucketEncryption")
    finding = shared.audit(kinds=frozenset({"aws.s3.bucket"})).one("aws.s3.bucket_default_encryption", name)
    assert finding.status is Status.UNKNOWN
    assert "必要な権限: s3:GetEncryptionConfiguration" in finding.reason
    assert "(needs s3:GetEncryptionConfiguration)" in finding.reason_en
    assert not JAPANESE.search(finding.reason_en), finding.reason_en


def test_s3_default_encryption_configured_or_platform_default(shared):
    bucket(shared, f"plain-{shared.account_id}")
    bucket(shared, f"kms-{shared.account_id}", tls_only=True)
    audit = shared.audit(kinds=frozenset({"aws.s3.bucket"}))
    plain = audit.one("aws.s3.bucket_default_encryption", f"plain-{shared.account_id}")
    assert plain.status is Status.PASS and "プラットフォーム既定" in plain.reason
    assert "aws:kms" in audit.one("aws.s3.bucket_default_encryption", f"kms-{shared.account_id}").reason


def test_replication_to_a_bucket_abroad_fails_residency(shared):
    source, target = f"src-{shared.account_id}", f"dr-{shared.account_id}"
    bucket(shared, source)
    bucket(shared, target, "us-west-2")
    s3 = shared.client("s3")
    for name, region in ((source, TOKYO), (target, "us-west-2")):
        shared.client("s3", region).put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": f"arn:aws:iam::{shared.account_id}:role/replication",
        "Rules": [{"ID": "dr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": f"arn:aws:s3:::{target}"}}]})
    audit = shared.audit(kinds=frozenset({"aws.s3.bucket"}))
    finding = audit.one("aws.s3.replication_in_japan", source)
    assert finding.status is Status.FAIL and "us-west-2" in finding.reason


def test_listener_tls_versions_and_redirects(shared):
    from tests.aws.estates import load_balancer

    arn = load_balancer(shared, "edge", waf=False)
    elbv2 = shared.client("elbv2")
    certificate = shared.client("acm").request_certificate(DomainName="madoguchi.example.jp")["CertificateArn"]
    vpc = shared.client("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    group = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]
    forward = [{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}]
    redirect = [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]
    for port, protocol, policy, actions in ((80, "HTTP", None, redirect), (8080, "HTTP", None, forward),
                                            (443, "HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06", forward),
                                            (8443, "HTTPS", "ELBSecurityPolicy-2016-08", forward)):
        extra = {"SslPolicy": policy, "Certificates": [{"CertificateArn": certificate}]} if policy else {}
        elbv2.create_listener(LoadBalancerArn=arn, Protocol=protocol, Port=port, DefaultActions=actions, **extra)
    audit = shared.audit(kinds=frozenset({"aws.elbv2.listener"}))
    status = {f.resource_name: f.status for f in audit.of("aws.elbv2.listener_tls")}
    assert status == {"edge:80": Status.PASS, "edge:8080": Status.FAIL, "edge:443": Status.PASS,
                      "edge:8443": Status.FAIL}


def test_aws_managed_keys_are_not_judged_as_customer_keys(shared):
    volume(shared, TOKYO, "encrypted-by-aws-ebs-key", encrypted=True)  # moto makes alias/aws/ebs a "customer" key
    kms = shared.client("kms")
    kms.create_key(Description="app data")
    audit = shared.audit(kinds=frozenset({"aws.kms.key"}))
    status = {f.resource_name: f.status for f in audit.of("aws.kms.customer_key_rotation")}
    assert status["app data"] is Status.FAIL
    assert Status.NOT_APPLICABLE in {s for name, s in status.items() if name != "app data"}


@pytest.mark.parametrize("error, code", [
    (ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, "DescribeVolumes"), "Throttling"),
    (EndpointConnectionError(endpoint_url="https://ec2.ap-northeast-1.amazonaws.com/"), "EndpointConnectionError"),
    (denied("OptInRequired", "You are not subscribed to this service"), "OptInRequired"),
    (denied("UnauthorizedOperation", "You are not authorized to perform this operation."), "UnauthorizedOperation"),
])
def test_a_failed_listing_is_a_gap_and_the_rest_goes_on(shared, error, code):
    volume(shared, TOKYO, f"refused-{code}", encrypted=True)
    kept = f"kept-{code.lower()}-{shared.account_id}"
    bucket(shared, kept)
    shared.refuse("ec2:DescribeVolumes", error)
    audit = shared.audit(kinds=frozenset({"aws.ec2.volume", "aws.s3.bucket"}))
    (gap,) = audit.collection.gaps
    assert (gap.source, gap.error_code, gap.region, gap.permission) == (
        "ec2:DescribeVolumes", code, TOKYO, "ec2:DescribeVolumes")
    assert gap.resource_types == ("aws.ec2.volume",)
    assert audit.statuses("aws.ec2.volume_encrypted") == {Status.UNKNOWN}
    assert audit.one("aws.s3.bucket_in_japan", kept).status is Status.PASS


def test_an_operation_the_endpoint_does_not_implement_makes_the_finding_unknown(shared):
    backup = shared.client("backup")
    backup.create_backup_vault(BackupVaultName="daily")
    backup.create_backup_plan(BackupPlan={"BackupPlanName": "daily", "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": "daily", "ScheduleExpression": "cron(0 17 * * ? *)"}]})
    audit = shared.audit(kinds=frozenset({"aws.backup.plan"}))
    finding = audit.one("aws.backup.plan_in_use", "daily")  # moto has no ListBackupSelections
    assert finding.status is Status.UNKNOWN and "ListBackupSelections" in finding.reason
    assert "未実装" in finding.reason and "may not be implemented" in finding.reason_en
    assert not JAPANESE.search(finding.reason_en), finding.reason_en


#: The records the tool makes for account-wide and region-wide settings, with the label each is shown by.
SETTINGS_LABELS = {
    "aws.iam.account": "<root_account>",
    "aws.cloudtrail.account": "cloudtrail:account",
    "aws.ec2.ebs_default_encryption": "ebs:default-encryption",
    "aws.cloudwatch.region": "cloudwatch:alarms",
}


def test_account_and_region_settings_are_labelled_the_same_in_every_language(shared):
    audit = shared.audit(kinds=frozenset(SETTINGS_LABELS))
    labels = {e.resource_type: e.name for e in audit.collection.evidence}
    assert labels == SETTINGS_LABELS
    root = audit.one("aws.iam.root_mfa")
    assert (root.resource_name, root.resource_id) == ("<root_account>", f"arn:aws:iam::{shared.account_id}:root")


def test_progress_is_reported_until_everything_is_done(shared):
    seen = []
    shared.collect(regions=(TOKYO, OSAKA), kinds=frozenset({"aws.ec2.volume", "aws.s3.bucket", "aws.logs.log_group"}),
                   progress=lambda done, total, label: seen.append((done, total, label)))
    assert seen and seen[-1][0] == seen[-1][1] == len(seen)
    assert all(done <= total for done, total, _ in seen)


def test_snapshot_round_trip_decides_the_same(shared, tmp_path):
    volume(shared, VIRGINIA, "abroad", encrypted=False)
    collection = shared.collect(regions=(TOKYO, VIRGINIA), kinds=frozenset({
        "aws.ec2.volume", "aws.s3.bucket", "aws.guardduty.region", "aws.ec2.vpc", "aws.ec2.security_group"}))
    from auditor.model import RunInfo, utc_now

    run = RunInfo("r1", utc_now(), utc_now(), "0", (collection.scope,))
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(snapshot_to_dict(run, collection.evidence, collection.gaps), default=str))
    _, evidence, gaps = read_snapshot(path)
    before = {(f.check_id, f.resource_id, f.status) for f in run_checks(provider.checks(), collection.evidence,
                                                                          collection.gaps)}
    after = {(f.check_id, f.resource_id, f.status) for f in run_checks(provider.checks(), evidence, gaps)}
    assert before == after and any(s is Status.FAIL for _, _, s in after)


def test_raw_payloads_keep_no_secrets(shared):
    from tests.aws.estates import admin_user

    admin_user(shared, "ops", mfa=False, office_only=False)
    collection = shared.collect(kinds=frozenset({"aws.iam.user", "aws.iam.access_key"}))
    text = json.dumps([e.raw for e in collection.evidence], default=str)
    assert "Sufficiently-Long-Passw0rd" not in text and "cert_1_active" not in text
    assert "SecretAccessKey" not in text


def test_organisation_mode_audits_every_account_through_the_named_role(account):
    organizations = account.client("organizations", VIRGINIA)
    organizations.create_organization(FeatureSet="ALL")
    created = organizations.create_account(Email="member@example.jp", AccountName="member")
    member_id = created["CreateAccountStatus"]["AccountId"]
    root = organizations.list_roots()["Roots"][0]["Id"]
    organizations.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    scp = organizations.create_policy(Name="japan-only", Type="SERVICE_CONTROL_POLICY", Description="Japan only",
                                      Content=policy_document({
                                          "Effect": "Deny", "NotAction": ["iam:*", "sts:*", "cloudfront:*"],
                                          "Resource": "*", "Condition": {"StringNotEquals": {
                                              "aws:RequestedRegion": [TOKYO, OSAKA]}}}))
    organizations.attach_policy(PolicyId=scp["Policy"]["PolicySummary"]["Id"], TargetId=root)
    volume(account, TOKYO, "management-data", encrypted=True)
    from tests.aws.conftest import Account

    member = Account(account.endpoint, member_id, credentials_for(account.endpoint, member_id))
    volume(member, VIRGINIA, "member-data", encrypted=True)
    audit = account.audit(regions=(TOKYO, VIRGINIA), kinds=RESIDENCY_KINDS | {"aws.organizations.scp"}, org=True,
                          org_role="AuditReadOnly")
    assert set(audit.collection.scope.scopes) == {account.account_id, member_id}
    assert audit.collection.scope.identity["organization_accounts"] == "2"
    roles = {params.get("RoleArn") for service, op, params in account.calls if op == "AssumeRole"}
    assert f"arn:aws:iam::{member_id}:role/AuditReadOnly" in roles
    abroad = audit.one("aws.ec2.volume_in_japan", "member-data")
    assert abroad.status is Status.FAIL and abroad.scope == member_id
    assert audit.one("aws.ec2.volume_in_japan", "management-data").scope == account.account_id
    guard = audit.one("aws.organizations.scp_denies_regions_outside_japan", "japan-only")
    assert guard.status is Status.PASS and guard.scope == account.account_id
    from tests.aws.test_permissions import ungranted

    assert ("organizations", "ListAccounts") in {(s, op) for s, op, _ in account.calls}
    assert ungranted(account.calls, {"org": True}) == []


def test_organisation_member_whose_role_cannot_be_assumed_is_a_gap(account):
    organizations = account.client("organizations", VIRGINIA)
    organizations.create_organization(FeatureSet="ALL")
    member_id = organizations.create_account(Email="m@example.jp", AccountName="m")["CreateAccountStatus"]["AccountId"]
    volume(account, TOKYO, "management-data", encrypted=True)
    account.refuse("sts:AssumeRole")
    audit = account.audit(kinds=frozenset({"aws.ec2.volume"}), org=True)
    (gap,) = audit.collection.gaps
    assert (gap.scope, gap.source, gap.error_code) == (member_id, "sts:AssumeRole", "AccessDenied")
    unknown = [f for f in audit.of("aws.ec2.volume_in_japan") if f.scope == member_id]
    assert unknown and {f.status for f in unknown} == {Status.UNKNOWN}
    assert audit.one("aws.ec2.volume_in_japan", "management-data").status is Status.PASS


def test_an_organisation_is_collected_a_few_accounts_at_a_time_and_each_finished_account_is_released():
    """Follow-ups of open accounts run before new accounts start, so memory does not grow with the
    organisation; every account is completed once and its clients and session released."""
    import threading

    from providers.aws.collect import run as engine
    from providers.aws.kinds import Outcome, Task
    from providers.aws.settings import AwsSettings

    workers = 8
    accounts = [f"{n:012d}" for n in range(1, 25)]
    run = engine._Run(AwsSettings(max_workers=workers), frozenset(), ())
    lock = threading.Lock()
    started: list[str] = []
    completed: list[str] = []
    closed: list[str] = []
    most_open = 0

    class Context:
        def __init__(self, account: str) -> None:
            self.account = account

        def close(self) -> None:
            closed.append(self.account)

    def follow_up() -> Outcome:
        return Outcome(tasks=[Task("leaf", Outcome)])

    def account_task(account: str) -> Outcome:
        nonlocal most_open
        with lock:
            started.append(account)
            most_open = max(most_open, len(started) - len(completed))
        run.by_account[account].context = Context(account)
        return Outcome(tasks=[Task(f"{account} {n}", follow_up) for n in range(6)])

    complete = run.complete

    def record(account: str) -> None:
        with lock:
            completed.append(account)
        complete(account)

    run.complete = record
    for account in accounts:
        run.add(account)
    engine._execute([(a, Task(a, lambda a=a: account_task(a))) for a in accounts], workers, None, run)
    assert sorted(completed) == sorted(closed) == accounts
    assert 1 <= most_open <= engine.open_accounts(workers) < len(accounts)


def test_a_credential_report_that_is_not_ready_in_time_is_said_in_both_languages(account):
    account.client("iam").create_user(UserName="late-report")
    provider = AwsProvider(AwsSettings(max_attempts=1, credential_report_wait=0.0))
    collection = provider.collect(CollectRequest(frozenset({"aws.iam.user", "aws.iam.access_key"}),
                                                 {"regions": (TOKYO,)}))
    causes = [(e.cause(a), e.cause(a, "en")) for e in collection.evidence for a in e.unreadable]
    assert causes, "the users' credential-report details are unreadable"
    assert all("認証情報レポートが時間内に作成されなかった" in ja and "not ready in time" in en
               and not JAPANESE.search(en) for ja, en in causes), causes
