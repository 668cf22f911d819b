"""A provider for core tests: a fixed list of evidence and gaps, and a two-row check table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence, Gap, ProviderScope
from auditor.plugins import Collection, CollectRequest

AT = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


def disk_encrypted(evidence: Evidence) -> Verdict:
    encrypted = need(evidence, "encrypted")
    return Verdict.of(bool(encrypted), ("暗号化あり", "encrypted"), ("暗号化なし", "not encrypted"),
                      {"encrypted": encrypted})


def bucket_in_japan(evidence: Evidence) -> Verdict:
    return Verdict.of(evidence.region.startswith("jp-"), ("国内", "in Japan"),
                      (f"国外: {evidence.region}", f"outside Japan: {evidence.region}"), evidence.region)


CHECKS = (
    Check("fake.disk.encrypted", "encryption.at-rest", "fake", "fake.disk", ("disk:Describe",), "encrypted",
          disk_encrypted),
    Check("fake.bucket.in_japan", "residency.japan", "fake", "fake.bucket", ("bucket:List",), "region in Japan",
          bucket_in_japan),
)


def disk(name: str, encrypted: bool | None, region: str = "jp-east", unreadable: str = "") -> Evidence:
    return Evidence(
        provider="fake", scope="acct-1", region=region, resource_type="fake.disk", resource_id=f"disk/{name}",
        name=name, source="disk:Describe", collected_at=AT,
        attributes={} if unreadable else {"encrypted": encrypted},
        unreadable={"encrypted": unreadable} if unreadable else {},
        raw={"Name": name, "Encrypted": encrypted},
    )


def bucket(name: str, region: str) -> Evidence:
    return Evidence("fake", "acct-1", region, "fake.bucket", f"bucket/{name}", "bucket:List", AT, {}, {}, {}, name)


def denied(resource_type: str, region: str = "jp-east") -> Gap:
    return Gap(
        "fake", "acct-1", region, "bucket:List", (resource_type,), "AccessDenied", "not allowed", "bucket:List", AT
    )


@dataclass
class FakeProvider:
    evidence: list[Evidence] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    name: str = "fake"
    title: str = "Fake cloud"
    options: tuple = ()
    manual: dict[str, str] = field(default_factory=dict)

    def checks(self):
        return CHECKS

    def not_automated(self):
        return self.manual

    def collect(self, request: CollectRequest) -> Collection:
        wanted = request.resource_types
        return Collection(
            tuple(e for e in self.evidence if e.resource_type in wanted),
            tuple(self.gaps),
            ProviderScope("fake", ("acct-1",), {"arn": "arn:fake:auditor"}, ("jp-east",)),
        )

    def permissions(self, checks, options, fmt, lang="ja"):
        return "\n".join(sorted({p for c in checks for p in c.permissions}))
