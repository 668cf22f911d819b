"""An in-memory Azure estate for the local emulator: subscriptions, resources, settings and a tenant.

Builders create resources in the shapes the Azure REST API returns (taken from the published API
reference and the azure-rest-api-specs examples) and register the child documents ARM serves
(TDE state, protected items, diagnostic settings …), so :mod:`providers.azure.emulator.server` only has to
route requests. Ids are derived from names (uuid5), so an estate built twice is identical. The
store is :mod:`.estate_store` and the ARM resource builders are :mod:`.estate_resources`; this
module adds the subscriptions' settings (Defender, policies, role assignments) and the Entra ID tenant.

Seeding a realistic estate takes a few lines::

    estate = Estate()
    prod = estate.subscription("本番")
    sa = estate.storage_account(prod, "rg-app", "stappdata", sku="Standard_GRS", secondary="japanwest")
"""

from __future__ import annotations

from datetime import timedelta

from providers.azure.emulator.estate_resources import ResourceBuilders
from providers.azure.emulator.estate_store import CREATED, DEFENDER_PLANS, iso, uid


class Estate(ResourceBuilders):
    """Everything the emulator serves: the store, its ARM resources, the subscriptions' settings and the tenant.

    Mutable while seeding; the server only reads it.
    """

    # ------------------------------------------------------------ subscription settings

    def defender(self, sid: str, plans: tuple[str, ...] = DEFENDER_PLANS, endpoint_integration: bool = True,
                 storage_malware: bool = True) -> None:
        pricings = self._sub_list(sid, "microsoft.security/pricings")
        pricings[:] = []
        for plan in DEFENDER_PLANS:
            if plan not in plans:
                pricings.append(self._pricing(sid, plan, "Free"))
            elif plan == "VirtualMachines":
                pricings.append(self._pricing(sid, plan, "Standard", "P2", {"MdeDesignatedSubscription": False,
                                                                             "AgentlessVmScanning": True}))
            elif plan == "StorageAccounts":
                pricings.append(self._pricing(sid, plan, "Standard", "DefenderForStorageV2",
                                              {"OnUploadMalwareScanning": storage_malware,
                                               "SensitiveDataDiscovery": True}))
            else:
                pricings.append(self._pricing(sid, plan, "Standard"))
        for setting in self._sub_list(sid, "microsoft.security/settings"):
            if setting["name"] == "WDATP":
                setting["properties"]["enabled"] = endpoint_integration

    def allowed_locations(self, sid: str, locations: tuple[str, ...] = ("japaneast", "japanwest"),
                          enforcement: str = "Default") -> None:
        definition = "e56962a6-4747-49cd-b67b-bf8b01975c4c"
        self._sub_list(sid, "microsoft.authorization/policyAssignments").append({
            "id": f"/subscriptions/{sid}/providers/Microsoft.Authorization/policyAssignments/allowed-locations",
            "name": "allowed-locations", "type": "Microsoft.Authorization/policyAssignments", "properties": {
                "displayName": "許可されている場所（国内のみ）",
                "policyDefinitionId": f"/providers/Microsoft.Authorization/policyDefinitions/{definition}",
                "scope": f"/subscriptions/{sid}", "notScopes": [], "enforcementMode": enforcement,
                "parameters": {"listOfAllowedLocations": {"value": list(locations)}}}})

    def role_assignment(self, sid: str, role_id: str, principal: str, principal_type: str = "User",
                        scope: str | None = None) -> None:
        scope = scope or f"/subscriptions/{sid}"
        name = uid("roleassignment", scope, role_id, principal)
        self.extra_rows.append({
            "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}", "name": name,
            "type": "microsoft.authorization/roleassignments", "location": "", "subscriptionId": sid,
            "resourceGroup": "", "kind": "", "properties": {
                "roleDefinitionId": f"/subscriptions/{sid}/providers/Microsoft.Authorization/roleDefinitions/{role_id}",
                "principalId": principal, "principalType": principal_type, "scope": scope, "createdOn": CREATED}})

    # ------------------------------------------------------------ Entra ID

    def domain_entry(self, name: str, authentication: str = "Managed", initial: bool = False) -> None:
        self.graph["domains"].append({
            "id": name, "authenticationType": authentication, "availabilityStatus": None, "isAdminManaged": True,
            "isDefault": initial, "isInitial": initial, "isRoot": True, "isVerified": True,
            "passwordNotificationWindowInDays": 14, "passwordValidityPeriodInDays": 2147483647,
            "supportedServices": ["Email", "OfficeCommunicationsOnline"]})

    def user(self, name: str, roles: tuple[str, ...] = (), mfa: bool = True, last_sign_in_days: int | None = 3,
             enabled: bool = True, guest: bool = False, created_days: int = 400) -> str:
        upn = f"{name}@{self.domain}" if not guest else f"{name}_partner.example#EXT#@{self.domain}"
        user_id = uid("user", self.tenant_id, name)
        activity = None
        if last_sign_in_days is not None:
            last = iso(self.now - timedelta(days=last_sign_in_days))
            activity = {"lastSignInDateTime": last, "lastSignInRequestId": uid("signin", name),
                        "lastNonInteractiveSignInDateTime": last, "lastSuccessfulSignInDateTime": last}
        self.graph["users"].append({
            "id": user_id, "displayName": name, "userPrincipalName": upn, "userType": "Guest" if guest else "Member",
            "accountEnabled": enabled, "createdDateTime": iso(self.now - timedelta(days=created_days)),
            "signInActivity": activity})
        self.graph["userRegistrationDetails"].append({
            "id": user_id, "userPrincipalName": upn, "userDisplayName": name,
            "userType": "guest" if guest else "member", "isAdmin": bool(roles), "isSsprRegistered": mfa,
            "isSsprEnabled": True, "isSsprCapable": mfa, "isMfaRegistered": mfa, "isMfaCapable": mfa,
            "isPasswordlessCapable": False, "isSystemPreferredAuthenticationMethodEnabled": True,
            "methodsRegistered": ["microsoftAuthenticatorPush", "softwareOneTimePasscode"] if mfa else [],
            "lastUpdatedDateTime": iso(self.now - timedelta(days=30))})
        for role in roles:
            self.graph["roleAssignments"].append({
                "id": uid("dirrole", user_id, role), "principalId": user_id, "directoryScopeId": "/",
                "roleDefinitionId": role, "principal": {"@odata.type": "#microsoft.graph.user", "id": user_id,
                                                        "displayName": name, "userPrincipalName": upn}})
        return user_id

    def conditional_access(self, name: str, grant: tuple[str, ...] = ("mfa",), roles: tuple[str, ...] = (),
                           all_users: bool = False, state: str = "enabled", include_locations: tuple[str, ...] = (),
                           exclude_locations: tuple[str, ...] = (), applications: tuple[str, ...] = ("All",)) -> str:
        policy_id = uid("ca", name)
        self.graph["conditionalAccessPolicies"].append({
            "id": policy_id, "displayName": name, "createdDateTime": CREATED, "modifiedDateTime": None, "state": state,
            "conditions": {
                "clientAppTypes": ["all"], "userRiskLevels": [], "signInRiskLevels": [], "platforms": None,
                "applications": {"includeApplications": list(applications), "excludeApplications": [],
                                 "includeUserActions": []},
                "users": {"includeUsers": ["All"] if all_users else [], "excludeUsers": [], "includeGroups": [],
                          "excludeGroups": [], "includeRoles": list(roles), "excludeRoles": []},
                "locations": ({"includeLocations": list(include_locations), "excludeLocations": list(exclude_locations)}
                              if include_locations else None)},
            "grantControls": {"operator": "OR", "builtInControls": list(grant), "customAuthenticationFactors": [],
                              "termsOfUse": []},
            "sessionControls": None})
        return policy_id

    def named_location(self, name: str, cidrs: tuple[str, ...]) -> str:
        location_id = uid("namedlocation", name)
        self.graph["namedLocations"].append({
            "@odata.type": "#microsoft.graph.ipNamedLocation", "id": location_id, "displayName": name,
            "createdDateTime": CREATED, "modifiedDateTime": CREATED, "isTrusted": True,
            "ipRanges": [{"@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": c} for c in cidrs]})
        return location_id
