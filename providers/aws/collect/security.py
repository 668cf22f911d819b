"""Threat detection and vulnerability scanning per region (GuardDuty with malware protection,
Inspector2 scan types) and KMS customer-managed keys (rotation).

GuardDuty and Inspector2 are recorded once per region, enabled or not; whether the region is *in use*
(holds any resource) is added after collection (see :mod:`providers.aws.collect.derive`).
"""

from __future__ import annotations

from typing import Any

from auditor.model import Said
from providers.aws.collect.account import AccountContext
from providers.aws.collect.common import list_or_gap, read
from providers.aws.kinds import REGIONAL, Collector, Kind, Listing, Outcome, Task

DETECTOR = Kind("aws.guardduty.region", REGIONAL, Listing("guardduty", "ListDetectors", "DetectorIds"),
                follow_ups=("guardduty:GetDetector",), title_ja="GuardDuty（リージョン）")
INSPECTOR = Kind("aws.inspector2.region", REGIONAL, Listing("inspector2", "BatchGetAccountStatus", "accounts"),
                 title_ja="Inspector（リージョン）")
KEY = Kind("aws.kms.key", REGIONAL, Listing("kms", "ListKeys", "Keys"),
           follow_ups=("kms:ListAliases", "kms:DescribeKey", "kms:GetKeyRotationStatus"), title_ja="KMS キー")
MALWARE_FEATURES = ("EBS_MALWARE_PROTECTION",)


def guardduty(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    detector_ids = list_or_gap(ctx, region, DETECTOR, [DETECTOR], wanted, out)
    if detector_ids is None:
        return out
    unreadable: dict[str, Said] = {}
    attributes: dict[str, Any] = {"detector_id": None, "enabled": False, "malware_protection": False}
    detector = None
    if detector_ids:
        attributes["detector_id"] = detector_ids[0]
        detector = read(unreadable, ("enabled", "malware_protection"),
                        lambda: ctx.call(region, "guardduty", "GetDetector", DetectorId=detector_ids[0]))
        if detector is not None:
            attributes["enabled"] = detector.get("Status") == "ENABLED"
            attributes["malware_protection"] = malware_protection(detector)
        else:
            attributes = {"detector_id": detector_ids[0]}
    out.evidence.append(ctx.evidence(region, DETECTOR.resource_type, "guardduty", DETECTOR.listing.source, attributes,
                                     unreadable=unreadable, raw=detector, name="GuardDuty"))
    return out


def malware_protection(detector: dict[str, Any]) -> bool:
    """EC2 malware scanning, from the detector's features (current API) or data sources (older API)."""
    for feature in detector.get("Features") or []:
        if feature.get("Name") in MALWARE_FEATURES:
            return feature.get("Status") == "ENABLED"
    sources = detector.get("DataSources") or {}
    ebs = (((sources.get("MalwareProtection") or {}).get("ScanEc2InstanceWithFindings") or {}).get("EbsVolumes")
           or {})
    return ebs.get("Status") == "ENABLED"


def inspector(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    accounts = list_or_gap(ctx, region, INSPECTOR, [INSPECTOR], wanted, out, accountIds=[ctx.account])
    if accounts is None:
        return out
    mine = next((a for a in accounts if a.get("accountId") == ctx.account), None)
    states = (mine or {}).get("resourceState") or {}
    attributes = {
        "status": ((mine or {}).get("state") or {}).get("status", "DISABLED"),
        "reported": mine is not None,
        "scans": {kind: (states.get(kind) or {}).get("status", "DISABLED") for kind in ("ec2", "ecr", "lambda")},
    }
    out.evidence.append(ctx.evidence(region, INSPECTOR.resource_type, "inspector2", INSPECTOR.listing.source,
                                     attributes, raw=mine, name="Inspector"))
    return out


def keys(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    found = list_or_gap(ctx, region, KEY, [KEY], wanted, out)
    if not found:
        return out
    problems: dict[str, Said] = {}
    aliases: dict[str, list[str]] = {}
    for alias in read(problems, ("aliases",), lambda: ctx.pages(region, "kms", "ListAliases", "Aliases")) or []:
        if alias.get("TargetKeyId"):
            aliases.setdefault(alias["TargetKeyId"], []).append(alias.get("AliasName", ""))
    for item in found:
        names = None if problems else sorted(aliases.get(item["KeyId"], []))
        out.tasks.append(Task(f"kms {region} {item['KeyId']}",
                              lambda item=item, names=names: _key(ctx, region, item, names, problems)))
    return out


def _key(ctx: AccountContext, region: str, item: dict[str, Any], aliases: list[str] | None,
         problems: dict[str, Said]) -> Outcome:
    unreadable: dict[str, Said] = dict(problems)
    described = read(unreadable, ("key_manager", "state", "spec", "rotation"),
                     lambda: ctx.call(region, "kms", "DescribeKey", KeyId=item["KeyId"]))
    meta = (described or {}).get("KeyMetadata") or {}
    attributes: dict[str, Any] = {}
    if aliases is not None:
        attributes["aliases"] = aliases
    if described is not None:
        attributes.update({"key_manager": meta.get("KeyManager"), "state": meta.get("KeyState"),
                           "spec": meta.get("KeySpec") or meta.get("CustomerMasterKeySpec"),
                           "origin": meta.get("Origin"), "multi_region": bool(meta.get("MultiRegion"))})
        rotates = meta.get("KeyManager") == "CUSTOMER" and attributes["spec"] == "SYMMETRIC_DEFAULT" \
            and meta.get("Origin", "AWS_KMS") == "AWS_KMS" and meta.get("KeyState") == "Enabled" \
            and not aws_managed_alias(aliases or [])
        if rotates:
            status = read(unreadable, ("rotation",),
                          lambda: ctx.call(region, "kms", "GetKeyRotationStatus", KeyId=item["KeyId"]))
            if status is not None:
                attributes["rotation"] = bool(status.get("KeyRotationEnabled"))
    return Outcome(evidence=[ctx.evidence(region, KEY.resource_type, item.get("KeyArn") or item["KeyId"],
                                          KEY.listing.source, attributes, unreadable=unreadable, raw=meta,
                                          name=meta.get("Description") or item["KeyId"])])


def aws_managed_alias(aliases: list[str]) -> bool:
    """Only AWS may create aliases under ``alias/aws/``: such a key is AWS managed, whatever else is reported."""
    return any(name.startswith("alias/aws/") for name in aliases)


COLLECTORS = (
    Collector("guardduty", REGIONAL, (DETECTOR,), guardduty),
    Collector("inspector2", REGIONAL, (INSPECTOR,), inspector),
    Collector("kms", REGIONAL, (KEY,), keys),
)
