"""Builders of the Azure emulator's ARM resources: storage, compute, data, network and operations.

Each creates a resource in the shape the Azure REST API returns (taken from the published API
reference and the azure-rest-api-specs examples) and registers the child documents ARM serves
(TDE state, protected items, workspace tables …), so the emulator only has to route requests.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from providers.azure import facts
from providers.azure.emulator.estate_store import CREATED, EstateStore, iso, uid


class ResourceBuilders(EstateStore):
    """Seed ARM resources: each builder returns the new resource's id."""

    # ------------------------------------------------------------ storage, compute, data

    def storage_account(self, sid: str, group: str, name: str, location: str = "japaneast", sku: str = "Standard_ZRS",
                        min_tls: str | None = "TLS1_2", https_only: bool = True, key_source: str = "Microsoft.Storage",
                        secondary: str | None = None, kind: str = "StorageV2") -> str:
        geo = sku.lower() in facts.GEO_REPLICATED_SKUS
        properties: dict[str, Any] = {
            "primaryLocation": location, "statusOfPrimary": "available", "creationTime": CREATED,
            "supportsHttpsTrafficOnly": https_only, "allowBlobPublicAccess": False,
            "encryption": {
                "services": {"blob": {"enabled": True, "keyType": "Account", "lastEnabledTime": CREATED},
                             "file": {"enabled": True, "keyType": "Account", "lastEnabledTime": CREATED}},
                "keySource": key_source, "requireInfrastructureEncryption": False,
            },
            "primaryEndpoints": {"blob": f"https://{name}.blob.core.windows.net/"},
        }
        if key_source == "Microsoft.Keyvault":
            properties["encryption"]["keyvaultproperties"] = {
                "keyvaulturi": f"https://kv-{name}.vault.azure.net", "keyname": "storage"}
        if min_tls:
            properties["minimumTlsVersion"] = min_tls
        if geo:
            properties["secondaryLocation"] = secondary or "japanwest"
            properties["statusOfSecondary"] = "available"
        body = self.resource(sid, group, "Microsoft.Storage/storageAccounts", name, location, properties,
                             kind=kind, sku={"name": sku, "tier": sku.split("_")[0]})
        return body["id"]

    def log_container(self, account_id: str, immutability: str | None = "Locked", days: int = 365,
                      lifecycle_delete_days: int | None = None,
                      lifecycle_blob_types: tuple[str, ...] = ("appendBlob",)) -> None:
        """The ``insights-activity-logs`` container of an account, its immutability and lifecycle rule."""
        path = f"{account_id}/blobServices/default/containers/{facts.ACTIVITY_LOG_CONTAINER}"
        properties: dict[str, Any] = {"publicAccess": "None", "hasImmutabilityPolicy": bool(immutability),
                                      "hasLegalHold": False, "immutableStorageWithVersioning": {"enabled": False},
                                      "lastModifiedTime": CREATED, "leaseState": "Available"}
        if immutability:
            properties["immutabilityPolicy"] = {
                "etag": "\"8d7f9b2c1a3e4f5\"", "updateHistory": [],
                "properties": {"immutabilityPeriodSinceCreationInDays": days, "state": immutability,
                               "allowProtectedAppendWrites": True}}
        self.document(path, {"id": path, "name": facts.ACTIVITY_LOG_CONTAINER,
                             "type": "Microsoft.Storage/storageAccounts/blobServices/containers",
                             "properties": properties})
        if lifecycle_delete_days is not None:
            policy = f"{account_id}/managementPolicies/default"
            self.document(policy, {"id": policy, "name": "DefaultManagementPolicy",
                                   "type": "Microsoft.Storage/storageAccounts/managementPolicies",
                                   "properties": {"lastModifiedTime": CREATED, "policy": {"rules": [{
                                       "enabled": True, "name": "expire-activity-logs", "type": "Lifecycle",
                                       "definition": {
                                           "filters": {"blobTypes": list(lifecycle_blob_types),
                                                       "prefixMatch": [f"{facts.ACTIVITY_LOG_CONTAINER}/"]},
                                           "actions": {"baseBlob": {"delete": {
                                               "daysAfterCreationGreaterThan": lifecycle_delete_days}}}}}]}}})

    def managed_disk(self, sid: str, group: str, name: str, location: str = "japaneast",
                     encryption: str | None = "EncryptionAtRestWithPlatformKey", zone: str | None = "1") -> str:
        properties: dict[str, Any] = {"osType": "Linux", "diskSizeGB": 64, "diskState": "Attached",
                                      "creationData": {"createOption": "FromImage"}, "timeCreated": CREATED}
        if encryption:
            properties["encryption"] = {"type": encryption}
        return self.resource(sid, group, "Microsoft.Compute/disks", name, location, properties,
                             sku={"name": "Premium_LRS", "tier": "Premium"}, zones=[zone] if zone else None)["id"]

    def virtual_machine(self, sid: str, group: str, name: str, location: str = "japaneast", zone: str | None = "1",
                        publisher: str | None = "Canonical", assessment: str = "AutomaticByPlatform",
                        os: str = "Linux", image_id: str | None = None) -> str:
        disk = self.managed_disk(sid, group, f"{name}_OsDisk_1", location, zone=zone)
        image = ({"publisher": publisher, "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts-gen2",
                  "version": "latest"} if publisher else {"id": image_id or f"/subscriptions/{sid}/resourceGroups/"
                                                          f"{group}/providers/Microsoft.Compute/images/golden"})
        config_key = "linuxConfiguration" if os == "Linux" else "windowsConfiguration"
        properties = {
            "vmId": uid("vm", sid, name), "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
            "storageProfile": {"imageReference": image, "osDisk": {
                "osType": os, "name": f"{name}_OsDisk_1", "createOption": "FromImage", "caching": "ReadWrite",
                "managedDisk": {"storageAccountType": "Premium_LRS", "id": disk}}},
            "osProfile": {"computerName": name, "adminUsername": "azureuser",
                          config_key: {"patchSettings": {"patchMode": "AutomaticByPlatform" if os == "Linux"
                                                         else "AutomaticByOS", "assessmentMode": assessment}}},
            "networkProfile": {"networkInterfaces": [{"id": f"/subscriptions/{sid}/resourceGroups/{group}/providers/"
                                                            f"Microsoft.Network/networkInterfaces/{name}-nic"}]},
        }
        return self.resource(sid, group, "Microsoft.Compute/virtualMachines", name, location, properties,
                             zones=[zone] if zone else None)["id"]

    def scale_set(self, sid: str, group: str, name: str, location: str = "japaneast",
                  zones: tuple[str, ...] = ("1", "2", "3"), publisher: str = "Canonical") -> str:
        properties = {"orchestrationMode": "Uniform", "upgradePolicy": {"mode": "Automatic"},
                      "virtualMachineProfile": {"storageProfile": {"imageReference": {
                          "publisher": publisher, "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts-gen2",
                          "version": "latest"}}}}
        return self.resource(sid, group, "Microsoft.Compute/virtualMachineScaleSets", name, location, properties,
                             sku={"name": "Standard_D2s_v5", "tier": "Standard", "capacity": 3},
                             zones=list(zones) or None)["id"]

    def sql_server(self, sid: str, group: str, name: str, location: str = "japaneast",
                   min_tls: str | None = "1.2") -> str:
        properties = {"administratorLogin": "sqladmin", "version": "12.0", "state": "Ready",
                      "fullyQualifiedDomainName": f"{name}.database.windows.net", "publicNetworkAccess": "Disabled"}
        if min_tls:
            properties["minimalTlsVersion"] = min_tls
        server = self.resource(sid, group, "Microsoft.Sql/servers", name, location, properties, kind="v12.0")["id"]
        self._database(server, "master", location, zone_redundant=False, tde="Enabled", tier="System")
        return server

    def sql_database(self, server_id: str, name: str, zone_redundant: bool = True, tde: str = "Enabled") -> str:
        location = self.resources[server_id.lower()]["location"]
        return self._database(server_id, name, location, zone_redundant, tde)

    def _database(self, server_id: str, name: str, location: str, zone_redundant: bool, tde: str,
                  tier: str = "GeneralPurpose") -> str:
        sid, group = server_id.split("/")[2], server_id.split("/")[4]
        server = server_id.rsplit("/", 1)[-1]
        body = self.resource(sid, group, "Microsoft.Sql/servers/databases", f"{server}/{name}", location, {
            "collation": "SQL_Latin1_General_CP1_CI_AS", "status": "Online", "databaseId": uid("db", server_id, name),
            "zoneRedundant": zone_redundant, "currentBackupStorageRedundancy": "Geo",
            "requestedBackupStorageRedundancy": "Geo", "creationDate": CREATED,
        }, kind="v12.0,user,vcore", sku={"name": "GP_Gen5", "tier": tier, "family": "Gen5", "capacity": 2})
        rid = f"{server_id}/databases/{name}"
        self.resources.pop(body["id"].lower())
        body.update(id=rid, name=name)
        self.resources[rid.lower()] = body
        tde_path = f"{rid}/transparentDataEncryption/current"
        self.document(tde_path, {"id": tde_path, "name": "current",
                                 "type": "Microsoft.Sql/servers/databases/transparentDataEncryption",
                                 "properties": {"state": tde}})
        return rid

    def web_app(self, sid: str, group: str, name: str, location: str = "japaneast", https_only: bool = True,
                min_tls: str = "1.2") -> str:
        site = self.resource(sid, group, "Microsoft.Web/sites", name, location, {
            "state": "Running", "hostNames": [f"{name}.azurewebsites.net"], "httpsOnly": https_only,
            "serverFarmId": f"/subscriptions/{sid}/resourceGroups/{group}/providers/Microsoft.Web/serverfarms/plan",
            "publicNetworkAccess": "Enabled"}, kind="app,linux")["id"]
        self.extra_rows.append({
            "id": f"{site}/config/web", "name": "web", "type": "microsoft.web/sites/config", "location": location,
            "subscriptionId": sid, "resourceGroup": group.lower(), "kind": "",
            "properties": {"MinTlsVersion": min_tls, "ScmMinTlsVersion": "1.2", "FtpsState": "FtpsOnly",
                           "Http20Enabled": True, "AlwaysOn": True}})
        return site

    # ------------------------------------------------------------ network

    def waf_policy(self, sid: str, group: str, name: str, mode: str = "Prevention", enabled: bool = True,
                   front_door: bool = False) -> str:
        if front_door:
            state = "Enabled" if enabled else "Disabled"
            return self.resource(sid, group, "Microsoft.Network/frontdoorWebApplicationFirewallPolicies", name,
                                 "Global", {"policySettings": {"enabledState": state, "mode": mode},
                                  "managedRules": {"managedRuleSets": [{"ruleSetType": "Microsoft_DefaultRuleSet",
                                                                        "ruleSetVersion": "2.1",
                                                                        "ruleSetAction": "Block"}]}},
                                 sku={"name": "Premium_AzureFrontDoor"})["id"]
        return self.resource(sid, group, "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies", name,
                             "japaneast", {"policySettings": {"state": "Enabled" if enabled else "Disabled",
                                                              "mode": mode, "requestBodyCheck": True},
                                           "managedRules": {"managedRuleSets": [{"ruleSetType": "OWASP",
                                                                                 "ruleSetVersion": "3.2"}]}})["id"]

    def app_gateway(self, sid: str, group: str, name: str, location: str = "japaneast",
                    zones: tuple[str, ...] = ("1", "2", "3"), ssl_policy: dict | None = None,
                    waf_policy: str | None = None, http_redirect: bool = True, public: bool = True) -> str:
        gid = f"/subscriptions/{sid}/resourceGroups/{group}/providers/Microsoft.Network/applicationGateways/{name}"
        frontend = {"id": f"{gid}/frontendIPConfigurations/appGwFrontendIp", "name": "appGwFrontendIp",
                    "properties": ({"publicIPAddress": {"id": f"/subscriptions/{sid}/resourceGroups/{group}/providers/"
                                                              f"Microsoft.Network/publicIPAddresses/{name}-pip"}}
                                   if public else {"privateIPAddress": "10.0.0.10",
                                                   "privateIPAllocationMethod": "Static"})}
        listeners = [
            {"id": f"{gid}/httpListeners/https", "name": "https", "properties": {
                "frontendIPConfiguration": {"id": frontend["id"]}, "protocol": "Https",
                "frontendPort": {"id": f"{gid}/frontendPorts/port443"},
                "sslCertificate": {"id": f"{gid}/sslCertificates/cert"}}},
            {"id": f"{gid}/httpListeners/http", "name": "http", "properties": {
                "frontendIPConfiguration": {"id": frontend["id"]}, "protocol": "Http",
                "frontendPort": {"id": f"{gid}/frontendPorts/port80"}}},
        ]
        rules = [{"id": f"{gid}/requestRoutingRules/https", "name": "https", "properties": {
            "ruleType": "Basic", "priority": 100, "httpListener": {"id": listeners[0]["id"]},
            "backendAddressPool": {"id": f"{gid}/backendAddressPools/app"},
            "backendHttpSettings": {"id": f"{gid}/backendHttpSettingsCollection/app"}}}]
        http_rule = {"id": f"{gid}/requestRoutingRules/http", "name": "http", "properties": {
            "ruleType": "Basic", "priority": 200, "httpListener": {"id": listeners[1]["id"]}}}
        if http_redirect:
            http_rule["properties"]["redirectConfiguration"] = {"id": f"{gid}/redirectConfigurations/to-https"}
        else:
            http_rule["properties"]["backendAddressPool"] = {"id": f"{gid}/backendAddressPools/app"}
        rules.append(http_rule)
        tier = "WAF_v2" if waf_policy else "Standard_v2"
        properties: dict[str, Any] = {
            "sku": {"name": tier, "tier": tier, "capacity": 2}, "operationalState": "Running",
            "frontendIPConfigurations": [frontend], "httpListeners": listeners, "requestRoutingRules": rules,
            "redirectConfigurations": [{"id": f"{gid}/redirectConfigurations/to-https", "name": "to-https",
                                        "properties": {"redirectType": "Permanent", "includePath": True,
                                                       "targetListener": {"id": listeners[0]["id"]}}}],
        }
        if ssl_policy is not None:
            properties["sslPolicy"] = ssl_policy
        if waf_policy:
            properties["firewallPolicy"] = {"id": waf_policy}
        return self.resource(sid, group, "Microsoft.Network/applicationGateways", name, location, properties,
                             zones=list(zones) or None)["id"]

    def front_door(self, sid: str, group: str, name: str, custom_domain: str | None = "www.example-city.jp",
                   min_tls: str = "TLS12", waf_policy: str | None = None) -> str:
        """A Front Door Premium profile with one endpoint, an optional custom domain and a WAF security policy."""
        pid = self.resource(sid, group, "Microsoft.Cdn/profiles", name, "Global",
                            {"frontDoorId": uid("afd", sid, name), "originResponseTimeoutSeconds": 60},
                            sku={"name": "Premium_AzureFrontDoor"}, kind="frontdoor")["id"]
        endpoint = {"id": f"{pid}/afdendpoints/{name}-ep", "name": f"{name}-ep",
                    "type": "Microsoft.Cdn/profiles/afdendpoints", "location": "Global",
                    "properties": {"hostName": f"{name}-ep-{uid(name)[:12]}.z01.azurefd.net",
                                   "enabledState": "Enabled", "provisioningState": "Succeeded"}}
        self.items(f"{pid}/afdEndpoints").append(endpoint)
        domains = self.items(f"{pid}/customDomains")
        associated = [{"id": endpoint["id"]}]
        if custom_domain:
            domain = {"id": f"{pid}/customdomains/{custom_domain.replace('.', '-')}",
                      "name": custom_domain.replace(".", "-"), "type": "Microsoft.Cdn/profiles/customdomains",
                      "properties": {"hostName": custom_domain, "domainValidationState": "Approved",
                                     "tlsSettings": {"certificateType": "ManagedCertificate",
                                                     "minimumTlsVersion": min_tls}}}
            domains.append(domain)
            associated.append({"id": domain["id"]})
        policies = self.items(f"{pid}/securityPolicies")
        if waf_policy:
            policies.append({"id": f"{pid}/securitypolicies/waf", "name": "waf",
                             "type": "Microsoft.Cdn/profiles/securitypolicies",
                             "properties": {"deploymentStatus": "Succeeded", "parameters": {
                                 "type": "WebApplicationFirewall", "wafPolicy": {"id": waf_policy},
                                 "associations": [{"domains": associated, "patternsToMatch": ["/*"]}]}}})
        return pid

    def classic_front_door(self, sid: str, group: str, name: str, waf_policy: str | None = None,
                           custom_domain: str | None = None, min_tls: str = "1.2") -> str:
        fid = f"/subscriptions/{sid}/resourceGroups/{group}/providers/Microsoft.Network/frontdoors/{name}"
        link = {"webApplicationFirewallPolicyLink": {"id": waf_policy}} if waf_policy else {}
        endpoints = [{"id": f"{fid}/frontendEndpoints/default", "name": "default",
                      "properties": {"hostName": f"{name}.azurefd.net", "sessionAffinityEnabledState": "Disabled",
                                     **link}}]
        if custom_domain:
            endpoints.append({"id": f"{fid}/frontendEndpoints/custom", "name": "custom", "properties": {
                "hostName": custom_domain, "customHttpsProvisioningState": "Enabled",
                "customHttpsConfiguration": {"certificateSource": "FrontDoor", "protocolType": "ServerNameIndication",
                                             "minimumTlsVersion": min_tls},
                **link}})
        return self.resource(sid, group, "Microsoft.Network/frontdoors", name, "Global",
                             {"frontendEndpoints": endpoints, "enabledState": "Enabled"})["id"]

    def nsg(self, sid: str, group: str, name: str, location: str = "japaneast",
            rules: tuple[tuple[str, int, str, str, str], ...] = ()) -> str:
        """``rules``: (name, priority, destination port range, source prefix, access) inbound TCP rules."""
        nid = f"/subscriptions/{sid}/resourceGroups/{group}/providers/Microsoft.Network/networkSecurityGroups/{name}"
        security = [{"id": f"{nid}/securityRules/{rule}", "name": rule, "properties": {
            "protocol": "Tcp", "sourcePortRange": "*", "destinationPortRange": port, "sourceAddressPrefix": source,
            "destinationAddressPrefix": "*", "access": access, "priority": priority, "direction": "Inbound"}}
            for rule, priority, port, source, access in rules]
        defaults = [{"id": f"{nid}/defaultSecurityRules/DenyAllInBound", "name": "DenyAllInBound", "properties": {
            "protocol": "*", "sourcePortRange": "*", "destinationPortRange": "*", "sourceAddressPrefix": "*",
            "destinationAddressPrefix": "*", "access": "Deny", "priority": 65500, "direction": "Inbound"}}]
        return self.resource(sid, group, "Microsoft.Network/networkSecurityGroups", name, location, {
            "securityRules": security, "defaultSecurityRules": defaults,
            "subnets": [{"id": f"/subscriptions/{sid}/resourceGroups/{group}/providers/Microsoft.Network/"
                               f"virtualNetworks/vnet/subnets/{name}"}]})["id"]

    def firewall(self, sid: str, group: str, name: str, location: str = "japaneast", tier: str = "Premium",
                 idps: str | None = "Deny") -> str:
        properties: dict[str, Any] = {"sku": {"tier": tier}, "threatIntelMode": "Alert"}
        if idps:
            properties["intrusionDetection"] = {"mode": idps, "configuration": {"signatureOverrides": []}}
        policy = self.resource(sid, group, "Microsoft.Network/firewallPolicies", f"{name}-policy", location,
                               properties)["id"]
        return self.resource(sid, group, "Microsoft.Network/azureFirewalls", name, location, {
            "sku": {"name": "AZFW_VNet", "tier": tier}, "firewallPolicy": {"id": policy},
            "threatIntelMode": "Alert"}, zones=["1", "2", "3"])["id"]

    # ------------------------------------------------------------ operations

    def workspace(self, sid: str, group: str, name: str, location: str = "japaneast", retention: int = 365,
                  activity_total: int | None = None) -> str:
        wid = self.resource(sid, group, "Microsoft.OperationalInsights/workspaces", name, location, {
            "customerId": uid("workspace", sid, name), "sku": {"name": "PerGB2018"}, "retentionInDays": retention,
            "features": {"enableLogAccessUsingOnlyResourcePermissions": True}})["id"]
        total = activity_total or retention
        table = f"{wid}/tables/{facts.ACTIVITY_LOG_TABLE}"
        self.document(table, {"id": table, "name": facts.ACTIVITY_LOG_TABLE,
                              "type": "Microsoft.OperationalInsights/workspaces/tables", "properties": {
                                  "retentionInDays": retention, "totalRetentionInDays": total,
                                  "archiveRetentionInDays": total - retention, "plan": "Analytics",
                                  "retentionInDaysAsDefault": True, "totalRetentionInDaysAsDefault": total == retention,
                                  "provisioningState": "Succeeded"}})
        return wid

    def export_activity_log(self, sid: str, name: str = "activity-to-siem", workspace: str | None = None,
                            storage: str | None = None, event_hub: str | None = None,
                            categories: tuple[str, ...] = ("Administrative", "Security", "Policy", "Alert"),
                            category_groups: tuple[str, ...] = ()) -> None:
        """A subscription diagnostic setting: per-category entries, or category groups (allLogs, audit) when given."""
        everything = ("Administrative", "Security", "ServiceHealth", "Alert", "Recommendation", "Policy",
                      "Autoscale", "ResourceHealth")
        logs = ([{"category": None, "categoryGroup": g, "enabled": True} for g in category_groups] if category_groups
                else [{"category": c, "enabled": c in categories} for c in everything])
        self._sub_list(sid, "microsoft.insights/diagnosticSettings").append({
            "id": f"/subscriptions/{sid}/providers/microsoft.insights/diagnosticSettings/{name}", "name": name,
            "type": "Microsoft.Insights/diagnosticSettings", "properties": {
                "workspaceId": workspace, "storageAccountId": storage, "eventHubAuthorizationRuleId": event_hub,
                "eventHubName": None, "logs": logs}})

    def recovery_vault(self, sid: str, group: str, name: str, location: str = "japaneast",
                       protect: tuple[str, ...] = (), state: str = "Protected") -> str:
        vid = self.resource(sid, group, "Microsoft.RecoveryServices/vaults", name, location,
                            {"redundancySettings": {"standardTierStorageRedundancy": "GeoRedundant",
                                                    "crossRegionRestore": "Enabled"}},
                            sku={"name": "RS0", "tier": "Standard"})["id"]
        items = self.items(f"{vid}/backupProtectedItems")
        for vm_id in protect:
            vm_group, vm = vm_id.split("/")[4].lower(), vm_id.rsplit("/", 1)[-1]
            item = f"VM;iaasvmcontainerv2;{vm_group};{vm}"
            items.append({
                "id": f"{vid}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;{vm_group};"
                      f"{vm}/protectedItems/{item}",
                "name": item, "type": "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/"
                                     "protectedItems",
                "properties": {"friendlyName": vm, "virtualMachineId": vm_id, "sourceResourceId": vm_id,
                               "protectedItemType": "Microsoft.Compute/virtualMachines", "workloadType": "VM",
                               "backupManagementType": "AzureIaasVM", "protectionStatus": "Healthy",
                               "protectionState": state, "lastBackupStatus": "Completed",
                               "lastBackupTime": iso(self.now - timedelta(hours=20)),
                               "policyName": "DefaultPolicy", "policyId": f"{vid}/backupPolicies/DefaultPolicy"}})
        return vid

    def action_group(self, sid: str, group: str, name: str, emails: tuple[str, ...] = ("ops@example-city.jp",),
                     enabled: bool = True) -> str:
        return self.resource(sid, group, "Microsoft.Insights/actionGroups", name, "Global", {
            "groupShortName": name[:12], "enabled": enabled,
            "emailReceivers": [{"name": e.split("@")[0], "emailAddress": e, "useCommonAlertSchema": True,
                                "status": "Enabled"} for e in emails],
            "smsReceivers": [], "webhookReceivers": [], "azureAppPushReceivers": [], "armRoleReceivers": []})["id"]

    def metric_alert(self, sid: str, group: str, name: str, target: str, action_group: str | None,
                     enabled: bool = True) -> str:
        return self.resource(sid, group, "Microsoft.Insights/metricAlerts", name, "global", {
            "description": "CPU が 90% を超えた", "severity": 2, "enabled": enabled, "scopes": [target],
            "evaluationFrequency": "PT1M", "windowSize": "PT5M", "criteria": {
                "odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                "allOf": [{"name": "High_CPU", "metricName": "Percentage CPU", "operator": "GreaterThan",
                           "threshold": 90, "timeAggregation": "Average"}]},
            "actions": [{"actionGroupId": action_group, "webHookProperties": {}}] if action_group else []})["id"]

    def activity_alert(self, sid: str, group: str, name: str, action_group: str | None, enabled: bool = True) -> str:
        return self.resource(sid, group, "Microsoft.Insights/activityLogAlerts", name, "Global", {
            "scopes": [f"/subscriptions/{sid}"], "enabled": enabled,
            "condition": {"allOf": [{"field": "category", "equals": "ServiceHealth"}]},
            "actions": {"actionGroups": [{"actionGroupId": action_group, "webhookProperties": {}}]
                        if action_group else []}})["id"]
