"""Evidence kinds and the Resource Graph queries that feed them, as table rows.

A :class:`GraphQuery` declares one query: its table, the resource types it selects and the columns
it projects (``alias = properties.path``). Each query runs once across every audited subscription
and is paged on ``$skipToken``; the rows are turned into evidence by :mod:`providers.azure.collect.normalize`.
Code is written only for what Resource Graph does not hold (see :mod:`providers.azure.collect.arm`).
"""

from __future__ import annotations

from dataclasses import dataclass

# ---------------------------------------------------------------- evidence kinds

RESOURCE = "azure.resource"
STORAGE = "azure.storage.account"
DISK = "azure.compute.disk"
VM = "azure.compute.vm"
VMSS = "azure.compute.vmss"
SQL_SERVER = "azure.sql.server"
SQL_DATABASE = "azure.sql.database"
WEB_APP = "azure.web.site"
APP_GATEWAY = "azure.network.application_gateway"
FRONT_DOOR = "azure.network.frontdoor"
NSG = "azure.network.nsg"
FIREWALL = "azure.network.firewall"
ALERT_RULE = "azure.monitor.alert_rule"
SUB_LOCATION_POLICY = "azure.subscription.location_policy"
SUB_DEFENDER = "azure.subscription.defender"
SUB_ACTIVITY_LOG = "azure.subscription.activity_log"
SUB_RBAC = "azure.subscription.rbac"
SUB_MONITORING = "azure.subscription.monitoring"
TENANT = "azure.entra.tenant"
ADMIN = "azure.entra.admin"
USER = "azure.entra.user"
DOMAIN = "azure.entra.domain"

BASE_COLUMNS = ("id", "name", "type", "location", "subscriptionId", "resourceGroup")


@dataclass(frozen=True)
class GraphQuery:
    """One Resource Graph query: a table, the types it selects and the columns it returns."""

    name: str
    table: str
    types: tuple[str, ...]
    columns: tuple[str, ...] = ()
    permission: str = ""

    def kql(self) -> str:
        parts = [self.table]
        if self.types:
            quoted = ", ".join(f"'{t}'" for t in self.types)
            parts.append(f"where type in~ ({quoted})")
        parts.append("project " + ", ".join((*BASE_COLUMNS, *self.columns)))
        parts.append("order by id asc")
        return " | ".join(parts)


def _q(name: str, types: str | tuple[str, ...], *columns: str, table: str = "resources",
       permission: str = "") -> GraphQuery:
    kinds = (types,) if isinstance(types, str) else types
    return GraphQuery(name, table, kinds, columns, permission or _read_action(kinds[0] if kinds else ""))


def _read_action(arm_type: str) -> str:
    if not arm_type:
        return "*/read"
    namespace, _, rest = arm_type.partition("/")
    return f"{namespace}/{rest}/read"


QUERIES: dict[str, GraphQuery] = {q.name: q for q in (
    _q("resources", ()),
    _q("subscriptions", "microsoft.resources/subscriptions", table="resourcecontainers",
       permission="Microsoft.Resources/subscriptions/read"),
    _q("storage", "Microsoft.Storage/storageAccounts", "sku", "kind",
       "minimumTlsVersion = properties.minimumTlsVersion",
       "supportsHttpsTrafficOnly = properties.supportsHttpsTrafficOnly",
       "encryption = properties.encryption",
       "primaryLocation = properties.primaryLocation",
       "secondaryLocation = properties.secondaryLocation",
       "statusOfSecondary = properties.statusOfSecondary",
       "immutableStorageWithVersioning = properties.immutableStorageWithVersioning"),
    _q("disks", "Microsoft.Compute/disks", "sku", "zones",
       "encryption = properties.encryption",
       "encryptionSettingsCollection = properties.encryptionSettingsCollection",
       "diskState = properties.diskState"),
    _q("vms", "Microsoft.Compute/virtualMachines", "zones",
       "imageReference = properties.storageProfile.imageReference",
       "osType = properties.storageProfile.osDisk.osType",
       "windowsPatchSettings = properties.osProfile.windowsConfiguration.patchSettings",
       "linuxPatchSettings = properties.osProfile.linuxConfiguration.patchSettings"),
    _q("vmss", "Microsoft.Compute/virtualMachineScaleSets", "sku", "zones",
       "imageReference = properties.virtualMachineProfile.storageProfile.imageReference"),
    _q("sql_servers", "Microsoft.Sql/servers",
       "minimalTlsVersion = properties.minimalTlsVersion",
       "publicNetworkAccess = properties.publicNetworkAccess"),
    _q("sql_databases", "Microsoft.Sql/servers/databases", "sku",
       "zoneRedundant = properties.zoneRedundant",
       "requestedBackupStorageRedundancy = properties.requestedBackupStorageRedundancy",
       "currentBackupStorageRedundancy = properties.currentBackupStorageRedundancy"),
    _q("sites", "Microsoft.Web/sites", "kind", "httpsOnly = properties.httpsOnly"),
    _q("site_configs", "Microsoft.Web/sites/config", "properties", table="appserviceresources",
       permission="Microsoft.Web/sites/config/read"),
    _q("app_gateways", "Microsoft.Network/applicationGateways", "zones",
       "gatewaySku = properties.sku",
       "sslPolicy = properties.sslPolicy",
       "httpListeners = properties.httpListeners",
       "requestRoutingRules = properties.requestRoutingRules",
       "frontendIPConfigurations = properties.frontendIPConfigurations",
       "webApplicationFirewallConfiguration = properties.webApplicationFirewallConfiguration",
       "firewallPolicy = properties.firewallPolicy"),
    _q("appgw_waf_policies", "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
       "policySettings = properties.policySettings"),
    _q("front_doors", ("Microsoft.Cdn/profiles", "Microsoft.Network/frontDoors"), "sku",
       "frontendEndpoints = properties.frontendEndpoints"),
    _q("frontdoor_waf_policies", "Microsoft.Network/FrontDoorWebApplicationFirewallPolicies", "sku",
       "policySettings = properties.policySettings"),
    _q("nsgs", "Microsoft.Network/networkSecurityGroups",
       "securityRules = properties.securityRules",
       "networkInterfaces = properties.networkInterfaces",
       "subnets = properties.subnets"),
    _q("firewalls", "Microsoft.Network/azureFirewalls",
       "firewallSku = properties.sku", "firewallPolicy = properties.firewallPolicy"),
    _q("firewall_policies", "Microsoft.Network/firewallPolicies",
       "policySku = properties.sku", "intrusionDetection = properties.intrusionDetection"),
    _q("vaults", "Microsoft.RecoveryServices/vaults"),
    _q("alert_rules", ("Microsoft.Insights/metricAlerts", "Microsoft.Insights/activityLogAlerts",
                       "Microsoft.Insights/scheduledQueryRules"),
       "enabled = properties.enabled", "actions = properties.actions"),
    _q("action_groups", "Microsoft.Insights/actionGroups", "properties"),
    _q("role_assignments", "Microsoft.Authorization/roleAssignments",
       "roleDefinitionId = properties.roleDefinitionId",
       "principalId = properties.principalId",
       "principalType = properties.principalType",
       "scope = properties.scope", table="authorizationresources"),
)}

#: Which queries each evidence kind needs (the collector runs only those).
QUERIES_FOR_KIND: dict[str, tuple[str, ...]] = {
    RESOURCE: ("resources",),
    STORAGE: ("storage",),
    DISK: ("disks",),
    VM: ("vms", "vaults"),
    VMSS: ("vmss",),
    SQL_SERVER: ("sql_servers",),
    SQL_DATABASE: ("sql_databases",),
    WEB_APP: ("sites", "site_configs"),
    APP_GATEWAY: ("app_gateways", "appgw_waf_policies"),
    FRONT_DOOR: ("front_doors", "frontdoor_waf_policies"),
    NSG: ("nsgs",),
    FIREWALL: ("firewalls", "firewall_policies"),
    ALERT_RULE: ("alert_rules", "action_groups"),
    SUB_MONITORING: ("alert_rules", "action_groups"),
    SUB_DEFENDER: ("resources",),
    SUB_RBAC: ("role_assignments",),
    SUB_LOCATION_POLICY: (),
    SUB_ACTIVITY_LOG: (),
}

#: The kinds read through Microsoft Graph (one tenant, not per subscription).
ENTRA_KINDS = frozenset({TENANT, ADMIN, USER, DOMAIN})
