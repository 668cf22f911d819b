"""Facts that need more than one API answer, added once collection is complete (pure, no calls).

- Whether each region is *in use* (holds any resource that stores data or runs code), on the
  region-level records (EBS default encryption, GuardDuty, Inspector, alarms): a service left off in
  an empty region is not a finding, one left off where the vendor's data lives is.
- The account's CloudTrail verdict input: is there a multi-region trail that is logging management
  events, across every trail found in every region?
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from auditor.model import Evidence, Gap, utc_now
from providers.aws.collect.account import PROVIDER
from providers.aws.kinds import Kind

REGION_LEVEL = frozenset({
    "aws.ec2.ebs_default_encryption", "aws.guardduty.region", "aws.inspector2.region", "aws.cloudwatch.region",
})
TRAIL, TRAIL_ACCOUNT = "aws.cloudtrail.trail", "aws.cloudtrail.account"


def derive(
    evidence: Sequence[Evidence], gaps: Sequence[Gap], kinds: dict[str, Kind], wanted: frozenset[str],
    accounts: Iterable[str],
) -> list[Evidence]:
    data_kinds = {t for t, k in kinds.items() if k.holds_data and t in wanted}
    usage = region_usage(evidence, data_kinds)
    records = [_with_usage(e, usage, gaps, data_kinds) if e.resource_type in REGION_LEVEL else e for e in evidence]
    if TRAIL_ACCOUNT in wanted:
        records.extend(_trail_account(account, evidence, gaps) for account in accounts)
    return records


def region_usage(evidence: Iterable[Evidence], data_kinds: set[str]) -> dict[tuple[str, str], Counter]:
    usage: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for record in evidence:
        if record.resource_type in data_kinds and record.attributes.get("holds_data", True) is not False:
            usage[(record.scope, record.region)][record.resource_type] += 1
    return usage


def _with_usage(
    record: Evidence, usage: dict[tuple[str, str], Counter], gaps: Sequence[Gap], data_kinds: set[str]
) -> Evidence:
    counts = usage.get((record.scope, record.region), Counter())
    attributes = dict(record.attributes)
    unreadable = dict(record.unreadable)
    attributes["resources_in_region"] = dict(sorted(counts.items()))
    if counts:
        attributes["in_use"] = True
    elif not data_kinds:
        unreadable["in_use"] = ("リージョン内のリソースの種類を収集していないため、このリージョンの利用有無が不明",
                                "no kind of resource in the region was collected, so whether the region is in use"
                                " is unknown")
    else:
        blocking = [g for g in gaps if g.scope == record.scope and g.region in (record.region, "*")
                    and set(g.resource_types) & data_kinds]
        if blocking:
            calls = "; ".join(sorted({f"{g.source} ({g.error_code})" for g in blocking}))
            unreadable["in_use"] = (f"{calls} を読み取れず、このリージョンにリソースがあるかどうかが不明",
                                    f"{calls} could not be read, so whether the region holds resources is unknown")
        else:
            attributes["in_use"] = False
    return dataclasses.replace(record, attributes=attributes, unreadable=unreadable)


def _trail_account(account: str, evidence: Sequence[Evidence], gaps: Sequence[Gap]) -> Evidence:
    trails = [e for e in evidence if e.scope == account and e.resource_type == TRAIL]
    summary = []
    qualifying = []
    doubtful = []
    for trail in trails:
        a = trail.attributes
        summary.append({"trail": trail.resource_id, "home_region": trail.region, "multi_region": a.get("multi_region"),
                        "logging": a.get("logging"), "management_events": a.get("management_events")})
        if a.get("multi_region") and a.get("logging") and a.get("management_events") in ("All", "WriteOnly"):
            qualifying.append(trail.resource_id)
        elif a.get("multi_region") and ({"logging", "management_events"} & set(trail.unreadable)):
            doubtful.extend((trail.cause(k), trail.cause(k, "en")) for k in ("logging", "management_events")
                            if k in trail.unreadable)
    unreadable = {}
    if not qualifying:
        calls = [f"{g.source} in {g.region} ({g.error_code})" for g in gaps
                 if g.scope == account and TRAIL in g.resource_types]
        causes_ja = sorted({*calls, *(ja for ja, _ in doubtful if ja)})
        causes_en = sorted({*calls, *(en for _, en in doubtful if en)})
        if causes_ja:
            unreadable["qualifying_trails"] = (
                "; ".join(causes_ja) + " — 条件を満たす証跡がそこに存在する可能性がある",
                "; ".join(causes_en) + " — a trail that qualifies may exist there",
            )
    return Evidence(
        provider=PROVIDER, scope=account, region="global", resource_type=TRAIL_ACCOUNT,
        resource_id=f"{account}:cloudtrail",
        source="cloudtrail:DescribeTrails", collected_at=utc_now(),
        attributes={"trails": summary, "qualifying_trails": qualifying}, unreadable=unreadable,
        name="cloudtrail:account",
    )
