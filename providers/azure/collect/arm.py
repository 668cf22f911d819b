"""ARM reads for what Resource Graph does not hold: one call per subscription, vault, profile or destination.

- per subscription: policy assignments (``$filter=atScope()``), Defender pricings and settings,
  activity-log diagnostic settings;
- per activity-log destination: Log Analytics retention (workspace and ``AzureActivity`` table),
  or the storage account's lifecycle rules and immutability of ``insights-activity-logs``;
- per Recovery Services vault: its protected items; per SQL database: its TDE state (Azure keeps
  it only as a child of each database); per Front Door Standard/Premium profile: endpoints,
  custom domains and security policies.

Every function raises :class:`~providers.azure.failures.CallFailed` when Azure refuses; the
collector decides what becomes a gap and what an unreadable attribute.
"""

from __future__ import annotations

from typing import Any

from providers.azure import facts
from providers.azure.collect.normalize import lower, prop
from providers.azure.failures import CallFailed
from providers.azure.transport import JsonChannel

API = {
    "subscriptions": "2022-12-01",
    "policy": "2022-06-01",
    "pricings": "2024-01-01",
    "security_settings": "2022-05-01",
    "diagnostics": "2021-05-01-preview",
    "workspaces": "2022-10-01",
    "storage": "2023-01-01",
    "backup": "2023-04-01",
    "sql": "2021-11-01",
    "cdn": "2024-02-01",
}


def _v(name: str, **extra: str) -> dict[str, str]:
    return {"api-version": API[name], **extra}


def subscriptions(arm: JsonChannel) -> list[dict[str, Any]]:
    return arm.list("/subscriptions", _v("subscriptions"), source="arm:GET /subscriptions", once=True)


def policy_assignments(arm: JsonChannel, subscription: str) -> list[dict[str, Any]]:
    return arm.list(f"/subscriptions/{subscription}/providers/Microsoft.Authorization/policyAssignments",
                    _v("policy", **{"$filter": "atScope()"}),
                    source="arm:GET Microsoft.Authorization/policyAssignments")


def pricings(arm: JsonChannel, subscription: str) -> list[dict[str, Any]]:
    return arm.list(f"/subscriptions/{subscription}/providers/Microsoft.Security/pricings", _v("pricings"),
                    source="arm:GET Microsoft.Security/pricings")


def defender_for_endpoint(arm: JsonChannel, subscription: str) -> bool:
    settings = arm.list(f"/subscriptions/{subscription}/providers/Microsoft.Security/settings",
                        _v("security_settings"), source="arm:GET Microsoft.Security/settings")
    return any(s.get("name") == "WDATP" and prop(s, "properties", "enabled") is True for s in settings)


def diagnostic_settings(arm: JsonChannel, subscription: str) -> list[dict[str, Any]]:
    return arm.list(f"/subscriptions/{subscription}/providers/Microsoft.Insights/diagnosticSettings",
                    _v("diagnostics"), source="arm:GET Microsoft.Insights/diagnosticSettings")


def _name(resource_id: str) -> str:
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def workspace_destination(arm: JsonChannel, workspace_id: str) -> dict[str, Any]:
    """Retention of a Log Analytics workspace and of its AzureActivity table (archive included)."""
    entry: dict[str, Any] = {"kind": "workspace", "id": workspace_id, "name": _name(workspace_id),
                             "immutability": "none"}
    try:
        workspace = arm.get(workspace_id, _v("workspaces"), source="arm:GET Microsoft.OperationalInsights/workspaces")
        days = prop(workspace, "properties", "retentionInDays")
        try:
            table = arm.get(f"{workspace_id}/tables/{facts.ACTIVITY_LOG_TABLE}", _v("workspaces"),
                            source="arm:GET Microsoft.OperationalInsights/workspaces/tables")
            total = prop(table, "properties", "totalRetentionInDays")
            entry["table_total_retention_days"] = total
            days = max(d for d in (days, total) if isinstance(d, int)) if isinstance(total, int) else days
        except CallFailed as failed:
            if failed.status != 404:
                raise
        entry["retention_days"] = days
    except CallFailed as failed:
        entry["unreadable"] = f"{failed.code}: {failed.message}"
    return entry


def _lifecycle_delete_days(policy: dict[str, Any]) -> int | None:
    """The fewest days after which an enabled lifecycle rule deletes activity-log blobs (None: never)."""
    found = []
    container = facts.ACTIVITY_LOG_CONTAINER + "/"
    for rule in prop(policy, "properties", "policy", "rules") or []:
        if rule.get("enabled") is False:
            continue
        # The activity log is written as append blobs: a rule for block blobs only never deletes it
        # (blobTypes is required; a rule without it is counted, erring on the short side).
        blob_types = prop(rule, "definition", "filters", "blobTypes") or ["appendBlob"]
        if "appendblob" not in {lower(t) for t in blob_types}:
            continue
        prefixes = prop(rule, "definition", "filters", "prefixMatch") or [""]
        if not any(container.startswith(p) or p.startswith(container) for p in prefixes):
            continue
        delete = prop(rule, "definition", "actions", "baseBlob", "delete") or {}
        for key in ("daysAfterModificationGreaterThan", "daysAfterCreationGreaterThan",
                    "daysAfterLastAccessTimeGreaterThan"):
            if isinstance(delete.get(key), int | float):
                found.append(int(delete[key]))
    return min(found) if found else None


def _immutability(account: dict[str, Any], container: dict[str, Any] | None) -> str:
    state = lower(prop(container, "properties", "immutabilityPolicy", "properties", "state")) if container else ""
    if state:
        return state
    versioning = prop(account, "properties", "immutableStorageWithVersioning") or {}
    if versioning.get("enabled"):
        return lower(prop(versioning, "immutabilityPolicy", "state")) or "unlocked"
    return "none"


def storage_destination(arm: JsonChannel, account_id: str) -> dict[str, Any]:
    """Lifecycle deletion and immutability of the activity-log container of a storage account."""
    entry: dict[str, Any] = {"kind": "storage", "id": account_id, "name": _name(account_id)}
    try:
        account = arm.get(account_id, _v("storage"), source="arm:GET Microsoft.Storage/storageAccounts")
        container = _optional(arm, f"{account_id}/blobServices/default/containers/{facts.ACTIVITY_LOG_CONTAINER}",
                              "arm:GET Microsoft.Storage/storageAccounts/blobServices/containers")
        lifecycle = _optional(arm, f"{account_id}/managementPolicies/default",
                              "arm:GET Microsoft.Storage/storageAccounts/managementPolicies")
        days = _lifecycle_delete_days(lifecycle) if lifecycle else None
        entry["retention_days"] = "unlimited" if days is None else days
        entry["immutability"] = _immutability(account, container)
        if container:
            entry["immutability_days"] = prop(container, "properties", "immutabilityPolicy", "properties",
                                              "immutabilityPeriodSinceCreationInDays")
    except CallFailed as failed:
        entry["unreadable"] = f"{failed.code}: {failed.message}"
    return entry


def _optional(arm: JsonChannel, path: str, source: str) -> dict[str, Any] | None:
    try:
        return arm.get(path, _v("storage"), source=source)
    except CallFailed as failed:
        if failed.status == 404:
            return None
        raise


def event_hub_destination(rule_id: str) -> dict[str, Any]:
    return {"kind": "event_hub", "id": rule_id, "name": _name(rule_id.split("/authorizationrules/")[0]),
            "unreadable": "イベント ハブへストリーミングしている（保持期間と不変性は受信側のシステムが決める）"}


def protected_items(arm: JsonChannel, vault_id: str) -> list[dict[str, Any]]:
    return arm.list(f"{vault_id}/backupProtectedItems", _v("backup"),
                    source="arm:GET Microsoft.RecoveryServices/vaults/backupProtectedItems")


def tde_state(arm: JsonChannel, database_id: str) -> str | None:
    body = arm.get(f"{database_id}/transparentDataEncryption/current", _v("sql"),
                   source="arm:GET Microsoft.Sql/servers/databases/transparentDataEncryption")
    return prop(body, "properties", "state")


def afd_children(arm: JsonChannel, profile_id: str) -> tuple[list, list, list]:
    """Endpoints, custom domains and security policies of a Front Door Standard/Premium profile."""
    return (
        arm.list(f"{profile_id}/afdEndpoints", _v("cdn"), source="arm:GET Microsoft.Cdn/profiles/afdEndpoints"),
        arm.list(f"{profile_id}/customDomains", _v("cdn"), source="arm:GET Microsoft.Cdn/profiles/customDomains"),
        arm.list(f"{profile_id}/securityPolicies", _v("cdn"), source="arm:GET Microsoft.Cdn/profiles/securityPolicies"),
    )
