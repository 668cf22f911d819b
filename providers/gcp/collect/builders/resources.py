"""Attributes of resource-backed evidence kinds: one function per kind, reading one asset.

Each function returns ``(attributes, unreadable)``. ``locations`` (where the data lives) is set on
every kind the residency checks read; references to other assets (SSL policies, URL maps, security
policies, snapshot schedules, instances) are resolved within the same scope's inventory, and a
reference that cannot be resolved is marked unreadable rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.model import Said
from providers.gcp.collect.context import ScopeData
from providers.gcp.collect.inventory import Asset
from providers.gcp.collect.refs import as_bool, as_int, compute_ref, dig, last_segment, location_from_link

Attrs = tuple[dict[str, Any], dict[str, Said]]

WAF_EXPRESSIONS = ("evaluatePreconfiguredWaf(", "evaluatePreconfiguredExpr(")


def _not_in_inventory(what: tuple[str, str], link: str) -> tuple[str, str]:
    ref = compute_ref(link)
    return (
        f"{what[0]} {ref} は監査対象の Cloud Asset インベントリにない"
        "（別のプロジェクトにある可能性がある。フォルダーまたは組織を監査すると解決できる）",
        f"{what[1]} {ref} is not in the audited scope's Cloud Asset inventory "
        "(it may live in another project; audit the folder or organisation to resolve it)",
    )


def _location(asset: Asset, *links: str) -> str:
    for link in links:
        if link:
            return location_from_link(link) if "/" in link else link
    return asset.location


def _key(key: Mapping[str, Any] | None) -> dict[str, Any]:
    key = key or {}
    return {"cmek_key": key.get("kmsKeyName", ""), "csek": bool(key.get("sha256") or key.get("rsaEncryptedKey"))}


def bucket(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    placement = dig(d, "customPlacementConfig", "dataLocations", default=[]) or []
    locations = [str(x).lower() for x in placement] or [str(d.get("location") or asset.location).lower()]
    return {
        "locations": locations,
        "location_type": d.get("locationType", ""),
        "cmek_key": dig(d, "encryption", "defaultKmsKeyName", default=""),
    }, {}


def _instance_management(instance: Asset | None) -> str:
    if instance is None:
        return ""
    labels = instance.data.get("labels") or {}
    if "goog-gke-node" in labels:
        return "gke"
    items = dig(instance.data, "metadata", "items", default=[]) or []
    created_by = next((i.get("value", "") for i in items if i.get("key") == "created-by"), "")
    return "mig" if "instanceGroupManagers/" in created_by else ""


def disk(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    replicas = [location_from_link(z) for z in d.get("replicaZones") or []]
    locations = replicas or [_location(asset, d.get("zone", ""), d.get("region", ""))]
    schedules, unresolved = [], []
    for link in d.get("resourcePolicies") or []:
        policy = data.compute(link)
        if policy is None:
            unresolved.append(link)
        elif "snapshotSchedulePolicy" in policy.data:
            schedules.append(policy.short_name)
    users = [data.compute(u) for u in d.get("users") or []]
    managed = sorted({m for m in (_instance_management(u) for u in users) if m})
    attributes = {
        "locations": locations,
        "regional": bool(replicas),
        "snapshot_schedules": schedules,
        "managed_by": managed[0] if managed else "",
        "attached": bool(d.get("users")),
        **_key(d.get("diskEncryptionKey")),
    }
    unreadable = {}
    if unresolved and not schedules:
        unreadable["snapshot_schedules"] = _not_in_inventory(("リソース ポリシー", "resource policy"), unresolved[0])
    return attributes, unreadable


def snapshot(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    return {
        "locations": [str(x).lower() for x in d.get("storageLocations") or []] or [asset.location],
        **_key(d.get("snapshotEncryptionKey")),
    }, {}


def image(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    return {
        "locations": [str(x).lower() for x in d.get("storageLocations") or []] or [asset.location],
        **_key(d.get("imageEncryptionKey")),
    }, {}


def _image_project(license_link: str) -> str:
    parts = compute_ref(license_link).split("/")
    return parts[1] if len(parts) > 1 and parts[0] == "projects" else ""


def instance(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    zone = _location(asset, d.get("zone", ""))
    licenses = [lic for disk_ in d.get("disks") or [] if disk_.get("boot") for lic in disk_.get("licenses") or []]
    attributes: dict[str, Any] = {
        "locations": [zone],
        "zone": zone,
        "status": d.get("status", ""),
        "instance_id": str(d.get("id", "")),
        "image_projects": sorted({p for p in map(_image_project, licenses) if p}),
        "managed_by": _instance_management(asset),
    }
    unreadable: dict[str, Said] = {}
    reports = data.followups.vulnerability.get((data.scope_of(asset), zone))
    if reports is None:
        attributes["vulnerability_report"] = None
    elif isinstance(reports, Mapping):
        attributes["vulnerability_report"] = reports.get(attributes["instance_id"]) or reports.get(asset.short_name)
    else:
        unreadable["vulnerability_report"] = reports.describe()
    return attributes, unreadable


def firewall(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    return {
        "locations": ["global"],
        "network": last_segment(d.get("network", "")),
        "direction": d.get("direction", "INGRESS"),
        "disabled": as_bool(d.get("disabled")),
        "priority": as_int(d.get("priority"), 1000),
        "source_ranges": list(d.get("sourceRanges") or []),
        "allowed": list(d.get("allowed") or []),
        "denied": list(d.get("denied") or []),
        "target_tags": list(d.get("targetTags") or []),
        "target_service_accounts": list(d.get("targetServiceAccounts") or []),
    }, {}


def forwarding_rule(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    is_global = asset.asset_type.endswith("/GlobalForwardingRule") or not d.get("region")
    target = compute_ref(d.get("target", ""))
    attributes: dict[str, Any] = {
        "locations": ["global"] if is_global else [_location(asset, d.get("region", ""))],
        "global": is_global,
        "scheme": d.get("loadBalancingScheme", "EXTERNAL"),
        "protocol": d.get("IPProtocol", ""),
        "port_range": d.get("portRange", ""),
        "target": target,
        "target_kind": target.split("/")[-2] if target.count("/") >= 2 else "",
    }
    unreadable: dict[str, Said] = {}
    if attributes["target_kind"] == "targetHttpProxies":
        proxy = data.compute(target)
        url_map = data.compute(proxy.data.get("urlMap", "")) if proxy is not None else None
        if proxy is None:
            unreadable["https_redirect"] = _not_in_inventory(("ターゲット HTTP プロキシ", "target HTTP proxy"), target)
        elif url_map is None:
            unreadable["https_redirect"] = _not_in_inventory(("URL マップ", "URL map"), proxy.data.get("urlMap", ""))
        else:
            attributes["url_map"] = url_map.short_name
            attributes["https_redirect"] = as_bool(dig(url_map.data, "defaultUrlRedirect", "httpsRedirect"))
    return attributes, unreadable


def target_proxy(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    link = d.get("sslPolicy", "")
    attributes: dict[str, Any] = {
        "locations": [_location(asset, d.get("region", "")) if d.get("region") else "global"],
        "proxy_type": asset.asset_type.rsplit("/", 1)[-1],
        "ssl_policy": compute_ref(link),
    }
    unreadable: dict[str, Said] = {}
    if not link:
        attributes.update(min_tls_version="TLS_1_0", profile="COMPATIBLE", google_default_policy=True)
    else:
        policy = data.compute(link)
        if policy is None:
            unreadable["min_tls_version"] = _not_in_inventory(("SSL ポリシー", "SSL policy"), link)
        else:
            attributes.update(
                min_tls_version=policy.data.get("minTlsVersion", "TLS_1_0"),
                profile=policy.data.get("profile", "COMPATIBLE"),
                google_default_policy=False,
            )
    return attributes, unreadable


def _waf_rules(policy: Mapping[str, Any]) -> list[int]:
    found = []
    for rule in policy.get("rules") or []:
        expression = dig(rule, "match", "expr", "expression", default="") or ""
        if any(marker in expression for marker in WAF_EXPRESSIONS) and not as_bool(rule.get("preview")):
            found.append(as_int(rule.get("priority"), 0))
    return found


def backend_service(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    link = d.get("securityPolicy", "")
    attributes: dict[str, Any] = {
        "locations": [_location(asset, d.get("region", "")) if d.get("region") else "global"],
        "scheme": d.get("loadBalancingScheme", ""),
        "protocol": d.get("protocol", "HTTP"),
        "security_policy": compute_ref(link),
        "edge_security_policy": compute_ref(d.get("edgeSecurityPolicy", "")),
    }
    unreadable: dict[str, Said] = {}
    if link:
        policy = data.compute(link)
        if policy is None:
            unreadable["waf_rules"] = _not_in_inventory(
                ("Cloud Armor セキュリティ ポリシー", "Cloud Armor security policy"), link)
        else:
            attributes["waf_rules"] = _waf_rules(policy.data)
    return attributes, unreadable


def instance_group_manager(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    regional = bool(d.get("region")) or asset.asset_type.endswith("/RegionInstanceGroupManager")
    if regional:
        zones = [location_from_link(z.get("zone", "")) for z in dig(d, "distributionPolicy", "zones", default=[]) or []]
    else:
        zones = [_location(asset, d.get("zone", ""))]
    name = str(d.get("name") or asset.short_name)
    return {
        "locations": [_location(asset, d.get("region", "")) if regional else zones[0]],
        "regional": regional,
        "zones": zones,
        "target_size": as_int(d.get("targetSize"), 0),
        "gke_node_pool": name.startswith("gke-") and name.endswith("-grp"),
    }, {}


def sql_instance(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    settings = d.get("settings") or {}
    backup = settings.get("backupConfiguration") or {}
    ip = settings.get("ipConfiguration") or {}
    return {
        "locations": [str(d.get("region") or asset.location)],
        "instance_type": d.get("instanceType", "CLOUD_SQL_INSTANCE"),
        "database_version": d.get("databaseVersion", ""),
        "availability_type": settings.get("availabilityType", "ZONAL"),
        "gce_zone": d.get("gceZone", ""),
        "secondary_gce_zone": d.get("secondaryGceZone", ""),
        "backup_enabled": as_bool(backup.get("enabled")),
        "point_in_time_recovery": as_bool(backup.get("pointInTimeRecoveryEnabled"))
        or as_bool(backup.get("binaryLogEnabled")),
        "backup_location": str(backup.get("location") or ""),
        "ssl_mode": ip.get("sslMode", ""),
        "require_ssl": as_bool(ip.get("requireSsl")),
        "cmek_key": dig(d, "diskEncryptionConfiguration", "kmsKeyName", default=""),
    }, {}


def bigquery_dataset(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    return {
        "locations": [str(d.get("location") or asset.location)],
        "cmek_key": dig(d, "defaultEncryptionConfiguration", "kmsKeyName", default=""),
    }, {}


def log_bucket(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    name = str(d.get("name") or asset.name)
    retention = as_int(d.get("retentionDays"))
    attributes = {
        "locations": [location_from_link(name) if "/locations/" in name else asset.location],
        "bucket_id": last_segment(name),
        "retention_days": retention,
        "locked": as_bool(d.get("locked")),
        "lifecycle_state": d.get("lifecycleState", ""),
    }
    unreadable = {} if retention is not None else {"retention_days": "retentionDays is not in the asset data"}
    return attributes, unreadable


def gke_cluster(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    return {
        "locations": [str(d.get("location") or asset.location)],
        "node_zones": list(d.get("locations") or []),
    }, {}


def secret(asset: Asset, data: ScopeData) -> Attrs:
    replication = asset.data.get("replication") or {}
    replicas = dig(replication, "userManaged", "replicas", default=[]) or []
    if "automatic" in replication:
        return {"locations": [], "replication": "automatic"}, {}
    return {"locations": [str(r.get("location", "")) for r in replicas], "replication": "user_managed"}, {}


def located(asset: Asset, data: ScopeData) -> Attrs:
    """Kinds whose residency is the asset's own location (Cloud Run, KMS key rings, …)."""
    name = str(asset.data.get("name") or "")
    location = asset.location or (location_from_link(name) if "/locations/" in name else "")
    return {"locations": [location] if location else []}, {}


def service_account_key(asset: Asset, data: ScopeData) -> Attrs:
    d = asset.data
    name = str(d.get("name") or asset.name)
    account = name.split("/serviceAccounts/", 1)[-1].split("/keys/", 1)[0] if "/serviceAccounts/" in name else ""
    return {
        "locations": ["global"],
        "key_type": d.get("keyType", ""),
        "valid_after": d.get("validAfterTime", ""),
        "valid_before": d.get("validBeforeTime", ""),
        "disabled": as_bool(d.get("disabled")),
        "service_account": account,
    }, {}


def is_user_managed_key(asset: Asset) -> bool:
    return asset.data.get("keyType") == "USER_MANAGED"


def is_active_log_bucket(asset: Asset) -> bool:
    return asset.data.get("lifecycleState", "ACTIVE") in ("ACTIVE", "LIFECYCLE_STATE_UNSPECIFIED", "UPDATING")
