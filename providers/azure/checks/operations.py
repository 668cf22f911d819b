"""time.sync, vuln.*, ops.monitoring — time synchronisation, vulnerabilities, malware and alerting.

Host time synchronisation of VM and scale-set images, vulnerability assessment and anti-malware
(Defender for Servers / Storage, patch assessment), and alerts that notify someone.
"""

from __future__ import annotations

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence
from providers.azure import facts
from providers.azure import kinds as k
from providers.azure.checks.common import arm, defender_plan, lower, plan_on, table


def _vms_in_use(e: Evidence) -> int:
    in_use = e.attributes.get("types_in_use") or {}
    return sum(n for t, n in in_use.items() if facts.DEFENDER_PLAN_FOR_TYPE.get(t) == "VirtualMachines")


NO_VMS = ("このサブスクリプションに仮想マシンがない", "this subscription has no virtual machines")


def defender_servers_vulnerability(e: Evidence) -> Verdict:
    if not _vms_in_use(e):
        return Verdict.not_applicable(NO_VMS)
    plan = defender_plan(e, "VirtualMachines")
    sub_plan = f" {plan['sub_plan']}" if plan.get("sub_plan") else ""
    return Verdict.of(plan_on(plan), (f"Defender for Servers{sub_plan} が有効（Defender Vulnerability Management "
                                      "による脆弱性評価を含む）",
                                      f"Defender for Servers{sub_plan} is on (with vulnerability assessment by"
                                      " Defender Vulnerability Management)"),
                      ("Defender for Servers が無効（マシンの脆弱性評価が行われていない）",
                       "Defender for Servers is off (machines get no vulnerability assessment)"), plan)


def defender_servers_malware(e: Evidence) -> Verdict:
    if not _vms_in_use(e):
        return Verdict.not_applicable(NO_VMS)
    plan = defender_plan(e, "VirtualMachines")
    if not plan_on(plan):
        return Verdict.failed(("Defender for Servers が無効（エンドポイントのマルウェア対策が強制されていない）",
                               "Defender for Servers is off (endpoint anti-malware is not enforced)"), plan)
    wdatp = need(e, "wdatp_enabled")
    observed = {**plan, "defender_for_endpoint_integration": wdatp}
    return Verdict.of(wdatp is True, ("Defender for Servers と Defender for Endpoint 統合が有効（マルウェア対策）",
                                      "Defender for Servers and the Defender for Endpoint integration are on"
                                      " (anti-malware)"),
                      ("Defender for Servers は有効だが、Defender for Endpoint 統合（WDATP）が無効",
                       "Defender for Servers is on, but the Defender for Endpoint integration (WDATP) is off"),
                      observed, "arm:GET Microsoft.Security/settings")


def defender_storage_malware(e: Evidence) -> Verdict:
    in_use = e.attributes.get("types_in_use") or {}
    if not in_use.get("microsoft.storage/storageaccounts"):
        return Verdict.not_applicable(("このサブスクリプションにストレージアカウントがない",
                                       "this subscription has no storage accounts"))
    plan = defender_plan(e, "StorageAccounts")
    scanning = (plan.get("extensions") or {}).get("OnUploadMalwareScanning")
    return Verdict.of(plan_on(plan) and scanning is True,
                      ("Defender for Storage のアップロード時マルウェアスキャンが有効",
                       "Defender for Storage malware scanning on upload is on"),
                      ("Defender for Storage のマルウェアスキャンが有効になっていない",
                       "Defender for Storage malware scanning is not on"), plan)


def host_time_sync(e: Evidence) -> Verdict:
    image = e.attributes.get("image") or {}
    publisher = lower(image.get("publisher"))
    if publisher in facts.ENDORSED_IMAGE_PUBLISHERS:
        shown = image.get("publisher")
        return Verdict.passed((
            f"{shown} のイメージ: Azure はこれらのイメージが既定でホストの時刻"
            "（Hyper-V 時刻同期・PTP）またはディストリビューションの NTP サーバーと同期すると文書化している。"
            "ゲスト内で変更された設定は管理 API からは見えない",
            f"an image from {shown}: Azure documents that these images synchronise by default with the host's"
            " clock (Hyper-V time sync, PTP) or the distribution's NTP servers. Settings changed inside the guest"
            " are not visible to the management API"), image)
    return Verdict.unknown(("カスタムまたはサードパーティのイメージ（ゲストが時刻を同期しているかは管理 API からは"
                            "読めない）",
                            "a custom or third-party image (whether the guest synchronises its clock cannot be read"
                            " through the management API)"), image)


def vm_patch_assessment(e: Evidence) -> Verdict:
    mode = e.attributes.get("patch_assessment_mode")
    return Verdict.of(lower(mode) == "automaticbyplatform",
                      ("Azure Update Manager による定期的なパッチ評価が有効",
                       "periodic patch assessment by Azure Update Manager is on"),
                      (f"パッチ評価モードが {mode or 'ImageDefault'}（不足している更新プログラムが定期的に評価"
                       "されない）",
                       f"the patch assessment mode is {mode or 'ImageDefault'} (missing updates are not assessed"
                       " periodically)"), mode)


def alert_notifies(e: Evidence) -> Verdict:
    if e.attributes.get("enabled") is False:
        return Verdict.not_applicable(("アラートルールが無効", "the alert rule is disabled"))
    groups = e.attributes.get("action_groups") or []
    notifying = [g["name"] for g in groups if g.get("enabled") and g.get("receivers")]
    return Verdict.of(bool(notifying), (f"アクショングループ {', '.join(notifying)} で通知する",
                                        f"notifies through the action groups {', '.join(notifying)}"),
                      ("アラートの通知先がない（受信者を持つ有効なアクショングループがない）",
                       "the alert notifies no one (no enabled action group with a receiver)"), groups)


def subscription_alerting(e: Evidence) -> Verdict:
    notifying = e.attributes.get("notifying_rules") or []
    return Verdict.of(bool(notifying), (f"通知先のある有効なアラートルールが {len(notifying)} 件",
                                        f"{len(notifying)} enabled alert rules with someone to notify"),
                      ("通知先のある有効なアラートルールがない", "no enabled alert rule notifies anyone"),
                      {"notifying_rules": notifying[:20]})


TIME_SYNC_EXPECTED = ("既定で Azure ホストまたは NTP と時刻を同期するイメージ",
                      "image that synchronises with the Azure host or NTP by default")


CHECKS: tuple[Check, ...] = table((
    ("azure.vm.host_time_sync", "time.sync", k.VM, arm("Microsoft.Compute/virtualMachines/read"),
     TIME_SYNC_EXPECTED, host_time_sync, "VM の時刻同期", "VM time synchronisation"),
    ("azure.vmss.host_time_sync", "time.sync", k.VMSS, arm("Microsoft.Compute/virtualMachineScaleSets/read"),
     TIME_SYNC_EXPECTED, host_time_sync, "スケールセットの時刻同期", "Scale set time synchronisation"),
    ("azure.defender.servers_vulnerability", "vuln.management", k.SUB_DEFENDER,
     arm("*/read", "Microsoft.Security/pricings/read"),
     ("VM のあるサブスクリプションで Defender for Servers が有効", "Defender for Servers on where VMs exist"),
     defender_servers_vulnerability, "Defender for Servers の脆弱性評価",
     "Defender for Servers vulnerability assessment"),
    ("azure.vm.patch_assessment", "vuln.management", k.VM, arm("Microsoft.Compute/virtualMachines/read"),
     "patchSettings.assessmentMode = AutomaticByPlatform", vm_patch_assessment, "VM のパッチ評価",
     "VM patch assessment"),
    ("azure.defender.servers_malware", "vuln.malware", k.SUB_DEFENDER,
     arm("*/read", "Microsoft.Security/pricings/read", "Microsoft.Security/settings/read"),
     ("Defender for Servers と Defender for Endpoint 統合が有効",
      "Defender for Servers with the Defender for Endpoint integration"), defender_servers_malware,
     "サーバーのマルウェア対策", "Server anti-malware"),
    ("azure.defender.storage_malware", "vuln.malware", k.SUB_DEFENDER,
     arm("*/read", "Microsoft.Security/pricings/read"),
     ("Defender for Storage のアップロード時マルウェアスキャンが有効",
      "Defender for Storage with malware scanning on upload"), defender_storage_malware,
     "ストレージのマルウェアスキャン", "Storage malware scanning"),
    ("azure.monitor.alert_notifies", "ops.monitoring", k.ALERT_RULE,
     arm("Microsoft.Insights/metricAlerts/read", "Microsoft.Insights/activityLogAlerts/read",
         "Microsoft.Insights/scheduledQueryRules/read", "Microsoft.Insights/actionGroups/read"),
     ("有効なアラートルールが、受信者のいる有効なアクショングループに通知",
      "enabled alert rule routed to an enabled action group with a receiver"), alert_notifies, "アラートの通知先",
     "Who an alert notifies"),
    ("azure.monitor.subscription_alerting", "ops.monitoring", k.SUB_MONITORING,
     arm("Microsoft.Insights/metricAlerts/read", "Microsoft.Insights/actionGroups/read"),
     ("誰かに通知する有効なアラートルールが 1 件以上", "at least one enabled alert rule that notifies someone"),
     subscription_alerting, "サブスクリプションの監視通知", "Subscription alerting"),
))
