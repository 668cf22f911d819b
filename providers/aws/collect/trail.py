"""CloudTrail trails (logging state, management events, validation, the log bucket's lifecycle and
Object Lock) and CloudWatch Logs log groups (retention).

Trails are listed in every region with shadow trails included, so a multi-region trail homed outside
the swept regions is still found; each trail is read once, in its home region. The account-level
record :data:`ACCOUNT` (is there a multi-region trail that is logging?) is derived from the trails
after collection (see :mod:`providers.aws.collect.derive`).
"""

from __future__ import annotations

from typing import Any

from auditor.model import Said
from providers.aws.collect.account import AccountContext
from providers.aws.collect.common import list_or_gap, read
from providers.aws.collect.storage import lifecycle, object_lock
from providers.aws.kinds import GLOBAL, REGIONAL, Collector, Kind, Listing, Outcome, Task

TRAIL = Kind(
    "aws.cloudtrail.trail", REGIONAL, Listing("cloudtrail", "DescribeTrails", "trailList",
                                              {"includeShadowTrails": True}),
    follow_ups=("cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "s3:GetBucketLocation",
                "s3:GetBucketLifecycleConfiguration", "s3:GetObjectLockConfiguration"),
    title_ja="CloudTrail 証跡",
)
ACCOUNT = Kind("aws.cloudtrail.account", GLOBAL, TRAIL.listing, follow_ups=TRAIL.follow_ups[:2],
               parent=TRAIL.resource_type,
               title_ja="CloudTrail（アカウント全体）")
LOG_GROUP = Kind("aws.logs.log_group", REGIONAL, Listing("logs", "DescribeLogGroups", "logGroups"), holds_data=True,
                 title_ja="CloudWatch Logs ロググループ")
TRAIL_FAMILY = (TRAIL, ACCOUNT)


def trails(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, TRAIL, [TRAIL], wanted, out) or []:
        if ctx.claim(("trail", item["TrailARN"])):
            home = item.get("HomeRegion") or region
            out.tasks.append(Task(f"cloudtrail {item.get('Name')}", lambda item=item, home=home: _trail(ctx, home,
                                                                                                        item)))
    return out


def _trail(ctx: AccountContext, home: str, item: dict[str, Any]) -> Outcome:
    arn = item["TrailARN"]
    unreadable: dict[str, Said] = {}
    status = read(unreadable, ("logging",), lambda: ctx.call(home, "cloudtrail", "GetTrailStatus", Name=arn))
    selectors = read(unreadable, ("management_events",),
                     lambda: ctx.call(home, "cloudtrail", "GetEventSelectors", TrailName=arn))
    bucket = item.get("S3BucketName")
    attributes: dict[str, Any] = {
        "multi_region": bool(item.get("IsMultiRegionTrail")),
        "organization_trail": bool(item.get("IsOrganizationTrail")),
        "log_file_validation": bool(item.get("LogFileValidationEnabled")),
        "home_region": home,
        "bucket": bucket,
        "log_prefix": (f"{item['S3KeyPrefix'].strip('/')}/AWSLogs/" if item.get("S3KeyPrefix") else "AWSLogs/"),
    }
    if status is not None:
        attributes["logging"] = bool(status.get("IsLogging"))
    if selectors is not None:
        attributes["management_events"] = management_events(selectors)
    if bucket:
        lock = read(unreadable, ("bucket_object_lock",), lambda: object_lock(ctx, bucket))
        if lock is not None:
            attributes["bucket_object_lock"] = lock
        rules = read(unreadable, ("bucket_lifecycle_rules",), lambda: lifecycle(ctx, bucket))
        if rules is not None:
            attributes["bucket_lifecycle_rules"] = rules
    else:
        attributes["bucket_object_lock"] = None
        attributes["bucket_lifecycle_rules"] = None
    return Outcome(evidence=[ctx.evidence(home, TRAIL.resource_type, arn, "cloudtrail:DescribeTrails", attributes,
                                          unreadable=unreadable, raw={"Trail": item, "Status": status,
                                                                      "EventSelectors": selectors},
                                          name=item.get("Name", ""))])


def management_events(selectors: dict[str, Any]) -> str:
    """Which management events a trail records: ``All``, ``WriteOnly``, ``ReadOnly`` or ``None``.

    A trail without custom selectors records all management events (CloudTrail's default).
    """
    basic = selectors.get("EventSelectors")
    advanced = selectors.get("AdvancedEventSelectors")
    if not basic and not advanced:
        return "All"
    kinds: set[str] = set()
    for selector in basic or []:
        if selector.get("IncludeManagementEvents", True):
            kinds.add(selector.get("ReadWriteType", "All"))
    for selector in advanced or []:
        fields = {f.get("Field"): f for f in selector.get("FieldSelectors") or []}
        if "Management" in ((fields.get("eventCategory") or {}).get("Equals") or []):
            read_only = (fields.get("readOnly") or {}).get("Equals") or []
            kinds.add({"true": "ReadOnly", "false": "WriteOnly"}.get(str(read_only[0]).lower(), "All")
                      if len(read_only) == 1 else "All")
    if "All" in kinds or {"ReadOnly", "WriteOnly"} <= kinds:
        return "All"
    return next(iter(kinds), "None")


def log_groups(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, region, LOG_GROUP, [LOG_GROUP], wanted, out) or []:
        arn = str(item.get("arn") or ctx.arn("logs", region, f"log-group:{item['logGroupName']}")).removesuffix(":*")
        out.evidence.append(ctx.evidence(
            region, LOG_GROUP.resource_type, arn, LOG_GROUP.listing.source,
            {"retention_days": item.get("retentionInDays"), "kms_key_id": item.get("kmsKeyId"),
             "stored_bytes": item.get("storedBytes")},
            raw=item, name=item.get("logGroupName", ""),
        ))
    return out


COLLECTORS = (
    Collector("cloudtrail", REGIONAL, TRAIL_FAMILY, trails),
    Collector("logs", REGIONAL, (LOG_GROUP,), log_groups),
)
