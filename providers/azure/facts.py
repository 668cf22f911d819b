"""Published, stable Azure facts the checks compare against (role ids, regions, policy ids, ports).

Each value is documented by Microsoft; nothing here is guessed from an estate.
"""

from __future__ import annotations

#: Azure regions in Japan (Tokyo and Osaka).
JAPAN_REGIONS = frozenset({"japaneast", "japanwest"})
#: Resources Azure places in no region (alert rules, DNS zones, Front Door profiles …).
NON_REGIONAL = frozenset({"global"})

#: Built-in Azure RBAC role definition ids.
OWNER_ROLE_ID = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR_ROLE_ID = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER_ROLE_ID = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
#: Microsoft Defender for Cloud recommends at most three owners per subscription.
MAX_SUBSCRIPTION_OWNERS = 3

#: Built-in policy definitions that deny deployments outside a list of locations.
ALLOWED_LOCATIONS_POLICIES = {
    "e56962a6-4747-49cd-b67b-bf8b01975c4c": "Allowed locations",
    "e765b5de-1225-4ba3-bd56-1ac6695af988": "Allowed locations for resource groups",
}

#: Microsoft Entra role template ids of the roles Microsoft's "Require MFA for administrators"
#: Conditional Access template protects.
GLOBAL_ADMIN_ROLE_ID = "62e90394-69f5-4237-9190-012177145e10"
PRIVILEGED_DIRECTORY_ROLES = {
    GLOBAL_ADMIN_ROLE_ID: "Global Administrator",
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
    "c4e39bd9-1100-46d3-8c65-fb160da0071f": "Authentication Administrator",
    "b0f54661-2d74-4c50-afa3-1ec803f12efe": "Billing Administrator",
    "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
    "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9": "Conditional Access Administrator",
    "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
    "729827e3-9c14-49f7-bb1b-9608f156bbb8": "Helpdesk Administrator",
    "966707d0-3269-4727-9be2-8c3a10f19b9d": "Password Administrator",
    "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": "Privileged Authentication Administrator",
    "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
    "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
    "f28a1f50-f6e7-4571-818b-6a12f2af6b6c": "SharePoint Administrator",
    "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
}
#: Microsoft recommends fewer than five Global Administrators.
MAX_GLOBAL_ADMINS = 4
#: The application id of the Azure management plane (portal, CLI, ARM) in Conditional Access.
AZURE_MANAGEMENT_APP_ID = "797f4846-ba00-4fd7-ba43-dac1f8f63013"

#: Inbound ports that must not be reachable from the internet: remote administration and databases.
ADMIN_PORTS = {
    21: "FTP",
    22: "SSH",
    23: "Telnet",
    135: "RPC",
    445: "SMB",
    1433: "SQL Server",
    1521: "Oracle",
    3306: "MySQL",
    3389: "RDP",
    5432: "PostgreSQL",
    5985: "WinRM",
    5986: "WinRM (HTTPS)",
    6379: "Redis",
    9200: "Elasticsearch",
    27017: "MongoDB",
}
#: NSG source prefixes that mean "anyone on the internet".
INTERNET_SOURCES = frozenset({"*", "internet", "0.0.0.0/0", "0.0.0.0", "::/0", "any"})  # noqa: S104

#: Minimum TLS version of each predefined Application Gateway SSL policy.
APPGW_PREDEFINED_MIN_TLS = {
    "appgwsslpolicy20150501": "TLSv1_0",
    "appgwsslpolicy20170401": "TLSv1_1",
    "appgwsslpolicy20170401s": "TLSv1_2",
    "appgwsslpolicy20220101": "TLSv1_2",
    "appgwsslpolicy20220101s": "TLSv1_2",
}

#: Marketplace publishers whose images Azure documents as synchronising time with the host
#: (Hyper-V time sync / PTP clock) or with the distribution's NTP pool by default.
ENDORSED_IMAGE_PUBLISHERS = frozenset({
    "canonical", "redhat", "suse", "debian", "oracle", "openlogic", "almalinux", "microsoftcblmariner",
    "microsoftwindowsserver", "microsoftwindowsdesktop", "microsoftsqlserver", "microsoftvisualstudio",
})

#: Defender for Cloud plan that covers each resource type (lower-case ARM type).
DEFENDER_PLAN_FOR_TYPE = {
    "microsoft.compute/virtualmachines": "VirtualMachines",
    "microsoft.compute/virtualmachinescalesets": "VirtualMachines",
    "microsoft.sql/servers": "SqlServers",
    "microsoft.storage/storageaccounts": "StorageAccounts",
    "microsoft.web/sites": "AppServices",
    "microsoft.keyvault/vaults": "KeyVaults",
    "microsoft.containerservice/managedclusters": "Containers",
    "microsoft.documentdb/databaseaccounts": "CosmosDbs",
    "microsoft.dbforpostgresql/flexibleservers": "OpenSourceRelationalDatabases",
    "microsoft.dbformysql/flexibleservers": "OpenSourceRelationalDatabases",
}
#: Defender for Resource Manager watches the management plane of every subscription in use.
DEFENDER_ARM_PLAN = "Arm"

#: Storage SKUs that keep a copy in a second region, and those that span zones.
GEO_REPLICATED_SKUS = frozenset({"standard_grs", "standard_ragrs", "standard_gzrs", "standard_ragzrs"})
ZONE_OR_GEO_SKUS = GEO_REPLICATED_SKUS | {"standard_zrs", "premium_zrs"}

#: The container the activity log writes to in a storage account destination.
ACTIVITY_LOG_CONTAINER = "insights-activity-logs"
#: Category groups of a subscription diagnostic setting that include the Administrative category.
ADMINISTRATIVE_CATEGORY_GROUPS = frozenset({"alllogs", "audit"})
#: The Log Analytics table that receives the activity log.
ACTIVITY_LOG_TABLE = "AzureActivity"
#: How long Azure keeps the activity log without a diagnostic setting.
PLATFORM_ACTIVITY_LOG_DAYS = 90

STALE_AFTER_DAYS = 90


def in_japan(location: str | None) -> bool:
    return (location or "").replace(" ", "").lower() in JAPAN_REGIONS


def exports_administrative(categories) -> bool:
    """Whether enabled log entries (categories or category groups) include the Administrative category."""
    names = {str(c or "").lower() for c in categories}
    return "administrative" in names or bool(names & ADMINISTRATIVE_CATEGORY_GROUPS)
