"""network.waf, network.firewall, network.ids — the network-facing controls (TLS is in :mod:`.transport`).

- WAF: every external HTTP(S) backend service has a Cloud Armor policy with preconfigured WAF rules.
- Firewall: no enabled ingress rule opens an administrative or database port to 0.0.0.0/0 or ::/0.
- IDS: a Cloud IDS endpoint or Security Command Center Event Threat Detection covers each project.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.gcp.checks.common import EXTERNAL_SCHEMES, THREATS, check, readable

HTTP_PROTOCOLS = ("HTTP", "HTTPS", "HTTP2", "H2C")
INTERNET = ("0.0.0.0/0", "::/0")

#: Administrative and database ports that must never be open to the whole internet.
ADMIN_PORTS: Mapping[int, str] = {
    20: "FTP-data", 21: "FTP", 22: "SSH", 23: "Telnet", 135: "MS-RPC", 137: "NetBIOS", 138: "NetBIOS",
    139: "NetBIOS", 445: "SMB", 1433: "SQL Server", 1434: "SQL Server", 1521: "Oracle", 2375: "Docker API",
    2376: "Docker API", 3306: "MySQL", 3389: "RDP", 5432: "PostgreSQL", 5900: "VNC", 5984: "CouchDB",
    5985: "WinRM", 5986: "WinRM", 6379: "Redis", 9042: "Cassandra", 9200: "Elasticsearch",
    9300: "Elasticsearch", 10250: "kubelet", 11211: "memcached", 27017: "MongoDB",
}
PORTED_PROTOCOLS = ("tcp", "udp", "sctp", "6", "17", "132")


# --------------------------------------------------------------------------- WAF


def backend_has_cloud_armor(evidence: Evidence) -> Verdict:
    scheme = need(evidence, "scheme")
    protocol = need(evidence, "protocol")
    if scheme not in EXTERNAL_SCHEMES:
        return Verdict.not_applicable((f"内部向けのバックエンド サービス（{scheme or '-'}）",
                                       f"an internal backend service ({scheme or '-'})"))
    if protocol not in HTTP_PROTOCOLS:
        return Verdict.not_applicable((f"HTTP(S) 以外のバックエンド（{protocol}）: WAF の対象外",
                                       f"a backend other than HTTP(S) ({protocol}): outside the WAF's scope"))
    policy = evidence.attributes.get("security_policy") or ""
    if not policy:
        edge = evidence.attributes.get("edge_security_policy")
        extra = ((f"（エッジ セキュリティ ポリシー {edge} はキャッシュ配信のみが対象）",
                  f" (the edge security policy {edge} covers cached content only)") if edge else ("", ""))
        return Verdict.failed((f"外部公開のバックエンドに Cloud Armor セキュリティ ポリシーがない{extra[0]}",
                               f"the externally exposed backend has no Cloud Armor security policy{extra[1]}"),
                              observed={"securityPolicy": None})
    rules = need(evidence, "waf_rules") or []
    observed = {"securityPolicy": policy, "waf_rule_priorities": rules}
    return Verdict.of(
        bool(rules),
        (f"Cloud Armor ポリシー {policy} の事前構成済み WAF ルール（優先度 {', '.join(map(str, rules))}）で保護",
         f"protected by the preconfigured WAF rules of the Cloud Armor policy {policy} (priorities"
         f" {', '.join(map(str, rules))})"),
        (f"Cloud Armor ポリシー {policy} はあるが、事前構成済み WAF ルール（evaluatePreconfiguredWaf）が有効でない"
         "（IP・地域などの制限のみ）",
         f"the Cloud Armor policy {policy} has no preconfigured WAF rule (evaluatePreconfiguredWaf) in effect"
         " (only IP, region or similar restrictions)"),
        observed=observed,
    )


# --------------------------------------------------------------------------- firewall


def _port_ranges(ports: Iterable[Any]) -> list[tuple[int, int]]:
    ranges = []
    for port in ports:
        text = str(port)
        low, _, high = text.partition("-")
        try:
            ranges.append((int(low), int(high or low)))
        except ValueError:
            continue
    return ranges


def exposed_admin_ports(allowed: Iterable[Mapping[str, Any]], ja: bool = True) -> list[str]:
    """Names of the admin/DB ports a list of ``allowed`` entries opens (every port for ``all``; in English
    unless ``ja``)."""
    exposed: set[str] = set()
    for entry in allowed:
        protocol = str(entry.get("IPProtocol", "")).lower()
        ports = entry.get("ports") or []
        if protocol == "all" or (protocol in PORTED_PROTOCOLS and not ports):
            return [f"全ポート（{protocol}）" if ja else f"all ports ({protocol})"]
        if protocol not in PORTED_PROTOCOLS:
            continue
        for low, high in _port_ranges(ports):
            exposed.update(f"{port}/{ADMIN_PORTS[port]}" for port in ADMIN_PORTS if low <= port <= high)
    return sorted(exposed, key=lambda s: int(s.split("/")[0]))


def firewall_admin_ports_closed(evidence: Evidence) -> Verdict:
    if need(evidence, "direction") != "INGRESS":
        return Verdict.not_applicable(("送信（EGRESS）ルール", "an egress rule"))
    sources = need(evidence, "source_ranges") or []
    observed = {"sourceRanges": sources, "allowed": evidence.attributes.get("allowed"),
                "disabled": evidence.attributes.get("disabled")}
    if need(evidence, "disabled"):
        return Verdict.passed(("無効化されたルール", "a disabled rule"), observed=observed)
    if not need(evidence, "allowed"):
        return Verdict.passed(("拒否（deny）ルール", "a deny rule"), observed=observed)
    internet = [s for s in sources if s in INTERNET]
    if not internet:
        return Verdict.passed(("接続元が限定されている（0.0.0.0/0・::/0 を含まない）",
                               "the sources are limited (no 0.0.0.0/0 or ::/0)"), observed=observed)
    exposed = exposed_admin_ports(need(evidence, "allowed") or [])
    to = ", ".join(internet)
    if exposed:
        exposed_en = exposed_admin_ports(need(evidence, "allowed") or [], ja=False)
        return Verdict.failed((f"{to} に管理用・DB 用ポートを開放: {', '.join(exposed)}",
                               f"admin or database ports open to {to}: {', '.join(exposed_en)}"), observed=observed)
    return Verdict.passed((f"{to} に開放しているのは管理用・DB 用以外のポートのみ",
                           f"only ports other than admin or database ports are open to {to}"), observed=observed)


# --------------------------------------------------------------------------- IDS


def threat_detection(evidence: Evidence) -> Verdict:
    observed = {"ids_endpoints": evidence.attributes.get("ids_endpoints"),
                "event_threat_detection": (evidence.attributes.get("scc_services") or {}).get("event-threat-detection")}
    if readable(evidence, "ids_endpoints"):
        ready = [e["name"] for e in need(evidence, "ids_endpoints") if e.get("state") == "READY"]
        if ready:
            return Verdict.passed((f"Cloud IDS エンドポイントが稼働中: {', '.join(ready)}",
                                   f"Cloud IDS endpoints are running: {', '.join(ready)}"), observed=observed)
    if readable(evidence, "scc_services") and need(evidence, "scc_services").get("event-threat-detection") == "ENABLED":
        return Verdict.passed(("Security Command Center の Event Threat Detection が有効",
                               "Security Command Center's Event Threat Detection is on"), observed=observed)
    need(evidence, "ids_endpoints")
    need(evidence, "scc_services")
    return Verdict.failed((
        "稼働中の Cloud IDS エンドポイントがなく、Security Command Center の Event Threat Detection も有効でない",
        "no Cloud IDS endpoint is running, and Security Command Center's Event Threat Detection is not on"),
        observed=observed,
    )


CHECKS = (
    check("gcp.compute.backend_cloud_armor_waf", "network.waf", "gcp.compute.backend_service",
          backend_has_cloud_armor,
          expected=("外部 HTTP(S) バックエンドに事前構成済み WAF ルールを持つ Cloud Armor ポリシー",
                    "a Cloud Armor policy with preconfigured WAF rules on external HTTP(S) backends"),
          title="External backend protected by Cloud Armor WAF", title_ja="Cloud Armor による WAF 保護"),
    check("gcp.compute.firewall_admin_ports_closed", "network.firewall", "gcp.compute.firewall",
          firewall_admin_ports_closed,
          expected=("管理用・DB 用ポートを 0.0.0.0/0・::/0 に開放しない",
                    "no admin/DB port open to 0.0.0.0/0 or ::/0"),
          title="No admin/DB port open to the internet", title_ja="管理・DB ポートのインターネット非開放"),
    check("gcp.project.threat_detection", "network.ids", "gcp.resourcemanager.project_threat_detection",
          threat_detection,
          expected=("Cloud IDS エンドポイント稼働、または SCC Event Threat Detection 有効",
                    "a Cloud IDS endpoint running, or SCC Event Threat Detection on"),
          title="Threat detection (Cloud IDS / SCC) enabled", title_ja="脅威検知（Cloud IDS / SCC）の有効化",
          permissions=THREATS),
)
