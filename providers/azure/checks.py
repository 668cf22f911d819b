"""The Azure checks: one small pure function per check over one kind of evidence, listed in a table.

Every function reads the normalised attributes :mod:`providers.azure.normalize` builds, through
:func:`auditor.checks.need` where an attribute may have been unreadable, and returns a
:class:`~auditor.checks.Verdict`. Nothing here calls Azure or imports an Azure SDK.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence
from auditor.status import Status
from providers.azure import facts
from providers.azure import kinds as k

ARG = "Microsoft.ResourceGraph/resources/read"


def _lower(value) -> str:
    return str(value or "").lower()


def _tls_rank(version) -> float:
    """'TLS1_2', 'TLSv1_2', '1.2', 'TLS12' → 1.2; unknown or absent → 0."""
    text = _lower(version).replace("tlsv", "").replace("tls", "").replace("_", ".").strip(".")
    if text in ("12", "13", "10", "11"):
        text = f"{text[0]}.{text[1]}"
    try:
        return float(text)
    except ValueError:
        return 0.0


# ---------------------------------------------------------------- residency.japan


def resource_in_japan(e: Evidence) -> Verdict:
    location = _lower(e.attributes.get("location"))
    if not location:
        return Verdict.not_applicable("Azure reports no location for this resource", location)
    if location in facts.NON_REGIONAL:
        return Verdict.passed("location 'global': a non-regional resource, which the control accepts", location)
    return Verdict.of(facts.in_japan(location), f"located in {location} (Japan)",
                      f"located in {location}, outside Japan (japaneast / japanwest)", location)


def storage_secondary_in_japan(e: Evidence) -> Verdict:
    sku = _lower(e.attributes.get("sku"))
    if sku not in facts.GEO_REPLICATED_SKUS:
        return Verdict.not_applicable(f"{sku or 'this SKU'} keeps no copy in a second region", {"sku": sku})
    secondary = e.attributes.get("secondary_location")
    observed = {"sku": sku, "secondary_location": secondary}
    if not secondary:
        return Verdict.unknown("geo-replicated, but Azure reported no secondary location", observed)
    return Verdict.of(facts.in_japan(secondary), f"geo-replica in {secondary} (Japan)",
                      f"geo-replica in {secondary}, outside Japan", observed)


def location_policy(e: Evidence) -> Verdict:
    assignments = need(e, "assignments") or []
    if not assignments:
        return Verdict.not_applicable(
            "no allowed-locations policy assignment: nothing prevents new resources outside Japan "
            "(residency is decided from each resource's location)", [])
    enforced = [a for a in assignments if _lower(a.get("enforcement_mode")) != "donotenforce"]
    if not enforced:
        return Verdict.failed("allowed-locations assignments exist but none is enforced (DoNotEnforce)", assignments)
    allowed = None
    for assignment in enforced:
        listed = {_lower(loc) for loc in assignment.get("allowed_locations") or []}
        allowed = listed if allowed is None else allowed & listed
    outside = sorted(loc for loc in allowed or () if not facts.in_japan(loc) and loc not in facts.NON_REGIONAL)
    if outside:
        return Verdict.failed(f"the enforced allowed-locations policy permits {', '.join(outside)}", assignments)
    return Verdict.passed(
        f"an enforced allowed-locations policy denies deployments outside {', '.join(sorted(allowed or ()))}",
        assignments)


# ---------------------------------------------------------------- encryption.at-rest


def storage_encrypted(e: Evidence) -> Verdict:
    key_source = need(e, "key_source")
    services = e.attributes.get("encrypted_services") or {}
    observed = {"key_source": key_source, "services": services,
                "infrastructure_encryption": e.attributes.get("infrastructure_encryption")}
    if key_source is None:
        return Verdict.unknown("Azure returned no encryption settings for this account", observed)
    disabled = sorted(name for name, on in services.items() if on is False)
    if disabled:
        return Verdict.failed(f"encryption reported off for {', '.join(disabled)}", observed)
    if _lower(key_source) == "microsoft.keyvault":
        return Verdict.passed("encrypted at rest with a customer-managed key in Key Vault", observed)
    return Verdict.passed("encrypted at rest with Microsoft-managed keys (Azure Storage always encrypts; "
                          "platform default)", observed)


def disk_encrypted(e: Evidence) -> Verdict:
    kind = e.attributes.get("encryption_type")
    observed = {"encryption_type": kind, "disk_encryption_set": e.attributes.get("disk_encryption_set"),
                "azure_disk_encryption": e.attributes.get("ade_enabled")}
    if not kind:
        return Verdict.unknown("Azure returned no encryption type for this disk", observed)
    if "customerkey" in _lower(kind):
        return Verdict.passed(f"server-side encryption with a customer-managed key ({kind})", observed)
    return Verdict.passed(f"server-side encryption with platform-managed keys ({kind}; platform default)", observed)


def sql_tde(e: Evidence) -> Verdict:
    state = need(e, "tde_state")
    return Verdict.of(_lower(state) == "enabled", "transparent data encryption enabled",
                      f"transparent data encryption is {state or 'not reported'}", state,
                      "arm:GET Microsoft.Sql/servers/databases/transparentDataEncryption")


# ---------------------------------------------------------------- tls.in-transit


def storage_min_tls(e: Evidence) -> Verdict:
    version = e.attributes.get("min_tls")
    if not version:
        return Verdict.failed("minimumTlsVersion not set: the account accepts TLS 1.0 and later", version)
    return Verdict.of(_tls_rank(version) >= 1.2, f"minimum TLS {version}", f"minimum TLS {version} (below 1.2)",
                      version)


def storage_https_only(e: Evidence) -> Verdict:
    https_only = e.attributes.get("https_only")
    return Verdict.of(https_only is True, "secure transfer required (HTTPS only)",
                      "secure transfer not required: plain HTTP requests are accepted", https_only)


def webapp_https_only(e: Evidence) -> Verdict:
    https_only = e.attributes.get("https_only")
    return Verdict.of(https_only is True, "HTTPS only: HTTP requests are redirected",
                      "httpsOnly is off: the app answers plain HTTP", https_only)


def webapp_min_tls(e: Evidence) -> Verdict:
    version = need(e, "min_tls")
    if not version:
        return Verdict.unknown("the site's web configuration reports no minimum TLS version", version)
    return Verdict.of(_tls_rank(version) >= 1.2, f"minimum TLS {version}", f"minimum TLS {version} (below 1.2)",
                      version)


def sql_min_tls(e: Evidence) -> Verdict:
    version = e.attributes.get("min_tls")
    if not version or _lower(version) == "none":
        return Verdict.failed("minimalTlsVersion not set: every TLS version the service offers is accepted", version)
    return Verdict.of(_tls_rank(version) >= 1.2, f"minimal TLS {version}", f"minimal TLS {version} (below 1.2)",
                      version)


def appgw_min_tls(e: Evidence) -> Verdict:
    policy = e.attributes.get("ssl_policy") or {}
    if not policy:
        return Verdict.failed("no SSL policy set: the gateway uses the default of the API version it was "
                              "created with, which may accept TLS 1.0", policy)
    kind = _lower(policy.get("policyType"))
    if kind == "predefined":
        version = facts.APPGW_PREDEFINED_MIN_TLS.get(_lower(policy.get("policyName")))
        if version is None:
            return Verdict.unknown(f"predefined policy {policy.get('policyName')} is not one this tool knows", policy)
    else:
        version = policy.get("minProtocolVersion")
    return Verdict.of(_tls_rank(version) >= 1.2, f"SSL policy minimum {version}",
                      f"SSL policy allows {version} (below TLS 1.2)", policy)


def appgw_https_redirect(e: Evidence) -> Verdict:
    if not e.attributes.get("public"):
        return Verdict.not_applicable("no public frontend IP: not an internet entry point")
    plain = e.attributes.get("http_listeners_without_redirect") or []
    return Verdict.of(not plain, "every public HTTP listener redirects to HTTPS",
                      f"public HTTP listeners without an HTTPS redirect: {', '.join(plain)}", plain)


def frontdoor_min_tls(e: Evidence) -> Verdict:
    endpoints = need(e, "endpoints") or []
    custom = [ep for ep in endpoints if ep.get("custom")]
    if not custom:
        return Verdict.not_applicable("no custom domain: the default Front Door domain's TLS settings are managed "
                                      "by Microsoft and not configurable", endpoints)
    weak = [f"{ep.get('host') or ep.get('name')} ({ep.get('min_tls') or 'not set'})"
            for ep in custom if _tls_rank(ep.get("min_tls")) < 1.2]
    return Verdict.of(not weak, "every custom domain requires TLS 1.2 or later",
                      f"custom domains accepting TLS below 1.2: {', '.join(weak)}", custom)


# ---------------------------------------------------------------- identity


def _policy_covers(policy: dict, role_id: str) -> bool:
    if _lower(policy.get("state")) != "enabled":
        return False
    if role_id in policy.get("exclude_roles", ()):
        return False
    apps = set(policy.get("include_applications") or ())
    if not apps & {"All", facts.AZURE_MANAGEMENT_APP_ID, "MicrosoftAdminPortals"}:
        return False
    return "All" in (policy.get("include_users") or ()) or role_id in (policy.get("include_roles") or ())


def _requires_mfa(policy: dict) -> bool:
    controls = {_lower(c) for c in policy.get("grant_controls") or ()}
    if policy.get("authentication_strength"):
        return True
    if "mfa" not in controls:
        return False
    return _lower(policy.get("grant_operator")) == "and" or controls == {"mfa"}


def _restricts_origin(policy: dict) -> bool:
    controls = {_lower(c) for c in policy.get("grant_controls") or ()}
    include = set(policy.get("include_locations") or ())
    exclude = set(policy.get("exclude_locations") or ())
    if "block" in controls and "All" in include and exclude:
        return True
    device = controls & {"compliantdevice", "domainjoineddevice"}
    return bool(device) and (_lower(policy.get("grant_operator")) == "and" or controls == device)


def _uncovered(e: Evidence, predicate) -> tuple[dict, list[str]]:
    roles = need(e, "privileged_roles_in_use") or {}
    policies = [p for p in need(e, "ca_policies") or [] if predicate(p)]
    missing = [facts.PRIVILEGED_DIRECTORY_ROLES.get(rid, rid) for rid in sorted(roles)
               if not any(_policy_covers(p, rid) for p in policies)]
    return roles, missing


def admin_mfa_enforced(e: Evidence) -> Verdict:
    source = "graph:GET /policies/identitySecurityDefaultsEnforcementPolicy"
    if need(e, "security_defaults") is True:
        return Verdict.passed("security defaults are on: Entra ID requires MFA for administrator roles",
                              {"security_defaults": True}, source)
    roles, missing = _uncovered(e, _requires_mfa)
    observed = {"security_defaults": False, "privileged_roles_in_use": roles, "uncovered": missing}
    source = "graph:GET /identity/conditionalAccess/policies"
    if not roles:
        return Verdict.not_applicable("no privileged directory role has an assignment", observed, source)
    return Verdict.of(not missing, "an enabled Conditional Access policy requires MFA for every privileged role "
                      "in use", f"no enabled Conditional Access policy requires MFA for: {', '.join(missing)}",
                      observed, source)


def admin_mfa_registered(e: Evidence) -> Verdict:
    registered = need(e, "is_mfa_registered")
    methods = e.attributes.get("methods") or []
    return Verdict.of(registered is True, f"MFA registered ({', '.join(methods) or 'methods not listed'})",
                      "administrator without a registered MFA method", {"methods": methods})


def admin_access_restricted(e: Evidence) -> Verdict:
    roles, missing = _uncovered(e, _restricts_origin)
    observed = {"privileged_roles_in_use": roles, "uncovered": missing,
                "named_locations": e.attributes.get("named_locations")}
    if not roles:
        return Verdict.not_applicable("no privileged directory role has an assignment", observed)
    return Verdict.of(not missing, "Conditional Access limits every privileged role in use to named locations or "
                      "managed devices",
                      f"no Conditional Access policy restricts the origin of: {', '.join(missing)}", observed)


def global_admin_count(e: Evidence) -> Verdict:
    admins = need(e, "global_admins") or []
    return Verdict.of(len(admins) <= facts.MAX_GLOBAL_ADMINS, f"{len(admins)} Global Administrator assignment(s)",
                      f"{len(admins)} Global Administrator assignments (Microsoft recommends fewer than five)",
                      {"count": len(admins)}, "graph:GET /roleManagement/directory/roleAssignments")


def subscription_owners(e: Evidence) -> Verdict:
    owners = need(e, "owners") or []
    observed = {"owners": owners, "contributors": e.attributes.get("contributors")}
    return Verdict.of(len(owners) <= facts.MAX_SUBSCRIPTION_OWNERS,
                      f"{len(owners)} Owner assignment(s) at subscription scope",
                      f"{len(owners)} Owner assignments at subscription scope (at most "
                      f"{facts.MAX_SUBSCRIPTION_OWNERS} recommended)", observed)


def password_policy(e: Evidence) -> Verdict:
    kind = _lower(need(e, "authentication_type"))
    observed = {"authentication_type": e.attributes.get("authentication_type"),
                "password_validity_days": e.attributes.get("password_validity_days")}
    if kind == "federated":
        return Verdict.unknown("federated domain: passwords are governed by the federation's identity provider, "
                               "which Microsoft Graph cannot read", observed)
    return Verdict.failed(
        "cloud accounts follow Entra ID's fixed password policy: 8–256 characters and three of the four classes "
        "(upper case, lower case, digits, symbols). It cannot be set to require all four; attest compensating "
        "measures (MFA, banned-password list) instead", observed)


def user_not_stale(e: Evidence) -> Verdict:
    if e.attributes.get("enabled") is False:
        return Verdict.passed("account disabled", {"enabled": False})
    last = need(e, "last_sign_in")
    created = e.attributes.get("created")
    limit = e.collected_at - timedelta(days=facts.STALE_AFTER_DAYS)
    observed = {"last_sign_in": last, "created": created, "user_type": e.attributes.get("user_type")}
    if last:
        return Verdict.of(_time(last) >= limit, f"last sign-in {last[:10]}",
                          f"enabled account unused for more than {facts.STALE_AFTER_DAYS} days (last sign-in "
                          f"{last[:10]})", observed)
    if created and _time(created) >= limit:
        return Verdict.passed(f"created {created[:10]}, not yet signed in", observed)
    return Verdict.failed(f"enabled account that has never signed in, created more than {facts.STALE_AFTER_DAYS} "
                          "days ago", observed)


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# ---------------------------------------------------------------- logging


def _settings(e: Evidence) -> list[dict]:
    return need(e, "settings") or []


def activity_log_exported(e: Evidence) -> Verdict:
    settings = _settings(e)
    exporting = [s["name"] for s in settings if "administrative" in {_lower(c) for c in s.get("categories") or ()}
                 and (s.get("workspace_id") or s.get("storage_account_id") or s.get("event_hub"))]
    return Verdict.of(bool(exporting), f"activity log (Administrative) exported by {', '.join(exporting)}",
                      "no diagnostic setting exports the activity log; Azure keeps it only "
                      f"{facts.PLATFORM_ACTIVITY_LOG_DAYS} days", settings)


def _destinations(e: Evidence) -> list[dict]:
    return [d for s in _settings(e) for d in s.get("destinations") or ()]


def activity_log_retention(e: Evidence) -> Verdict:
    destinations = _destinations(e)
    if not destinations:
        return Verdict.failed(f"activity log not exported: Azure keeps it {facts.PLATFORM_ACTIVITY_LOG_DAYS} days",
                              [])
    long_enough = [d for d in destinations if d.get("retention_days") == "unlimited"
                   or (isinstance(d.get("retention_days"), int) and d["retention_days"] >= 365)]
    if long_enough:
        return Verdict.passed("activity log kept ≥ 365 days in " + ", ".join(
            f"{d['name']} ({d['retention_days']})" for d in long_enough), destinations)
    unreadable = [d for d in destinations if d.get("unreadable") or d.get("retention_days") is None]
    if unreadable:
        causes = "; ".join(f"{d['name']}: {d.get('unreadable') or 'retention kept outside Azure'}" for d in unreadable)
        return Verdict.unknown(f"retention could not be read for {causes}", destinations)
    return Verdict.failed("every destination keeps the activity log less than 365 days: " + ", ".join(
        f"{d['name']} ({d['retention_days']} days)" for d in destinations), destinations)


def activity_log_immutable(e: Evidence) -> Verdict:
    destinations = _destinations(e)
    if not destinations:
        return Verdict.failed("activity log not exported to any store", [])
    locked = [d for d in destinations if d.get("immutability") == "locked"]
    if locked:
        return Verdict.passed("activity log written to immutable (WORM, locked policy) storage: "
                              + ", ".join(d["name"] for d in locked), destinations)
    unreadable = [d for d in destinations if d.get("kind") in ("storage", "event_hub") and d.get("unreadable")]
    if unreadable:
        return Verdict.unknown("immutability could not be read for " + "; ".join(
            f"{d['name']}: {d['unreadable']}" for d in unreadable), destinations)
    return Verdict.failed("no destination keeps the activity log in locked immutable storage ("
                          + ", ".join(f"{d['name']}: {d.get('immutability') or 'none'}" for d in destinations) + ")",
                          destinations)


# ---------------------------------------------------------------- network


def _waf_verdict(waf: dict | None, what: str) -> Verdict:
    if not waf:
        return Verdict.failed(f"{what}: no WAF attached", waf)
    if not waf.get("enabled"):
        return Verdict.failed(f"{what}: WAF present but disabled", waf)
    mode = _lower(waf.get("mode"))
    return Verdict.of(mode == "prevention", f"{what}: WAF enabled in Prevention mode",
                      f"{what}: WAF in {waf.get('mode') or 'unknown'} mode (detects, does not block)", waf)


def appgw_waf(e: Evidence) -> Verdict:
    if not e.attributes.get("public"):
        return Verdict.not_applicable("no public frontend IP: not an internet entry point")
    return _waf_verdict(need(e, "waf"), "application gateway")


def frontdoor_waf(e: Evidence) -> Verdict:
    endpoints = need(e, "endpoints") or []
    if not endpoints:
        return Verdict.not_applicable("no endpoint or domain", [])
    bad, unreadable = [], []
    for ep in endpoints:
        label = ep.get("host") or ep.get("name") or "endpoint"
        waf = ep.get("waf")
        if waf and waf.get("unreadable"):
            unreadable.append(f"{label}: {waf['unreadable']}")
            continue
        verdict = _waf_verdict(waf, label)
        if verdict.status is not Status.PASS:
            bad.append(verdict.reason)
    if bad:
        return Verdict.failed("; ".join(bad), endpoints)
    if unreadable:
        return Verdict.unknown("WAF policy could not be read for " + "; ".join(unreadable), endpoints)
    return Verdict.passed("every endpoint and domain has a WAF policy in Prevention mode", endpoints)


def _port_ranges(ports) -> list[tuple[int, int]]:
    ranges = []
    for item in ports or ():
        text = str(item).strip()
        if text in ("*", ""):
            ranges.append((0, 65535))
        elif "-" in text:
            low, _, high = text.partition("-")
            ranges.append((int(low), int(high)))
        elif text.isdigit():
            ranges.append((int(text), int(text)))
    return ranges


def open_admin_ports(rules: list[dict]) -> dict[int, str]:
    """Admin/DB ports whose first matching internet-wide inbound rule (by priority) allows traffic."""
    ordered = sorted((r for r in rules if _lower(r.get("direction")) == "inbound"
                      and _lower(r.get("protocol")) in ("tcp", "*", "any")
                      and {_lower(s) for s in r.get("sources") or ()} & facts.INTERNET_SOURCES),
                     key=lambda r: r.get("priority") or 0)
    exposed: dict[int, str] = {}
    for port in facts.ADMIN_PORTS:
        for rule in ordered:
            if any(low <= port <= high for low, high in _port_ranges(rule.get("ports"))):
                if _lower(rule.get("access")) == "allow":
                    exposed[port] = rule.get("name", "")
                break
    return exposed


def nsg_admin_ports(e: Evidence) -> Verdict:
    exposed = open_admin_ports(e.attributes.get("rules") or [])
    observed = {str(port): rule for port, rule in sorted(exposed.items())}
    names = ", ".join(f"{port}/{facts.ADMIN_PORTS[port]} ({rule})" for port, rule in sorted(exposed.items()))
    return Verdict.of(not exposed, "no administration or database port open to the internet",
                      f"open to the internet: {names}", observed)


def firewall_idps(e: Evidence) -> Verdict:
    policy = need(e, "policy")
    if not policy:
        return Verdict.failed("no firewall policy attached: IDPS needs a Premium firewall policy",
                              {"sku_tier": e.attributes.get("sku_tier")})
    mode = _lower(policy.get("idps_mode"))
    observed = {"policy_tier": policy.get("tier"), "idps_mode": policy.get("idps_mode")}
    if _lower(policy.get("tier")) != "premium":
        return Verdict.failed(f"firewall policy tier {policy.get('tier')}: IDPS needs Premium", observed)
    return Verdict.of(mode in ("alert", "deny"), f"IDPS in {policy.get('idps_mode')} mode",
                      f"IDPS {policy.get('idps_mode') or 'Off'}", observed)


def _plan(e: Evidence, name: str) -> dict:
    return (need(e, "plans") or {}).get(name) or {}


def _plan_on(plan: dict) -> bool:
    return _lower(plan.get("tier")) == "standard"


def defender_threat_detection(e: Evidence) -> Verdict:
    in_use = e.attributes.get("types_in_use") or {}
    if not in_use:
        return Verdict.not_applicable("no resources in this subscription", {})
    wanted = sorted({facts.DEFENDER_PLAN_FOR_TYPE[t] for t in in_use if t in facts.DEFENDER_PLAN_FOR_TYPE}
                    | {facts.DEFENDER_ARM_PLAN})
    off = [name for name in wanted if not _plan_on(_plan(e, name))]
    observed = {name: _plan(e, name).get("tier") or "Free" for name in wanted}
    return Verdict.of(not off, f"Defender plans on for every resource kind in use: {', '.join(wanted)}",
                      f"Defender plans off for resource kinds in use: {', '.join(off)}", observed)


def _vms_in_use(e: Evidence) -> int:
    in_use = e.attributes.get("types_in_use") or {}
    return sum(n for t, n in in_use.items() if facts.DEFENDER_PLAN_FOR_TYPE.get(t) == "VirtualMachines")


def defender_servers_vulnerability(e: Evidence) -> Verdict:
    if not _vms_in_use(e):
        return Verdict.not_applicable("no virtual machines in this subscription")
    plan = _plan(e, "VirtualMachines")
    return Verdict.of(_plan_on(plan), f"Defender for Servers {plan.get('sub_plan') or ''} on: includes vulnerability "
                      "assessment (Defender Vulnerability Management)",
                      "Defender for Servers off: no vulnerability assessment of the machines", plan)


def defender_servers_malware(e: Evidence) -> Verdict:
    if not _vms_in_use(e):
        return Verdict.not_applicable("no virtual machines in this subscription")
    plan = _plan(e, "VirtualMachines")
    if not _plan_on(plan):
        return Verdict.failed("Defender for Servers off: no endpoint malware protection is enforced", plan)
    wdatp = need(e, "wdatp_enabled")
    observed = {**plan, "defender_for_endpoint_integration": wdatp}
    return Verdict.of(wdatp is True, "Defender for Servers with the Defender for Endpoint integration (anti-malware)",
                      "Defender for Servers on, but the Defender for Endpoint integration (WDATP) is off", observed,
                      "arm:GET Microsoft.Security/settings")


def defender_storage_malware(e: Evidence) -> Verdict:
    in_use = e.attributes.get("types_in_use") or {}
    if not in_use.get("microsoft.storage/storageaccounts"):
        return Verdict.not_applicable("no storage accounts in this subscription")
    plan = _plan(e, "StorageAccounts")
    scanning = (plan.get("extensions") or {}).get("OnUploadMalwareScanning")
    return Verdict.of(_plan_on(plan) and scanning is True, "Defender for Storage malware scanning on upload enabled",
                      "Defender for Storage malware scanning is not enabled", plan)


# ---------------------------------------------------------------- resilience


def storage_redundancy(e: Evidence) -> Verdict:
    sku = _lower(e.attributes.get("sku"))
    return Verdict.of(sku in facts.ZONE_OR_GEO_SKUS, f"{sku}: copies across zones or regions",
                      f"{sku or 'unknown SKU'}: copies kept in one datacenter only", sku)


def _zones(e: Evidence) -> list[str]:
    return [str(z) for z in e.attributes.get("zones") or ()]


def zonal_spread(e: Evidence) -> Verdict:
    zones = _zones(e)
    return Verdict.of(len(zones) >= 2, f"spread across zones {', '.join(zones)}",
                      f"not zone-redundant (zones: {', '.join(zones) or 'none'})", zones)


def sql_zone_redundant(e: Evidence) -> Verdict:
    redundant = e.attributes.get("zone_redundant")
    return Verdict.of(redundant is True, "zone-redundant database", "database not zone-redundant", redundant)


def sql_automated_backup(e: Evidence) -> Verdict:
    redundancy = e.attributes.get("backup_storage_redundancy")
    return Verdict.passed("Azure SQL Database always takes automated backups with point-in-time restore "
                          f"(platform default, not switchable off); backup storage: {redundancy or 'not reported'}",
                          redundancy)


def vm_backup(e: Evidence) -> Verdict:
    backup = need(e, "backup")
    if not backup:
        return Verdict.failed("not protected by any Recovery Services vault", None,
                              "arm:GET Microsoft.RecoveryServices/vaults/backupProtectedItems")
    state = _lower(backup.get("state"))
    return Verdict.of(state in ("protected", "irpending"),
                      f"backed up by {backup.get('vault')} ({backup.get('state')})",
                      f"backup item in {backup.get('vault')} is {backup.get('state')}", backup,
                      "arm:GET Microsoft.RecoveryServices/vaults/backupProtectedItems")


# ---------------------------------------------------------------- time, vulnerabilities, monitoring


def host_time_sync(e: Evidence) -> Verdict:
    image = e.attributes.get("image") or {}
    publisher = _lower(image.get("publisher"))
    if publisher in facts.ENDORSED_IMAGE_PUBLISHERS:
        return Verdict.passed(
            f"image from {image.get('publisher')}: Azure documents these images as synchronising with the host clock "
            "(Hyper-V time sync / PTP) or the distribution's NTP servers by default; changes made inside the guest "
            "are not visible through the management API", image)
    return Verdict.unknown("custom or third-party image: whether the guest synchronises its clock cannot be read "
                           "through the management API", image)


def vm_patch_assessment(e: Evidence) -> Verdict:
    mode = e.attributes.get("patch_assessment_mode")
    return Verdict.of(_lower(mode) == "automaticbyplatform", "periodic patch assessment by Azure Update Manager",
                      f"patch assessment mode {mode or 'ImageDefault'}: missing updates are not assessed "
                      "periodically", mode)


def alert_notifies(e: Evidence) -> Verdict:
    if e.attributes.get("enabled") is False:
        return Verdict.not_applicable("alert rule disabled")
    groups = e.attributes.get("action_groups") or []
    notifying = [g["name"] for g in groups if g.get("enabled") and g.get("receivers")]
    return Verdict.of(bool(notifying), f"notifies through {', '.join(notifying)}",
                      "the alert notifies no one (no enabled action group with a receiver)", groups)


def subscription_alerting(e: Evidence) -> Verdict:
    notifying = e.attributes.get("notifying_rules") or []
    return Verdict.of(bool(notifying), f"{len(notifying)} enabled alert rule(s) notify someone",
                      "no enabled alert rule notifies anyone", {"notifying_rules": notifying[:20]})


# ---------------------------------------------------------------- the table


def _arm(*actions: str) -> tuple[str, ...]:
    return (ARG, *actions)


def _graph(*permissions: str) -> tuple[str, ...]:
    return tuple(f"graph:{p}" for p in permissions)


_ROWS = (
    # id, control, kind, permissions, expected, function, title_ja
    ("azure.resource.location_japan", "residency.japan", k.RESOURCE, _arm("*/read"),
     "location japaneast / japanwest (or global)", resource_in_japan, "資源の所在リージョンが国内"),
    ("azure.storage.geo_secondary_japan", "residency.japan", k.STORAGE,
     _arm("Microsoft.Storage/storageAccounts/read"), "geo-replica (secondaryLocation) in Japan",
     storage_secondary_in_japan, "ストレージの地理冗長コピー先が国内"),
    ("azure.policy.allowed_locations_japan", "residency.japan", k.SUB_LOCATION_POLICY,
     ("Microsoft.Authorization/policyAssignments/read",), "enforced allowed-locations policy limited to Japan",
     location_policy, "許可リージョンポリシーが国内に限定"),
    ("azure.storage.encrypted", "encryption.at-rest", k.STORAGE, _arm("Microsoft.Storage/storageAccounts/read"),
     "storage service encryption on (key source stated)", storage_encrypted, "ストレージの保存時暗号化"),
    ("azure.disk.encrypted", "encryption.at-rest", k.DISK, _arm("Microsoft.Compute/disks/read"),
     "managed disk server-side encryption", disk_encrypted, "マネージドディスクの暗号化"),
    ("azure.sql.tde_enabled", "encryption.at-rest", k.SQL_DATABASE,
     _arm("Microsoft.Sql/servers/databases/read", "Microsoft.Sql/servers/databases/transparentDataEncryption/read"),
     "transparent data encryption Enabled", sql_tde, "SQL Database の TDE"),
    ("azure.storage.min_tls_1_2", "tls.in-transit", k.STORAGE, _arm("Microsoft.Storage/storageAccounts/read"),
     "minimumTlsVersion TLS1_2 or later", storage_min_tls, "ストレージの最小 TLS 1.2"),
    ("azure.storage.https_only", "tls.in-transit", k.STORAGE, _arm("Microsoft.Storage/storageAccounts/read"),
     "supportsHttpsTrafficOnly true", storage_https_only, "ストレージの HTTPS 強制"),
    ("azure.appservice.https_only", "tls.in-transit", k.WEB_APP, _arm("Microsoft.Web/sites/read"),
     "httpsOnly true", webapp_https_only, "App Service の HTTPS 強制"),
    ("azure.appservice.min_tls_1_2", "tls.in-transit", k.WEB_APP,
     _arm("Microsoft.Web/sites/read", "Microsoft.Web/sites/config/read"), "minTlsVersion 1.2 or later",
     webapp_min_tls, "App Service の最小 TLS 1.2"),
    ("azure.sql.min_tls_1_2", "tls.in-transit", k.SQL_SERVER, _arm("Microsoft.Sql/servers/read"),
     "minimalTlsVersion 1.2 or later", sql_min_tls, "SQL Server の最小 TLS 1.2"),
    ("azure.appgw.min_tls_1_2", "tls.in-transit", k.APP_GATEWAY,
     _arm("Microsoft.Network/applicationGateways/read"), "SSL policy with minimum TLSv1_2", appgw_min_tls,
     "Application Gateway の SSL ポリシー"),
    ("azure.appgw.https_redirect", "tls.in-transit", k.APP_GATEWAY,
     _arm("Microsoft.Network/applicationGateways/read"), "public HTTP listeners redirect to HTTPS",
     appgw_https_redirect, "Application Gateway の HTTP→HTTPS リダイレクト"),
    ("azure.frontdoor.min_tls_1_2", "tls.in-transit", k.FRONT_DOOR,
     _arm("Microsoft.Cdn/profiles/read", "Microsoft.Cdn/profiles/customDomains/read",
          "Microsoft.Network/frontDoors/read"), "custom domains minimum TLS 1.2", frontdoor_min_tls,
     "Front Door カスタムドメインの最小 TLS"),
    ("azure.entra.admin_mfa_enforced", "identity.admin-mfa", k.TENANT,
     _graph("Policy.Read.All", "RoleManagement.Read.Directory"),
     "security defaults on, or Conditional Access requires MFA for every privileged role in use",
     admin_mfa_enforced, "管理者ロールへの MFA 強制"),
    ("azure.entra.admin_mfa_registered", "identity.admin-mfa", k.ADMIN, _graph("AuditLog.Read.All"),
     "every administrator has registered MFA", admin_mfa_registered, "管理者の MFA 登録"),
    ("azure.entra.password_policy", "identity.password-policy", k.DOMAIN, _graph("Domain.Read.All"),
     "8+ characters requiring upper, lower, digit and symbol", password_policy, "パスワードポリシー"),
    ("azure.rbac.subscription_owners", "identity.least-privilege", k.SUB_RBAC,
     _arm("Microsoft.Authorization/roleAssignments/read"), f"at most {facts.MAX_SUBSCRIPTION_OWNERS} Owners at "
     "subscription scope", subscription_owners, "サブスクリプション Owner の限定"),
    ("azure.entra.global_admin_count", "identity.least-privilege", k.TENANT,
     _graph("RoleManagement.Read.Directory"), "fewer than five Global Administrators", global_admin_count,
     "全体管理者の人数"),
    ("azure.entra.user_not_stale", "identity.account-lifecycle", k.USER,
     _graph("User.Read.All", "AuditLog.Read.All"), f"enabled accounts used within {facts.STALE_AFTER_DAYS} days",
     user_not_stale, "未使用アカウントの管理"),
    ("azure.entra.admin_access_restricted", "identity.access-restriction", k.TENANT,
     _graph("Policy.Read.All", "RoleManagement.Read.Directory"),
     "Conditional Access limits privileged roles to named locations or managed devices", admin_access_restricted,
     "管理者の接続元制限"),
    ("azure.activitylog.exported", "logging.audit-trail", k.SUB_ACTIVITY_LOG,
     ("Microsoft.Insights/diagnosticSettings/read",), "a diagnostic setting exports the Administrative category",
     activity_log_exported, "アクティビティログの取得"),
    ("azure.activitylog.retention_365", "logging.retention-1y", k.SUB_ACTIVITY_LOG,
     ("Microsoft.Insights/diagnosticSettings/read", "Microsoft.OperationalInsights/workspaces/read",
      "Microsoft.OperationalInsights/workspaces/tables/read",
      "Microsoft.Storage/storageAccounts/managementPolicies/read"),
     "activity log kept ≥ 365 days", activity_log_retention, "アクティビティログの 1 年以上保存"),
    ("azure.activitylog.immutable", "logging.integrity", k.SUB_ACTIVITY_LOG,
     ("Microsoft.Insights/diagnosticSettings/read", "Microsoft.Storage/storageAccounts/read",
      "Microsoft.Storage/storageAccounts/blobServices/containers/read"),
     "activity log in a container with a locked immutability policy", activity_log_immutable,
     "アクティビティログの改ざん防止"),
    ("azure.appgw.waf_prevention", "network.waf", k.APP_GATEWAY,
     _arm("Microsoft.Network/applicationGateways/read",
          "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/read"),
     "WAF enabled in Prevention mode", appgw_waf, "Application Gateway の WAF"),
    ("azure.frontdoor.waf_prevention", "network.waf", k.FRONT_DOOR,
     _arm("Microsoft.Cdn/profiles/read", "Microsoft.Cdn/profiles/securityPolicies/read",
          "Microsoft.Cdn/profiles/afdEndpoints/read", "Microsoft.Network/frontDoors/read",
          "Microsoft.Network/frontDoorWebApplicationFirewallPolicies/read"),
     "every endpoint and domain has a WAF policy in Prevention mode", frontdoor_waf, "Front Door の WAF"),
    ("azure.defender.threat_detection", "network.ids", k.SUB_DEFENDER,
     _arm("*/read", "Microsoft.Security/pricings/read"),
     "Defender plans on for every resource kind in use (and Resource Manager)", defender_threat_detection,
     "Defender for Cloud の脅威検知"),
    ("azure.firewall.idps", "network.ids", k.FIREWALL,
     _arm("Microsoft.Network/azureFirewalls/read", "Microsoft.Network/firewallPolicies/read"),
     "Premium firewall policy with IDPS in Alert or Deny", firewall_idps, "Azure Firewall の IDPS"),
    ("azure.nsg.admin_ports_closed", "network.firewall", k.NSG,
     _arm("Microsoft.Network/networkSecurityGroups/read"), "no admin/DB port open to Internet / * / 0.0.0.0/0",
     nsg_admin_ports, "NSG の管理・DB ポート開放"),
    ("azure.storage.redundant", "resilience.redundancy", k.STORAGE, _arm("Microsoft.Storage/storageAccounts/read"),
     "ZRS, GRS, RA-GRS, GZRS or RA-GZRS", storage_redundancy, "ストレージの冗長化"),
    ("azure.sql.zone_redundant", "resilience.redundancy", k.SQL_DATABASE, _arm("Microsoft.Sql/servers/databases/read"),
     "zoneRedundant true", sql_zone_redundant, "SQL Database のゾーン冗長"),
    ("azure.appgw.zone_redundant", "resilience.redundancy", k.APP_GATEWAY,
     _arm("Microsoft.Network/applicationGateways/read"), "deployed in two or more zones", zonal_spread,
     "Application Gateway のゾーン冗長"),
    ("azure.vmss.zone_redundant", "resilience.redundancy", k.VMSS,
     _arm("Microsoft.Compute/virtualMachineScaleSets/read"), "instances spread across two or more zones",
     zonal_spread, "スケールセットのゾーン分散"),
    ("azure.vm.backup", "resilience.backup", k.VM,
     _arm("Microsoft.Compute/virtualMachines/read", "Microsoft.RecoveryServices/vaults/read",
          "Microsoft.RecoveryServices/vaults/backupProtectedItems/read"),
     "protected by a Recovery Services vault", vm_backup, "VM のバックアップ"),
    ("azure.sql.automated_backup", "resilience.backup", k.SQL_DATABASE, _arm("Microsoft.Sql/servers/databases/read"),
     "automated backups (platform)", sql_automated_backup, "SQL Database の自動バックアップ"),
    ("azure.vm.host_time_sync", "time.sync", k.VM, _arm("Microsoft.Compute/virtualMachines/read"),
     "image that synchronises with the Azure host or NTP by default", host_time_sync, "VM の時刻同期"),
    ("azure.vmss.host_time_sync", "time.sync", k.VMSS, _arm("Microsoft.Compute/virtualMachineScaleSets/read"),
     "image that synchronises with the Azure host or NTP by default", host_time_sync, "スケールセットの時刻同期"),
    ("azure.defender.servers_vulnerability", "vuln.management", k.SUB_DEFENDER,
     _arm("*/read", "Microsoft.Security/pricings/read"), "Defender for Servers on where VMs exist",
     defender_servers_vulnerability, "Defender for Servers の脆弱性評価"),
    ("azure.vm.patch_assessment", "vuln.management", k.VM, _arm("Microsoft.Compute/virtualMachines/read"),
     "patchSettings.assessmentMode AutomaticByPlatform", vm_patch_assessment, "VM のパッチ評価"),
    ("azure.defender.servers_malware", "vuln.malware", k.SUB_DEFENDER,
     _arm("*/read", "Microsoft.Security/pricings/read", "Microsoft.Security/settings/read"),
     "Defender for Servers with the Defender for Endpoint integration", defender_servers_malware,
     "サーバのマルウェア対策"),
    ("azure.defender.storage_malware", "vuln.malware", k.SUB_DEFENDER,
     _arm("*/read", "Microsoft.Security/pricings/read"), "Defender for Storage with malware scanning on upload",
     defender_storage_malware, "ストレージのマルウェアスキャン"),
    ("azure.monitor.alert_notifies", "ops.monitoring", k.ALERT_RULE,
     _arm("Microsoft.Insights/metricAlerts/read", "Microsoft.Insights/activityLogAlerts/read",
          "Microsoft.Insights/scheduledQueryRules/read", "Microsoft.Insights/actionGroups/read"),
     "enabled alert rule routed to an enabled action group with a receiver", alert_notifies, "アラートの通知先"),
    ("azure.monitor.subscription_alerting", "ops.monitoring", k.SUB_MONITORING,
     _arm("Microsoft.Insights/metricAlerts/read", "Microsoft.Insights/actionGroups/read"),
     "at least one enabled alert rule that notifies someone", subscription_alerting, "サブスクリプションの監視通知"),
)

CHECKS: tuple[Check, ...] = tuple(
    Check(id=cid, control_id=control, provider="azure", resource_type=kind, permissions=perms, expected=expected,
          evaluate=fn, title=expected, title_ja=title_ja)
    for cid, control, kind, perms, expected, fn, title_ja in _ROWS
)

#: Controls no Azure check decides, with the reason (shown as UNKNOWN, never PASS).
NOT_AUTOMATED: dict[str, str] = {}
