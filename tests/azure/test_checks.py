"""Every Azure control decided PASS, FAIL and UNKNOWN through the real SDK clients against the emulator."""

from __future__ import annotations

from providers.azure import facts
from providers.azure import kinds as k
from providers.azure.emulator.estate import Estate

from .conftest import audit

G = "rg"


def sub_id(estate: Estate, name: str = "sub") -> str:
    return estate.subscription(name)


# ---------------------------------------------------------------- residency.japan


def test_residency_locations_secondaries_and_location_policy(estate):
    tokyo = sub_id(estate, "tokyo")
    loose = sub_id(estate, "loose")
    estate.storage_account(tokyo, G, "sttokyo", sku="Standard_RAGRS", secondary="japanwest")
    estate.storage_account(tokyo, G, "stabroad", location="southeastasia", sku="Standard_GRS", secondary="eastasia")
    estate.storage_account(tokyo, G, "stzrs", sku="Standard_ZRS")
    estate.action_group(tokyo, G, "ag")
    estate.allowed_locations(tokyo)
    estate.allowed_locations(loose, ("japaneast", "eastus"))
    off = sub_id(estate, "off")
    estate.allowed_locations(off, enforcement="DoNotEnforce")
    none = sub_id(estate, "none")
    result = audit(estate)
    assert result.status("azure.resource.location_japan", "sttokyo") == "PASS"
    tokyo_reason = result.finding("azure.resource.location_japan", "sttokyo").reason
    assert "国内リージョン japaneast（東日本）にある" in tokyo_reason
    assert result.status("azure.resource.location_japan", "stabroad") == "FAIL"
    assert "国外リージョン southeastasia" in result.finding("azure.resource.location_japan", "stabroad").reason
    assert result.status("azure.resource.location_japan", "ag") == "PASS"  # global
    assert result.status("azure.storage.geo_secondary_japan", "sttokyo") == "PASS"
    assert result.status("azure.storage.geo_secondary_japan", "stabroad") == "FAIL"
    assert "国外リージョン eastasia" in result.finding("azure.storage.geo_secondary_japan", "stabroad").reason
    assert result.status("azure.storage.geo_secondary_japan", "stzrs") == "NOT_APPLICABLE"
    assert result.status("azure.policy.allowed_locations_japan", "tokyo") == "PASS"
    assert result.status("azure.policy.allowed_locations_japan", "loose") == "FAIL"
    assert "国外の eastus を許可" in result.finding("azure.policy.allowed_locations_japan", "loose").reason
    assert result.status("azure.policy.allowed_locations_japan", "off") == "FAIL"
    assert "DoNotEnforce" in result.finding("azure.policy.allowed_locations_japan", "off").reason
    assert result.status("azure.policy.allowed_locations_japan", "none") == "NOT_APPLICABLE"
    assert none


def test_residency_unknown_when_policy_assignments_are_denied(estate):
    sid = sub_id(estate)
    estate.deny(f"/subscriptions/{sid}/providers/Microsoft.Authorization/policyAssignments")
    result = audit(estate, frozenset({k.SUB_LOCATION_POLICY}))
    [finding] = result.of("azure.policy.allowed_locations_japan")
    assert finding.status.value == "UNKNOWN"
    assert "AuthorizationFailed" in finding.reason
    [gap] = result.collection.gaps
    assert "Microsoft.Authorization/policyAssignments/read" in gap.permission and gap.scope == sid


def test_unreadable_subscription_makes_everything_there_unknown(estate):
    sid = estate.subscription("locked", readable=False)
    estate.subscription("open")
    result = audit(estate, frozenset({k.RESOURCE, k.STORAGE}))
    statuses = {(f.check_id, f.scope): f.status.value for f in result.findings}
    assert statuses[("azure.resource.location_japan", sid)] == "UNKNOWN"
    assert statuses[("azure.storage.min_tls_1_2", sid)] == "UNKNOWN"
    assert any(g.scope == sid and g.error_code == "ResourceGraphPartialAccess" for g in result.collection.gaps)


def test_requested_subscription_that_is_not_visible_is_a_gap(estate):
    estate.subscription("seen")
    result = audit(estate, frozenset({k.RESOURCE}), subscription=("00000000-0000-0000-0000-00000000dead",))
    assert [f.status.value for f in result.findings] == ["UNKNOWN"]
    assert result.collection.scope.scopes == ()


# ---------------------------------------------------------------- encryption.at-rest


def test_encryption_at_rest(estate):
    sid = sub_id(estate)
    estate.storage_account(sid, G, "stcmk", key_source="Microsoft.Keyvault")
    estate.managed_disk(sid, G, "disk-pmk")
    estate.managed_disk(sid, G, "disk-cmk", encryption="EncryptionAtRestWithCustomerKey")
    estate.managed_disk(sid, G, "disk-unreported", encryption=None)
    server = estate.sql_server(sid, G, "sql")
    estate.sql_database(server, "on")
    estate.sql_database(server, "off", tde="Disabled")
    denied = estate.sql_database(server, "denied")
    estate.deny(f"{denied}/transparentDataEncryption")
    result = audit(estate, frozenset({k.STORAGE, k.DISK, k.SQL_DATABASE}))
    assert result.status("azure.storage.encrypted", "stcmk") == "PASS"
    assert "Key Vault のカスタマー マネージド キー" in result.finding("azure.storage.encrypted", "stcmk").reason
    assert result.status("azure.disk.encrypted", "disk-pmk") == "PASS"
    pmk = result.finding("azure.disk.encrypted", "disk-pmk").reason
    assert "EncryptionAtRestWithPlatformKey" in pmk and "プラットフォーム既定" in pmk
    assert result.status("azure.disk.encrypted", "disk-cmk") == "PASS"
    assert result.status("azure.disk.encrypted", "disk-unreported") == "UNKNOWN"
    assert result.status("azure.sql.tde_enabled", "on") == "PASS"
    assert result.status("azure.sql.tde_enabled", "off") == "FAIL"
    assert "Disabled" in result.finding("azure.sql.tde_enabled", "off").reason
    assert result.status("azure.sql.tde_enabled", "denied") == "UNKNOWN"
    assert "transparentDataEncryption/read" in result.finding("azure.sql.tde_enabled", "denied").reason
    assert not [f for f in result.findings if f.resource_name == "master"]


# ---------------------------------------------------------------- tls.in-transit


def test_tls_minimums_and_https(estate):
    sid = sub_id(estate)
    estate.storage_account(sid, G, "stgood")
    estate.storage_account(sid, G, "stold", min_tls="TLS1_1", https_only=False)
    estate.storage_account(sid, G, "stunset", min_tls=None)
    estate.web_app(sid, G, "app-good")
    estate.web_app(sid, G, "app-old", https_only=False, min_tls="1.0")
    estate.sql_server(sid, G, "sql-good")
    estate.sql_server(sid, G, "sql-unset", min_tls=None)
    estate.sql_server(sid, G, "sql-old", min_tls="1.1")
    result = audit(estate, frozenset({k.STORAGE, k.WEB_APP, k.SQL_SERVER}))
    assert result.status("azure.storage.min_tls_1_2", "stgood") == "PASS"
    assert result.status("azure.storage.min_tls_1_2", "stold") == "FAIL"
    assert "TLS1_1（1.2 未満）" in result.finding("azure.storage.min_tls_1_2", "stold").reason
    assert result.status("azure.storage.min_tls_1_2", "stunset") == "FAIL"
    assert "minimumTlsVersion が未設定" in result.finding("azure.storage.min_tls_1_2", "stunset").reason
    assert result.status("azure.storage.https_only", "stold") == "FAIL"
    assert result.status("azure.appservice.https_only", "app-good") == "PASS"
    assert result.status("azure.appservice.https_only", "app-old") == "FAIL"
    assert result.status("azure.appservice.min_tls_1_2", "app-good") == "PASS"
    assert result.status("azure.appservice.min_tls_1_2", "app-old") == "FAIL"
    assert result.status("azure.sql.min_tls_1_2", "sql-good") == "PASS"
    assert result.status("azure.sql.min_tls_1_2", "sql-unset") == "FAIL"
    assert result.status("azure.sql.min_tls_1_2", "sql-old") == "FAIL"
    assert "1.1（1.2 未満）" in result.finding("azure.sql.min_tls_1_2", "sql-old").reason


def test_app_service_without_config_row_is_unknown(estate):
    sid = sub_id(estate)
    estate.web_app(sid, G, "app")
    estate.extra_rows.clear()
    result = audit(estate, frozenset({k.WEB_APP}))
    assert result.status("azure.appservice.min_tls_1_2", "app") == "UNKNOWN"


def test_application_gateway_tls_redirect_waf_and_zones(estate):
    sid = sub_id(estate)
    prevention = estate.waf_policy(sid, G, "waf-prevent")
    detection = estate.waf_policy(sid, G, "waf-detect", mode="Detection")
    strict = {"policyType": "Predefined", "policyName": "AppGwSslPolicy20220101S"}
    estate.app_gateway(sid, G, "agw-good", ssl_policy=strict, waf_policy=prevention)
    legacy = {"policyType": "Predefined", "policyName": "AppGwSslPolicy20150501"}
    estate.app_gateway(sid, G, "agw-old", ssl_policy=legacy, waf_policy=detection, http_redirect=False, zones=("1",))
    estate.app_gateway(sid, G, "agw-default", ssl_policy=None, waf_policy=None)
    estate.app_gateway(sid, G, "agw-custom", ssl_policy={"policyType": "CustomV2", "minProtocolVersion": "TLSv1_3"},
                       public=False)
    foreign = f"/subscriptions/{sid}/resourceGroups/other/providers/Microsoft.Network/" \
              "ApplicationGatewayWebApplicationFirewallPolicies/elsewhere"
    estate.app_gateway(sid, G, "agw-foreign-waf", ssl_policy=strict, waf_policy=foreign)
    result = audit(estate, frozenset({k.APP_GATEWAY}))
    assert result.status("azure.appgw.min_tls_1_2", "agw-good") == "PASS"
    assert result.status("azure.appgw.min_tls_1_2", "agw-old") == "FAIL"
    assert result.status("azure.appgw.min_tls_1_2", "agw-default") == "FAIL"
    assert result.status("azure.appgw.min_tls_1_2", "agw-custom") == "PASS"
    assert result.status("azure.appgw.https_redirect", "agw-good") == "PASS"
    assert result.status("azure.appgw.https_redirect", "agw-old") == "FAIL"
    assert result.status("azure.appgw.https_redirect", "agw-custom") == "NOT_APPLICABLE"
    assert result.status("azure.appgw.waf_prevention", "agw-good") == "PASS"
    assert result.status("azure.appgw.waf_prevention", "agw-old") == "FAIL"
    assert result.status("azure.appgw.waf_prevention", "agw-default") == "FAIL"
    assert result.status("azure.appgw.waf_prevention", "agw-custom") == "NOT_APPLICABLE"
    assert result.status("azure.appgw.waf_prevention", "agw-foreign-waf") == "UNKNOWN"
    foreign_reason = result.finding("azure.appgw.waf_prevention", "agw-foreign-waf").reason
    assert "elsewhere" in foreign_reason and "監査対象のサブスクリプションから見えない" in foreign_reason
    assert result.status("azure.appgw.zone_redundant", "agw-good") == "PASS"
    assert result.status("azure.appgw.zone_redundant", "agw-old") == "FAIL"


def test_front_door_tls_and_waf(estate):
    sid = sub_id(estate)
    prevent = estate.waf_policy(sid, G, "fdprevent", front_door=True)
    detect = estate.waf_policy(sid, G, "fddetect", mode="Detection", front_door=True)
    estate.front_door(sid, G, "afd-good", custom_domain="www.good.example.jp", waf_policy=prevent)
    estate.front_door(sid, G, "afd-weak", custom_domain="www.weak.example.jp", min_tls="TLS10", waf_policy=detect)
    estate.front_door(sid, G, "afd-bare", custom_domain=None)
    estate.classic_front_door(sid, G, "fd-classic", custom_domain="old.example.jp", min_tls="1.0")
    locked = estate.front_door(sid, G, "afd-locked", waf_policy=prevent)
    estate.deny(f"{locked}/securityPolicies")
    result = audit(estate, frozenset({k.FRONT_DOOR}))
    assert result.status("azure.frontdoor.min_tls_1_2", "afd-good") == "PASS"
    assert result.status("azure.frontdoor.min_tls_1_2", "afd-weak") == "FAIL"
    assert "www.weak.example.jp (TLS10)" in result.finding("azure.frontdoor.min_tls_1_2", "afd-weak").reason
    assert result.status("azure.frontdoor.min_tls_1_2", "afd-bare") == "NOT_APPLICABLE"
    assert result.status("azure.frontdoor.min_tls_1_2", "fd-classic") == "FAIL"
    assert result.status("azure.frontdoor.waf_prevention", "afd-good") == "PASS"
    assert result.status("azure.frontdoor.waf_prevention", "afd-weak") == "FAIL"
    assert "Detection モード" in result.finding("azure.frontdoor.waf_prevention", "afd-weak").reason
    assert result.status("azure.frontdoor.waf_prevention", "afd-bare") == "FAIL"
    assert result.status("azure.frontdoor.waf_prevention", "fd-classic") == "FAIL"
    assert result.status("azure.frontdoor.waf_prevention", "afd-locked") == "UNKNOWN"


# ---------------------------------------------------------------- identity


def test_admin_mfa_by_conditional_access_and_registration(estate):
    estate.user("ga", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    estate.user("useradmin", roles=("fe930be7-5e62-47db-91af-98c3a49a38b1",), mfa=False)
    estate.conditional_access("mfa for GA only", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    estate.conditional_access("report only", roles=("fe930be7-5e62-47db-91af-98c3a49a38b1",),
                              state="enabledForReportingButNotEnforced")
    result = audit(estate, frozenset({k.TENANT, k.ADMIN}))
    tenant = estate.tenant_id
    assert result.status("azure.entra.admin_mfa_enforced", tenant) == "FAIL"
    enforced = result.finding("azure.entra.admin_mfa_enforced", tenant).reason
    assert "MFA が要求されていない特権ロール: User Administrator" in enforced
    assert "Global Administrator" not in enforced
    assert result.status("azure.entra.admin_mfa_registered", "ga@test-city.onmicrosoft.com") == "PASS"
    assert result.status("azure.entra.admin_mfa_registered", "useradmin@test-city.onmicrosoft.com") == "FAIL"
    assert result.collection.scope.identity["tenant"] == tenant


def test_admin_mfa_passes_with_security_defaults_or_all_users_policy(estate):
    estate.user("ga", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    estate.graph["securityDefaults"] = True
    assert audit(estate, frozenset({k.TENANT})).status("azure.entra.admin_mfa_enforced", estate.tenant_id) == "PASS"
    estate.graph["securityDefaults"] = False
    estate.conditional_access("everyone mfa", all_users=True)
    assert audit(estate, frozenset({k.TENANT})).status("azure.entra.admin_mfa_enforced", estate.tenant_id) == "PASS"


def test_access_restriction_by_location_or_device(estate):
    estate.user("ga", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    office = estate.named_location("office", ("198.51.100.0/24",))
    estate.conditional_access("block outside office", grant=("block",), all_users=True, include_locations=("All",),
                              exclude_locations=(office,))
    result = audit(estate, frozenset({k.TENANT}))
    finding = result.finding("azure.entra.admin_access_restricted", estate.tenant_id)
    assert finding.status.value == "PASS"
    assert finding.observed["named_locations"][0]["ip_ranges"] == ["198.51.100.0/24"]
    estate.graph["conditionalAccessPolicies"].clear()
    estate.conditional_access("compliant device", grant=("compliantDevice",), roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    assert audit(estate, frozenset({k.TENANT})).status("azure.entra.admin_access_restricted",
                                                      estate.tenant_id) == "PASS"
    estate.graph["conditionalAccessPolicies"].clear()
    estate.conditional_access("mfa only", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    assert audit(estate, frozenset({k.TENANT})).status("azure.entra.admin_access_restricted",
                                                      estate.tenant_id) == "FAIL"


def test_password_policy_is_fixed_for_managed_domains_and_unreadable_for_federated(estate):
    estate.domain_entry("city.example.jp", authentication="Federated")
    result = audit(estate, frozenset({k.DOMAIN}))
    managed = result.finding("azure.entra.password_policy", "test-city.onmicrosoft.com")
    assert managed.status.value == "FAIL"
    assert "8〜256 文字" in managed.reason and "4 種類" in managed.reason and "3 種類" in managed.reason
    assert result.status("azure.entra.password_policy", "city.example.jp") == "UNKNOWN"


def test_least_privilege_owners_and_global_admins(estate):
    few = sub_id(estate, "few")
    many = sub_id(estate, "many")
    estate.role_assignment(few, facts.OWNER_ROLE_ID, "p1")
    estate.role_assignment(few, facts.OWNER_ROLE_ID, "p2", scope=f"/subscriptions/{few}/resourceGroups/{G}")
    for n in range(4):
        estate.role_assignment(many, facts.OWNER_ROLE_ID, f"p{n}")
    for n in range(5):
        estate.user(f"ga{n}", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    result = audit(estate, frozenset({k.SUB_RBAC, k.TENANT}))
    assert result.status("azure.rbac.subscription_owners", "few") == "PASS"
    assert result.finding("azure.rbac.subscription_owners", "few").observed["owners"] == [
        {"principal_id": "p1", "principal_type": "User"}]
    assert result.status("azure.rbac.subscription_owners", "many") == "FAIL"
    many_reason = result.finding("azure.rbac.subscription_owners", "many").reason
    assert "割り当てが 4 件" in many_reason and f"{facts.MAX_SUBSCRIPTION_OWNERS} 件以下" in many_reason
    assert result.status("azure.entra.global_admin_count", estate.tenant_id) == "FAIL"
    assert "割り当てが 5 件" in result.finding("azure.entra.global_admin_count", estate.tenant_id).reason


def test_account_lifecycle(estate):
    estate.user("active")
    estate.user("stale", last_sign_in_days=120)
    estate.user("never-old", last_sign_in_days=None, created_days=200)
    estate.user("never-new", last_sign_in_days=None, created_days=10)
    estate.user("disabled", last_sign_in_days=400, enabled=False)
    result = audit(estate, frozenset({k.USER}))
    upn = "@test-city.onmicrosoft.com"
    assert result.status("azure.entra.user_not_stale", "active" + upn) == "PASS"
    assert result.status("azure.entra.user_not_stale", "stale" + upn) == "FAIL"
    assert f"{facts.STALE_AFTER_DAYS} 日を超えて" in result.finding("azure.entra.user_not_stale", "stale" + upn).reason
    assert result.status("azure.entra.user_not_stale", "never-old" + upn) == "FAIL"
    assert result.status("azure.entra.user_not_stale", "never-new" + upn) == "PASS"
    assert result.status("azure.entra.user_not_stale", "disabled" + upn) == "PASS"


# ---------------------------------------------------------------- logging


def test_activity_log_trail_retention_and_integrity(estate):
    good = sub_id(estate, "good")
    workspace = estate.workspace(good, G, "log", retention=90, activity_total=730)
    locked = estate.storage_account(good, G, "starchive", sku="Standard_GRS")
    estate.log_container(locked, immutability="Locked")
    estate.export_activity_log(good, workspace=workspace, storage=locked)
    short = sub_id(estate, "short")
    estate.export_activity_log(short, workspace=estate.workspace(short, G, "log30", retention=30))
    expiring = sub_id(estate, "expiring")
    unlocked = estate.storage_account(expiring, G, "stexpiring")
    estate.log_container(unlocked, immutability="Unlocked", lifecycle_delete_days=180)
    estate.export_activity_log(expiring, storage=unlocked)
    hub = sub_id(estate, "hub")
    estate.export_activity_log(hub, event_hub=f"/subscriptions/{hub}/resourceGroups/{G}/providers/"
                                              "Microsoft.EventHub/namespaces/siem/authorizationrules/send")
    silent = sub_id(estate, "silent")
    estate.export_activity_log(silent, workspace=workspace, categories=("Policy",))
    denied = sub_id(estate, "denied")
    estate.deny(f"/subscriptions/{denied}/providers/microsoft.insights/diagnosticSettings")
    result = audit(estate, frozenset({k.SUB_ACTIVITY_LOG}))

    def s(check, sub):
        return result.status(f"azure.activitylog.{check}", sub)

    assert [s("exported", n) for n in ("good", "short", "expiring", "hub", "silent")] == ["PASS"] * 4 + ["FAIL"]
    assert s("retention_365", "good") == "PASS"
    assert s("retention_365", "short") == "FAIL"
    assert "log30 (30 日)" in result.finding("azure.activitylog.retention_365", "short").reason
    assert s("retention_365", "expiring") == "FAIL"
    assert s("retention_365", "hub") == "UNKNOWN"
    assert "siem: イベント ハブ" in result.finding("azure.activitylog.retention_365", "hub").reason
    assert s("retention_365", "silent") == "FAIL"
    assert s("immutable", "good") == "PASS"
    assert s("immutable", "short") == "FAIL"
    short_immutable = result.finding("azure.activitylog.immutable", "short")
    assert "log30 = none（Log Analytics は追記のみだが、purge でデータを消去できる）" in short_immutable.reason
    assert "log30 = none (Log Analytics is append-only, but a purge can erase its data)" in short_immutable.reason_en
    assert [d["immutability"] for d in short_immutable.observed] == ["none"]  # data, in no language
    assert s("immutable", "expiring") == "FAIL"
    assert s("immutable", "hub") == "UNKNOWN"
    denied_findings = [f for f in result.findings if f.scope == denied]
    assert {f.status.value for f in denied_findings} == {"UNKNOWN"} and len(denied_findings) == 3


def test_category_groups_export_the_activity_log(estate):
    workspace_sub = sub_id(estate, "all")
    workspace = estate.workspace(workspace_sub, G, "log", retention=400)
    estate.export_activity_log(workspace_sub, workspace=workspace, category_groups=("allLogs",))
    audit_sub = sub_id(estate, "audit")
    estate.export_activity_log(audit_sub, workspace=workspace, category_groups=("audit",))
    disabled = sub_id(estate, "disabled")
    estate.export_activity_log(disabled, workspace=workspace, category_groups=("allLogs",))
    estate.collections[f"/subscriptions/{disabled}/providers/microsoft.insights/diagnosticsettings"][0][
        "properties"]["logs"][0]["enabled"] = False
    result = audit(estate, frozenset({k.SUB_ACTIVITY_LOG}))

    def s(check, sub):
        return result.status(f"azure.activitylog.{check}", sub)

    assert [s("exported", n) for n in ("all", "audit", "disabled")] == ["PASS", "PASS", "FAIL"]
    # The destination of a category-group setting is followed like any other: 400 days in the workspace.
    assert [s("retention_365", n) for n in ("all", "audit", "disabled")] == ["PASS", "PASS", "FAIL"]
    assert "log (400 日)" in result.finding("azure.activitylog.retention_365", "all").reason


def test_lifecycle_rules_for_block_blobs_do_not_shorten_append_blob_logs(estate):
    sid = sub_id(estate, "block")
    block_only = estate.storage_account(sid, G, "stblock")
    estate.log_container(block_only, lifecycle_delete_days=30, lifecycle_blob_types=("blockBlob",))
    estate.export_activity_log(sid, storage=block_only)
    both = sub_id(estate, "both")
    mixed = estate.storage_account(both, G, "stboth")
    estate.log_container(mixed, lifecycle_delete_days=30, lifecycle_blob_types=("blockBlob", "appendBlob"))
    estate.export_activity_log(both, storage=mixed)
    other = sub_id(estate, "other")
    elsewhere = estate.storage_account(other, G, "stother")
    estate.log_container(elsewhere, lifecycle_delete_days=30)
    policy = estate.documents[f"{elsewhere}/managementPolicies/default".lower()]
    policy["properties"]["policy"]["rules"][0]["definition"]["filters"]["prefixMatch"] = ["uploads/"]
    estate.export_activity_log(other, storage=elsewhere)
    result = audit(estate, frozenset({k.SUB_ACTIVITY_LOG}))

    def retention(sub):
        return result.finding("azure.activitylog.retention_365", sub)

    assert retention("block").status.value == "PASS" and "stblock (無期限)" in retention("block").reason
    assert retention("both").status.value == "FAIL" and "stboth (30 日)" in retention("both").reason
    assert retention("other").status.value == "PASS"


def test_unreadable_destination_is_unknown_not_fail(estate):
    sid = sub_id(estate)
    storage = estate.storage_account(sid, G, "stlogs")
    estate.deny(storage.lower() + "/blobservices")
    estate.export_activity_log(sid, storage=storage)
    result = audit(estate, frozenset({k.SUB_ACTIVITY_LOG}))
    assert result.status("azure.activitylog.exported", "sub") == "PASS"
    assert result.status("azure.activitylog.retention_365", "sub") == "UNKNOWN"
    assert result.status("azure.activitylog.immutable", "sub") == "UNKNOWN"


# ---------------------------------------------------------------- network


def test_nsg_exposure(estate):
    sid = sub_id(estate)
    estate.nsg(sid, G, "nsg-open-rdp", rules=(("rdp", 100, "3389", "*", "Allow"),))
    estate.nsg(sid, G, "nsg-range", rules=(("mgmt", 100, "20-25", "0.0.0.0/0", "Allow"),))
    estate.nsg(sid, G, "nsg-shadowed", rules=(("deny-ssh", 100, "22", "Internet", "Deny"),
                                              ("allow-all", 200, "*", "Internet", "Allow")))
    estate.nsg(sid, G, "nsg-office", rules=(("ssh-office", 100, "22", "203.0.113.0/24", "Allow"),
                                            ("https", 110, "443", "*", "Allow")))
    result = audit(estate, frozenset({k.NSG}))
    assert result.status("azure.nsg.admin_ports_closed", "nsg-open-rdp") == "FAIL"
    assert "3389/RDP（規則 rdp）" in result.finding("azure.nsg.admin_ports_closed", "nsg-open-rdp").reason
    assert result.finding("azure.nsg.admin_ports_closed", "nsg-range").observed == {
        "21": "mgmt", "22": "mgmt", "23": "mgmt"}
    shadowed = result.finding("azure.nsg.admin_ports_closed", "nsg-shadowed")
    assert shadowed.status.value == "FAIL" and "22" not in shadowed.observed
    assert result.status("azure.nsg.admin_ports_closed", "nsg-office") == "PASS"


def test_ids_defender_plans_and_firewall_idps(estate):
    covered = sub_id(estate, "covered")
    estate.virtual_machine(covered, G, "vm")
    estate.defender(covered)
    bare = sub_id(estate, "bare")
    estate.virtual_machine(bare, G, "vm2")
    estate.firewall(covered, G, "afw-deny")
    estate.firewall(covered, G, "afw-off", idps="Off")
    estate.firewall(covered, G, "afw-standard", tier="Standard", idps=None)
    denied = sub_id(estate, "denied")
    estate.deny(f"/subscriptions/{denied}/providers/Microsoft.Security/pricings")
    result = audit(estate, frozenset({k.SUB_DEFENDER, k.FIREWALL}))
    assert result.status("azure.defender.threat_detection", "covered") == "PASS"
    assert result.status("azure.defender.threat_detection", "bare") == "FAIL"
    assert "VirtualMachines" in result.finding("azure.defender.threat_detection", "bare").reason
    [unread] = [f for f in result.of("azure.defender.threat_detection") if f.scope == denied]
    assert unread.status.value == "UNKNOWN" and "AuthorizationFailed" in unread.reason
    assert result.status("azure.firewall.idps", "afw-deny") == "PASS"
    assert result.status("azure.firewall.idps", "afw-off") == "FAIL"
    assert result.status("azure.firewall.idps", "afw-standard") == "FAIL"
    assert "レベルが Standard" in result.finding("azure.firewall.idps", "afw-standard").reason


# ---------------------------------------------------------------- resilience


def test_redundancy_and_backup(estate):
    sid = sub_id(estate)
    estate.storage_account(sid, G, "stlrs", sku="Standard_LRS")
    estate.storage_account(sid, G, "stgzrs", sku="Standard_GZRS")
    server = estate.sql_server(sid, G, "sql")
    estate.sql_database(server, "zoned")
    estate.sql_database(server, "single", zone_redundant=False)
    estate.scale_set(sid, G, "vmss-one", zones=("1",))
    protected = estate.virtual_machine(sid, G, "vm-protected")
    stopped = estate.virtual_machine(sid, G, "vm-stopped")
    estate.virtual_machine(sid, G, "vm-bare")
    estate.recovery_vault(sid, G, "rsv", protect=(protected,))
    estate.recovery_vault(sid, G, "rsv-old", protect=(stopped,), state="ProtectionStopped")
    result = audit(estate, frozenset({k.STORAGE, k.SQL_DATABASE, k.VMSS, k.VM}))
    assert result.status("azure.storage.redundant", "stlrs") == "FAIL"
    lrs_reason = result.finding("azure.storage.redundant", "stlrs").reason
    assert "SKU standard_lrs（複製が 1 つのデータセンター内にしかない）" in lrs_reason
    assert result.status("azure.storage.redundant", "stgzrs") == "PASS"
    assert result.status("azure.sql.zone_redundant", "zoned") == "PASS"
    assert result.status("azure.sql.zone_redundant", "single") == "FAIL"
    assert result.status("azure.sql.automated_backup", "single") == "PASS"
    assert result.status("azure.vmss.zone_redundant", "vmss-one") == "FAIL"
    assert result.status("azure.vm.backup", "vm-protected") == "PASS"
    assert result.status("azure.vm.backup", "vm-stopped") == "FAIL"
    assert "rsv-old のバックアップ項目が ProtectionStopped" in result.finding("azure.vm.backup", "vm-stopped").reason
    assert result.status("azure.vm.backup", "vm-bare") == "FAIL"


def test_backup_unknown_when_a_vault_cannot_be_read(estate):
    sid = sub_id(estate)
    protected = estate.virtual_machine(sid, G, "vm-protected")
    estate.virtual_machine(sid, G, "vm-other")
    estate.recovery_vault(sid, G, "rsv", protect=(protected,))
    hidden = estate.recovery_vault(sid, G, "rsv-hidden")
    estate.deny(f"{hidden}/backupProtectedItems")
    result = audit(estate, frozenset({k.VM}))
    assert result.status("azure.vm.backup", "vm-protected") == "PASS"
    other = result.finding("azure.vm.backup", "vm-other")
    assert other.status.value == "UNKNOWN" and "rsv-hidden" in other.reason
    assert any("backupProtectedItems/read" in g.permission for g in result.collection.gaps)


# ---------------------------------------------------------------- time, vulnerabilities, malware, monitoring


def test_time_sync_and_patch_assessment(estate):
    sid = sub_id(estate)
    estate.virtual_machine(sid, G, "vm-ubuntu")
    estate.virtual_machine(sid, G, "vm-golden", publisher=None, assessment="ImageDefault")
    estate.scale_set(sid, G, "vmss", publisher="MicrosoftWindowsServer")
    result = audit(estate, frozenset({k.VM, k.VMSS}))
    ubuntu = result.finding("azure.vm.host_time_sync", "vm-ubuntu")
    assert ubuntu.status.value == "PASS" and "管理 API からは見えない" in ubuntu.reason
    assert result.status("azure.vm.host_time_sync", "vm-golden") == "UNKNOWN"
    assert result.status("azure.vmss.host_time_sync", "vmss") == "PASS"
    assert result.status("azure.vm.patch_assessment", "vm-ubuntu") == "PASS"
    assert result.status("azure.vm.patch_assessment", "vm-golden") == "FAIL"
    assert "ImageDefault" in result.finding("azure.vm.patch_assessment", "vm-golden").reason


def test_vulnerability_and_malware_protection(estate):
    full = sub_id(estate, "full")
    estate.virtual_machine(full, G, "vm")
    estate.storage_account(full, G, "stfull")
    estate.defender(full)
    partial = sub_id(estate, "partial")
    estate.virtual_machine(partial, G, "vm2")
    estate.storage_account(partial, G, "stpartial")
    estate.defender(partial, endpoint_integration=False, storage_malware=False)
    off = sub_id(estate, "off")
    estate.virtual_machine(off, G, "vm3")
    empty = sub_id(estate, "empty")
    hidden = sub_id(estate, "hidden")
    estate.virtual_machine(hidden, G, "vm4")
    estate.defender(hidden)
    estate.deny(f"/subscriptions/{hidden}/providers/Microsoft.Security/settings")
    result = audit(estate, frozenset({k.SUB_DEFENDER}))
    assert result.status("azure.defender.servers_vulnerability", "full") == "PASS"
    assert result.status("azure.defender.servers_vulnerability", "off") == "FAIL"
    assert result.status("azure.defender.servers_vulnerability", "empty") == "NOT_APPLICABLE"
    assert result.status("azure.defender.servers_malware", "full") == "PASS"
    assert result.status("azure.defender.servers_malware", "partial") == "FAIL"
    assert "Defender for Endpoint 統合（WDATP）が無効" in result.finding("azure.defender.servers_malware",
                                                                       "partial").reason
    assert result.status("azure.defender.servers_malware", "off") == "FAIL"
    assert result.status("azure.defender.servers_malware", "hidden") == "UNKNOWN"
    assert result.status("azure.defender.storage_malware", "full") == "PASS"
    assert result.status("azure.defender.storage_malware", "partial") == "FAIL"
    assert empty


def test_monitoring_alerts_and_action_groups(estate):
    sid = sub_id(estate, "watched")
    vm = estate.virtual_machine(sid, G, "vm")
    group = estate.action_group(sid, G, "ag-ops")
    muted = estate.action_group(sid, G, "ag-muted", enabled=False)
    estate.metric_alert(sid, G, "cpu", vm, group)
    estate.metric_alert(sid, G, "cpu-muted", vm, muted)
    estate.activity_alert(sid, G, "health-nobody", None)
    estate.metric_alert(sid, G, "disabled", vm, group, enabled=False)
    sub_id(estate, "unwatched")
    result = audit(estate, frozenset({k.ALERT_RULE, k.SUB_MONITORING}))
    assert result.status("azure.monitor.alert_notifies", "cpu") == "PASS"
    assert "アクショングループ ag-ops" in result.finding("azure.monitor.alert_notifies", "cpu").reason
    assert result.status("azure.monitor.alert_notifies", "cpu-muted") == "FAIL"
    assert result.status("azure.monitor.alert_notifies", "health-nobody") == "FAIL"
    assert result.status("azure.monitor.alert_notifies", "disabled") == "NOT_APPLICABLE"
    assert result.status("azure.monitor.subscription_alerting", "watched") == "PASS"
    assert result.status("azure.monitor.subscription_alerting", "unwatched") == "FAIL"
