"""logging.*: a multi-region trail that is logging, trail logs and log groups kept 365 days or more,
and trail logs protected by validation digests or Object Lock with a default retention."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from auditor.checks import Verdict, need
from auditor.model import Evidence
from providers.aws.checks.common import check

RETENTION_DAYS = 365


def audit_trail(evidence: Evidence) -> Verdict:
    qualifying = need(evidence, "qualifying_trails") or []
    trails = evidence.attributes.get("trails") or []
    if qualifying:
        return Verdict.passed(("全リージョンの管理イベントを記録中のマルチリージョン証跡がある",
                               "a multi-region trail is logging management events of every region"), qualifying)
    if not trails:
        return Verdict.failed(("CloudTrail の証跡がない（90 日分のイベント履歴のみ）",
                               "no CloudTrail trail (only the 90-day event history)"), trails)
    return Verdict.failed(("記録中で管理イベントを含むマルチリージョン証跡がない",
                           "no multi-region trail that is logging management events"), trails)


def shortest_expiry(rules: Sequence[dict[str, Any]], prefix: str) -> tuple[int | None, list[str]]:
    """Days after which lifecycle rules delete current objects under ``prefix`` (``None``: never)."""
    days: list[int] = []
    ids: list[str] = []
    for rule in rules:
        if not rule.get("enabled") or rule.get("tag_filter"):
            continue  # log files carry no tags, so tag-filtered rules do not reach them
        scope = rule.get("prefix") or ""
        if not (prefix.startswith(scope) or scope.startswith(prefix)):
            continue
        if rule.get("expiration_days") is not None:
            days.append(int(rule["expiration_days"]))
            ids.append(rule.get("id") or "")
        elif rule.get("expiration_date"):
            days.append(0)
            ids.append(rule.get("id") or "")
    return (min(days) if days else None), ids


def trail_retention(evidence: Evidence) -> Verdict:
    bucket = evidence.attributes.get("bucket")
    rules = need(evidence, "bucket_lifecycle_rules")
    expiry, ids = shortest_expiry(rules or [], evidence.attributes.get("log_prefix") or "AWSLogs/")
    observed = {"bucket": bucket, "expiration_days": expiry, "rules": ids}
    if expiry is None:
        return Verdict.passed((f"ログバケット {bucket} に証跡ログを削除するライフサイクルルールがない（無期限保存）",
                               f"no lifecycle rule of log bucket {bucket} deletes trail logs (kept indefinitely)"),
                              observed)
    return Verdict.of(expiry >= RETENTION_DAYS, (f"ログは {expiry} 日保存される（365 日以上）",
                                                 f"logs are kept {expiry} days (365 or more)"),
                      (f"ログバケット {bucket} のライフサイクルが証跡ログを {expiry} 日で削除する",
                       f"the lifecycle of log bucket {bucket} deletes trail logs after {expiry} days"), observed)


def log_group_retention(evidence: Evidence) -> Verdict:
    days = evidence.attributes.get("retention_days")
    if days is None:
        return Verdict.passed(("保持期間が「失効しない」", "retention is “never expire”"), {"retention_days": None})
    return Verdict.of(int(days) >= RETENTION_DAYS, (f"保持期間 {days} 日", f"retention {days} days"),
                      (f"保持期間が {days} 日（365 日未満）", f"retention is {days} days (less than 365)"),
                      {"retention_days": days})


def integrity(evidence: Evidence) -> Verdict:
    """Digest validation, or Object Lock with a default retention: lock without one leaves new log files unlocked."""
    validation = bool(evidence.attributes.get("log_file_validation"))
    lock = evidence.attributes.get("bucket_object_lock")
    if validation:
        return Verdict.passed(("ログファイルの整合性検証（ダイジェスト）が有効", "log file validation (digests) is on"),
                              {"log_file_validation": True, "bucket_object_lock": lock})
    lock = need(evidence, "bucket_object_lock") or {}
    observed = {"log_file_validation": False, "bucket_object_lock": lock}
    source = "s3:GetObjectLockConfiguration"
    if not lock.get("enabled"):
        return Verdict.failed(("ログファイルの整合性検証が無効で、ログバケットの Object Lock もない",
                               "log file validation is off and the log bucket has no Object Lock"), observed, source)
    period = default_retention(lock)
    if period is None:
        return Verdict.failed(("ログファイルの整合性検証が無効で、ログバケットの Object Lock に既定の保持期間がない"
                               "（新しいログファイルはロックされない）",
                               "log file validation is off and the log bucket's Object Lock has no default retention"
                               " (new log files are not locked)"), observed, source)
    return Verdict.passed((f"ログファイルの整合性検証は無効だが、ログバケットの Object Lock が既定の保持"
                           f"（{lock.get('mode')} モード・{period[0]}）で新しいログファイルをロックする",
                           f"log file validation is off, but the log bucket's Object Lock locks new log files with a"
                           f" default retention ({lock.get('mode')} mode, {period[1]})"), observed, source)


def default_retention(lock: dict[str, Any]) -> tuple[str, str] | None:
    """The default retention of an Object Lock configuration as (Japanese, English) text (``None``: objects
    get no lock)."""
    if not lock.get("mode"):
        return None
    if lock.get("years"):
        return f"{lock['years']} 年", f"{lock['years']} years"
    if lock.get("days"):
        return f"{lock['days']} 日", f"{lock['days']} days"
    return None


CHECKS = [
    check("cloudtrail.multi_region_trail_logging", "logging.audit-trail", "aws.cloudtrail.account",
          ("管理イベントを記録中のマルチリージョン証跡", "a multi-region trail logging management events"),
          audit_trail, "CloudTrail マルチリージョン証跡", "CloudTrail multi-region trail"),
    check("cloudtrail.log_bucket_retention", "logging.retention-1y", "aws.cloudtrail.trail",
          ("ログバケットのライフサイクルが 365 日以上または削除なし",
           "log bucket lifecycle keeps 365 days or more, or deletes nothing"),
          trail_retention, "証跡ログの保存期間", "Trail log retention"),
    check("logs.log_group_retention", "logging.retention-1y", "aws.logs.log_group",
          ("365 日以上または失効しない", "365 days or more, or never expire"),
          log_group_retention, "ロググループの保持期間", "Log group retention"),
    check("cloudtrail.log_integrity", "logging.integrity", "aws.cloudtrail.trail",
          ("ログファイル検証が有効、またはログバケットに既定の保持期間つき Object Lock",
           "log file validation on, or Object Lock with a default retention on the log bucket"), integrity,
          "証跡ログの改ざん防止", "Trail log integrity"),
]
