"""Systems Manager managed instances (EC2 or hybrid) and their patch compliance per region.

Managed instances are listed with ``ssm:DescribeInstanceInformation``; their patch states — the last
Patch Manager scan or install against the instance's patch baseline, with the counts of missing,
failed, pending-reboot and critical / security non-compliant patches — are read with
``ssm:DescribeInstancePatchStates``, at most 50 instances per request as the API allows. An instance
the API returns no patch state for has never been scanned. When the patch states cannot be read,
every instance of the region records why, so its check is UNKNOWN with the cause.
"""

from __future__ import annotations

from typing import Any

from auditor.model import Said
from providers.aws.collect.account import AccountContext
from providers.aws.collect.common import list_or_gap, read
from providers.aws.kinds import REGIONAL, Collector, Kind, Listing, Outcome

INSTANCE = Kind("aws.ssm.managed_instance", REGIONAL,
                Listing("ssm", "DescribeInstanceInformation", "InstanceInformationList"),
                follow_ups=("ssm:DescribeInstancePatchStates",), title_ja="SSM マネージドインスタンス")
PATCH_STATES_PER_CALL = 50
STATE_FIELDS = ("BaselineId", "PatchGroup", "Operation", "OperationStartTime", "OperationEndTime",
                "InstalledCount", "InstalledOtherCount", "InstalledPendingRebootCount", "InstalledRejectedCount",
                "MissingCount", "FailedCount", "NotApplicableCount", "AvailableSecurityUpdateCount",
                "CriticalNonCompliantCount", "SecurityNonCompliantCount", "OtherNonCompliantCount")


def managed_instances(ctx: AccountContext, region: str, wanted: frozenset[str]) -> Outcome:
    out = Outcome()
    found = list_or_gap(ctx, region, INSTANCE, [INSTANCE], wanted, out)
    if not found:
        return out
    unreadable: dict[str, Said] = {}
    states = patch_states(ctx, region, [item["InstanceId"] for item in found], unreadable)
    for item in found:
        attributes: dict[str, Any] = {
            "instance_id": item["InstanceId"], "managed_type": item.get("ResourceType"),
            "ping_status": item.get("PingStatus"), "last_ping": item.get("LastPingDateTime"),
            "platform": " ".join(str(item[k]) for k in ("PlatformName", "PlatformVersion") if item.get(k))
            or item.get("PlatformType"),
        }
        state = None if states is None else states.get(item["InstanceId"])
        if states is not None:
            attributes["patch_state"] = None if state is None else {k: state.get(k) for k in STATE_FIELDS}
        out.evidence.append(ctx.evidence(
            region, INSTANCE.resource_type, _arn(ctx, region, item), INSTANCE.listing.source, attributes,
            unreadable=unreadable, raw={"InstanceInformation": item, "InstancePatchState": state},
            name=item.get("ComputerName") or item["InstanceId"],
        ))
    return out


def patch_states(ctx: AccountContext, region: str, instance_ids: list[str],
                 unreadable: dict[str, Said]) -> dict[str, dict[str, Any]] | None:
    """Patch states by instance id, batch by batch; ``None`` (and the cause in ``unreadable``) if refused."""
    states: dict[str, dict[str, Any]] = {}
    for start in range(0, len(instance_ids), PATCH_STATES_PER_CALL):
        batch = instance_ids[start:start + PATCH_STATES_PER_CALL]
        found = read(unreadable, ("patch_state",), lambda batch=batch: ctx.pages(
            region, "ssm", "DescribeInstancePatchStates", "InstancePatchStates", InstanceIds=batch))
        if found is None:
            return None
        states.update({state["InstanceId"]: state for state in found})
    return states


def _arn(ctx: AccountContext, region: str, item: dict[str, Any]) -> str:
    instance_id = item["InstanceId"]
    if item.get("ResourceType") == "EC2Instance" or instance_id.startswith("i-"):
        return ctx.arn("ec2", region, f"instance/{instance_id}")
    return ctx.arn("ssm", region, f"managed-instance/{instance_id}")


COLLECTORS = (Collector("ssm", REGIONAL, (INSTANCE,), managed_instances),)
