"""time.sync, vuln.management, vuln.malware, ops.monitoring — operating the VMs and the projects.

- time sync: Google-provided public images synchronise with the metadata server's NTP service
  (metadata.google.internal) by default. The guest's own configuration is not visible through any
  API, so a VM booted from a Google image PASSes as platform default (said so), and a VM from a
  custom image is UNKNOWN.
- vulnerabilities: each running VM has an OS Config vulnerability report (VM Manager) and no
  critical vulnerability with an available fix — critical by CVSS or the distribution's ranking
  (:mod:`providers.gcp.collect.vulnerabilities`), or by the report's ``highestUpgradableCveSeverity``.
- malware: Security Command Center's VM Threat Detection is enabled where VMs run.
- monitoring: each project has an enabled alert policy that notifies an enabled channel.
"""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.gcp.checks.common import THREATS, VULNERABILITIES, check

#: Image projects of Google-provided public images (configured for the metadata server's NTP).
GOOGLE_IMAGE_PROJECTS = frozenset({
    "almalinux-cloud", "centos-cloud", "cos-cloud", "debian-cloud", "deeplearning-platform-release",
    "fedora-coreos-cloud", "gke-node-images", "ml-images", "opensuse-cloud", "oracle-linux-cloud", "rhel-cloud",
    "rhel-sap-cloud", "rocky-linux-cloud", "suse-cloud", "suse-sap-cloud", "ubuntu-os-accelerator-images",
    "ubuntu-os-cloud", "ubuntu-os-pro-cloud", "windows-cloud", "windows-sql-cloud",
})


def time_sync(evidence: Evidence) -> Verdict:
    projects = need(evidence, "image_projects") or []
    google = sorted(set(projects) & GOOGLE_IMAGE_PROJECTS)
    if google:
        return Verdict.passed((
            f"Google 提供の公開イメージ（{', '.join(google)}）はメタデータサーバーの NTP（metadata.google.internal）と"
            "同期する設定（プラットフォーム既定。ゲスト OS 内の設定変更は API からは見えない）",
            f"Google-provided public images ({', '.join(google)}) synchronise with the metadata server's NTP"
            " (metadata.google.internal) (platform default; changes inside the guest OS are not visible to the API)"),
            observed={"image_projects": projects},
        )
    return Verdict.unknown((
        "Google 提供の公開イメージではない（カスタムイメージ等）ため、時刻同期の設定を API から確認できない。"
        "メタデータサーバーの NTP（metadata.google.internal）はすべての VM から利用可能。"
        "ゲストの NTP 設定を申告すること",
        "not a Google-provided public image (a custom image, …), so the API cannot show how time is synchronised."
        " The metadata server's NTP (metadata.google.internal) serves every VM; attest the guest's NTP setting"),
        observed={"image_projects": projects},
    )


def vulnerability_report(evidence: Evidence) -> Verdict:
    status = need(evidence, "status")
    if status != "RUNNING":
        return Verdict.not_applicable((f"停止中の VM（{status}）", f"a VM that is not running ({status})"))
    if need(evidence, "managed_by") == "gke":
        return Verdict.not_applicable((
            "GKE ノード（ノードの更新は GKE の自動アップグレードで管理、VM Manager の対象外）",
            "a GKE node (GKE auto-upgrade keeps nodes up to date; outside VM Manager's scope)",
        ))
    report = need(evidence, "vulnerability_report")
    if not report:
        return Verdict.failed((
            "OS Config の脆弱性レポートがない（VM Manager / OS Config エージェントが動作していない）",
            "no OS Config vulnerability report (VM Manager / the OS Config agent is not running)"),
            observed={"vulnerability_report": None},
        )
    updated = report.get("update_time")
    if report.get("fixable_critical"):
        cves = "、".join(report.get("fixable_critical_cves") or ())
        cves_en = ", ".join(report.get("fixable_critical_cves") or ())
        return Verdict.failed((
            f"修正版がある重大（CRITICAL）な脆弱性が {report['fixable_critical']} 件未適用: {cves}"
            f"（レポート {updated}）",
            f"{report['fixable_critical']} critical (CRITICAL) vulnerabilities with an available fix are not applied:"
            f" {cves_en} (report {updated})"),
            observed=report,
        )
    if report.get("highest_upgradable_cve_severity") == "CRITICAL":
        return Verdict.failed((
            "OS Config が、修正版がある脆弱性の最高深刻度を CRITICAL と報告している"
            f"（highestUpgradableCveSeverity、レポート {updated}）",
            "OS Config reports CRITICAL as the highest severity of the vulnerabilities with an available fix"
            f" (highestUpgradableCveSeverity, report {updated})"),
            observed=report,
        )
    return Verdict.passed((
        f"OS Config の脆弱性レポートあり（{updated} 更新、検出 {report.get('vulnerabilities')} 件、"
        "修正可能な重大脆弱性なし）",
        f"an OS Config vulnerability report exists (updated {updated}, {report.get('vulnerabilities')}"
        " vulnerabilities found, no fixable critical vulnerability)"),
        observed=report,
    )


def vm_threat_detection(evidence: Evidence) -> Verdict:
    if not need(evidence, "vm_count"):
        return Verdict.not_applicable(("VM がないプロジェクト", "a project without VMs"))
    state = (need(evidence, "scc_services") or {}).get("vm-threat-detection", "")
    observed = {"vm-threat-detection": state or None, "vm_count": evidence.attributes.get("vm_count")}
    return Verdict.of(
        state == "ENABLED",
        ("Security Command Center の VM Threat Detection（マルウェア・マイニング検知）が有効",
         "Security Command Center's VM Threat Detection (malware and mining detection) is on"),
        (f"VM Threat Detection が有効でない（{state or '未設定'}）",
         f"VM Threat Detection is not on ({state or 'not set'})"),
        observed=observed,
    )


def alerting(evidence: Evidence) -> Verdict:
    policies = need(evidence, "alert_policies") or []
    enabled = [p for p in policies if p.get("enabled")]
    notifying = [p for p in enabled if p.get("active_channels")]
    observed = {"alert_policies": len(policies), "enabled": len(enabled), "notifying": [p["name"] for p in notifying]}
    if notifying:
        silent = [p["display_name"] or p["name"] for p in enabled if not p.get("channels")]
        names = ", ".join(silent)
        extra = ((f"（通知先のないポリシー: {names}）", f" (policies without a channel: {names})") if silent
                 else ("", ""))
        return Verdict.passed((f"通知チャネルに通知する有効なアラートポリシーが {len(notifying)} 件{extra[0]}",
                               f"{len(notifying)} enabled alert policies notify a channel{extra[1]}"),
                              observed=observed)
    if any(p.get("unknown_channels") for p in enabled):
        return Verdict.unknown(("アラートポリシーの通知チャネルがこの監査範囲の資産一覧にない（状態を確認できない）",
                                "the alert policies' notification channels are not in this audit scope's asset"
                                " inventory (their state cannot be checked)"), observed=observed)
    ja, en = (("アラートポリシーがない", "no alert policy") if not policies
              else ("有効な通知チャネルに通知する有効なアラートポリシーがない",
                    "no enabled alert policy notifies an enabled channel"))
    return Verdict.failed(
        (f"{ja}（別プロジェクトの指標スコープで集中監視している場合は申告）",
         f"{en} (attest it if monitoring is centralised in another project's metrics scope)"), observed=observed
    )


CHECKS = (
    check("gcp.compute.instance_time_sync", "time.sync", "gcp.compute.instance", time_sync,
          expected=("メタデータサーバーの NTP と同期（Google 提供イメージの既定）",
                    "synchronised with the metadata server's NTP (the default of Google-provided images)"),
          title="VM time synchronisation", title_ja="VM の時刻同期"),
    check("gcp.compute.instance_vulnerability_report", "vuln.management", "gcp.compute.instance",
          vulnerability_report,
          expected=("OS Config 脆弱性レポートがあり、修正可能な重大脆弱性がない",
                    "an OS Config vulnerability report with no fixable critical vulnerability"),
          title="VM vulnerability reporting (OS Config)", title_ja="VM の脆弱性レポート", permissions=VULNERABILITIES),
    check("gcp.project.vm_threat_detection", "vuln.malware", "gcp.resourcemanager.project_threat_detection",
          vm_threat_detection,
          expected=("VM がある場合、SCC VM Threat Detection が有効", "SCC VM Threat Detection on where VMs exist"),
          title="VM Threat Detection enabled", title_ja="VM の不正プログラム検知", permissions=THREATS),
    check("gcp.monitoring.alerting_configured", "ops.monitoring", "gcp.monitoring.project_alerting", alerting,
          expected=("有効な通知チャネルに通知する有効なアラートポリシーがある",
                    "an enabled alert policy that notifies an enabled notification channel"),
          title="Alert policies notify someone", title_ja="アラートポリシーと通知チャネル"),
)
