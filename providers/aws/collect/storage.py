"""S3 buckets: location, default encryption, bucket policy, replication targets, Object Lock, lifecycle.

Buckets are listed once per account (the list is global); each bucket's settings are read with a
client in the bucket's own region. Object Lock and lifecycle are memoised per bucket, because the
CloudTrail collector reads them for the trail's log bucket too.
"""

from __future__ import annotations

import json
from typing import Any

from auditor.model import Said
from providers.aws.collect.account import AccountContext
from providers.aws.collect.common import list_or_gap, read
from providers.aws.kinds import GLOBAL, Collector, Kind, Listing, Outcome, Task

GLOBAL_API_REGION = "us-east-1"
BUCKET = Kind(
    "aws.s3.bucket", GLOBAL, Listing("s3", "ListBuckets", "Buckets"),
    follow_ups=("s3:GetBucketLocation", "s3:GetBucketEncryption", "s3:GetBucketPolicy", "s3:GetBucketReplication",
                "s3:GetObjectLockConfiguration", "s3:GetBucketLifecycleConfiguration"),
    holds_data=True, title_ja="S3 バケット",
)


def buckets(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    for item in list_or_gap(ctx, GLOBAL_API_REGION, BUCKET, [BUCKET], wanted, out) or []:
        name = item["Name"]
        if item.get("BucketRegion"):
            ctx.memo(("s3-location", name), lambda item=item: item["BucketRegion"])
        out.tasks.append(Task(f"s3 {name}", lambda name=name, item=item: _bucket(ctx, name, item)))
    return out


def bucket_region(ctx: AccountContext, name: str) -> str:
    """The bucket's region (GetBucketLocation answers no constraint for us-east-1 and ``EU`` for eu-west-1)."""

    def locate() -> str:
        answer = ctx.call(GLOBAL_API_REGION, "s3", "GetBucketLocation", Bucket=name)
        constraint = (answer or {}).get("LocationConstraint") or "us-east-1"
        return {"EU": "eu-west-1"}.get(constraint, constraint)

    return ctx.memo(("s3-location", name), locate)


def object_lock(ctx: AccountContext, name: str) -> dict[str, Any]:
    def fetch() -> dict[str, Any]:
        answer = ctx.call(bucket_region(ctx, name), "s3", "GetObjectLockConfiguration", Bucket=name,
                          absent=("ObjectLockConfigurationNotFoundError",))
        config = (answer or {}).get("ObjectLockConfiguration") or {}
        retention = ((config.get("Rule") or {}).get("DefaultRetention")) or {}
        return {"enabled": config.get("ObjectLockEnabled") == "Enabled", "mode": retention.get("Mode"),
                "days": retention.get("Days"), "years": retention.get("Years")}

    return ctx.memo(("s3-object-lock", name), fetch)


def lifecycle(ctx: AccountContext, name: str) -> list[dict[str, Any]]:
    def fetch() -> list[dict[str, Any]]:
        answer = ctx.call(bucket_region(ctx, name), "s3", "GetBucketLifecycleConfiguration", Bucket=name,
                          absent=("NoSuchLifecycleConfiguration",))
        return [lifecycle_rule(rule) for rule in (answer or {}).get("Rules") or []]

    return ctx.memo(("s3-lifecycle", name), fetch)


def lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """One lifecycle rule, reduced to what retention needs: scope (prefix, tags) and current-version expiry."""
    filt = rule.get("Filter") or {}
    both = filt.get("And") or {}
    prefix = rule.get("Prefix")
    if prefix is None:
        prefix = filt.get("Prefix", both.get("Prefix", ""))
    expiration = rule.get("Expiration") or {}
    return {
        "id": rule.get("ID", ""),
        "enabled": rule.get("Status") == "Enabled",
        "prefix": prefix or "",
        "tag_filter": bool(filt.get("Tag") or both.get("Tags")),
        "expiration_days": expiration.get("Days"),
        "expiration_date": str(expiration["Date"]) if expiration.get("Date") else None,
    }


def _bucket(ctx: AccountContext, name: str, item: dict[str, Any]) -> Outcome:
    unreadable: dict[str, Said] = {}
    attributes: dict[str, Any] = {}
    region = read(unreadable, ("location",), lambda: bucket_region(ctx, name))
    if region is None:
        unreadable.update({key: unreadable["location"] for key in
                           ("encryption", "bucket_policy", "replication", "object_lock", "lifecycle_rules")})
        return Outcome(evidence=[_evidence(ctx, name, "global", attributes, unreadable, item)])
    attributes["location"] = region
    encryption = read(unreadable, ("encryption",), lambda: ctx.call(
        region, "s3", "GetBucketEncryption", Bucket=name, absent=("ServerSideEncryptionConfigurationNotFoundError",)))
    if "encryption" not in unreadable:
        attributes["encryption"] = default_encryption(encryption)
    policy = read(unreadable, ("bucket_policy",), lambda: ctx.call(
        region, "s3", "GetBucketPolicy", Bucket=name, absent=("NoSuchBucketPolicy",)))
    document = json.loads(policy["Policy"]) if policy and policy.get("Policy") else None
    if "bucket_policy" not in unreadable:
        attributes["bucket_policy"] = document
    replication = read(unreadable, ("replication",), lambda: ctx.call(
        region, "s3", "GetBucketReplication", Bucket=name, absent=("ReplicationConfigurationNotFoundError",)))
    if "replication" not in unreadable:
        attributes["replication"] = _replication(ctx, replication, unreadable)
    lock = read(unreadable, ("object_lock",), lambda: object_lock(ctx, name))
    if lock is not None:
        attributes["object_lock"] = lock
    rules = read(unreadable, ("lifecycle_rules",), lambda: lifecycle(ctx, name))
    if rules is not None:
        attributes["lifecycle_rules"] = rules
    raw = {"Bucket": item, "Encryption": encryption, "Policy": document, "Replication": replication}
    return Outcome(evidence=[_evidence(ctx, name, region, attributes, unreadable, raw)])


def _evidence(ctx: AccountContext, name: str, region: str, attributes: dict, unreadable: dict, raw: Any):
    return ctx.evidence(region, BUCKET.resource_type, f"arn:{ctx.partition}:s3:::{name}", "s3:ListBuckets",
                        attributes, unreadable=unreadable, raw=raw, name=name)


def default_encryption(answer: dict[str, Any] | None) -> dict[str, Any]:
    """Default encryption; "not found" (older API answers, emulators) means S3's platform default SSE-S3.

    Since January 2023 Amazon S3 encrypts every new object with SSE-S3 when no other default is set,
    and GetBucketEncryption reports it; an answer of ServerSideEncryptionConfigurationNotFoundError is
    recorded as that platform default, and the reason says so.
    """
    if answer is None:
        return {"algorithm": "AES256", "source": "platform-default", "kms_key": None}
    rules = (answer.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    default = (rules[0].get("ApplyServerSideEncryptionByDefault") or {}) if rules else {}
    return {"algorithm": default.get("SSEAlgorithm") or "none", "source": "configured",
            "kms_key": default.get("KMSMasterKeyID")}


def _replication(ctx: AccountContext, answer: dict[str, Any] | None, unreadable: dict[str, Said]) -> dict[str, Any]:
    rules = ((answer or {}).get("ReplicationConfiguration") or {}).get("Rules") or []
    targets = sorted({(rule.get("Destination") or {}).get("Bucket", "").split(":::")[-1]
                      for rule in rules if rule.get("Status") == "Enabled"} - {""})
    regions: dict[str, str] = {}
    for target in targets:
        region = read(unreadable, ("replication",), lambda target=target: bucket_region(ctx, target))
        if region is not None:
            regions[target] = region
    return {"destinations": targets, "regions": regions}


COLLECTORS = (Collector("s3", GLOBAL, (BUCKET,), buckets),)
