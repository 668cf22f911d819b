"""Collection: who am I, which subscriptions, Resource Graph inventory, ARM follow-ups, Microsoft Graph.

The order is fixed and each step depends only on what it is handed: the credential and settings
come in, :class:`~auditor.plugins.Collection` goes out. A denied or failed call never stops the
run; it becomes a :class:`~auditor.model.Gap` (the kinds it leaves unread become UNKNOWN) or an
unreadable attribute of the evidence it would have completed. Only failing to authenticate at all
is an error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from auditor.errors import AuditorError
from auditor.model import Evidence, Gap, ProviderScope, Said, utc_now
from auditor.plugins import Collection, CollectRequest
from providers.azure import arm, entra, facts, normalize
from providers.azure import kinds as k
from providers.azure.credentials import SharedTokens, build_credential, caller_identity, token_claims
from providers.azure.kinds import QUERIES, QUERIES_FOR_KIND, GraphQuery
from providers.azure.normalize import lower, prop
from providers.azure.settings import Settings
from providers.azure.transport import AzureApis, CallFailed

PROVIDER = "azure"
ARM_KINDS = frozenset(QUERIES_FOR_KIND)


def collect(request: CollectRequest, settings: Settings | None = None, credential: Any = None) -> Collection:
    """Collect every kind the request names, read-only."""
    from azure.core.exceptions import ClientAuthenticationError

    settings = settings or Settings.from_options(request.options)
    credential = SharedTokens(credential or request.options.get("credential") or build_credential(settings))
    try:
        apis = AzureApis(credential, settings)
    except ValueError as exc:
        raise _auth_error(exc) from exc
    try:
        return Collector(apis, credential, settings, request).run()
    except ClientAuthenticationError as exc:
        raise _auth_error(exc) from exc
    finally:
        apis.close()


_NETWORK_WORDS = ("timed out", "timeout", "connection refused", "max retries exceeded", "name or service not known",
                  "failed to establish a new connection", "connection aborted", "connection reset")


def _is_network_failure(exc: BaseException) -> bool:
    """Whether authentication failed because the authority could not be reached, not because of the credential."""
    from azure.core.exceptions import ServiceRequestError, ServiceResponseError

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (ServiceRequestError, ServiceResponseError, ConnectionError, TimeoutError)):
            return True
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    return any(word in text for word in _NETWORK_WORDS)


def _needs(failed: CallFailed, permission: str, source: str = "") -> tuple[str, str]:
    """The cause of an unreadable attribute whose read failed, with the permission that would allow it."""
    said = f"{source or failed.source}: {failed.code} {failed.message}"
    return f"{said} — 必要な権限: {permission}", f"{said} — needs {permission}"


def _auth_error(exc: Exception) -> AuditorError:
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if _is_network_failure(exc):
        return AuditorError(
            "raw",
            ja=f"Azure の認証エンドポイントに接続できないか、時間内に応答がありません: {detail}"
               "（資格情報の誤りではありません。AZURE_AUTHORITY_HOST、プロキシ、ネットワークを確認してください）",
            en=f"Cannot reach the Azure authority, or it did not answer in time: {detail} (not a credential problem;"
               " check AZURE_AUTHORITY_HOST, the proxy and the network)",
        )
    return AuditorError(
        "raw",
        ja=f"Azure に認証できません: {detail}"
           "（--tenant / --client-id と環境変数 AZURE_CLIENT_SECRET などを確認してください）",
        en=f"Cannot authenticate to Azure: {detail} (check --tenant / --client-id and AZURE_CLIENT_SECRET etc.)",
    )


class Collector:
    def __init__(self, apis: AzureApis, credential: Any, settings: Settings, request: CollectRequest) -> None:
        self.apis = apis
        self.credential = credential
        self.settings = settings
        self.wanted = frozenset(request.resource_types)
        self.progress = request.progress
        self.evidence: list[Evidence] = []
        self.gaps: list[Gap] = []
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.failed_queries: dict[str, CallFailed] = {}
        self.subscriptions: list[str] = []
        self.names: dict[str, str] = {}
        self.tenant = ""
        self._in_use: list[dict[str, Any]] | None = None
        self._step = 0

    # ------------------------------------------------------------ orchestration

    def run(self) -> Collection:
        token = self.credential.get_token(self.settings.arm_scope)
        identity = caller_identity(token_claims(token.token), self.settings)
        self.tenant = identity.get("tenant", "")
        arm_kinds = self.wanted & ARM_KINDS
        if arm_kinds:
            self._report("subscriptions")
            self._subscriptions(arm_kinds)
        if arm_kinds and self.subscriptions:
            self._inventory(arm_kinds)
            self._build_resources(arm_kinds)
            self._build_subscriptions(arm_kinds)
        if self.wanted & k.ENTRA_KINDS:
            self._report("Microsoft Graph")
            self._entra()
        regions = sorted({e.region for e in self.evidence if e.region not in ("global", "*")})
        scopes = (*self.subscriptions, *([self.tenant] if self.tenant and self.wanted & k.ENTRA_KINDS else []))
        identity["subscriptions"] = ", ".join(f"{s} ({self.names.get(s, '')})" for s in self.subscriptions)
        return Collection(tuple(self.evidence), tuple(self.gaps), ProviderScope(PROVIDER, scopes, identity,
                                                                                tuple(regions)))

    def _report(self, label: str) -> None:
        self._step += 1
        if self.progress:
            self.progress(self._step, 8, label)

    def _parallel(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[tuple[Any, Any]]:
        """Run ``fn`` over items on a few threads; a CallFailed is returned in place of the result."""
        items = list(items)

        def guarded(item):
            try:
                return item, fn(item)
            except CallFailed as failed:
                return item, failed

        if len(items) <= 1:
            return [guarded(i) for i in items]
        with ThreadPoolExecutor(max_workers=self.settings.workers) as pool:
            return list(pool.map(guarded, items))

    # ------------------------------------------------------------ gaps and evidence

    def _gap(self, scope: str, failed: CallFailed, kinds: Sequence[str], permission: str,
             message_en: str = "") -> None:
        self.gaps.append(Gap(
            provider=PROVIDER, scope=scope, region="*", source=failed.source, resource_types=tuple(kinds),
            error_code=failed.code, message=failed.message or f"HTTP {failed.status}", permission=permission,
            collected_at=utc_now(), message_en=message_en,
        ))

    def _add(self, kind: str, row: dict[str, Any], attributes: dict[str, Any], source: str,
             unreadable: dict[str, Said] | None = None, scope: str = "", region: str = "", raw: Any = None,
             now: datetime | None = None) -> None:
        self.evidence.append(Evidence(
            provider=PROVIDER, scope=scope or lower(row.get("subscriptionId")),
            region=region or normalize.region_of(row),
            resource_type=kind, resource_id=row.get("id") or "", name=str(row.get("name") or ""), source=source,
            collected_at=now or utc_now(), attributes=attributes, unreadable=unreadable or {},
            raw=row if raw is None else raw,
        ))

    @staticmethod
    def _reader(action: str, scope: str = "") -> str:
        where = f" on {scope}" if scope else " at subscription scope"
        return f"Reader{where} (Azure RBAC: {action})"

    # ------------------------------------------------------------ subscriptions

    def _subscriptions(self, arm_kinds: frozenset[str]) -> None:
        try:
            listed = arm.subscriptions(self.apis.arm)
        except CallFailed as failed:
            raise AuditorError(
                "raw", ja=f"サブスクリプション一覧を取得できません: {failed}",
                en=f"Cannot list subscriptions: {failed}") from failed
        visible = {lower(s.get("subscriptionId")): s for s in listed}
        enabled = [sid for sid, s in visible.items() if lower(s.get("state")) == "enabled"]
        self.names = {sid: str(s.get("displayName") or "") for sid, s in visible.items()}
        requested = list(self.settings.subscriptions) or enabled
        for sid in requested:
            if sid in visible and lower(visible[sid].get("state")) == "enabled":
                self.subscriptions.append(sid)
                continue
            if sid in visible:
                state = visible[sid].get("state")
                message = f"この ID から見たサブスクリプション {sid} の状態は {state}"
                message_en = f"subscription {sid} is {state} as seen by this identity"
            else:
                message = f"サブスクリプション {sid} はこの ID から見えない"
                message_en = f"subscription {sid} is not visible to this identity"
            self._gap(sid, CallFailed(403 if sid not in visible else 409, "SubscriptionNotAvailable",
                                      message, "arm:GET /subscriptions"),
                      sorted(arm_kinds), self._reader("*/read", f"/subscriptions/{sid}"), message_en)

    # ------------------------------------------------------------ Resource Graph

    def _needed_queries(self, arm_kinds: frozenset[str]) -> list[str]:
        names = ["subscriptions"]
        for kind in sorted(arm_kinds):
            for name in QUERIES_FOR_KIND.get(kind, ()):
                if name not in names:
                    names.append(name)
        return names

    def _query(self, query: GraphQuery) -> list[dict[str, Any]]:
        return list(self.apis.resource_graph.rows(query.kql(), self.subscriptions, self._source(query.name)))

    def _inventory(self, arm_kinds: frozenset[str]) -> None:
        self._report("Resource Graph")
        names = self._needed_queries(arm_kinds)
        for name, result in self._parallel(lambda n: self._query(QUERIES[n]), names):
            if isinstance(result, CallFailed):
                self.failed_queries[name] = result
            else:
                self.rows[name] = result
        if "subscriptions" in self.failed_queries:
            return
        seen = {lower(r.get("subscriptionId")) for r in self.rows.get("subscriptions", [])}
        for sid in [s for s in self.subscriptions if s not in seen]:
            self._gap(sid, CallFailed(403, "ResourceGraphPartialAccess",
                                      "Resource Graph がこのサブスクリプションを返さない（この ID は一覧で見えるが、"
                                      "リソースを読めない）", "resourcegraph:resourcecontainers"),
                      sorted(arm_kinds), self._reader("*/read", f"/subscriptions/{sid}"))
            self.subscriptions.remove(sid)

    def _rows(self, kind: str, name: str) -> list[dict[str, Any]] | None:
        """Rows of a query in audited subscriptions, or None (with gaps recorded) if it failed."""
        failed = self.failed_queries.get(name) or self.failed_queries.get("subscriptions")
        if failed is not None:
            for sid in self.subscriptions:
                self._gap(sid, failed, [kind], self._reader(QUERIES[name].permission))
            return None
        audited = set(self.subscriptions)
        return [r for r in self.rows.get(name, []) if lower(r.get("subscriptionId")) in audited]

    def _index(self, name: str) -> dict[str, dict[str, Any]]:
        return {lower(r.get("id")): r for r in self.rows.get(name, [])}

    def _source(self, name: str) -> str:
        query = QUERIES[name]
        kinds = f" ({', '.join(t.lower() for t in query.types)})" if query.types else ""
        return f"resourcegraph:{query.table}{kinds}"

    # ------------------------------------------------------------ per-resource evidence

    def _build_resources(self, arm_kinds: frozenset[str]) -> None:
        self._report("resources")
        simple: dict[str, tuple[str, Callable[[dict], dict]]] = {
            k.RESOURCE: ("resources", normalize.resource),
            k.STORAGE: ("storage", normalize.storage),
            k.DISK: ("disks", normalize.disk),
            k.VMSS: ("vmss", normalize.vmss),
            k.SQL_SERVER: ("sql_servers", normalize.sql_server),
            k.NSG: ("nsgs", normalize.nsg),
        }
        for kind, (name, build) in simple.items():
            if kind in arm_kinds:
                for row in self._rows(kind, name) or []:
                    self._add(kind, row, build(row), self._source(name))
        builders = {
            k.VM: self._vms, k.SQL_DATABASE: self._sql_databases, k.WEB_APP: self._web_apps,
            k.APP_GATEWAY: self._app_gateways, k.FRONT_DOOR: self._front_doors, k.FIREWALL: self._firewalls,
            k.ALERT_RULE: self._alert_rules,
        }
        for kind, build in builders.items():
            if kind in arm_kinds:
                build(kind)

    def _vms(self, kind: str) -> None:
        vms = self._rows(kind, "vms")
        if vms is None:
            return
        audited = set(self.subscriptions)
        vaults = [r for r in self.rows.get("vaults", []) if lower(r.get("subscriptionId")) in audited]
        backups: dict[str, dict[str, Any]] = {}
        unreadable_vaults: list[tuple[str, str]] = []
        if "vaults" in self.failed_queries:
            failed = self.failed_queries["vaults"]
            unreadable_vaults.append((f"Recovery Services コンテナーの一覧を取得できない: {failed}",
                                      f"the Recovery Services vaults could not be listed: {failed}"))
        self._report("backup")
        for vault, result in self._parallel(lambda v: arm.protected_items(self.apis.arm, v["id"]), vaults):
            if isinstance(result, CallFailed):
                said = f"{vault.get('name')}: {result.code} {result.message}"
                unreadable_vaults.append((said, said))
                self._gap(lower(vault.get("subscriptionId")), result, [],
                          self._reader("Microsoft.RecoveryServices/vaults/backupProtectedItems/read", vault["id"]))
                continue
            for item in result:
                p = item.get("properties") or {}
                source_id = lower(p.get("sourceResourceId") or p.get("virtualMachineId"))
                if source_id:
                    backups[source_id] = {"vault": vault.get("name"), "state": p.get("protectionState"),
                                          "last_backup": p.get("lastBackupTime"), "policy": p.get("policyName")}
        for row in vms:
            backup = backups.get(lower(row.get("id")))
            unreadable = {}
            if backup is None and unreadable_vaults:
                unreadable["backup"] = ("; ".join(ja for ja, _ in unreadable_vaults),
                                        "; ".join(en for _, en in unreadable_vaults))
            self._add(kind, row, normalize.vm(row, backup), self._source("vms"), unreadable)

    def _sql_databases(self, kind: str) -> None:
        rows = [r for r in self._rows(kind, "sql_databases") or [] if lower(r.get("name")) != "master"]
        self._report("SQL TDE")
        for row, result in self._parallel(lambda r: arm.tde_state(self.apis.arm, r["id"]), rows):
            unreadable = {}
            state = None
            if isinstance(result, CallFailed):
                permission = self._reader("Microsoft.Sql/servers/databases/transparentDataEncryption/read")
                unreadable["tde_state"] = _needs(result, permission)
                self._gap(lower(row.get("subscriptionId")), result, [], permission)
            else:
                state = result
            self._add(kind, row, normalize.sql_database(row, state), self._source("sql_databases"), unreadable)

    def _web_apps(self, kind: str) -> None:
        sites = self._rows(kind, "sites")
        configs = self._rows(kind, "site_configs")
        if sites is None:
            return
        by_site = {}
        for config in configs or []:
            site_id, _, leaf = lower(config.get("id")).rpartition("/config/")
            if leaf == "web":
                by_site[site_id] = config.get("properties") or {}
        for row in sites:
            config = by_site.get(lower(row.get("id")))
            unreadable = {}
            if config is None:
                unreadable["min_tls"] = (("Resource Graph からサイトの構成を読めない",
                                          "the sites' configuration could not be read from Resource Graph")
                                         if configs is None else
                                         ("Resource Graph にこのサイトの Web 構成がない",
                                          "Resource Graph holds no web configuration for this site"))
            self._add(kind, row, normalize.web_app(row, config), self._source("sites"), unreadable)

    def _app_gateways(self, kind: str) -> None:
        policies = self._index("appgw_waf_policies")
        for row in self._rows(kind, "app_gateways") or []:
            attributes, unreadable = normalize.app_gateway(row, policies)
            if "waf" in unreadable and "appgw_waf_policies" in self.failed_queries:
                unreadable["waf"] = str(self.failed_queries["appgw_waf_policies"])
            self._add(kind, row, attributes, self._source("app_gateways"), unreadable)

    def _front_doors(self, kind: str) -> None:
        policies = self._index("frontdoor_waf_policies")
        rows = self._rows(kind, "front_doors") or []
        classic = [r for r in rows if lower(r.get("type")) == "microsoft.network/frontdoors"]
        profiles = [r for r in rows if lower(r.get("type")) == "microsoft.cdn/profiles"
                    and lower(prop(r, "sku", "name")).endswith("_azurefrontdoor")]
        for row in classic:
            self._add(kind, row, normalize.classic_front_door(row, policies), self._source("front_doors"))
        for row, result in self._parallel(lambda r: arm.afd_children(self.apis.arm, r["id"]), profiles):
            if isinstance(result, CallFailed):
                permission = self._reader(result.source.split(" ", 1)[-1] + "/read")
                self._gap(lower(row.get("subscriptionId")), result, [], permission)
                self._add(kind, row, {"variant": "afd"}, self._source("front_doors"),
                          {"endpoints": f"{result.source}: {result.code} {result.message} — 必要な権限: {permission}"})
                continue
            self._add(kind, row, normalize.afd_profile(row, *result, policies), self._source("front_doors"),
                      raw={"profile": row, "children": list(result)})

    def _firewalls(self, kind: str) -> None:
        policies = self._index("firewall_policies")
        for row in self._rows(kind, "firewalls") or []:
            attributes, unreadable = normalize.firewall(row, policies)
            self._add(kind, row, attributes, self._source("firewalls"), unreadable)

    def _action_groups(self) -> dict[str, dict[str, Any]]:
        return {lower(r.get("id")): normalize.action_group(r) for r in self.rows.get("action_groups", [])}

    def _alert_rules(self, kind: str) -> None:
        groups = self._action_groups()
        rows = self._rows(kind, "alert_rules")
        if rows is not None and self._rows(kind, "action_groups") is not None:
            for row in rows:
                self._add(kind, row, normalize.alert_rule(row, groups), self._source("alert_rules"))

    # ------------------------------------------------------------ per-subscription evidence

    def _subscription_row(self, sid: str, kind: str) -> dict[str, Any]:
        return {"id": f"/subscriptions/{sid}", "name": self.names.get(sid) or sid, "subscriptionId": sid,
                "location": "global", "type": kind}

    def _build_subscriptions(self, arm_kinds: frozenset[str]) -> None:
        self._report("subscriptions' settings")
        if k.SUB_RBAC in arm_kinds:
            rows = self._rows(k.SUB_RBAC, "role_assignments")
            if rows is not None:
                for sid in self.subscriptions:
                    mine = [r for r in rows if lower(r.get("subscriptionId")) == sid]
                    self._add(k.SUB_RBAC, self._subscription_row(sid, k.SUB_RBAC), normalize.owners(mine, sid),
                              self._source("role_assignments"), raw=mine)
        if k.SUB_MONITORING in arm_kinds:
            self._monitoring()
        self._in_use = self._rows(k.SUB_DEFENDER, "resources") if k.SUB_DEFENDER in arm_kinds else None
        steps = [(k.SUB_LOCATION_POLICY, self._location_policy), (k.SUB_DEFENDER, self._defender),
                 (k.SUB_ACTIVITY_LOG, self._activity_log)]
        for kind, step in steps:
            if kind in arm_kinds and (kind != k.SUB_DEFENDER or self._in_use is not None):
                for sid, result in self._parallel(step, self.subscriptions):
                    if isinstance(result, CallFailed):
                        self._gap(sid, result, [kind], self._reader(result.source.split(" ", 1)[-1] + "/read"))

    def _monitoring(self) -> None:
        rules = self._rows(k.SUB_MONITORING, "alert_rules")
        if rules is None or self._rows(k.SUB_MONITORING, "action_groups") is None:
            return
        groups = self._action_groups()
        for sid in self.subscriptions:
            notifying = []
            for row in (r for r in rules if lower(r.get("subscriptionId")) == sid):
                rule = normalize.alert_rule(row, groups)
                if rule["enabled"] and any(g.get("enabled") and g.get("receivers") for g in rule["action_groups"]):
                    notifying.append(row.get("name"))
            self._add(k.SUB_MONITORING, self._subscription_row(sid, k.SUB_MONITORING),
                      {"notifying_rules": sorted(notifying)}, self._source("alert_rules"), raw=None)

    def _location_policy(self, sid: str) -> None:
        assignments = arm.policy_assignments(self.apis.arm, sid)
        self._add(k.SUB_LOCATION_POLICY, self._subscription_row(sid, k.SUB_LOCATION_POLICY),
                  {"assignments": normalize.location_assignments(assignments)},
                  "arm:GET Microsoft.Authorization/policyAssignments", raw=assignments)

    def _defender(self, sid: str) -> None:
        in_use = self._in_use or []
        pricings = arm.pricings(self.apis.arm, sid)
        unreadable = {}
        wdatp = None
        try:
            wdatp = arm.defender_for_endpoint(self.apis.arm, sid)
        except CallFailed as failed:
            permission = self._reader("Microsoft.Security/settings/read")
            unreadable["wdatp_enabled"] = _needs(failed, permission)
            self._gap(sid, failed, [], permission)
        types = Counter(lower(r.get("type")) for r in in_use if lower(r.get("subscriptionId")) == sid)
        self._add(k.SUB_DEFENDER, self._subscription_row(sid, k.SUB_DEFENDER),
                  {"plans": normalize.defender_plans(pricings), "types_in_use": dict(sorted(types.items())),
                   "wdatp_enabled": wdatp}, "arm:GET Microsoft.Security/pricings", unreadable, raw=pricings)

    def _activity_log(self, sid: str) -> None:
        settings = arm.diagnostic_settings(self.apis.arm, sid)
        normalised = []
        for setting in settings:
            p = setting.get("properties") or {}
            categories = [log.get("category") or log.get("categoryGroup") for log in p.get("logs") or []
                          if log.get("enabled")]
            entry = {"name": setting.get("name"), "categories": categories,
                     "workspace_id": p.get("workspaceId"), "storage_account_id": p.get("storageAccountId"),
                     "event_hub": p.get("eventHubAuthorizationRuleId"), "destinations": []}
            if facts.exports_administrative(categories):
                entry["destinations"] = self._destinations(entry)
            normalised.append(entry)
        self._add(k.SUB_ACTIVITY_LOG, self._subscription_row(sid, k.SUB_ACTIVITY_LOG), {"settings": normalised},
                  "arm:GET Microsoft.Insights/diagnosticSettings", raw=settings)

    def _destinations(self, setting: dict[str, Any]) -> list[dict[str, Any]]:
        found = []
        if setting.get("workspace_id"):
            found.append(arm.workspace_destination(self.apis.arm, setting["workspace_id"]))
        if setting.get("storage_account_id"):
            found.append(arm.storage_destination(self.apis.arm, setting["storage_account_id"]))
        if setting.get("event_hub"):
            found.append(arm.event_hub_destination(setting["event_hub"]))
        return found

    # ------------------------------------------------------------ Microsoft Graph

    def _graph_gap(self, read: entra.Read, failed: CallFailed, kinds: Sequence[str]) -> tuple[str, str]:
        permission = f"Microsoft Graph application permission {read.permission}"
        self._gap(self.tenant or "tenant", failed, kinds, permission)
        return _needs(failed, permission, read.source)

    def _entra(self) -> None:
        reads = [name for name, kinds in (
            ("admins", {k.ADMIN}), ("users", {k.USER}), ("domains", {k.DOMAIN}),
            ("role_assignments", {k.TENANT}), ("ca_policies", {k.TENANT}), ("named_locations", {k.TENANT}),
            ("security_defaults", {k.TENANT}),
        ) if kinds & self.wanted]
        results = dict(self._parallel(lambda n: entra.READS[n].run(self.apis.graph), reads))
        now = utc_now()
        scope = self.tenant or "tenant"
        per_item = {
            "admins": (k.ADMIN, entra.admin, "userPrincipalName"),
            "users": (k.USER, entra.user, "userPrincipalName"),
            "domains": (k.DOMAIN, entra.domain, "id"),
        }
        for name, (kind, build, label) in per_item.items():
            if name not in results:
                continue
            result = results[name]
            if isinstance(result, CallFailed):
                self._graph_gap(entra.READS[name], result, [kind])
                continue
            for record in result:
                if kind == k.DOMAIN and record.get("isVerified") is False:
                    continue
                row = {"id": record.get("id"), "name": record.get(label) or record.get("id")}
                self._add(kind, row, build(record), entra.READS[name].source, scope=scope, region="global",
                          raw=record, now=now)
        if k.TENANT in self.wanted:
            self._tenant(results, scope, now)

    def _tenant(self, results: dict[str, Any], scope: str, now: datetime) -> None:
        attributes: dict[str, Any] = {}
        unreadable: dict[str, Said] = {}

        def take(name: str, keys: Sequence[str], build: Callable[[Any], Sequence[Any]]) -> None:
            result = results.get(name)
            if isinstance(result, CallFailed):
                cause = self._graph_gap(entra.READS[name], result, [])
                unreadable.update(dict.fromkeys(keys, cause))
            else:
                attributes.update(zip(keys, build(result), strict=True))

        take("role_assignments", ("privileged_roles_in_use", "global_admins"),
             lambda r: (entra.privileged_roles_in_use(r), entra.global_admins(r)))
        take("ca_policies", ("ca_policies",), lambda r: ([entra.ca_policy(p) for p in r],))
        take("named_locations", ("named_locations",), lambda r: ([entra.named_location(x) for x in r],))
        take("security_defaults", ("security_defaults",), lambda r: (r.get("isEnabled") is True,))
        row = {"id": f"/tenants/{scope}", "name": scope}
        raw = {name: results.get(name) for name in ("ca_policies", "named_locations", "security_defaults")
               if not isinstance(results.get(name), CallFailed)}
        self._add(k.TENANT, row, attributes, "graph:GET /identity/conditionalAccess/policies", unreadable, scope=scope,
                  region="global", raw=raw, now=now)
