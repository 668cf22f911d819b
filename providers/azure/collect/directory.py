"""Evidence of the Entra ID tenant from Microsoft Graph: administrators, users, domains and the tenant's
policies.

A Graph read that is refused is a gap with the application permission it needs; for the tenant's
own evidence it leaves the attributes it would have filled unreadable instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from auditor.model import Said, utc_now
from providers.azure import kinds as k
from providers.azure.collect import entra
from providers.azure.collect.state import RunState, needs
from providers.azure.failures import CallFailed


class DirectoryEvidence(RunState):
    """Builds the Entra ID evidence asked for."""

    def _graph_gap(self, read: entra.Read, failed: CallFailed, kinds: Sequence[str]) -> tuple[str, str]:
        permission = f"Microsoft Graph application permission {read.permission}"
        self._gap(self.tenant or "tenant", failed, kinds, permission)
        return needs(failed, permission, read.source)

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
