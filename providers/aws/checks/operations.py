"""time.sync, vuln.*, ops.monitoring: VPC time sources, Inspector2 and GuardDuty malware protection in
regions in use, Patch Manager compliance of SSM managed instances, and alarms that notify someone."""

from __future__ import annotations

import ipaddress

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.aws.checks.common import check, regional_service, where_used

TIME_SYNC = ("169.254.169.123", "fd00:ec2::123")
DOCUMENTATION_NETS = tuple(ipaddress.ip_network(n) for n in
                           ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"))
MONITORED = frozenset({
    "aws.ec2.instance", "aws.autoscaling.group", "aws.rds.instance", "aws.rds.cluster", "aws.lambda.function",
    "aws.elbv2.load_balancer", "aws.dynamodb.table", "aws.efs.file_system", "aws.apigateway.rest_api",
})
SCANNED = {"ec2": "aws.ec2.instance", "ecr": "aws.ecr.repository", "lambda": "aws.lambda.function"}
#: Patch-state counts that make an instance non-compliant with its patch baseline (Patch Manager's own rule:
#: missing, failed and installed-pending-reboot patches), and the severity breakdown it reports.
NON_COMPLIANT = {
    "MissingCount": "未適用", "FailedCount": "適用失敗", "InstalledPendingRebootCount": "適用後の再起動待ち",
    "CriticalNonCompliantCount": "うち重要度 Critical の非準拠",
    "SecurityNonCompliantCount": "うちセキュリティの非準拠",
}


def unusable_time_server(value: str) -> str | None:
    """Why a DHCP ``ntp-servers`` value cannot serve time (``None`` if it can)."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return "IP アドレスではない"
    if address.is_unspecified or address.is_loopback or address.is_multicast or address.is_reserved:
        return "未指定・ループバック・マルチキャスト・予約済みアドレス"
    if any(address in net for net in DOCUMENTATION_NETS):
        return "文書例示用アドレス"
    return None


def time_source(evidence: Evidence) -> Verdict:
    servers = need(evidence, "ntp_servers") or []
    option_set = evidence.attributes.get("dhcp_options_id")
    if not servers:
        return Verdict.passed(
            "DHCP オプションで NTP サーバを指定していないため、インスタンスは Amazon Time Sync Service "
            "(169.254.169.123 / fd00:ec2::123) を利用する（プラットフォーム既定）",
            {"dhcp_options_id": option_set, "ntp_servers": [], "time_source": "Amazon Time Sync Service"})
    bad = {s: why for s in servers if (why := unusable_time_server(s))}
    source = "Amazon Time Sync Service" if set(servers) <= set(TIME_SYNC) else "指定の NTP サーバ"
    observed = {"dhcp_options_id": option_set, "ntp_servers": servers, "time_source": source}
    return Verdict.of(not bad, f"DHCP オプション {option_set} で NTP サーバ {', '.join(servers)} を指定（{source}）",
                      "DHCP オプションの NTP サーバが使えない: " + "; ".join(f"{s}（{w}）" for s, w in bad.items()),
                      observed)


def inspector(evidence: Evidence) -> Verdict:
    scans = evidence.attributes.get("scans") or {}
    if all(status == "ENABLED" for status in scans.values()) and scans:
        return Verdict.passed("Inspector の EC2・ECR・Lambda スキャンがすべて有効", scans)
    if not need(evidence, "in_use"):
        return Verdict.not_applicable("このリージョンには資源がないため対象外", scans)
    counts = evidence.attributes.get("resources_in_region") or {}
    required = [scan for scan, kind in SCANNED.items() if counts.get(kind)]
    if not required:
        return Verdict.not_applicable("スキャン対象（EC2・ECR・Lambda）がないリージョン", scans)
    missing = [scan for scan in required if scans.get(scan) != "ENABLED"]
    note = "" if evidence.attributes.get("reported", True) else "（アカウントの状態が返されず、未有効化と判断）"
    return Verdict.of(not missing, "資源のある種類の Inspector スキャンが有効: " + ", ".join(required),
                      f"Inspector のスキャンが無効: {', '.join(missing)}{note}"
                      f"（このリージョンには {where_used(evidence)}）",
                      scans)


def patch_compliance(evidence: Evidence) -> Verdict:
    state = need(evidence, "patch_state")
    agent = evidence.attributes.get("ping_status")
    note = "" if agent in (None, "Online") else f"（SSM エージェントの状態: {agent}）"
    if state is None:
        return Verdict.failed("Patch Manager によるパッチ適用状況の報告がない"
                              f"（パッチのスキャンが行われていない）{note}",
                              {"patch_state": None, "ping_status": agent}, "ssm:DescribeInstancePatchStates")
    counts = {key: int(state.get(key) or 0) for key in NON_COMPLIANT}
    problems = [f"{label} {counts[key]} 件" for key, label in NON_COMPLIANT.items() if counts[key]]
    last = f"最終 {state.get('Operation') or '操作'}: {state.get('OperationEndTime') or '時刻不明'}"
    observed = {**counts, "Operation": state.get("Operation"), "OperationEndTime": state.get("OperationEndTime"),
                "BaselineId": state.get("BaselineId"), "AvailableSecurityUpdateCount":
                state.get("AvailableSecurityUpdateCount"), "ping_status": agent}
    return Verdict.of(not problems, f"パッチベースラインに準拠（{last}）{note}",
                      f"パッチベースラインに準拠していない: {'、'.join(problems)}（{last}）{note}",
                      observed, "ssm:DescribeInstancePatchStates")


def malware(evidence: Evidence) -> Verdict:
    on = bool(need(evidence, "enabled")) and bool(need(evidence, "malware_protection"))
    return regional_service(evidence, on, "GuardDuty の EC2 マルウェア保護が有効",
                            "GuardDuty の EC2 マルウェア保護が有効でない",
                            {"guardduty": evidence.attributes.get("enabled"),
                             "malware_protection": evidence.attributes.get("malware_protection")},
                            relevant=frozenset({"aws.ec2.instance", "aws.autoscaling.group"}))


def alarm(evidence: Evidence) -> Verdict:
    a = evidence.attributes
    notifies = bool(need(evidence, "notifies"))
    observed = {"actions_enabled": a.get("actions_enabled"), "actions": a.get("actions"),
                "sns_confirmed": a.get("sns_confirmed")}
    if notifies:
        return Verdict.passed("アラームの通知先（確認済みの購読がある SNS トピック等）がある", observed)
    if not a.get("actions_enabled"):
        return Verdict.failed("アラームのアクションが無効化されている", observed)
    if not a.get("actions"):
        return Verdict.failed("アラームに通知アクションがない", observed)
    return Verdict.failed("通知先の SNS トピックに確認済みの購読がない（誰にも届かない）", observed)


def region_alarms(evidence: Evidence) -> Verdict:
    count = int(evidence.attributes.get("notifying_alarms") or 0)
    if not count:
        need(evidence, "notifying_alarms")
    return regional_service(evidence, count > 0, f"通知先のあるアラームが {count} 件ある", "通知先のあるアラームがない",
                            {"alarms": evidence.attributes.get("alarms"),
                             "notifying_alarms": count}, relevant=MONITORED)


CHECKS = [
    check("ec2.vpc_time_source", "time.sync", "aws.ec2.vpc", "Amazon Time Sync Service または有効な NTP サーバ",
          time_source, "VPC の時刻同期（DHCP オプション）"),
    check("inspector2.scanning", "vuln.management", "aws.inspector2.region",
          "資源のある全リージョンで EC2・ECR・Lambda スキャン有効", inspector, "Inspector の脆弱性スキャン"),
    check("ssm.instance_patch_compliant", "vuln.management", "aws.ssm.managed_instance",
          "パッチベースラインに準拠（未適用・適用失敗・再起動待ちのパッチがない）", patch_compliance,
          "マネージドインスタンスのパッチ適用状況"),
    check("guardduty.malware_protection", "vuln.malware", "aws.guardduty.region",
          "EC2 のある全リージョンで GuardDuty マルウェア保護が有効", malware, "GuardDuty マルウェア保護"),
    check("cloudwatch.alarm_notifies", "ops.monitoring", "aws.cloudwatch.alarm", "有効なアクションで誰かに通知",
          alarm, "CloudWatch アラームの通知"),
    check("cloudwatch.region_has_alarms", "ops.monitoring", "aws.cloudwatch.region",
          "資源のある全リージョンに通知付きアラーム", region_alarms, "リージョンの監視アラーム"),
]
