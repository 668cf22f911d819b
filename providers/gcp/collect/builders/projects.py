"""Project-level evidence: settings gathered per project from several listings and follow-ups.

One record per active project in the scope: the project itself (Admin Activity logs), its effective
Data Access audit configuration, its ``gcp.resourceLocations`` policy, threat detection (Cloud IDS,
Security Command Center), alerting (Cloud Monitoring) and access restriction (VPC Service Controls,
Context-Aware Access). Ancestor folders and organisations outside the audited scope are named, so a
check can tell "not configured" from "configured where this audit cannot see".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from auditor.model import Evidence, Said
from providers.gcp.calls import (
    LIST_ACCESS_POLICIES,
    LIST_IAM_POLICIES,
    LIST_IDS_ENDPOINTS,
    LIST_ORG_POLICIES,
    LIST_SCC_SERVICES,
    LIST_USER_ACCESS_BINDINGS,
)
from providers.gcp.collect.builders.common import asset_source, record, take
from providers.gcp.collect.context import PROJECT_TYPE, AccessContext, Project, ScopeData
from providers.gcp.collect.inventory import Asset
from providers.gcp.collect.refs import as_bool, dig, last_segment

RESOURCE_LOCATIONS = "constraints/gcp.resourceLocations"
ALERT_POLICY = "monitoring.googleapis.com/AlertPolicy"
NOTIFICATION_CHANNEL = "monitoring.googleapis.com/NotificationChannel"
INSTANCE = "compute.googleapis.com/Instance"


def container_ref(asset: Asset) -> str:
    """``//cloudresourcemanager.googleapis.com/folders/4`` → ``folders/4``."""
    return asset.name.split("cloudresourcemanager.googleapis.com/", 1)[-1]


def _project_record(data: ScopeData, project: Project, kind: str, source: str, attributes, unreadable=None, raw=None):
    return record(
        data, kind, project.project_id, project.asset.name, project.project_id, source,
        {"project_id": project.project_id, "project_number": project.number, **attributes}, unreadable, raw,
    )


def projects(data: ScopeData) -> Iterator[Evidence]:
    for project in data.projects.values():
        yield _project_record(
            data, project, "gcp.resourcemanager.project", asset_source(PROJECT_TYPE),
            {"parent": project.ancestors[1] if len(project.ancestors) > 1 else ""}, raw=project.asset.data,
        )


def _levels(data: ScopeData, project: Project) -> tuple[list[str], list[str]]:
    visible = [level for level in project.ancestors if data.covers(level, project.ancestors)]
    hidden = [level for level in project.ancestors if level not in visible]
    return visible, hidden


def data_access_config(data: ScopeData) -> Iterator[Evidence]:
    policies = {container_ref(a): a.iam_policy or {} for a in data.iam_policies}
    for project in data.projects.values():
        visible, hidden = _levels(data, project)
        configs = [
            {"level": level, "audit_configs": list(policies.get(level, {}).get("auditConfigs") or [])}
            for level in visible
        ]
        yield _project_record(
            data, project, "gcp.logging.data_access_config", LIST_IAM_POLICIES.source,
            {"audit_configs": configs, "levels_outside_scope": hidden}, raw=configs,
        )


def _effective_locations(levels: list[tuple[str, Mapping[str, Any] | None]]) -> dict[str, Any]:
    """Merge ``gcp.resourceLocations`` from the project upwards (nearest first), v1 list-policy semantics.

    A level whose policy could not be seen (outside the audited scope) is ``None``: when the merge
    would have to look there, the result is marked ``incomplete`` rather than guessed.
    """
    allowed: list[str] = []
    denied: list[str] = []
    set_at: list[str] = []
    for level, policy in levels:
        if policy is None:
            return {"constrained": bool(allowed or denied), "allowed": allowed, "denied": denied, "set_at": set_at,
                    "incomplete": True}
        if not policy:
            continue
        set_at.append(level)
        if "restoreDefault" in policy:
            return {"constrained": False, "allowed": allowed, "denied": denied, "set_at": set_at, "restored": True}
        list_policy = policy.get("listPolicy") or {}
        if list_policy.get("allValues") in ("ALLOW", 1):
            return {"constrained": False, "allowed": allowed, "denied": denied, "set_at": set_at}
        allowed.extend(list_policy.get("allowedValues") or [])
        denied.extend(list_policy.get("deniedValues") or [])
        if not as_bool(list_policy.get("inheritFromParent")):
            break
    return {"constrained": bool(allowed or denied), "allowed": allowed, "denied": denied, "set_at": set_at}


def resource_locations(data: ScopeData) -> Iterator[Evidence]:
    by_level = {}
    for asset in data.org_policies:
        for policy in asset.org_policies:
            if policy.get("constraint") == RESOURCE_LOCATIONS:
                by_level[container_ref(asset)] = policy
    for project in data.projects.values():
        visible, hidden = _levels(data, project)
        effective = _effective_locations(
            [(level, by_level.get(level, {}) if level in visible else None) for level in project.ancestors]
        )
        yield _project_record(
            data, project, "gcp.resourcemanager.resource_locations_policy", LIST_ORG_POLICIES.source,
            {**effective, "levels_outside_scope": hidden},
            raw={level: by_level[level] for level in visible if level in by_level},
        )


def threat_detection(data: ScopeData) -> Iterator[Evidence]:
    vms = defaultdict(int)
    for asset in data.of_type(INSTANCE):
        vms[asset.project_ref] += 1
    for project in data.projects.values():
        unreadable: dict[str, Said] = {}
        endpoints = take(data.followups.ids.get(project.project_id, ()), "ids_endpoints", unreadable)
        services = take(data.followups.scc.get(project.project_id, {}), "scc_services", unreadable)
        attributes = {
            "ids_endpoints": [
                {"name": e.get("name", ""), "state": e.get("state", ""), "severity": e.get("severity", ""),
                 "network": last_segment(e.get("network", ""))}
                for e in endpoints or ()
            ] if endpoints is not None else None,
            "scc_services": dict(services) if services is not None else None,
            "vm_count": vms.get(project.ref, 0),
        }
        yield _project_record(
            data, project, "gcp.resourcemanager.project_threat_detection",
            f"{LIST_IDS_ENDPOINTS.source} + {LIST_SCC_SERVICES.source}", attributes, unreadable,
        )


def alerting(data: ScopeData) -> Iterator[Evidence]:
    channels: dict[str, dict[str, Any]] = {}
    for asset in data.of_type(NOTIFICATION_CHANNEL):
        name = str(asset.data.get("name") or "")
        channels[name] = {
            "type": asset.data.get("type", ""),
            "enabled": as_bool(asset.data.get("enabled"), default=True),
            "verification_status": asset.data.get("verificationStatus", ""),
            "project": asset.project_ref,
        }
    policies: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for asset in data.of_type(ALERT_POLICY):
        policies[asset.project_ref].append({
            "name": str(asset.data.get("name") or asset.name),
            "display_name": asset.data.get("displayName", ""),
            "enabled": as_bool(asset.data.get("enabled"), default=True),
            "channels": list(asset.data.get("notificationChannels") or []),
        })
    for project in data.projects.values():
        own = policies.get(project.ref, [])
        for policy in own:
            policy["active_channels"] = [c for c in policy["channels"] if channels.get(c, {}).get("enabled")]
            policy["unknown_channels"] = [c for c in policy["channels"] if c not in channels]
        yield _project_record(
            data, project, "gcp.monitoring.project_alerting",
            f"{asset_source(ALERT_POLICY)} + {asset_source(NOTIFICATION_CHANNEL)}",
            {"alert_policies": own, "channels": {k: v for k, v in channels.items() if v["project"] == project.ref}},
        )


def _perimeters_for(project: Project, access: AccessContext) -> tuple[list[dict], list[dict]]:
    enforced, dry_run = [], []
    member = f"projects/{project.number}"
    for perimeter in access.perimeters:
        summary = {
            "name": perimeter.get("name", ""),
            "title": perimeter.get("title", ""),
            "access_levels": list(dig(perimeter, "status", "accessLevels", default=[]) or []),
            "restricted_services": len(dig(perimeter, "status", "restrictedServices", default=[]) or []),
        }
        if member in (dig(perimeter, "status", "resources", default=[]) or []):
            enforced.append(summary)
        elif member in (dig(perimeter, "spec", "resources", default=[]) or []):
            dry_run.append(summary)
    return enforced, dry_run


def access_context(data: ScopeData) -> Iterator[Evidence]:
    for project in data.projects.values():
        unreadable: dict[str, Said] = {}
        attributes: dict[str, Any] = {"organization": project.organization}
        if not project.organization:
            attributes.update(perimeters=[], dry_run_perimeters=[], access_levels=[], user_access_bindings=[])
        else:
            access = take(data.followups.access.get(project.organization), "perimeters", unreadable)
            bindings = take(data.followups.bindings.get(project.organization, ()), "user_access_bindings", unreadable)
            if access is not None:
                enforced, dry_run = _perimeters_for(project, access)
                attributes.update(
                    perimeters=enforced, dry_run_perimeters=dry_run,
                    access_levels=[level.get("name", "") for level in access.levels],
                )
            if bindings is not None:
                attributes["user_access_bindings"] = [
                    {"group": b.get("groupKey", ""), "access_levels": list(b.get("accessLevels") or [])}
                    for b in bindings
                ]
        yield _project_record(
            data, project, "gcp.resourcemanager.project_access_context",
            f"{LIST_ACCESS_POLICIES.source} + {LIST_USER_ACCESS_BINDINGS.source}", attributes, unreadable,
        )
