"""A small but realistic run for the report tests, decided by the real core from evidence built here.

Two clouds (AWS, Azure), passing and failing resources, a resource whose name is a script tag, a
denied call (a gap), an unreadable attribute, a secret in a raw payload, attestations, and the five
real checklists from ``mappings/``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from auditor.checklists import Profile, load_checklist
from auditor.checks import Check, Verdict, need
from auditor.controls import load_controls
from auditor.model import Attestation, Evidence, Gap, ProviderScope, RunInfo, RunResult
from auditor.plugins import Collection, CollectRequest, ReportContext
from auditor.run import Catalogue, Collected, evaluate, write_outputs

ROOT = Path(__file__).resolve().parents[2]
MAPPINGS = ROOT / "mappings"
XSS_NAME = "<script>alert(1)</script>"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
T0 = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)


def _encrypted(e: Evidence) -> Verdict:
    return Verdict.of(bool(need(e, "encrypted")), "暗号化されている", "暗号化されていない",
                      {"Encrypted": need(e, "encrypted"), "KmsKeyId": e.attributes.get("kms")})


def _in_japan(e: Evidence) -> Verdict:
    ok = e.region in ("ap-northeast-1", "ap-northeast-3", "japaneast", "japanwest")
    return Verdict.of(ok, f"{e.region} は国内", f"{e.region} は国外", {"region": e.region})


def _trail(e: Evidence) -> Verdict:
    return Verdict.of(bool(need(e, "multi_region")), "全リージョンの証跡", "単一リージョンの証跡",
                      {"IsMultiRegionTrail": need(e, "multi_region"), "IsLogging": True})


def _root_mfa(e: Evidence) -> Verdict:
    return Verdict.of(bool(need(e, "root_mfa")), "root に MFA あり", "root に MFA なし", {"AccountMFAEnabled": 1})


def _detector(e: Evidence) -> Verdict:
    return Verdict.passed("GuardDuty 有効", {"Status": "ENABLED"})


def _storage_tls(e: Evidence) -> Verdict:
    version = need(e, "min_tls")
    return Verdict.of(version >= "TLS1_2", f"最小 TLS {version}", f"最小 TLS {version} が古い",
                      {"minimumTlsVersion": version})


AWS_CHECKS = (
    Check("aws.ebs.volume_encrypted", "encryption.at-rest", "aws", "aws.ec2.volume", ("ec2:DescribeVolumes",),
          "Encrypted = true", _encrypted, "EBS volume encrypted", "EBS ボリュームの暗号化"),
    Check("aws.s3.bucket_in_japan", "residency.japan", "aws", "aws.s3.bucket", ("s3:GetBucketLocation",),
          "region in ap-northeast-1/3", _in_japan),
    Check("aws.cloudtrail.multi_region", "logging.audit-trail", "aws", "aws.cloudtrail.trail",
          ("cloudtrail:DescribeTrails",), "IsMultiRegionTrail = true", _trail),
    Check("aws.iam.root_mfa", "identity.admin-mfa", "aws", "aws.iam.account", ("iam:GetAccountSummary",),
          "AccountMFAEnabled = 1", _root_mfa),
    Check("aws.guardduty.enabled", "network.ids", "aws", "aws.guardduty.detector", ("guardduty:ListDetectors",),
          "a detector in every region", _detector),
)
AZURE_CHECKS = (
    Check("azure.storage.encrypted", "encryption.at-rest", "azure", "azure.storage.account",
          ("Microsoft.Storage/storageAccounts/read",), "encryption enabled", _encrypted),
    Check("azure.storage.min_tls", "tls.in-transit", "azure", "azure.storage.account",
          ("Microsoft.Storage/storageAccounts/read",), "minimumTlsVersion >= TLS1_2", _storage_tls),
    Check("azure.storage.in_japan", "residency.japan", "azure", "azure.storage.account",
          ("Microsoft.Storage/storageAccounts/read",), "location japaneast/japanwest", _in_japan),
)


@dataclass(frozen=True)
class StaticProvider:
    """A provider whose checks are real :class:`Check` rows and whose collection is handed in."""

    name: str
    checks_: tuple[Check, ...]
    manual: Mapping[str, str] = field(default_factory=dict)
    title: str = ""
    options: Sequence[Any] = ()

    def checks(self) -> Sequence[Check]:
        return self.checks_

    def not_automated(self) -> Mapping[str, str]:
        return self.manual

    def collect(self, request: CollectRequest) -> Collection:  # pragma: no cover - never collected in tests
        raise NotImplementedError("reports tests decide from evidence built in memory")

    def permissions(self, checks, options, fmt, lang="ja") -> str:  # pragma: no cover
        return ""


def ev(provider: str, scope: str, region: str, kind: str, rid: str, name: str = "", raw: Any = None,
       unreadable: Mapping[str, str] | None = None, **attributes: Any) -> Evidence:
    source = {"aws.ec2.volume": "ec2:DescribeVolumes", "aws.s3.bucket": "s3:ListBuckets",
              "aws.cloudtrail.trail": "cloudtrail:DescribeTrails", "aws.iam.account": "iam:GetAccountSummary",
              "azure.storage.account": "Microsoft.Storage/storageAccounts/read"}.get(kind, kind)
    return Evidence(provider, scope, region, kind, rid, source, T0 + timedelta(minutes=1), attributes,
                    unreadable or {}, raw, name)


def sample_evidence() -> tuple[Evidence, ...]:
    return (
        ev("aws", "111122223333", "ap-northeast-1", "aws.ec2.volume", "vol-0aaa", "db-data", encrypted=True,
           kms="arn:aws:kms:ap-northeast-1:111122223333:key/1",
           raw={"VolumeId": "vol-0aaa", "Encrypted": True, "Credentials": {"SecretAccessKey": SECRET}}),
        ev("aws", "111122223333", "ap-northeast-1", "aws.ec2.volume", "vol-0bbb", XSS_NAME, encrypted=False,
           raw={"VolumeId": "vol-0bbb", "Encrypted": False, "Tags": [{"Key": "Name", "Value": XSS_NAME}]}),
        ev("aws", "111122223333", "us-east-1", "aws.ec2.volume", "vol-0ccc", "scratch", encrypted=False,
           raw={"VolumeId": "vol-0ccc", "SessionToken": "FQoGZXIvYXdzEXAMPLE"}),
        ev("aws", "111122223333", "ap-northeast-1", "aws.s3.bucket", "audit-logs", "audit-logs",
           raw={"Name": "audit-logs"}),
        ev("aws", "111122223333", "us-west-2", "aws.s3.bucket", "backup-us", "backup-us", raw={"Name": "backup-us"}),
        ev("aws", "111122223333", "ap-northeast-1", "aws.cloudtrail.trail", "main-trail", "main-trail",
           multi_region=True, raw={"Name": "main-trail", "IsMultiRegionTrail": True}),
        ev("aws", "111122223333", "global", "aws.iam.account", "111122223333", "account",
           unreadable={"root_mfa": "iam:GetAccountSummary was denied (AccessDenied)"}, raw=None),
        ev("azure", "sub-0001", "japaneast", "azure.storage.account", "/subscriptions/sub-0001/st1", "st1",
           encrypted=True, min_tls="TLS1_2", raw={"name": "st1", "properties": {"client_secret": "abc123"}}),
        ev("azure", "sub-0001", "japanwest", "azure.storage.account", "/subscriptions/sub-0001/st2", "st2",
           encrypted=True, min_tls="TLS1_0", raw={"name": "st2"}),
    )


def sample_gaps() -> tuple[Gap, ...]:
    return (
        Gap("aws", "111122223333", "ap-northeast-1", "guardduty:ListDetectors", ("aws.guardduty.detector",),
            "AccessDeniedException", "User is not authorized to perform guardduty:ListDetectors",
            "guardduty:ListDetectors", T0 + timedelta(minutes=2)),
    )


def sample_catalogue() -> Catalogue:
    checklists = {}
    for path in sorted(MAPPINGS.glob("*.yaml")):
        checklist = load_checklist(path)
        checklists[checklist.id] = checklist
    providers = {
        "aws": StaticProvider("aws", AWS_CHECKS, {"time.sync": "DHCP オプションセットの確認は未実装"}),
        "azure": StaticProvider("azure", AZURE_CHECKS, {"time.sync": "ホストの時刻同期は設定から読めない"}),
    }
    return Catalogue(load_controls(), checklists, providers, {})


def sample_attestations() -> dict[tuple[str, str], Attestation]:
    return {
        ("ext-service-requirements", "1"): Attestation(
            "ext-service-requirements", "1", "yes", ("情報処理安全確保支援士 登録証（写）", "2026年度 研修実施記録"),
            "山田 太郎（情報セキュリティ責任者）", "2026-10-30", "担当者 3 名全員が受講済み"),
        ("ext-service-requirements", "2"): Attestation(
            "ext-service-requirements", "2", "no", ("ライセンス契約書",), "山田 太郎", "2026-10-30"),
    }


def sample_collected(demo: bool = False, evidence: tuple[Evidence, ...] | None = None) -> Collected:
    run = RunInfo(
        run_id="20261101T003000Z-abcdef12",
        started_at=T0,
        finished_at=T0 + timedelta(minutes=3),
        tool_version="0.1.0",
        providers=(
            ProviderScope("aws", ("111122223333",), {"arn": "arn:aws:sts::111122223333:assumed-role/Audit/city",
                                                     "account": "111122223333"}, ("ap-northeast-1", "us-east-1")),
            ProviderScope("azure", ("sub-0001",), {"tenant": "contoso.onmicrosoft.com", "client_id": "app-1"},
                          ("japaneast",)),
        ),
        demo=demo,
        target="住民サービス基盤",
    )
    return Collected(run, sample_evidence() if evidence is None else evidence, sample_gaps())


def sample_result(catalogue: Catalogue, demo: bool = False, evidence=None) -> tuple[Collected, RunResult]:
    collected = sample_collected(demo, evidence)
    result = evaluate(catalogue, collected, list(catalogue.checklists.values()), Profile(), sample_attestations())
    return collected, result


def context_of(catalogue: Catalogue, result: RunResult, lang: str = "ja", previous: RunResult | None = None,
               ) -> ReportContext:
    return ReportContext(
        result, catalogue.controls, {c.checklist_id: catalogue.checklists[c.checklist_id] for c in result.checklists},
        lang, previous,
    )


def write_all(catalogue: Catalogue, directory: Path, renderers: Mapping[str, Any], *, demo: bool = False,
              lang: str = "ja", evidence=None) -> tuple[RunResult, list[Path]]:
    """Decide the sample and write every format through the real ``write_outputs``."""
    collected, result = sample_result(catalogue, demo, evidence)
    with_renderers = Catalogue(catalogue.controls, catalogue.checklists, catalogue.providers, renderers)
    directory.mkdir(parents=True, exist_ok=True)
    written = write_outputs(with_renderers, collected, result, directory, ["json", *renderers], lang)
    return result, list(written.paths)
