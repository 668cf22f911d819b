"""logging.* — audit logs, one-year retention and tamper protection of Cloud Logging buckets.

Admin Activity audit logs are always written on Google Cloud and cannot be disabled (kept 400 days
in the ``_Required`` bucket): a platform PASS per project, stated as such. Data Access audit logs
must be enabled for all services (ADMIN_READ, DATA_READ, DATA_WRITE, no exempted members — CIS
2.1), on the project or an ancestor. Buckets keep logs ≥ 365 days (``_Default`` keeps 30) and are
locked against retention changes and deletion.
"""

from __future__ import annotations

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.gcp.checks.common import IAM, check

DATA_ACCESS_TYPES = frozenset({"ADMIN_READ", "DATA_READ", "DATA_WRITE"})
MIN_RETENTION_DAYS = 365


def admin_activity_always_on(evidence: Evidence) -> Verdict:
    return Verdict.passed((
        "管理アクティビティ監査ログは Google Cloud で常に記録され無効化できない（プラットフォーム既定、"
        "_Required バケットに 400 日保存）",
        "Google Cloud always writes Admin Activity audit logs and they cannot be disabled (platform default, kept"
        " 400 days in the _Required bucket)"),
        observed={"admin_activity_audit_logs": "always on"},
    )


def data_access_logging(evidence: Evidence) -> Verdict:
    levels = need(evidence, "audit_configs") or []
    hidden = need(evidence, "levels_outside_scope") or []
    enabled: dict[str, str] = {}
    exempted: list[str] = []
    for level in levels:
        for config in level.get("audit_configs") or []:
            if config.get("service") != "allServices":
                continue
            for log_config in config.get("auditLogConfigs") or []:
                log_type = str(log_config.get("logType", ""))
                enabled.setdefault(log_type, level["level"])
                exempted.extend(log_config.get("exemptedMembers") or [])
    missing = sorted(DATA_ACCESS_TYPES - set(enabled))
    observed = {"enabled": enabled, "exempted_members": exempted, "levels_outside_scope": hidden}
    if not missing and not exempted:
        return Verdict.passed(
            ("データアクセス監査ログが全サービスで有効（ADMIN_READ・DATA_READ・DATA_WRITE、除外なし）",
             "Data Access audit logs are on for all services (ADMIN_READ, DATA_READ, DATA_WRITE, no exemptions)"),
            observed=observed,
        )
    problem = (f"全サービス（allServices）で未有効の種別: {', '.join(missing)}" if missing else "") + (
        f" 除外メンバー: {', '.join(exempted)}" if exempted else ""
    )
    problem_en = "; ".join(
        ([f"types not enabled for all services (allServices): {', '.join(missing)}"] if missing else [])
        + ([f"exempted members: {', '.join(exempted)}"] if exempted else [])
    )
    if missing and hidden:
        return Verdict.unknown((
            f"{problem.strip()}。監査範囲外の上位（{', '.join(hidden)}）で有効化されている可能性がある"
            "（--organization で監査すると判定できる）",
            f"{problem_en}. They may be enabled above the audited scope ({', '.join(hidden)}); auditing with"
            " --organization decides it"),
            observed=observed,
        )
    return Verdict.failed((f"データアクセス監査ログが不十分: {problem.strip()}",
                           f"Data Access audit logs are insufficient: {problem_en}"), observed=observed)


def log_bucket_retention(evidence: Evidence) -> Verdict:
    days = need(evidence, "retention_days")
    bucket = evidence.attributes.get("bucket_id", evidence.name)
    observed = {"bucket": bucket, "retentionDays": days}
    default_note = (("（_Default バケットの既定は 30 日）", " (the _Default bucket's default is 30 days)")
                    if bucket == "_Default" else ("", ""))
    return Verdict.of(
        days >= MIN_RETENTION_DAYS,
        (f"ログバケット {bucket} の保存期間は {days} 日（365 日以上）",
         f"the log bucket {bucket} keeps logs {days} days (365 days or more)"),
        (f"ログバケット {bucket} の保存期間が {days} 日（365 日未満）{default_note[0]}",
         f"the log bucket {bucket} keeps logs {days} days (less than 365 days){default_note[1]}"),
        observed=observed,
    )


def log_bucket_locked(evidence: Evidence) -> Verdict:
    bucket = need(evidence, "bucket_id")
    locked = bool(need(evidence, "locked"))
    observed = {"bucket": bucket, "locked": locked}
    if bucket == "_Required":
        return Verdict.passed((
            "_Required バケットは Google が管理し、削除も保存期間（400 日）の変更もできない（プラットフォーム既定）",
            "Google manages the _Required bucket; it cannot be deleted and its retention (400 days) cannot be"
            " changed (platform default)"),
            observed=observed,
        )
    return Verdict.of(
        locked,
        (f"ログバケット {bucket} はロック済み（保存期間の短縮・削除ができない）",
         f"the log bucket {bucket} is locked (its retention cannot be shortened and it cannot be deleted)"),
        (f"ログバケット {bucket} がロックされていない（権限があれば保存期間の短縮・バケット削除ができる）",
         f"the log bucket {bucket} is not locked (anyone with the permission can shorten its retention or delete"
         " it)"),
        observed=observed,
    )


CHECKS = (
    check("gcp.logging.admin_activity_always_on", "logging.audit-trail", "gcp.resourcemanager.project",
          admin_activity_always_on,
          expected=("管理アクティビティ監査ログの記録（Google Cloud では常時有効）",
                    "Admin Activity audit logs written (always on in Google Cloud)"),
          title="Admin Activity audit logs (always on)", title_ja="管理アクティビティ監査ログ"),
    check("gcp.logging.data_access_enabled", "logging.audit-trail", "gcp.logging.data_access_config",
          data_access_logging,
          expected=("allServices の ADMIN_READ・DATA_READ・DATA_WRITE が有効で除外メンバーなし",
                    "ADMIN_READ, DATA_READ and DATA_WRITE on for allServices, no exempted members"),
          title="Data Access audit logs enabled for all services", title_ja="データアクセス監査ログ", permissions=IAM),
    check("gcp.logging.bucket_retention_1y", "logging.retention-1y", "gcp.logging.bucket", log_bucket_retention,
          expected=("ログバケットの保存期間が 365 日以上", "log bucket retention of 365 days or more"),
          title="Log bucket keeps logs for a year", title_ja="ログバケットの 1 年以上保存"),
    check("gcp.logging.bucket_locked", "logging.integrity", "gcp.logging.bucket", log_bucket_locked,
          expected=("ログバケットがロック済み（バケットロック）", "log bucket locked (bucket lock)"),
          title="Log bucket locked", title_ja="ログバケットのロック"),
)
