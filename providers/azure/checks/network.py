"""network.waf, network.ids, network.firewall — WAFs, threat detection and ports open to the internet.

WAF in Prevention mode on Application Gateway and Front Door, Defender for Cloud threat detection
and Azure Firewall IDPS, and no admin or database port open to the internet in an NSG.
"""

from __future__ import annotations

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence
from auditor.status import Status
from providers.azure import facts
from providers.azure import kinds as k
from providers.azure.checks.common import NO_PUBLIC_FRONTEND, arm, defender_plan, lower, plan_on, table


def _waf_verdict(waf: dict | None, what: str) -> Verdict:
    if not waf:
        return Verdict.failed((f"{what}: WAF が関連付けられていない", f"{what}: no WAF is associated"), waf)
    if not waf.get("enabled"):
        return Verdict.failed((f"{what}: WAF はあるが無効", f"{what}: a WAF is associated but disabled"), waf)
    mode = lower(waf.get("mode"))
    shown = waf.get("mode")
    return Verdict.of(mode == "prevention",
                      (f"{what}: WAF が防止（Prevention）モードで有効", f"{what}: WAF on in Prevention mode"),
                      (f"{what}: WAF が {shown} モード（検知のみで遮断しない）",
                       f"{what}: WAF in {shown} mode (detects only, blocks nothing)") if shown
                      else (f"{what}: WAF のモードが確認不能（防止モードであることを確認できない）",
                            f"{what}: the WAF mode could not be determined (Prevention mode is not confirmed)"),
                      waf)


def appgw_waf(e: Evidence) -> Verdict:
    if not e.attributes.get("public"):
        return Verdict.not_applicable(NO_PUBLIC_FRONTEND)
    return _waf_verdict(need(e, "waf"), "Application Gateway")


def frontdoor_waf(e: Evidence) -> Verdict:
    endpoints = need(e, "endpoints") or []
    if not endpoints:
        return Verdict.not_applicable(("エンドポイントもドメインもない", "no endpoint and no domain"), [])
    bad, bad_en, unreadable, unreadable_en = [], [], [], []
    for ep in endpoints:
        label = ep.get("host") or ep.get("name")
        waf = ep.get("waf")
        if waf and waf.get("unreadable"):
            unreadable.append(f"{label or 'エンドポイント'}: {waf['unreadable']}")
            unreadable_en.append(f"{label or 'endpoint'}: WAF policy {waf.get('id')} is not visible from the"
                                 " audited subscriptions")
            continue
        verdict = _waf_verdict(waf, label or "エンドポイント")
        if verdict.status is not Status.PASS:
            bad.append(verdict.reason)
            bad_en.append(_waf_verdict(waf, label or "endpoint").reason_en)
    if bad:
        return Verdict.failed(("; ".join(bad), "; ".join(bad_en)), endpoints)
    if unreadable:
        return Verdict.unknown(("WAF ポリシーを読めない: " + "; ".join(unreadable),
                                "WAF policies could not be read: " + "; ".join(unreadable_en)), endpoints)
    return Verdict.passed(("すべてのエンドポイントとドメインに防止（Prevention）モードの WAF ポリシーがある",
                           "every endpoint and domain has a WAF policy in Prevention mode"), endpoints)


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
    ordered = sorted((r for r in rules if lower(r.get("direction")) == "inbound"
                      and lower(r.get("protocol")) in ("tcp", "*", "any")
                      and {lower(s) for s in r.get("sources") or ()} & facts.INTERNET_SOURCES),
                     key=lambda r: r.get("priority") or 0)
    exposed: dict[int, str] = {}
    for port in facts.ADMIN_PORTS:
        for rule in ordered:
            if any(low <= port <= high for low, high in _port_ranges(rule.get("ports"))):
                if lower(rule.get("access")) == "allow":
                    exposed[port] = rule.get("name", "")
                break
    return exposed


def nsg_admin_ports(e: Evidence) -> Verdict:
    exposed = open_admin_ports(e.attributes.get("rules") or [])
    observed = {str(port): rule for port, rule in sorted(exposed.items())}
    names = ", ".join(f"{port}/{facts.ADMIN_PORTS[port]}（規則 {rule}）" for port, rule in sorted(exposed.items()))
    names_en = ", ".join(f"{port}/{facts.ADMIN_PORTS[port]} (rule {rule})" for port, rule in sorted(exposed.items()))
    return Verdict.of(not exposed, ("管理用・DB 用ポートをインターネットに開放していない",
                                    "no admin or database port is open to the internet"),
                      (f"管理用・DB 用ポートをインターネットに開放している: {names}",
                       f"admin or database ports open to the internet: {names_en}"), observed)


def firewall_idps(e: Evidence) -> Verdict:
    policy = need(e, "policy")
    if not policy:
        return Verdict.failed(("ファイアウォールポリシーが関連付けられていない（IDPS には Premium のファイアウォール"
                               "ポリシーが必要）",
                               "no firewall policy is associated (IDPS needs a Premium firewall policy)"),
                              {"sku_tier": e.attributes.get("sku_tier")})
    mode = lower(policy.get("idps_mode"))
    observed = {"policy_tier": policy.get("tier"), "idps_mode": policy.get("idps_mode")}
    if lower(policy.get("tier")) != "premium":
        tier = policy.get("tier")
        return Verdict.failed((f"ファイアウォールポリシーのレベルが {tier}（IDPS には Premium が必要）",
                               f"the firewall policy tier is {tier} (IDPS needs Premium)"), observed)
    shown = policy.get("idps_mode")
    return Verdict.of(mode in ("alert", "deny"), (f"IDPS が {shown} モード", f"IDPS in {shown} mode"),
                      (f"IDPS が {shown or 'Off'}（Alert / Deny でない）",
                       f"IDPS is {shown or 'Off'} (not Alert / Deny)"), observed)


def defender_threat_detection(e: Evidence) -> Verdict:
    in_use = e.attributes.get("types_in_use") or {}
    if not in_use:
        return Verdict.not_applicable(("このサブスクリプションにリソースがない",
                                       "this subscription holds no resources"), {})
    wanted = sorted({facts.DEFENDER_PLAN_FOR_TYPE[t] for t in in_use if t in facts.DEFENDER_PLAN_FOR_TYPE}
                    | {facts.DEFENDER_ARM_PLAN})
    off = [name for name in wanted if not plan_on(defender_plan(e, name))]
    observed = {name: defender_plan(e, name).get("tier") or "Free" for name in wanted}
    return Verdict.of(not off, (f"使用中のすべてのリソースの種類で Defender プランが有効: {', '.join(wanted)}",
                                f"Defender plans are on for every resource kind in use: {', '.join(wanted)}"),
                      (f"使用中のリソースの種類で Defender プランが無効: {', '.join(off)}",
                       f"Defender plans are off for resource kinds in use: {', '.join(off)}"), observed)


CHECKS: tuple[Check, ...] = table((
    ("azure.appgw.waf_prevention", "network.waf", k.APP_GATEWAY,
     arm("Microsoft.Network/applicationGateways/read",
         "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/read"),
     ("WAF が防止（Prevention）モードで有効", "WAF enabled in Prevention mode"), appgw_waf,
     "Application Gateway の WAF", "Application Gateway WAF"),
    ("azure.frontdoor.waf_prevention", "network.waf", k.FRONT_DOOR,
     arm("Microsoft.Cdn/profiles/read", "Microsoft.Cdn/profiles/securityPolicies/read",
         "Microsoft.Cdn/profiles/afdEndpoints/read", "Microsoft.Network/frontDoors/read",
         "Microsoft.Network/frontDoorWebApplicationFirewallPolicies/read"),
     ("すべてのエンドポイント・ドメインに防止（Prevention）モードの WAF ポリシー",
      "every endpoint and domain has a WAF policy in Prevention mode"), frontdoor_waf, "Front Door の WAF",
     "Front Door WAF"),
    ("azure.defender.threat_detection", "network.ids", k.SUB_DEFENDER,
     arm("*/read", "Microsoft.Security/pricings/read"),
     ("使用中のすべてのリソースの種類（と Resource Manager）で Defender プランが有効",
      "Defender plans on for every resource kind in use (and Resource Manager)"), defender_threat_detection,
     "Defender for Cloud の脅威検知", "Defender for Cloud threat detection"),
    ("azure.firewall.idps", "network.ids", k.FIREWALL,
     arm("Microsoft.Network/azureFirewalls/read", "Microsoft.Network/firewallPolicies/read"),
     ("IDPS が Alert または Deny の Premium ファイアウォールポリシー",
      "Premium firewall policy with IDPS in Alert or Deny"), firewall_idps, "Azure Firewall の IDPS",
     "Azure Firewall IDPS"),
    ("azure.nsg.admin_ports_closed", "network.firewall", k.NSG,
     arm("Microsoft.Network/networkSecurityGroups/read"),
     ("管理用・DB 用ポートを Internet・*・0.0.0.0/0 に開放しない",
      "no admin/DB port open to Internet / * / 0.0.0.0/0"), nsg_admin_ports, "NSG の管理・DB ポート開放",
     "NSG admin and database ports"),
))
