"""The store behind the Azure emulator's estate: ids, subscriptions, resources, documents and lists.

:class:`EstateStore` keeps what the emulator serves (ARM resources by id, child documents, lists,
extra Resource Graph rows, the tenant's Microsoft Graph collections) and the basic ways to add to
it; the builders of :mod:`.estate_resources` and :mod:`.estate` seed it in the shapes Azure returns.
Ids are derived from names (uuid5), so an estate built twice is identical.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

NAMESPACE = uuid.UUID("6f1d3c1e-8a7b-4f0e-9b2a-1c5d7e9f0a11")
CREATED = "2024-04-01T00:00:00Z"
ALL_GRAPH_PERMISSIONS = frozenset({
    "AuditLog.Read.All", "Policy.Read.All", "RoleManagement.Read.Directory", "Domain.Read.All", "User.Read.All",
})
DEFENDER_PLANS = ("VirtualMachines", "SqlServers", "AppServices", "StorageAccounts", "KeyVaults", "Arm", "Containers",
                  "CosmosDbs", "OpenSourceRelationalDatabases", "Dns", "CloudPosture", "Api")


def uid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Subscription:
    id: str
    name: str
    state: str = "Enabled"
    readable: bool = True  # False: listed by ARM, but Resource Graph and ARM reads are refused


@dataclass
class App:
    """The service principal the audit signs in as."""

    client_id: str
    secret: str
    object_id: str
    graph_permissions: set[str] = field(default_factory=lambda: set(ALL_GRAPH_PERMISSIONS))


class EstateStore:
    """Everything the emulator serves. Mutable while seeding; the server only reads it."""

    def __init__(self, tenant_id: str = "", domain: str = "example-city.onmicrosoft.com") -> None:
        self.tenant_id = tenant_id or uid("tenant", domain)
        self.domain = domain
        self.app = App(uid("app", domain), "emulator-client-secret", uid("sp", domain))
        self.subscriptions: dict[str, Subscription] = {}
        self.resources: dict[str, dict[str, Any]] = {}  # lower id → ARM resource
        self.extra_rows: list[dict[str, Any]] = []  # Resource Graph rows that are not plain resources
        self.documents: dict[str, dict[str, Any]] = {}  # lower path → document
        self.collections: dict[str, list[dict[str, Any]]] = {}  # lower path → items
        self.graph: dict[str, Any] = {
            "users": [], "userRegistrationDetails": [], "roleAssignments": [], "conditionalAccessPolicies": [],
            "namedLocations": [], "domains": [], "securityDefaults": False,
        }
        self.premium = True  # Entra ID P1/P2: needed for registration reports and Conditional Access
        self.denied: list[str] = []  # lower-case path prefixes ARM refuses with 403
        self.arm_page_size = 100
        self.graph_page_size = 100
        self.now = datetime.now(UTC)
        self.domain_entry(domain, initial=True)

    # ------------------------------------------------------------ basics

    def subscription(self, name: str, state: str = "Enabled", readable: bool = True) -> str:
        sid = uid("subscription", self.tenant_id, name)
        self.subscriptions[sid] = Subscription(sid, name, state, readable)
        base = f"/subscriptions/{sid}/providers"
        self.collections[f"{base}/microsoft.security/pricings".lower()] = [
            self._pricing(sid, plan, "Free") for plan in DEFENDER_PLANS]
        self.collections[f"{base}/microsoft.security/settings".lower()] = [
            {"id": f"{base}/Microsoft.Security/settings/{n}", "name": n, "type": "Microsoft.Security/settings",
             "kind": "DataExportSettings", "properties": {"enabled": False}} for n in ("MCAS", "WDATP")]
        for kind in ("microsoft.insights/diagnosticsettings", "microsoft.authorization/policyassignments"):
            self.collections[f"{base}/{kind}".lower()] = []
        return sid

    def deny(self, path_prefix: str) -> None:
        """Make ARM refuse every GET under this path (as a missing role assignment would)."""
        self.denied.append(path_prefix.lower())

    def resource(self, sid: str, group: str, arm_type: str, name: str, location: str = "japaneast",
                 properties: dict | None = None, **top: Any) -> dict[str, Any]:
        rid = f"/subscriptions/{sid}/resourceGroups/{group}/providers/{arm_type}/{name}"
        body = {"id": rid, "name": name, "type": arm_type, "location": location, "tags": {},
                "properties": {"provisioningState": "Succeeded", **(properties or {})}}
        body.update({key: value for key, value in top.items() if value is not None})
        self.resources[rid.lower()] = body
        return body

    def document(self, path: str, body: dict[str, Any]) -> None:
        self.documents[path.lower()] = body

    def items(self, path: str) -> list[dict[str, Any]]:
        return self.collections.setdefault(path.lower(), [])

    def _sub_list(self, sid: str, kind: str) -> list[dict[str, Any]]:
        return self.items(f"/subscriptions/{sid}/providers/{kind}")

    def _pricing(self, sid: str, plan: str, tier: str, sub_plan: str | None = None,
                 extensions: dict[str, bool] | None = None) -> dict[str, Any]:
        properties: dict[str, Any] = {"pricingTier": tier, "freeTrialRemainingTime": "PT0S"}
        if sub_plan:
            properties["subPlan"] = sub_plan
        if extensions:
            properties["extensions"] = [{"name": n, "isEnabled": "True" if on else "False"}
                                        for n, on in extensions.items()]
        if tier == "Standard":
            properties["enablementTime"] = CREATED
        return {"id": f"/subscriptions/{sid}/providers/Microsoft.Security/pricings/{plan}", "name": plan,
                "type": "Microsoft.Security/pricings", "properties": properties}
