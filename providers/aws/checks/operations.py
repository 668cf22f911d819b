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
    "MissingCount": ("未適用", "missing"), "FailedCount": ("適用失敗", "failed"),
    "InstalledPendingRebootCount": ("適用後の再起動待ち", "installed, pending reboot"),
    "CriticalNonCompliantCount": ("うち重要度 Critical の非準拠", "of them Critical non-compliant"),
    "SecurityNonCompliantCount": ("うちセキュリティの非準拠", "of them security non-compliant"),
}


def unusable_time_server(value: str) -> tuple[str, str] | None:
    """Why a DHCP ``ntp-servers`` value cannot serve time, (Japanese, English) (``None`` if it can)."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return "IP アドレスではない", "not an IP address"
    if address.is_unspecified or address.is_loopback or address.is_multicast or address.is_reserved:
        return ("未指定・ループバック・マルチキャスト・予約済みアドレス",
                "an unspecified, loopback, multicast or reserved address")
    if any(address in net for net in DOCUMENTATION_NETS):
        return "文書例示用アドレス", "an address reserved for documentation"
    return None


def time_source(evidence: Evidence) -> Verdict:
    servers = need(evidence, "ntp_servers") or []
    option_set = evidence.attributes.get("dhcp_options_id")
    if not servers:
        return Verdict.passed((
            "DHCP オプションで NTP サーバーを指定していないため、インスタンスは Amazon Time Sync Service "
            "(169.254.169.123 / fd00:ec2::123) を利用する（プラットフォーム既定）",
            "the DHCP options name no NTP server, so instances use the Amazon Time Sync Service"
            " (169.254.169.123 / fd00:ec2::123) (platform default)"),
            {"dhcp_options_id": option_set, "ntp_servers": [], "time_source": "Amazon Time Sync Service"})
    bad = {s: why for s in servers if (why := unusable_time_server(s))}
    time_sync = set(servers) <= set(TIME_SYNC)
    source = "Amazon Time Sync Service" if time_sync else "指定の NTP サーバー"
    source_en = "Amazon Time Sync Service" if time_sync else "the named NTP servers"
    observed = {"dhcp_options_id": option_set, "ntp_servers": servers,
                "time_source": "Amazon Time Sync Service" if time_sync else "custom NTP servers"}
    listed = ", ".join(servers)
    return Verdict.of(not bad, (f"DHCP オプション {option_set} で NTP サーバー {listed} を指定（{source}）",
                                f"DHCP options {option_set} name the NTP servers {listed} ({source_en})"),
                      ("DHCP オプションの NTP サーバーが使えない: " + "; ".join(f"{s}（{w[0]}）" for s,
                                                                 w in bad.items()),
                       "the DHCP options' NTP servers cannot serve time: "
                       + "; ".join(f"{s} ({w[1]})" for s, w in bad.items())),
                      observed)


def inspector(evidence: Evidence) -> Verdict:
    scans = evidence.attributes.get("scans") or {}
    if all(status == "ENABLED" for status in scans.values()) and scans:
        return Verdict.passed(("Inspector の EC2・ECR・Lambda スキャンがすべて有効",
                               "Inspector's EC2, ECR and Lambda scans are all on"), scans)
    if not need(evidence, "in_use"):
        return Verdict.not_applicable(("このリージョンにはリソースがないため対象外",
                                       "not applicable: this region holds no resources"), scans)
    counts = evidence.attributes.get("resources_in_region") or {}
    required = [scan for scan, kind in SCANNED.items() if counts.get(kind)]
    if not required:
        return Verdict.not_applicable(("スキャン対象（EC2・ECR・Lambda）がないリージョン",
                                       "a region with nothing to scan (EC2, ECR, Lambda)"), scans)
    missing = ", ".join(scan for scan in required if scans.get(scan) != "ENABLED")
    reported = evidence.attributes.get("reported", True)
    note = "" if reported else "（アカウントの状態が返されず、未有効化と判断）"
    note_en = "" if reported else " (the account's status was not returned; taken as not enabled)"
    used_ja, used_en = where_used(evidence)
    return Verdict.of(not missing, ("リソースのある種類の Inspector スキャンが有効: " + ", ".join(required),
                                    "Inspector scans are on for the kinds in use: " + ", ".join(required)),
                      (f"Inspector のスキャンが無効: {missing}{note}（このリージョンには {used_ja}）",
                       f"Inspector scans are off: {missing}{note_en} (this region holds {used_en})"),
                      scans)


def patch_compliance(evidence: Evidence) -> Verdict:
    state = need(evidence, "patch_state")
    agent = evidence.attributes.get("ping_status")
    online = agent in (None, "Online")
    note = "" if online else f"（SSM エージェントの状態: {agent}）"
    note_en = "" if online else f" (SSM agent status: {agent})"
    if state is None:
        return Verdict.failed(("Patch Manager によるパッチ適用状況の報告がない"
                               f"（パッチのスキャンが行われていない）{note}",
                               f"Patch Manager reports no patch state (no patch scan has run){note_en}"),
                              {"patch_state": None, "ping_status": agent}, "ssm:DescribeInstancePatchStates")
    counts = {key: int(state.get(key) or 0) for key in NON_COMPLIANT}
    problems = [f"{label[0]} {counts[key]} 件" for key, label in NON_COMPLIANT.items() if counts[key]]
    problems_en = [f"{label[1]} {counts[key]}" for key, label in NON_COMPLIANT.items() if counts[key]]
    last = f"最終 {state.get('Operation') or '操作'}: {state.get('OperationEndTime') or '時刻不明'}"
    last_en = f"last {state.get('Operation') or 'operation'}: {state.get('OperationEndTime') or 'time unknown'}"
    observed = {**counts, "Operation": state.get("Operation"), "OperationEndTime": state.get("OperationEndTime"),
                "BaselineId": state.get("BaselineId"), "AvailableSecurityUpdateCount":
                state.get("AvailableSecurityUpdateCount"), "ping_status": agent}
    return Verdict.of(not problems, (f"パッチベースラインに準拠（{last}）{note}",
                                     f"compliant with the patch baseline ({last_en}){note_en}"),
                      (f"パッチベースラインに準拠していない: {'、'.join(problems)}（{last}）{note}",
                       f"not compliant with the patch baseline: {', '.join(problems_en)} ({last_en}){note_en}"),
                      observed, "ssm:DescribeInstancePatchStates")


def malware(evidence: Evidence) -> Verdict:
    on = bool(need(evidence, "enabled")) and bool(need(evidence, "malware_protection"))
    return regional_service(evidence, on, ("GuardDuty の EC2 マルウェア保護が有効",
                                           "GuardDuty Malware Protection for EC2 is on"),
                            ("GuardDuty の EC2 マルウェア保護が有効でない",
                             "GuardDuty Malware Protection for EC2 is not on"),
                            {"guardduty": evidence.attributes.get("enabled"),
                             "malware_protection": evidence.attributes.get("malware_protection")},
                            relevant=frozenset({"aws.ec2.instance", "aws.autoscaling.group"}))


def alarm(evidence: Evidence) -> Verdict:
    a = evidence.attributes
    notifies = bool(need(evidence, "notifies"))
    observed = {"actions_enabled": a.get("actions_enabled"), "actions": a.get("actions"),
                "sns_confirmed": a.get("sns_confirmed")}
    if notifies:
        return Verdict.passed(("アラームの通知先（確認済みの購読がある SNS トピック等）がある",
                               "the alarm notifies someone (an SNS topic with a confirmed subscription, …)"), observed)
    if not a.get("actions_enabled"):
        return Verdict.failed(("アラームのアクションが無効化されている", "the alarm's actions are disabled"), observed)
    if not a.get("actions"):
        return Verdict.failed(("アラームに通知アクションがない", "the alarm has no notification action"), observed)
    return Verdict.failed(("通知先の SNS トピックに確認済みの購読がない（誰にも届かない）",
                           "the SNS topic it notifies has no confirmed subscription (it reaches nobody)"), observed)


def region_alarms(evidence: Evidence) -> Verdict:
    count = int(evidence.attributes.get("notifying_alarms") or 0)
    if not count:
        need(evidence, "notifying_alarms")
    return regional_service(evidence, count > 0, (f"通知先のあるアラームが {count} 件ある",
                                                  f"{count} alarms notify someone"),
                            ("通知先のあるアラームがない", "no alarm notifies anyone"),
                            {"alarms": evidence.attributes.get("alarms"),
                             "notifying_alarms": count}, relevant=MONITORED)


CHECKS = [
    check("ec2.vpc_time_source", "time.sync", "aws.ec2.vpc", ("Amazon Time Sync Service または有効な NTP サーバー",
                                                         "Amazon Time Sync Service or a usable NTP server"),
          time_source, "VPC の時刻同期（DHCP オプション）", "VPC time source (DHCP options)"),
    check("inspector2.scanning", "vuln.management", "aws.inspector2.region",
          ("リソースのある全リージョンで EC2・ECR・Lambda スキャン有効",
           "EC2, ECR and Lambda scans on in every region in use"), inspector, "Inspector の脆弱性スキャン",
          "Inspector vulnerability scanning"),
    check("ssm.instance_patch_compliant", "vuln.management", "aws.ssm.managed_instance",
          ("パッチベースラインに準拠（未適用・適用失敗・再起動待ちのパッチがない）",
           "compliant with the patch baseline (no missing, failed or pending-reboot patches)"), patch_compliance,
          "マネージドインスタンスのパッチ適用状況", "Patch compliance of managed instances"),
    check("guardduty.malware_protection", "vuln.malware", "aws.guardduty.region",
          ("EC2 のある全リージョンで GuardDuty マルウェア保護が有効",
           "GuardDuty Malware Protection on in every region with EC2"), malware, "GuardDuty マルウェア保護",
          "GuardDuty Malware Protection"),
    check("cloudwatch.alarm_notifies", "ops.monitoring", "aws.cloudwatch.alarm", ("有効なアクションで誰かに通知",
                                                                        "notifies someone through enabled actions"),
          alarm, "CloudWatch アラームの通知", "CloudWatch alarm notifications"),
    check("cloudwatch.region_has_alarms", "ops.monitoring", "aws.cloudwatch.region",
          ("リソースのある全リージョンに通知付きアラーム", "alarms that notify in every region in use"), region_alarms,
          "リージョンの監視アラーム", "Monitoring alarms per region"),
]
