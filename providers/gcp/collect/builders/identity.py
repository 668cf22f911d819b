"""Identity evidence from IAM policies: one record per IAM policy, one per administrator principal.

Administrators are principals holding an administrative role on a project, folder or organisation.
Users get their 2-Step Verification state from the Admin SDK Directory API when the audit identity
may read it; otherwise the attribute is unreadable with the grant that would make it readable.
Groups and whole domains are recorded too: their members' 2SV state is not expanded here. So are
federated identities (``principal://`` / ``principalSet://`` of workforce and workload identity
pools), whose sign-in and MFA an external identity provider decides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace

from auditor.model import Evidence, Said
from providers.gcp.calls import GET_DIRECTORY_USER, LIST_IAM_POLICIES
from providers.gcp.collect.builders.common import from_asset, record, take
from providers.gcp.collect.builders.projects import container_ref
from providers.gcp.collect.context import ScopeData

ADMIN_ROLES = frozenset({
    "roles/owner",
    "roles/editor",
    "roles/resourcemanager.organizationAdmin",
    "roles/resourcemanager.folderAdmin",
    "roles/resourcemanager.projectIamAdmin",
    "roles/iam.securityAdmin",
    "roles/iam.organizationRoleAdmin",
})
HUMAN_PREFIXES = ("user:", "group:", "domain:")
#: Principal identifiers (IAM v2 syntax): workforce / workload identity federation and others.
PRINCIPAL_PREFIXES = ("principal://", "principalSet://")
#: Pool kinds of identity federation, by the path segment that names them in a principal identifier.
FEDERATION_POOLS = {"/workforcePools/": "workforce", "/workloadIdentityPools/": "workload"}


def iam_policies(data: ScopeData) -> Iterator[Evidence]:
    for asset in data.iam_policies:
        target = container_ref(asset)
        scope = data.project_id(target) if target.startswith("projects/") else target
        shown = f"projects/{scope}" if target.startswith("projects/") else target
        bindings = [
            {"role": b.get("role", ""), "members": list(b.get("members") or []), "condition": b.get("condition")}
            for b in (asset.iam_policy or {}).get("bindings") or []
        ]
        evidence = from_asset(
            data, "gcp.resourcemanager.iam_policy", asset,
            {"locations": ["global"], "target": shown, "bindings": bindings},
            raw=asset.iam_policy, source=LIST_IAM_POLICIES.source,
        )
        yield replace(evidence, scope=scope, name=shown)


def admin_grants(data: ScopeData) -> dict[str, list[dict[str, str]]]:
    """Human principals with an administrative role → where they hold it."""
    grants: dict[str, list[dict[str, str]]] = defaultdict(list)
    for asset in data.iam_policies:
        target = container_ref(asset)
        if target.startswith("projects/"):
            target = f"projects/{data.project_id(target)}"
        for binding in (asset.iam_policy or {}).get("bindings") or []:
            role = binding.get("role", "")
            if role not in ADMIN_ROLES:
                continue
            for member in binding.get("members") or []:
                if member.startswith(HUMAN_PREFIXES + PRINCIPAL_PREFIXES):
                    grants[member].append({"role": role, "on": target})
    return grants


def directory_scope(data: ScopeData) -> str:
    organizations = sorted({p.organization for p in data.projects.values() if p.organization})
    if data.scope.startswith("organizations/"):
        return data.scope
    return organizations[0] if len(organizations) == 1 else "directory"


def admin_principals(data: ScopeData) -> Iterator[Evidence]:
    scope = directory_scope(data)
    for member, grants in sorted(admin_grants(data).items()):
        if member.startswith(PRINCIPAL_PREFIXES):
            kind, principal = member.partition("://")[0], member
        else:
            kind, _, principal = member.partition(":")
        attributes = {"principal": principal, "principal_type": kind, "grants": grants}
        if member.startswith(PRINCIPAL_PREFIXES):
            attributes["federation"] = next((pool for segment, pool in FEDERATION_POOLS.items()
                                             if segment in member), "")
        unreadable: dict[str, Said] = {}
        raw = None
        if kind == "user":
            user = take(data.followups.directory.get(principal), "two_step_verification", unreadable)
            if user is not None:
                raw = user
                attributes["two_step_verification"] = {
                    "enrolled": bool(user.get("isEnrolledIn2Sv")),
                    "enforced": bool(user.get("isEnforcedIn2Sv")),
                    "suspended": bool(user.get("suspended")),
                }
        yield record(
            data, "gcp.iam.admin_principal", scope, member, principal,
            f"{LIST_IAM_POLICIES.source} + {GET_DIRECTORY_USER.source}", attributes, unreadable, raw,
        )
