"""Evidence per resource: Resource Graph rows normalised, with the ARM follow-ups some kinds need.

Most kinds are one Resource Graph row each; VMs add their Recovery Services backup items, SQL
databases their TDE state, Front Door profiles their endpoints and domains. A follow-up that fails
leaves the attribute it would have filled unreadable, with the cause and the grant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from providers.azure import kinds as k
from providers.azure.collect import arm, normalize
from providers.azure.collect.normalize import lower, prop
from providers.azure.collect.state import RunState, needs
from providers.azure.failures import CallFailed


class ResourceEvidence(RunState):
    """Builds the evidence of every per-resource kind asked for."""

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
                unreadable["tde_state"] = needs(result, permission)
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
