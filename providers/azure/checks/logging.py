"""logging.* — the activity log is exported, kept a year or more and written to immutable storage."""

from __future__ import annotations

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence
from providers.azure import facts
from providers.azure import kinds as k
from providers.azure.checks.common import table


def _settings(e: Evidence) -> list[dict]:
    return need(e, "settings") or []


def activity_log_exported(e: Evidence) -> Verdict:
    settings = _settings(e)
    exporting = [s["name"] for s in settings if facts.exports_administrative(s.get("categories") or ())
                 and (s.get("workspace_id") or s.get("storage_account_id") or s.get("event_hub"))]
    days = facts.PLATFORM_ACTIVITY_LOG_DAYS
    return Verdict.of(bool(exporting),
                      (f"アクティビティログ（Administrative）を診断設定 {', '.join(exporting)} がエクスポートしている",
                       f"the diagnostic settings {', '.join(exporting)} export the activity log (Administrative)"),
                      (f"アクティビティログをエクスポートする診断設定がない（Azure での保持は {days} 日のみ）",
                       f"no diagnostic setting exports the activity log (Azure keeps it only {days} days)"),
                      settings)


def _destinations(e: Evidence) -> list[dict]:
    return [d for s in _settings(e) for d in s.get("destinations") or ()]


def _days(value) -> str:
    return "無期限" if value == "unlimited" else f"{value} 日"


def _days_en(value) -> str:
    return "unlimited" if value == "unlimited" else f"{value} days"


def _cause_en(destination: dict) -> str:
    """Why a destination's setting could not be read, in English (an event hub is the receiver's business)."""
    if destination.get("kind") == "event_hub":
        return "streams to an event hub (the receiving system decides retention and immutability)"
    return destination.get("unreadable") or "retention is managed outside Azure"


def activity_log_retention(e: Evidence) -> Verdict:
    destinations = _destinations(e)
    if not destinations:
        days = facts.PLATFORM_ACTIVITY_LOG_DAYS
        return Verdict.failed((f"アクティビティログがエクスポートされていない（Azure での保持は {days} 日）",
                               f"the activity log is not exported (Azure keeps it {days} days)"), [])
    long_enough = [d for d in destinations if d.get("retention_days") == "unlimited"
                   or (isinstance(d.get("retention_days"), int) and d["retention_days"] >= 365)]
    if long_enough:
        return Verdict.passed((
            "アクティビティログを 365 日以上保存している: "
            + ", ".join(f"{d['name']} ({_days(d['retention_days'])})" for d in long_enough),
            "the activity log is kept 365 days or more: "
            + ", ".join(f"{d['name']} ({_days_en(d['retention_days'])})" for d in long_enough)), destinations)
    unreadable = [d for d in destinations if d.get("unreadable") or d.get("retention_days") is None]
    if unreadable:
        causes = "; ".join(f"{d['name']}: {d.get('unreadable') or '保持期間は Azure の外で管理されている'}"
                           for d in unreadable)
        causes_en = "; ".join(f"{d['name']}: {_cause_en(d)}" for d in unreadable)
        return Verdict.unknown((f"保持期間を読めない送信先がある: {causes}",
                                f"the retention of some destinations cannot be read: {causes_en}"), destinations)
    return Verdict.failed((
        "どの送信先もアクティビティログの保持期間が 365 日未満: "
        + ", ".join(f"{d['name']} ({_days(d['retention_days'])})" for d in destinations),
        "every destination keeps the activity log less than 365 days: "
        + ", ".join(f"{d['name']} ({_days_en(d['retention_days'])})" for d in destinations)), destinations)


def activity_log_immutable(e: Evidence) -> Verdict:
    destinations = _destinations(e)
    if not destinations:
        return Verdict.failed(("アクティビティログがどこにもエクスポートされていない",
                               "the activity log is not exported anywhere"), [])
    locked = [d for d in destinations if d.get("immutability") == "locked"]
    if locked:
        names = ", ".join(d["name"] for d in locked)
        return Verdict.passed((f"アクティビティログは不変（WORM、ロック済みポリシー）のストレージに書き込まれている: "
                               f"{names}",
                               f"the activity log is written to immutable storage (WORM, locked policy): {names}"),
                              destinations)
    unreadable = [d for d in destinations if d.get("kind") in ("storage", "event_hub") and d.get("unreadable")]
    if unreadable:
        return Verdict.unknown((
            "不変性の設定を読めない送信先がある: " + "; ".join(f"{d['name']}: {d['unreadable']}" for d in unreadable),
            "the immutability of some destinations cannot be read: "
            + "; ".join(f"{d['name']}: {_cause_en(d)}" for d in unreadable)), destinations)
    states = ", ".join(_immutability_state(d, "ja") for d in destinations)
    states_en = ", ".join(_immutability_state(d, "en") for d in destinations)
    return Verdict.failed((f"ロック済みの不変ストレージにアクティビティログを保存している送信先がない。"
                           f"送信先ごとの不変性: {states}",
                           f"no destination keeps the activity log in locked immutable storage."
                           f" Immutability by destination: {states_en}"), destinations)


def _immutability_state(destination: dict, lang: str) -> str:
    """``name = state``; a Log Analytics workspace says why it is not immutable (append-only, but purge erases)."""
    shown = f"{destination['name']} = {destination.get('immutability') or 'none'}"
    if destination.get("kind") != "workspace":
        return shown
    return shown + ("（Log Analytics は追記のみだが、purge でデータを消去できる）" if lang == "ja"
                    else " (Log Analytics is append-only, but a purge can erase its data)")


CHECKS: tuple[Check, ...] = table((
    ("azure.activitylog.exported", "logging.audit-trail", k.SUB_ACTIVITY_LOG,
     ("Microsoft.Insights/diagnosticSettings/read",),
     ("診断設定が Administrative カテゴリをエクスポート", "a diagnostic setting exports the Administrative category"),
     activity_log_exported, "アクティビティログの取得", "Activity log export"),
    ("azure.activitylog.retention_365", "logging.retention-1y", k.SUB_ACTIVITY_LOG,
     ("Microsoft.Insights/diagnosticSettings/read", "Microsoft.OperationalInsights/workspaces/read",
      "Microsoft.OperationalInsights/workspaces/tables/read",
      "Microsoft.Storage/storageAccounts/managementPolicies/read"),
     ("アクティビティログを 365 日以上保存", "activity log kept ≥ 365 days"), activity_log_retention,
     "アクティビティログの 1 年以上保存", "Activity log kept for a year or more"),
    ("azure.activitylog.immutable", "logging.integrity", k.SUB_ACTIVITY_LOG,
     ("Microsoft.Insights/diagnosticSettings/read", "Microsoft.Storage/storageAccounts/read",
      "Microsoft.Storage/storageAccounts/blobServices/containers/read"),
     ("ロック済みの不変ポリシーを持つコンテナーにアクティビティログを保存",
      "activity log in a container with a locked immutability policy"), activity_log_immutable,
     "アクティビティログの改ざん防止", "Activity log tamper protection"),
))
