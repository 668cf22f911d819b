"""Evidence per subscription: owners, monitoring, the allowed-locations policy, Defender and the activity log.

Role assignments and alert rules come from Resource Graph; the policy assignments, Defender plans
and diagnostic settings (with their destinations' retention and immutability) are ARM reads per
subscription, made on the run's pool.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from providers.azure import facts
from providers.azure import kinds as k
from providers.azure.collect import arm, normalize
from providers.azure.collect.normalize import lower
from providers.azure.collect.state import RunState, needs
from providers.azure.failures import CallFailed


class SubscriptionEvidence(RunState):
    """Builds the evidence of every per-subscription kind asked for."""

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
            unreadable["wdatp_enabled"] = needs(failed, permission)
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
