"""Pure decisions: policy documents, lifecycle rules, event selectors, open ports, time servers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auditor.model import Evidence
from auditor.status import Status
from providers.aws.checks.logging import shortest_expiry, trail_retention
from providers.aws.checks.network import exposures
from providers.aws.checks.operations import unusable_time_server
from providers.aws.collect.compute import open_ingress
from providers.aws.collect.trail import management_events
from providers.aws.policies import (
    allowed_regions,
    denies_insecure_transport,
    denies_outside_source,
    grants_full_access,
)

ALLOW_ALL = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@pytest.mark.parametrize("document, full", [
    (ALLOW_ALL, True),
    ({"Statement": {"Effect": "Allow", "Action": ["*:*"], "Resource": ["*"]}}, True),
    ({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}, False),
    ({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}, False),
    ({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}, False),
    (None, False),
])
def test_full_access(document, full):
    assert grants_full_access(document) is full


def test_source_restrictions():
    deny = {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
                           "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}}]}
    assert denies_outside_source(deny)
    assert not denies_outside_source({"Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket",
                                                     "Resource": "*", "Condition": deny["Statement"][0]["Condition"]}]})
    assert not denies_outside_source(ALLOW_ALL)


def test_region_deny_scp():
    scp = {"Statement": [{"Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*",
                          "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["ap-northeast-1", "us-east-1"]}}}]}
    assert allowed_regions(scp) == ["ap-northeast-1", "us-east-1"]
    assert allowed_regions(ALLOW_ALL) is None


@pytest.mark.parametrize("statement, enforced", [
    ({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
     True),
    ({"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
      "Condition": {"Bool": {"aws:SecureTransport": False}}}, True),
    ({"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}}, False),
    ({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
     False),
])
def test_secure_transport(statement, enforced):
    assert denies_insecure_transport({"Statement": [statement]}) is enforced


def test_lifecycle_rules_that_reach_trail_logs():
    rules = [
        {"id": "tmp", "enabled": True, "prefix": "tmp/", "tag_filter": False, "expiration_days": 1},
        {"id": "tagged", "enabled": True, "prefix": "", "tag_filter": True, "expiration_days": 7},
        {"id": "old", "enabled": False, "prefix": "", "tag_filter": False, "expiration_days": 3},
        {"id": "logs", "enabled": True, "prefix": "AWSLogs/", "tag_filter": False, "expiration_days": 400},
    ]
    assert shortest_expiry(rules, "AWSLogs/") == (400, ["logs"])
    assert shortest_expiry(rules[:3], "AWSLogs/") == (None, [])
    evidence = Evidence("aws", "1", "ap-northeast-1", "aws.cloudtrail.trail", "t", "s", datetime.now(UTC),
                        {"bucket": "b", "log_prefix": "AWSLogs/", "bucket_lifecycle_rules": [
                            {"id": "short", "enabled": True, "prefix": "", "tag_filter": False,
                             "expiration_days": 90}]})
    assert trail_retention(evidence).status is Status.FAIL


@pytest.mark.parametrize("selectors, expected", [
    ({"EventSelectors": [], "AdvancedEventSelectors": []}, "All"),
    ({"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]}, "WriteOnly"),
    ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False}]}, "None"),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]}, "All"),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}]}, "None"),
])
def test_management_events(selectors, expected):
    assert management_events(selectors) == expected


def test_open_ports():
    rules = open_ingress([
        {"IpProtocol": "tcp", "FromPort": 3300, "ToPort": 3400, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    ])
    found = exposures(rules)
    assert "tcp/3306 (MySQL) ← 0.0.0.0/0" in found and "tcp/3389 (RDP) ← 0.0.0.0/0" in found
    assert "全ポート・全プロトコル ← ::/0" in found and not any("443" in f or "/22 " in f for f in found)


@pytest.mark.parametrize("server, usable", [
    ("169.254.169.123", True), ("10.0.0.2", True), ("127.0.0.1", False), ("0.0.0.0", False),
    ("192.0.2.10", False), ("ntp.example.jp", False),
])
def test_time_servers(server, usable):
    assert (unusable_time_server(server) is None) is usable


def test_retry_settings_follow_the_standard_variables():
    from providers.aws.settings import AwsSettings

    assert AwsSettings().retries({}) == {"mode": "adaptive", "total_max_attempts": 3}
    assert AwsSettings().retries({"AWS_MAX_ATTEMPTS": "3", "AWS_RETRY_MODE": "standard"}) == {
        "mode": "standard", "total_max_attempts": 3}
    assert AwsSettings().retries({"AWS_MAX_ATTEMPTS": "many"})["total_max_attempts"] == 3
    assert AwsSettings(max_attempts=1).retries({"AWS_MAX_ATTEMPTS": "5"})["total_max_attempts"] == 1
