"""Resource Graph rows (plus the ARM facts joined to them) → normalised evidence attributes.

Pure functions, no SDK: each takes one row as Resource Graph returned it and the lookups the
collector built, and returns the attributes the checks read. Keys are compared case-insensitively
where Azure is case-insensitive (resource ids, types).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.model import Said
from providers.azure import facts


def lower(value: Any) -> str:
    return str(value or "").lower()


def prop(data: Any, *path: str, default: Any = None) -> Any:
    """Walk nested dicts; the last step matches keys case-insensitively (App Service config is PascalCase)."""
    for step in path:
        if not isinstance(data, Mapping):
            return default
        if step in data:
            data = data[step]
            continue
        match = next((key for key in data if key.lower() == step.lower()), None)
        if match is None:
            return default
        data = data[match]
    return data


def ref_id(value: Any) -> str:
    """A sub-resource reference ``{"id": …}`` (or a bare id) as a lower-case id."""
    if isinstance(value, Mapping):
        value = value.get("id")
    return lower(value)


def region_of(row: Mapping[str, Any]) -> str:
    return lower(row.get("location")).replace(" ", "") or "global"


# ---------------------------------------------------------------- per resource kind


def resource(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"location": region_of(row) if row.get("location") else "", "type": lower(row.get("type"))}


def storage(row: Mapping[str, Any]) -> dict[str, Any]:
    encryption = row.get("encryption") or {}
    services = {name: prop(svc, "enabled") for name, svc in (prop(encryption, "services") or {}).items()
                if isinstance(svc, Mapping)}
    return {
        "location": region_of(row),
        "sku": prop(row, "sku", "name"),
        "kind": row.get("kind"),
        "min_tls": row.get("minimumTlsVersion"),
        "https_only": row.get("supportsHttpsTrafficOnly"),
        "key_source": prop(encryption, "keySource"),
        "key_vault_uri": prop(encryption, "keyvaultproperties", "keyvaulturi"),
        "encrypted_services": services,
        "infrastructure_encryption": prop(encryption, "requireInfrastructureEncryption"),
        "secondary_location": lower(row.get("secondaryLocation")) or None,
        "status_of_secondary": row.get("statusOfSecondary"),
    }


def disk(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "encryption_type": prop(row, "encryption", "type"),
        "disk_encryption_set": prop(row, "encryption", "diskEncryptionSetId"),
        "ade_enabled": bool(prop(row, "encryptionSettingsCollection", "enabled", default=False)),
        "disk_state": row.get("diskState"),
    }


def image(reference: Any) -> dict[str, Any]:
    reference = reference or {}
    return {key: reference.get(key) for key in ("publisher", "offer", "sku", "id") if reference.get(key)}


def vm(row: Mapping[str, Any], backup: Mapping[str, Any] | None) -> dict[str, Any]:
    patch = row.get("windowsPatchSettings") or row.get("linuxPatchSettings") or {}
    return {
        "zones": list(row.get("zones") or []),
        "image": image(row.get("imageReference")),
        "os_type": row.get("osType"),
        "patch_assessment_mode": prop(patch, "assessmentMode"),
        "backup": dict(backup) if backup else None,
    }


def vmss(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"zones": list(row.get("zones") or []), "image": image(row.get("imageReference")),
            "capacity": prop(row, "sku", "capacity")}


def sql_server(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"min_tls": row.get("minimalTlsVersion"), "public_network_access": row.get("publicNetworkAccess")}


def sql_database(row: Mapping[str, Any], tde_state: str | None) -> dict[str, Any]:
    return {
        "tde_state": tde_state,
        "zone_redundant": row.get("zoneRedundant"),
        "backup_storage_redundancy": row.get("currentBackupStorageRedundancy")
        or row.get("requestedBackupStorageRedundancy"),
        "sku": row.get("sku"),
    }


def web_app(row: Mapping[str, Any], config: Mapping[str, Any] | None) -> dict[str, Any]:
    return {"kind": row.get("kind"), "https_only": row.get("httpsOnly"),
            "min_tls": prop(config, "minTlsVersion") if config is not None else None}


def app_gateway(row: Mapping[str, Any], waf_policies: Mapping[str, Mapping[str, Any]]) -> tuple[dict, dict]:
    """Attributes and unreadable causes of one application gateway."""
    public = {ref_id(f) for f in row.get("frontendIPConfigurations") or [] if prop(f, "properties", "publicIPAddress")}
    http = {ref_id(listener): listener.get("name") for listener in row.get("httpListeners") or []
            if lower(prop(listener, "properties", "protocol")) == "http"
            and ref_id(prop(listener, "properties", "frontendIPConfiguration")) in public}
    redirected = {ref_id(prop(rule, "properties", "httpListener")) for rule in row.get("requestRoutingRules") or []
                  if prop(rule, "properties", "redirectConfiguration")}
    unreadable: dict[str, Said] = {}
    waf: dict[str, Any] | None = None
    policy_id = ref_id(row.get("firewallPolicy"))
    config = row.get("webApplicationFirewallConfiguration")
    if policy_id:
        policy = waf_policies.get(policy_id)
        if policy is None:
            unreadable["waf"] = (f"WAF ポリシー {policy_id} は監査対象のサブスクリプションから見えない",
                                 f"WAF policy {policy_id} is not visible from the audited subscriptions")
        else:
            settings = policy.get("policySettings") or {}
            waf = {"source": "policy", "id": policy_id, "enabled": lower(settings.get("state")) == "enabled",
                   "mode": settings.get("mode")}
    elif config:
        waf = {"source": "gateway", "enabled": bool(config.get("enabled")), "mode": config.get("firewallMode")}
    attributes = {
        "sku_tier": prop(row, "gatewaySku", "tier"),
        "zones": list(row.get("zones") or []),
        "public": bool(public),
        "ssl_policy": row.get("sslPolicy") or {},
        "http_listeners_without_redirect": sorted(str(name) for lid, name in http.items() if lid not in redirected),
        "waf": waf,
    }
    return attributes, unreadable


def frontdoor_waf(policy_id: str, policies: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | None:
    if not policy_id:
        return None
    policy = policies.get(policy_id)
    if policy is None:
        return {"id": policy_id, "unreadable": "WAF ポリシーが監査対象のサブスクリプションから見えない"}
    settings = policy.get("policySettings") or {}
    return {"id": policy_id, "enabled": lower(settings.get("enabledState")) == "enabled", "mode": settings.get("mode")}


def classic_front_door(row: Mapping[str, Any], policies: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    endpoints = []
    for endpoint in row.get("frontendEndpoints") or []:
        host = lower(prop(endpoint, "properties", "hostName"))
        https = prop(endpoint, "properties", "customHttpsConfiguration") or {}
        endpoints.append({
            "id": ref_id(endpoint), "name": endpoint.get("name"), "host": host,
            "custom": not host.endswith(".azurefd.net"),
            "min_tls": https.get("minimumTlsVersion"),
            "waf": frontdoor_waf(ref_id(prop(endpoint, "properties", "webApplicationFirewallPolicyLink")), policies),
        })
    return {"variant": "classic", "endpoints": endpoints}


def afd_profile(row: Mapping[str, Any], endpoints: list[dict], domains: list[dict], security_policies: list[dict],
                policies: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A Front Door Standard/Premium profile joined with its endpoints, custom domains and security policies."""
    waf_of: dict[str, str] = {}
    for policy in security_policies:
        parameters = prop(policy, "properties", "parameters") or {}
        if lower(parameters.get("type")) != "webapplicationfirewall":
            continue
        for association in parameters.get("associations") or []:
            for domain in association.get("domains") or []:
                waf_of[ref_id(domain)] = ref_id(parameters.get("wafPolicy"))
    entries = [{"id": ref_id(ep), "name": ep.get("name"), "host": lower(prop(ep, "properties", "hostName")),
                "custom": False, "min_tls": None} for ep in endpoints]
    entries += [{"id": ref_id(d), "name": d.get("name"), "host": lower(prop(d, "properties", "hostName")),
                 "custom": True, "min_tls": prop(d, "properties", "tlsSettings", "minimumTlsVersion")}
                for d in domains]
    for entry in entries:
        entry["waf"] = frontdoor_waf(waf_of.get(entry["id"], ""), policies)
    return {"variant": lower(prop(row, "sku", "name")).split("_")[0] or "afd", "endpoints": entries}


def nsg(row: Mapping[str, Any]) -> dict[str, Any]:
    rules = []
    for rule in row.get("securityRules") or []:
        p = rule.get("properties") or {}
        sources = list(p.get("sourceAddressPrefixes") or []) or [p.get("sourceAddressPrefix")]
        ports = list(p.get("destinationPortRanges") or []) or [p.get("destinationPortRange")]
        rules.append({"name": rule.get("name"), "priority": p.get("priority"), "access": p.get("access"),
                      "direction": p.get("direction"), "protocol": p.get("protocol"),
                      "sources": [s for s in sources if s], "ports": [str(x) for x in ports if x is not None]})
    return {"rules": rules, "attached": {"subnets": len(row.get("subnets") or []),
                                         "network_interfaces": len(row.get("networkInterfaces") or [])}}


def firewall(row: Mapping[str, Any], policies: Mapping[str, Mapping[str, Any]]) -> tuple[dict, dict]:
    policy_id = ref_id(row.get("firewallPolicy"))
    attributes: dict[str, Any] = {"sku_tier": prop(row, "firewallSku", "tier"), "policy_id": policy_id or None,
                                  "policy": None}
    unreadable: dict[str, Said] = {}
    if policy_id:
        policy = policies.get(policy_id)
        if policy is None:
            unreadable["policy"] = (f"ファイアウォールポリシー {policy_id} は監査対象のサブスクリプションから見えない",
                                    f"firewall policy {policy_id} is not visible from the audited subscriptions")
        else:
            attributes["policy"] = {"id": policy_id, "tier": prop(policy, "policySku", "tier"),
                                    "idps_mode": prop(policy, "intrusionDetection", "mode")}
    return attributes, unreadable


def action_group_ids(actions: Any) -> list[str]:
    """Action group ids from a metric, activity-log or scheduled-query alert's ``actions`` (all three shapes)."""
    if isinstance(actions, list):
        return [ref_id(a.get("actionGroupId")) for a in actions if isinstance(a, Mapping) and a.get("actionGroupId")]
    if isinstance(actions, Mapping):
        groups = actions.get("actionGroups") or []
        return [ref_id(g.get("actionGroupId") if isinstance(g, Mapping) else g) for g in groups if g]
    return []


def action_group(row: Mapping[str, Any]) -> dict[str, Any]:
    properties = row.get("properties") or {}
    receivers = sum(len(value) for key, value in properties.items()
                    if key.lower().endswith("receivers") and isinstance(value, list))
    return {"id": lower(row.get("id")), "name": row.get("name"), "enabled": bool(properties.get("enabled")),
            "receivers": receivers}


def alert_rule(row: Mapping[str, Any], groups: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    linked = []
    for group_id in action_group_ids(row.get("actions")):
        group = groups.get(group_id)
        linked.append(group if group else {"id": group_id, "name": group_id.rsplit("/", 1)[-1], "enabled": False,
                                           "receivers": 0, "found": False})
    enabled = row.get("enabled")
    return {"enabled": enabled if isinstance(enabled, bool) else lower(enabled) != "false", "action_groups": linked}


def owners(rows: list[Mapping[str, Any]], subscription: str) -> dict[str, Any]:
    scope = f"/subscriptions/{subscription}"
    at_scope = [r for r in rows if lower(r.get("scope")).rstrip("/") == scope]

    def role(r: Mapping[str, Any]) -> str:
        return lower(r.get("roleDefinitionId")).rsplit("/", 1)[-1]

    return {
        "owners": [{"principal_id": r.get("principalId"), "principal_type": r.get("principalType")}
                   for r in at_scope if role(r) == facts.OWNER_ROLE_ID],
        "contributors": sum(1 for r in at_scope if role(r) == facts.CONTRIBUTOR_ROLE_ID),
    }


def location_assignments(assignments: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for assignment in assignments:
        p = assignment.get("properties") or {}
        definition = lower(p.get("policyDefinitionId")).rsplit("/", 1)[-1]
        if definition not in facts.ALLOWED_LOCATIONS_POLICIES:
            continue
        allowed = prop(p, "parameters", "listOfAllowedLocations", "value") or []
        found.append({"name": assignment.get("name"), "display_name": p.get("displayName"),
                      "definition": facts.ALLOWED_LOCATIONS_POLICIES[definition], "scope": p.get("scope"),
                      "enforcement_mode": p.get("enforcementMode") or "Default",
                      "allowed_locations": [lower(x) for x in allowed]})
    return found


def defender_plans(pricings: list[Mapping[str, Any]]) -> dict[str, Any]:
    plans = {}
    for pricing in pricings:
        p = pricing.get("properties") or {}
        extensions = {x.get("name"): lower(x.get("isEnabled")) == "true" for x in p.get("extensions") or []
                      if isinstance(x, Mapping)}
        plans[pricing.get("name")] = {"tier": p.get("pricingTier"), "sub_plan": p.get("subPlan"),
                                      "extensions": extensions}
    return plans
