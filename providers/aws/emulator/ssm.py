"""Systems Manager's managed-instance and patch-state reads, served by the local emulator.

moto implements neither ``DescribeInstanceInformation`` nor ``DescribeInstancePatchStates`` (it answers
HTTP 500). :func:`install` adds both to the moto server running in this process, answering as SSM
does: the managed instances of the calling account in the region, paged with ``NextToken``, and the
last patch state of each instance asked for. Real SSM learns of managed instances from their agents
and the emulator runs none, so an estate seeded through the API has no managed instances (an empty
list, as real SSM answers for instances without an agent); tests seed instances with :func:`register`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from moto.core.responses import ActionResult
from moto.ssm.responses import SimpleSystemManagerResponse

DEFAULT_PAGE = 10
_INSTANCES: dict[tuple[str, str], dict[str, tuple[dict[str, Any], dict[str, Any] | None]]] = {}


def register(account_id: str, region: str, instance_id: str, *, computer_name: str = "", ping: str = "Online",
             patch_state: dict[str, Any] | None = None) -> None:
    """Make ``instance_id`` a managed instance of the account in ``region``, with its last patch state (or none,
    as for an instance never scanned), as its agent and Patch Manager would have reported them."""
    now = datetime.now(UTC)
    info = {"InstanceId": instance_id, "PingStatus": ping, "LastPingDateTime": now, "AgentVersion": "3.3.1142.0",
            "IsLatestVersion": True, "PlatformType": "Linux", "PlatformName": "Amazon Linux",
            "PlatformVersion": "2023", "ResourceType": "EC2Instance" if instance_id.startswith("i-")
            else "ManagedInstance", "ComputerName": computer_name or instance_id}
    state = None
    if patch_state is not None:
        state = {"InstanceId": instance_id, "PatchGroup": "", "BaselineId": "pb-0c10e65780EXAMPLE",
                 "Operation": "Scan", "OperationStartTime": now, "OperationEndTime": now, **patch_state}
    _INSTANCES.setdefault((account_id, region), {})[instance_id] = (info, state)


def compliant(**counts: int) -> dict[str, Any]:
    """A patch state with the given counts (every other count zero)."""
    names = ("InstalledCount", "InstalledOtherCount", "InstalledPendingRebootCount", "InstalledRejectedCount",
             "MissingCount", "FailedCount", "NotApplicableCount", "AvailableSecurityUpdateCount",
             "CriticalNonCompliantCount", "SecurityNonCompliantCount", "OtherNonCompliantCount")
    return {name: counts.get(name, 0) for name in names}


def _page(items: list[dict[str, Any]], token: str | None, size: int | None, key: str) -> dict[str, Any]:
    start = int(token or 0)
    end = start + (size or DEFAULT_PAGE)
    answer: dict[str, Any] = {key: items[start:end]}
    if end < len(items):
        answer["NextToken"] = str(end)
    return answer


def _describe_instance_information(self: SimpleSystemManagerResponse) -> ActionResult:
    known = _INSTANCES.get((self.current_account, self.region), {})
    return ActionResult(_page([info for info, _ in known.values()], self._get_param("NextToken"),
                              self._get_param("MaxResults"), "InstanceInformationList"))


def _describe_instance_patch_states(self: SimpleSystemManagerResponse) -> ActionResult:
    known = _INSTANCES.get((self.current_account, self.region), {})
    states = [known[i][1] for i in self._get_param("InstanceIds") or [] if i in known and known[i][1] is not None]
    return ActionResult(_page(states, self._get_param("NextToken"), self._get_param("MaxResults"),
                              "InstancePatchStates"))


def install() -> None:
    """Serve the two reads from the moto server of this process (idempotent)."""
    SimpleSystemManagerResponse.describe_instance_information = _describe_instance_information
    SimpleSystemManagerResponse.describe_instance_patch_states = _describe_instance_patch_states
