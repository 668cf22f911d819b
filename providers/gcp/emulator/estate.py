"""The in-memory GCP estate the local Google APIs emulator serves, and the ``add_*`` methods that seed it.

Assets are kept as Cloud Asset Inventory returns them (``resource`` / ``iamPolicy`` / ``orgPolicy`` /
access-policy parts, with their ancestors); the other APIs' answers (Cloud IDS, Security Command
Center, OS Config, Admin SDK, Context-Aware Access) are kept per project or organisation. Errors to
answer with are registered with :meth:`Estate.fail`. The REST-shaped payload builders are in
:mod:`providers.gcp.emulator.estate_assets`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CONTAINER_TYPES = {"projects": "Project", "folders": "Folder", "organizations": "Organization"}


def _service_of(asset_type: str) -> str:
    return asset_type.split("/", 1)[0]


@dataclass
class FailureRule:
    """Answer matching requests of one API with a Google error instead of data."""

    api: str
    status: int
    reason: str
    message: str = ""
    path_contains: str = ""
    content_type: str = ""


@dataclass
class Estate:
    """An in-memory GCP estate. Seed it with the ``add_*`` methods; all are plain data."""

    assets: dict[str, dict[str, Any]] = field(default_factory=dict)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)  # project id → number, ancestors
    containers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # folders/N → chain (self first)
    ids_endpoints: dict[str, list[dict]] = field(default_factory=dict)
    scc_services: dict[str, dict[str, str]] = field(default_factory=dict)
    vulnerability_reports: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    directory_users: dict[str, dict] = field(default_factory=dict)
    user_access_bindings: dict[str, list[dict]] = field(default_factory=dict)
    failures: list[FailureRule] = field(default_factory=list)
    service_account_keys: dict[str, Any] = field(default_factory=dict)  # email → public key
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token → user e-mail
    token_creators: set[tuple[str, str]] = field(default_factory=set)  # (caller, target)
    revision: int = 0  # bumped on every asset change (the emulator caches listings per revision)

    # ------------------------------------------------------------------ hierarchy

    def add_organization(self, number: str, domain: str = "example.jp") -> str:
        ref = f"organizations/{number}"
        self.containers[ref] = (ref,)
        self._put(f"//cloudresourcemanager.googleapis.com/{ref}", "cloudresourcemanager.googleapis.com/Organization",
                  (ref,), {"name": ref, "displayName": domain, "lifecycleState": "ACTIVE",
                           "owner": {"directoryCustomerId": "C0abc123"}}, "global")
        return ref

    def add_folder(self, number: str, parent: str, display_name: str = "") -> str:
        ref = f"folders/{number}"
        chain = (ref, *self.containers[parent])
        self.containers[ref] = chain
        self._put(f"//cloudresourcemanager.googleapis.com/{ref}", "cloudresourcemanager.googleapis.com/Folder",
                  chain, {"name": ref, "parent": parent, "displayName": display_name or ref,
                          "lifecycleState": "ACTIVE"}, "global")
        return ref

    def add_project(self, project_id: str, number: str, parent: str = "") -> str:
        ref = f"projects/{number}"
        chain = (ref, *(self.containers[parent] if parent else ()))
        self.projects[project_id] = {"number": number, "ancestors": chain}
        self.containers[ref] = chain
        data: dict[str, Any] = {"projectNumber": number, "projectId": project_id, "lifecycleState": "ACTIVE",
                                "name": project_id, "createTime": "2024-04-01T00:00:00Z"}
        if parent:
            kind, _, ident = parent.partition("/")
            data["parent"] = {"type": kind.rstrip("s"), "id": ident}
        self._put(f"//cloudresourcemanager.googleapis.com/{ref}", "cloudresourcemanager.googleapis.com/Project",
                  chain, data, "global")
        return ref

    def chain_of(self, parent: str) -> tuple[str, ...]:
        """Ancestors for a resource under a project ID, ``projects/ID`` or a container reference."""
        key = parent.removeprefix("projects/") if parent.startswith("projects/") else parent
        if key in self.projects:
            return self.projects[key]["ancestors"]
        return self.containers[parent]

    # ------------------------------------------------------------------ assets

    def _put(self, name: str, asset_type: str, ancestors: tuple[str, ...], data: Mapping[str, Any] | None,
             location: str) -> None:
        self.revision += 1
        entry = self.assets.setdefault(name, {"name": name, "assetType": asset_type, "ancestors": list(ancestors)})
        if data is not None:
            service = _service_of(asset_type)
            entry["resource"] = {
                "version": "v1",
                "discoveryDocumentUri": f"https://{service}/$discovery/rest",
                "discoveryName": asset_type.rsplit("/", 1)[-1],
                "parent": f"//cloudresourcemanager.googleapis.com/{ancestors[0]}" if ancestors else "",
                "data": dict(data),
                "location": location,
            }
        entry["updateTime"] = "2026-01-15T00:00:00Z"

    def add_resource(self, parent: str, asset_type: str, path: str, data: Mapping[str, Any],
                     location: str = "global", service: str = "") -> str:
        """Add a resource asset; ``path`` is the resource name after the service host (``service``
        when the asset name's host differs from the asset type's, as for Cloud SQL)."""
        chain = self.chain_of(parent)
        name = f"//{service or _service_of(asset_type)}/{path}"
        self._put(name, asset_type, chain, data, location)
        return name

    def set_iam_policy(self, target: str, bindings: list[dict], audit_configs: list[dict] | None = None) -> None:
        """IAM policy of ``projects/ID``, ``folders/N`` or ``organizations/N``."""
        chain = self.chain_of(target)
        asset_type = CONTAINER_TYPES[chain[0].split("/")[0]]
        name = f"//cloudresourcemanager.googleapis.com/{chain[0]}"
        self._put(name, f"cloudresourcemanager.googleapis.com/{asset_type}", chain, None, "global")
        policy: dict[str, Any] = {"version": 1, "bindings": bindings, "etag": "BwYz1g2PAsE="}
        if audit_configs:
            policy["auditConfigs"] = audit_configs
        self.assets[name]["iamPolicy"] = policy
        self.revision += 1

    def set_org_policy(self, target: str, policies: list[dict]) -> None:
        """Organisation policies (v1 ``Policy`` messages) set on a project, folder or organisation."""
        chain = self.chain_of(target)
        asset_type = CONTAINER_TYPES[chain[0].split("/")[0]]
        name = f"//cloudresourcemanager.googleapis.com/{chain[0]}"
        self._put(name, f"cloudresourcemanager.googleapis.com/{asset_type}", chain, None, "global")
        self.assets[name]["orgPolicy"] = [{"version": 1, "etag": "BwYz1g2PAsE=", **p} for p in policies]
        self.revision += 1

    def add_access_policy(self, organization: str, policy_number: str, title: str = "default") -> str:
        name = f"accessPolicies/{policy_number}"
        self.revision += 1
        self.assets[f"//accesscontextmanager.googleapis.com/{name}"] = {
            "name": f"//accesscontextmanager.googleapis.com/{name}",
            "assetType": "accesscontextmanager.googleapis.com/AccessPolicy",
            "ancestors": list(self.containers[organization]),
            "accessPolicy": {"name": name, "parent": organization, "title": title, "etag": "abc"},
            "updateTime": "2026-01-15T00:00:00Z",
        }
        return name

    def add_access_level(self, organization: str, policy: str, level: str, ip_subnetworks: list[str]) -> str:
        name = f"{policy}/accessLevels/{level}"
        self.revision += 1
        self.assets[f"//accesscontextmanager.googleapis.com/{name}"] = {
            "name": f"//accesscontextmanager.googleapis.com/{name}",
            "assetType": "accesscontextmanager.googleapis.com/AccessLevel",
            "ancestors": list(self.containers[organization]),
            "accessLevel": {"name": name, "title": level,
                            "basic": {"conditions": [{"ipSubnetworks": ip_subnetworks}], "combiningFunction": "AND"}},
            "updateTime": "2026-01-15T00:00:00Z",
        }
        return name

    def add_service_perimeter(self, organization: str, policy: str, perimeter: str, project_numbers: list[str],
                              access_levels: list[str] = (), dry_run: bool = False) -> str:
        name = f"{policy}/servicePerimeters/{perimeter}"
        self.revision += 1
        config = {"resources": [f"projects/{n}" for n in project_numbers], "accessLevels": list(access_levels),
                  "restrictedServices": ["storage.googleapis.com", "bigquery.googleapis.com"]}
        body: dict[str, Any] = {"name": name, "title": perimeter, "perimeterType": "PERIMETER_TYPE_REGULAR"}
        if dry_run:
            body.update(spec=config, useExplicitDryRunSpec=True)
        else:
            body["status"] = config
        self.assets[f"//accesscontextmanager.googleapis.com/{name}"] = {
            "name": f"//accesscontextmanager.googleapis.com/{name}",
            "assetType": "accesscontextmanager.googleapis.com/ServicePerimeter",
            "ancestors": list(self.containers[organization]),
            "servicePerimeter": body,
            "updateTime": "2026-01-15T00:00:00Z",
        }
        return name

    # ------------------------------------------------------------------ other APIs

    def add_ids_endpoint(self, project_id: str, zone: str, name: str, network: str = "default",
                         state: str = "READY", severity: str = "INFORMATIONAL") -> None:
        self.ids_endpoints.setdefault(project_id, []).append({
            "name": f"projects/{project_id}/locations/{zone}/endpoints/{name}",
            "createTime": "2025-10-01T00:00:00Z", "updateTime": "2025-10-01T00:00:00Z",
            "network": f"projects/{project_id}/global/networks/{network}",
            "endpointForwardingRule": f"https://www.googleapis.com/compute/v1/projects/{project_id}/regions/"
                                      f"{zone[:-2]}/forwardingRules/ids-fr-{name}",
            "endpointIp": "10.10.0.2", "severity": severity, "state": state, "trafficLogs": False,
        })

    def set_scc_services(self, project_id: str, **states: str) -> None:
        """Effective states by service, e.g. ``event_threat_detection="ENABLED"``."""
        self.scc_services[project_id] = {k.replace("_", "-"): v for k, v in states.items()}

    def add_vulnerability_report(self, project_id: str, zone: str, instance_id: str,
                                 vulnerabilities: list[dict] | None = None, update_time: str = "",
                                 highest_upgradable: str = "") -> None:
        number = self.projects[project_id]["number"]
        report = {
            "name": f"projects/{number}/locations/{zone}/instances/{instance_id}/vulnerabilityReport",
            "vulnerabilities": vulnerabilities or [],
            "updateTime": update_time or "2026-01-14T03:00:00Z",
        }
        if highest_upgradable:
            report["highestUpgradableCveSeverity"] = highest_upgradable
        self.vulnerability_reports.setdefault((project_id, zone), []).append(report)

    def add_directory_user(self, email: str, enrolled: bool, enforced: bool = False, suspended: bool = False) -> None:
        self.directory_users[email.lower()] = {
            "kind": "admin#directory#user", "id": str(int(hashlib.sha256(email.lower().encode()).hexdigest()[:15], 16)),
            "primaryEmail": email,
            "isAdmin": False, "isEnrolledIn2Sv": enrolled, "isEnforcedIn2Sv": enforced, "suspended": suspended,
        }

    def add_user_access_binding(self, organization: str, group_key: str, access_levels: list[str]) -> None:
        number = organization.removeprefix("organizations/")
        bindings = self.user_access_bindings.setdefault(organization, [])
        bindings.append({"name": f"organizations/{number}/gcpUserAccessBindings/b{len(bindings) + 1}",
                         "groupKey": group_key, "accessLevels": access_levels})

    def fail(self, api: str, status: int = 403, reason: str = "IAM_PERMISSION_DENIED", *, message: str = "",
             path_contains: str = "", content_type: str = "") -> None:
        """Answer matching calls of ``api`` (``asset``, ``ids``, ``osconfig`` …) with a Google error."""
        self.failures.append(FailureRule(api, status, reason, message, path_contains, content_type))

    def register_service_account(self, email: str, public_key: Any) -> None:
        self.service_account_keys[email] = public_key

    def number_of(self, project: str) -> str:
        key = project.removeprefix("projects/")
        return self.projects[key]["number"] if key in self.projects else key

    def scope_key(self, scope: str) -> str:
        if scope.startswith("projects/"):
            return f"projects/{self.number_of(scope)}"
        return scope

