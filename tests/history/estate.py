"""Two months of a small AWS-like estate, decided by the real core (checks, roll-up, checklists).

January: volume ``vol-old`` unencrypted, ``vol-gone`` encrypted, ``vol-legacy`` unencrypted, the trail
logging, GuardDuty on. February: ``vol-old`` was encrypted (fixed), ``vol-gone`` deleted, ``vol-new``
created unencrypted (a new failure), ``vol-legacy`` still unencrypted (with a different reason text),
the trail stopped logging (a new failure that makes checklist items worse), and GuardDuty could no
longer be read (a gap: newly unknown, and its detector is not "removed").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from auditor.checklists import Profile
from auditor.checks import Check, Verdict, need
from auditor.model import Evidence, Gap, ProviderScope, RunInfo, RunResult
from auditor.plugins import Collection, CollectRequest
from auditor.run import Catalogue, Collected, evaluate

ACCOUNT = "123456789012"
REGION = "ap-northeast-1"
JANUARY = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)
FEBRUARY = datetime(2026, 2, 1, 3, 0, tzinfo=UTC)


def volume_encrypted(evidence: Evidence) -> Verdict:
    encrypted = need(evidence, "encrypted")
    size = evidence.attributes.get("size", 0)
    return Verdict.of(bool(encrypted), f"{size} GiB encrypted", f"{size} GiB volume is not encrypted",
                      {"Encrypted": encrypted, "Size": size})


def trail_logging(evidence: Evidence) -> Verdict:
    logging = need(evidence, "is_logging")
    return Verdict.of(bool(logging), ("証跡がログを記録している", "trail is logging"),
                      ("証跡のログ記録が停止している", "trail has stopped logging"), {"IsLogging": logging})


def detector_enabled(evidence: Evidence) -> Verdict:
    status = need(evidence, "status")
    return Verdict.of(status == "ENABLED", "GuardDuty enabled", f"GuardDuty {status}", {"Status": status})


CHECKS = (
    Check("aws.ebs.volume_encrypted", "encryption.at-rest", "aws", "ebs.volume", ("ec2:DescribeVolumes",),
          "Encrypted = true", volume_encrypted),
    Check("aws.cloudtrail.logging", "logging.audit-trail", "aws", "cloudtrail.trail",
          ("cloudtrail:GetTrailStatus",), "IsLogging = true", trail_logging),
    Check("aws.guardduty.enabled", "network.ids", "aws", "guardduty.detector", ("guardduty:ListDetectors",),
          "Status = ENABLED", detector_enabled),
)


@dataclass
class EstateProvider:
    """Just enough of a provider for the core's evaluate(): the check table above."""

    name: str = "aws"
    title: str = "Test AWS"
    options: tuple = ()
    manual: dict[str, str] = field(default_factory=dict)

    def checks(self):
        return CHECKS

    def not_automated(self):
        return self.manual

    def collect(self, request: CollectRequest) -> Collection:
        raise AssertionError("runs are built from evidence, never collected")

    def permissions(self, checks, options, fmt, lang="ja"):
        return ""


def catalogue(installed: Catalogue) -> Catalogue:
    return Catalogue(installed.controls, installed.checklists, {"aws": EstateProvider()}, {})


def volume(name: str, encrypted: bool, size: int, at: datetime) -> Evidence:
    return Evidence("aws", ACCOUNT, REGION, "ebs.volume", name, "ec2:DescribeVolumes", at,
                    {"encrypted": encrypted, "size": size}, {}, {"VolumeId": name}, name)


def trail(logging: bool, at: datetime) -> Evidence:
    arn = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/org"
    return Evidence("aws", ACCOUNT, REGION, "cloudtrail.trail", arn, "cloudtrail:GetTrailStatus", at,
                    {"is_logging": logging}, {}, {"IsLogging": logging}, "org")


def detector(at: datetime) -> Evidence:
    return Evidence("aws", ACCOUNT, REGION, "guardduty.detector", "det-1", "guardduty:ListDetectors", at,
                    {"status": "ENABLED"}, {}, {"Status": "ENABLED"}, "det-1")


def guardduty_denied(at: datetime) -> Gap:
    return Gap("aws", ACCOUNT, REGION, "guardduty:ListDetectors", ("guardduty.detector",), "AccessDenied",
               "User is not authorized to perform guardduty:ListDetectors", "guardduty:ListDetectors", at)


def decide(catalogue: Catalogue, run_id: str, started: datetime, evidence: Sequence[Evidence],
           gaps: Sequence[Gap] = (), target: str = "") -> RunResult:
    run = RunInfo(run_id, started, started + timedelta(minutes=4), "0.1.0",
                  (ProviderScope("aws", (ACCOUNT,), {"arn": f"arn:aws:iam::{ACCOUNT}:role/auditor"}, (REGION,)),),
                  {}, False, target)
    checklists = list(catalogue.checklists.values())
    return evaluate(catalogue, Collected(run, tuple(evidence), tuple(gaps)), checklists, Profile(), {})


def january(catalogue: Catalogue, run_id: str = "20260101T030000Z-aaaa0001", target: str = "",
            started: datetime = JANUARY) -> RunResult:
    at = started
    return decide(catalogue, run_id, started, [
        volume("vol-old", False, 8, at), volume("vol-gone", True, 16, at), volume("vol-legacy", False, 100, at),
        trail(True, at), detector(at),
    ], target=target)


def february(catalogue: Catalogue, run_id: str = "20260201T030000Z-bbbb0002", target: str = "",
             started: datetime = FEBRUARY) -> RunResult:
    at = started
    return decide(catalogue, run_id, started, [
        volume("vol-old", True, 8, at), volume("vol-new", False, 32, at), volume("vol-legacy", False, 200, at),
        trail(False, at),
    ], gaps=[guardduty_denied(at)], target=target)


OTHER = "210987654321"  # the second account of the organisation months
ORG_TARGET = "org-estate"


def two_accounts(catalogue: Catalogue, run_id: str, started: datetime, other_encrypted: bool) -> RunResult:
    """An organisation run: the estate's account keeps an unencrypted volume; the other account's is as given."""
    evidence = (
        volume("vol-a", False, 8, started),
        replace(volume("vol-b", other_encrypted, 8, started), scope=OTHER),
    )
    run = replace(decide(catalogue, run_id, started, evidence, target=ORG_TARGET).run,
                  providers=(ProviderScope("aws", (ACCOUNT, OTHER)),))
    return evaluate(catalogue, Collected(run, evidence, ()), list(catalogue.checklists.values()), Profile(), {})


def org_months(catalogue: Catalogue) -> tuple[RunResult, RunResult]:
    """January: the other account passes encryption; February: it fails (the whole run fails both months)."""
    return (two_accounts(catalogue, "20260101T030000Z-org00001", JANUARY, True),
            two_accounts(catalogue, "20260201T030000Z-org00002", FEBRUARY, False))
