"""Microsoft Graph reads about the tenant (Entra ID), each with the application permission it needs.

All are GETs on ``/v1.0`` through the read-only Graph channel, following ``@odata.nextLink``.
Normalisers turn the responses into the attributes the identity checks read.
"""

from __future__ import annotations

from typing import Any

from providers.azure import facts
from providers.azure.collect.normalize import lower
from providers.azure.transport import JsonChannel

NEXT = "@odata.nextLink"


class Read:
    """One Graph read: its path, query and the application permission that allows it."""

    def __init__(self, name: str, path: str, permission: str, params: dict[str, str] | None = None,
                 collection: bool = True) -> None:
        self.name = name
        self.path = path
        self.permission = permission
        self.params = params or {}
        self.collection = collection

    @property
    def source(self) -> str:
        return f"graph:GET {self.path}"

    def run(self, graph: JsonChannel) -> Any:
        if self.collection:
            return graph.list(f"/v1.0{self.path}", self.params, source=self.source, next_key=NEXT)
        return graph.get(f"/v1.0{self.path}", self.params, source=self.source)


READS = {r.name: r for r in (
    Read("admins", "/reports/authenticationMethods/userRegistrationDetails", "AuditLog.Read.All",
         {"$filter": "isAdmin eq true"}),
    Read("role_assignments", "/roleManagement/directory/roleAssignments", "RoleManagement.Read.Directory",
         {"$expand": "principal"}),
    Read("ca_policies", "/identity/conditionalAccess/policies", "Policy.Read.All"),
    Read("named_locations", "/identity/conditionalAccess/namedLocations", "Policy.Read.All"),
    Read("security_defaults", "/policies/identitySecurityDefaultsEnforcementPolicy", "Policy.Read.All",
         collection=False),
    Read("domains", "/domains", "Domain.Read.All"),
    Read("users", "/users", "User.Read.All, AuditLog.Read.All", {
        "$select": "id,displayName,userPrincipalName,userType,accountEnabled,createdDateTime,signInActivity",
        "$top": "500",
    }),
)}


def ca_policy(policy: dict[str, Any]) -> dict[str, Any]:
    conditions = policy.get("conditions") or {}
    users = conditions.get("users") or {}
    apps = conditions.get("applications") or {}
    locations = conditions.get("locations") or {}
    grant = policy.get("grantControls") or {}
    return {
        "id": policy.get("id"),
        "name": policy.get("displayName"),
        "state": policy.get("state"),
        "include_users": list(users.get("includeUsers") or []),
        "excluded_users": len(users.get("excludeUsers") or []),
        "include_roles": [lower(r) for r in users.get("includeRoles") or []],
        "exclude_roles": [lower(r) for r in users.get("excludeRoles") or []],
        "include_applications": list(apps.get("includeApplications") or []),
        "include_locations": list(locations.get("includeLocations") or []),
        "exclude_locations": list(locations.get("excludeLocations") or []),
        "grant_controls": list(grant.get("builtInControls") or []),
        "grant_operator": grant.get("operator"),
        "authentication_strength": bool(grant.get("authenticationStrength")),
    }


def named_location(location: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": location.get("displayName"),
        "trusted": location.get("isTrusted"),
        "ip_ranges": [r.get("cidrAddress") for r in location.get("ipRanges") or [] if r.get("cidrAddress")],
        "countries": list(location.get("countriesAndRegions") or []),
    }


def _principal_kind(assignment: dict[str, Any]) -> str:
    return lower((assignment.get("principal") or {}).get("@odata.type")).rsplit(".", 1)[-1]


def privileged_roles_in_use(assignments: list[dict[str, Any]]) -> dict[str, int]:
    """Privileged roles held by people (users or role-assignable groups), with how many assignments."""
    used: dict[str, int] = {}
    for assignment in assignments:
        role = lower(assignment.get("roleDefinitionId"))
        if role in facts.PRIVILEGED_DIRECTORY_ROLES and _principal_kind(assignment) in ("user", "group"):
            used[role] = used.get(role, 0) + 1
    return used


def global_admins(assignments: list[dict[str, Any]]) -> list[str]:
    return sorted({str(a.get("principalId")) for a in assignments
                   if lower(a.get("roleDefinitionId")) == facts.GLOBAL_ADMIN_ROLE_ID
                   and _principal_kind(a) in ("user", "group")})


def admin(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "upn": record.get("userPrincipalName"),
        "is_mfa_registered": record.get("isMfaRegistered"),
        "methods": list(record.get("methodsRegistered") or []),
        "user_type": record.get("userType"),
    }


def user(record: dict[str, Any]) -> dict[str, Any]:
    activity = record.get("signInActivity") or {}
    last = activity.get("lastSuccessfulSignInDateTime") or activity.get("lastSignInDateTime")
    return {
        "upn": record.get("userPrincipalName"),
        "enabled": record.get("accountEnabled"),
        "user_type": record.get("userType"),
        "created": record.get("createdDateTime"),
        "last_sign_in": last,
    }


def domain(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "authentication_type": record.get("authenticationType"),
        "is_verified": record.get("isVerified"),
        "is_default": record.get("isDefault"),
        "password_validity_days": record.get("passwordValidityPeriodInDays"),
    }
