"""network.*: WAF on internet-facing ALB / CloudFront / API stages, GuardDuty in every region in use,
and security groups that open administrative or database ports to the internet."""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.aws.checks.common import check, regional_service

ADMIN_PORTS = {22: "SSH", 23: "Telnet", 3389: "RDP", 5900: "VNC", 5985: "WinRM", 5986: "WinRM"}
DB_PORTS = {1433: "SQL Server", 1521: "Oracle", 3306: "MySQL", 5432: "PostgreSQL", 5439: "Redshift",
            6379: "Redis", 9042: "Cassandra", 9200: "Elasticsearch", 11211: "Memcached", 27017: "MongoDB"}
SENSITIVE = {**ADMIN_PORTS, **DB_PORTS}


def load_balancer_waf(evidence: Evidence) -> Verdict:
    a = evidence.attributes
    if a.get("type") != "application" or a.get("scheme") != "internet-facing":
        return Verdict.not_applicable((f"{a.get('scheme')} の {a.get('type')} ロードバランサー"
                                       "（WAF は公開 ALB が対象）",
                                       f"{a.get('scheme')} {a.get('type')} load balancer (WAF applies to public ALBs)"))
    acl = need(evidence, "web_acl")
    return Verdict.of(bool(acl), (f"WAFv2 Web ACL {acl} が関連付けられている", f"WAFv2 web ACL {acl} is associated"),
                      ("公開 ALB に WAF (Web ACL) がない", "the public ALB has no WAF (web ACL)"),
                      {"web_acl": acl}, "wafv2:GetWebACLForResource")


def distribution_waf(evidence: Evidence) -> Verdict:
    acl = need(evidence, "web_acl")
    return Verdict.of(bool(acl), (f"Web ACL {acl} が関連付けられている", f"web ACL {acl} is associated"),
                      ("CloudFront ディストリビューションに WAF がない", "the CloudFront distribution has no WAF"),
                      {"web_acl": acl})


def stage_waf(evidence: Evidence) -> Verdict:
    if not evidence.attributes.get("internet_facing"):
        return Verdict.not_applicable(("プライベート API（インターネットに公開されていない）",
                                       "a private API (not exposed to the internet)"))
    acl = need(evidence, "web_acl")
    return Verdict.of(bool(acl), (f"WAFv2 Web ACL {acl} が関連付けられている", f"WAFv2 web ACL {acl} is associated"),
                      ("公開 API ステージに WAF がない", "the public API stage has no WAF"),
                      {"web_acl": acl}, "wafv2:GetWebACLForResource")


def guardduty(evidence: Evidence) -> Verdict:
    on = bool(need(evidence, "enabled"))
    return regional_service(evidence, on, ("GuardDuty が有効", "GuardDuty is enabled"),
                            ("GuardDuty が有効でない", "GuardDuty is not enabled"),
                            {"enabled": on, "detector_id": evidence.attributes.get("detector_id")})


def exposures(rules: list[dict], lang: str = "ja") -> list[str]:
    ja = lang == "ja"
    found = []
    for rule in rules:
        protocol = str(rule.get("protocol"))
        low, high = rule.get("from_port"), rule.get("to_port")
        if protocol in ("-1", "all"):
            found.append(f"{'全ポート・全プロトコル' if ja else 'all ports, all protocols'} ← {rule.get('source')}")
            continue
        if protocol not in ("tcp", "udp") or low is None or high is None:
            continue
        if low <= 0 and high >= 65535:
            found.append(f"{protocol} {'全ポート' if ja else 'all ports'} ← {rule.get('source')}")
            continue
        for port, service in sorted(SENSITIVE.items()):
            if low <= port <= high:
                found.append(f"{protocol}/{port} ({service}) ← {rule.get('source')}")
    return found


def security_group(evidence: Evidence) -> Verdict:
    rules = need(evidence, "open_ingress") or []
    found = exposures(rules)
    return Verdict.of(not found, ("管理用・DB 用ポートをインターネットに開放していない",
                                  "no administrative or database port is open to the internet"),
                      ("インターネットに開放: " + "; ".join(found),
                       "open to the internet: " + "; ".join(exposures(rules, "en"))),
                      found or rules)


CHECKS = [
    check("elbv2.load_balancer_waf", "network.waf", "aws.elbv2.load_balancer", ("公開 ALB に WAFv2 Web ACL",
                                                                                "a WAFv2 web ACL on public ALBs"),
          load_balancer_waf, "公開 ALB の WAF", "WAF on public ALBs"),
    check("cloudfront.distribution_waf", "network.waf", "aws.cloudfront.distribution", ("Web ACL が関連付けられている",
                                                                                        "a web ACL is associated"),
          distribution_waf, "CloudFront の WAF", "CloudFront WAF"),
    check("apigateway.stage_waf", "network.waf", "aws.apigateway.stage", ("公開ステージに WAFv2 Web ACL",
                                                                          "a WAFv2 web ACL on public stages"),
          stage_waf, "API Gateway ステージの WAF", "WAF on API Gateway stages"),
    check("guardduty.enabled", "network.ids", "aws.guardduty.region", ("リソースのある全リージョンで GuardDuty 有効",
                                                                       "GuardDuty on in every region in use"),
          guardduty, "GuardDuty（脅威検知）", "GuardDuty (threat detection)"),
    check("ec2.security_group_admin_ports", "network.firewall", "aws.ec2.security_group",
          ("0.0.0.0/0・::/0 に管理用・DB 用ポートを開放しない",
           "no administrative or database port open to 0.0.0.0/0 or ::/0"),
          security_group, "セキュリティグループの公開ポート", "Security group ports open to the internet"),
]
