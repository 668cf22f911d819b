"""Every control of DESIGN §3 (AWS column), decided from live configuration: a passing resource in a
well-kept estate, a failing one in a neglected estate, and UNKNOWN (never PASS) when the call that
reads it is refused as AWS refuses it (``AccessDenied``)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from auditor.controls import load_controls
from auditor.status import Status
from providers.aws.plugin import provider
from tests.aws.conftest import OSAKA, TOKYO, VIRGINIA, Audit, new_account
from tests.aws.estates import seed_bad, seed_good


@dataclass(frozen=True)
class Case:
    check: str
    good: str  # the resource (name or id) that passes in the good estate
    bad: str  # the resource that fails in the bad estate
    refuse: str  # the call refused for the UNKNOWN case
    estate: str = "good"  # which estate the UNKNOWN case audits
    unknown: str = ""  # the resource expected UNKNOWN ("" → the good/bad resource, or the gap)


CASES = {
    "residency.japan": Case("aws.ec2.volume_in_japan", "good-volume", "bad-volume", "ec2:DescribeVolumes"),
    "encryption.at-rest": Case("aws.rds.instance_storage_encrypted", "good-db", "bad-db", "rds:DescribeDBInstances"),
    "tls.in-transit": Case("aws.s3.bucket_secure_transport", "good-data-", "bad-data-", "s3:GetBucketPolicy"),
    "identity.admin-mfa": Case("aws.iam.admin_console_mfa", "good-admin", "bad-admin", "iam:GetCredentialReport"),
    "identity.password-policy": Case("aws.iam.password_policy", "root", "root", "iam:GetAccountPasswordPolicy"),
    "identity.least-privilege": Case("aws.iam.policy_full_access", "good-readonly", "bad-everything",
                                     "iam:GetAccountAuthorizationDetails"),
    "identity.account-lifecycle": Case("aws.iam.access_key_rotated", "good-admin", "bad-admin",
                                       "iam:GetCredentialReport"),
    "identity.access-restriction": Case("aws.iam.admin_source_restricted", "good-admin", "bad-admin",
                                        "iam:GetAccountAuthorizationDetails"),
    "logging.audit-trail": Case("aws.cloudtrail.multi_region_trail_logging", "cloudtrail", "cloudtrail",
                                "cloudtrail:DescribeTrails"),
    "logging.retention-1y": Case("aws.logs.log_group_retention", "good-logs", "bad-logs", "logs:DescribeLogGroups"),
    "logging.integrity": Case("aws.cloudtrail.log_integrity", "good-trail", "bad-trail",
                              "s3:GetObjectLockConfiguration", estate="bad", unknown="bad-trail"),
    "network.waf": Case("aws.elbv2.load_balancer_waf", "good-alb", "bad-alb", "wafv2:GetWebACLForResource"),
    "network.ids": Case("aws.guardduty.enabled", TOKYO, VIRGINIA, "guardduty:ListDetectors"),
    "network.firewall": Case("aws.ec2.security_group_admin_ports", "good-https", "bad-ssh",
                             "ec2:DescribeSecurityGroups"),
    "resilience.redundancy": Case("aws.rds.instance_multi_az", "good-db", "bad-db", "rds:DescribeDBInstances"),
    "resilience.backup": Case("aws.dynamodb.table_pitr", "good-table", "bad-table",
                              "dynamodb:DescribeContinuousBackups"),
    "time.sync": Case("aws.ec2.vpc_time_source", TOKYO, TOKYO, "ec2:DescribeDhcpOptions"),
    "vuln.management": Case("aws.inspector2.scanning", TOKYO, TOKYO, "inspector2:BatchGetAccountStatus"),
    "vuln.malware": Case("aws.guardduty.malware_protection", TOKYO, TOKYO, "guardduty:GetDetector"),
    "ops.monitoring": Case("aws.cloudwatch.alarm_notifies", "good-alarm", "bad-alarm", "sns:ListSubscriptionsByTopic"),
}
GOOD_REGIONS, BAD_REGIONS = (TOKYO, OSAKA), (TOKYO, VIRGINIA)


@pytest.fixture(scope="module")
def good(emulator):
    account = new_account(emulator)
    seed_good(account)
    return account


@pytest.fixture(scope="module")
def bad(emulator):
    account = new_account(emulator)
    seed_bad(account)
    return account


@pytest.fixture(scope="module")
def good_audit(good) -> Audit:
    return good.audit(GOOD_REGIONS)


@pytest.fixture(scope="module")
def bad_audit(bad) -> Audit:
    return bad.audit(BAD_REGIONS)


def matching(audit: Audit, check: str, resource: str):
    found = [f for f in audit.of(check)
             if resource in (f.region, f.resource_name) or f.resource_name.startswith(resource)
             or resource in f.resource_id]
    assert found, f"no finding of {check} for {resource}: {[(f.resource_name, f.region) for f in audit.of(check)]}"
    return found


def test_every_control_but_the_inherited_one_has_a_case():
    expected = {c.id for c in load_controls().values() if not c.inherited}
    assert set(CASES) == expected
    checks = {c.id: c.control_id for c in provider.checks()}
    for control, case in CASES.items():
        assert checks[case.check] == control


@pytest.mark.parametrize("control", sorted(CASES))
def test_passes_in_the_well_kept_estate(control, good_audit):
    case = CASES[control]
    findings = matching(good_audit, case.check, case.good)
    assert {f.status for f in findings} == {Status.PASS}, [f.reason for f in findings]


@pytest.mark.parametrize("control", sorted(CASES))
def test_fails_in_the_neglected_estate(control, bad_audit):
    case = CASES[control]
    findings = matching(bad_audit, case.check, case.bad)
    assert Status.FAIL in {f.status for f in findings}, [(f.status, f.reason) for f in findings]
    failed = [f for f in findings if f.status is Status.FAIL]
    assert all(f.reason and f.expected and f.source for f in failed)


@pytest.fixture(scope="module")
def refused_audits(good, bad):
    """One audit per (estate, refused call), reading every kind the cases refusing that call need."""
    kinds_of = {c.id: c.resource_type for c in provider.checks()}
    wanted: dict[tuple[str, str], set[str]] = {}
    for case in CASES.values():
        kind = kinds_of[case.check]
        wanted.setdefault((case.estate, case.refuse), set()).update({kind, *_region_usage_kinds(kind)})
    done: dict[tuple[str, str], Audit] = {}

    def audit(case: Case) -> Audit:
        key = (case.estate, case.refuse)
        if key not in done:
            estate = good if case.estate == "good" else bad
            estate.refusals.clear()
            estate.refuse(case.refuse)
            try:
                done[key] = estate.audit(GOOD_REGIONS if case.estate == "good" else BAD_REGIONS,
                                         kinds=frozenset(wanted[key]))
            finally:
                estate.refusals.clear()
        return done[key]

    return audit


@pytest.mark.parametrize("control", sorted(CASES))
def test_unknown_when_the_call_is_denied(control, refused_audits):
    case = CASES[control]
    findings = refused_audits(case).of(case.check)
    unknown = [f for f in findings if f.status is Status.UNKNOWN]
    assert unknown, [(f.resource_name, f.status, f.reason) for f in findings]
    assert Status.PASS not in {f.status for f in findings if case.unknown and case.unknown in f.resource_name}
    assert any("AccessDenied" in f.reason for f in unknown)
    operation = case.refuse.split(":")[1]
    assert any(operation in f.reason or operation in f.source for f in unknown)


def _region_usage_kinds(resource_type: str) -> frozenset[str]:
    """Region-level checks need the regional resource kinds that tell whether a region is in use."""
    if resource_type in ("aws.guardduty.region", "aws.inspector2.region", "aws.cloudwatch.region"):
        return frozenset({"aws.ec2.instance", "aws.ec2.volume"})
    return frozenset()


def test_the_well_kept_estate_passes_every_control(good_audit):
    failed = [(f.check_id, f.resource_name, f.reason) for f in good_audit.findings if f.status is Status.FAIL]
    # moto always reports AccountMFAEnabled = 0, so the root MFA check fails on the emulator.
    assert [f[0] for f in failed] == ["aws.iam.root_mfa"], failed


def test_each_mistake_of_the_neglected_estate_is_reported(bad_audit):
    failed = {(f.check_id, f.resource_name or f.region) for f in bad_audit.findings if f.status is Status.FAIL}
    expected = {
        ("aws.ec2.volume_in_japan", "bad-volume"), ("aws.ec2.volume_encrypted", "bad-volume"),
        ("aws.iam.policy_full_access", "bad-everything"), ("aws.iam.access_key_unused", "bad-admin#access-key-1"),
        ("aws.cloudtrail.log_bucket_retention", "bad-trail"), ("aws.elbv2.load_balancer_waf", "bad-alb"),
    }
    assert expected <= failed, expected - failed


def test_the_printed_policy_grants_every_call_the_audits_made(good, bad, good_audit, bad_audit):
    from tests.aws.test_permissions import ungranted

    made = {(service, op) for service, op, _ in good.calls + bad.calls}
    assert len(made) > 45
    assert ungranted(good.calls + bad.calls, {}) == []
