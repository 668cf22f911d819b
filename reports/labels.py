"""Words every report shares, in Japanese (default) and English: headers, status texts, cloud names, JST times.

Japanese is the language of the sheets a municipality receives; ``lang="en"`` gives English headers
and labels (the data itself — checklist texts, reasons written by the core — stays as recorded).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from auditor.model import JST
from auditor.status import Status

PROVIDER_NAMES = {"aws": "AWS", "azure": "Azure", "gcp": "Google Cloud"}

#: Sheet and report order of item statuses (worst first, then the organisational ones).
STATUS_ORDER = (
    Status.FAIL,
    Status.PARTIAL,
    Status.UNKNOWN,
    Status.MANUAL,
    Status.ATTESTED,
    Status.INHERITED,
    Status.PASS,
    Status.NOT_APPLICABLE,
)

#: Background colours (RGB hex) per status, shared by the workbook and the HTML report.
STATUS_COLOURS = {
    Status.PASS: "C6EFCE",
    Status.FAIL: "FFC7CE",
    Status.PARTIAL: "FFEB9C",
    Status.UNKNOWN: "E4DFEC",
    Status.MANUAL: "DDEBF7",
    Status.ATTESTED: "D9EAD3",
    Status.INHERITED: "EDEDED",
    Status.NOT_APPLICABLE: "F2F2F2",
}

TEXTS: dict[str, tuple[str, str]] = {
    "report_title": ("クラウド設定監査レポート", "Cloud configuration audit report"),
    "demo_banner": (
        "デモ（エミュレーター上の架空環境）— 実在の環境の監査結果ではない",
        "DEMO (fictitious estate on a local emulator) — not the audit of a real environment",
    ),
    "findings_sheet": ("検出結果", "Findings"),
    "gaps_sheet": ("確認不能", "Could not read"),
    "run_sheet": ("実行情報", "Run information"),
    "item_id": ("項目ID", "Item ID"),
    "remarks": ("備考", "Remarks"),
    "status": ("判定", "Status"),
    "control": ("統制", "Control"),
    "control_id": ("統制ID", "Control ID"),
    "check_id": ("チェックID", "Check ID"),
    "provider": ("クラウド", "Cloud"),
    "scope": ("スコープ", "Scope"),
    "region": ("リージョン", "Region"),
    "resource_type": ("リソース種別", "Resource type"),
    "resource_id": ("リソースID", "Resource ID"),
    "resource_name": ("リソース名", "Resource name"),
    "reason": ("理由", "Reason"),
    "observed": ("観測値", "Observed"),
    "expected": ("期待値", "Expected"),
    "source": ("取得元API", "Source API call"),
    "collected_jst": ("取得日時（JST）", "Collected (JST)"),
    "collected_utc": ("取得日時（UTC）", "Collected (UTC)"),
    "related_items": ("関連項目", "Related items"),
    "error_code": ("エラー", "Error"),
    "message": ("内容", "Message"),
    "permission": ("必要な権限（付与すると解消）", "Permission that would fix it"),
    "affected_types": ("読めなかったリソース種別", "Resource kinds left unread"),
    "affected_controls": ("影響する統制", "Controls affected"),
    "kind": ("種類", "Kind"),
    "gap_kind_call": ("API 呼び出し不可", "API call failed"),
    "gap_kind_manual": ("自動判定なし", "Not automated"),
    "gap_kind_detail": ("リソースの詳細を読めず", "Resource detail unread"),
    "resource": ("リソース", "Resource"),
    "attribute": ("読めなかった項目", "Detail not read"),
    "unreadable": ("読み取れなかったもの", "Not readable"),
    "no_gaps": (
        "確認不能の項目はない（すべての呼び出しが成功した）。",
        "Nothing was left unread (every call succeeded).",
    ),
    "target": ("監査対象", "Audited service"),
    "run_id": ("実行ID", "Run ID"),
    "started": ("開始", "Started"),
    "finished": ("終了", "Finished"),
    "tool_version": ("ツールのバージョン", "Tool version"),
    "checklist": ("チェックリスト", "Checklist"),
    "checklist_version": ("チェックリストのバージョン", "Checklist version"),
    "profile": ("監査プロファイル", "Audit profile"),
    "applied_column": ("適用した要否欄", "Level column applied"),
    "identity": ("監査に用いた ID", "Audited as"),
    "scopes": ("対象", "Scopes"),
    "regions": ("リージョン", "Regions"),
    "summary": ("集計", "Summary"),
    "legend": ("凡例", "Legend"),
    "yes": ("はい", "yes"),
    "no": ("いいえ", "no"),
    "demo": ("デモ", "Demo"),
    "none": ("なし", "none"),
    "count": ("件数", "Count"),
    "notes": ("注記（原表のとおり）", "Notes (as printed)"),
}

STATUS_MEANINGS: dict[Status, tuple[str, str]] = {
    Status.PASS: ("証跡により要件を満たすことを確認", "Evidence shows the requirement is met"),
    Status.FAIL: (
        "証跡（または申告）により要件を満たさないことを確認。他の対策・申告・適用除外では打ち消さない",
        "Evidence (or the answer) shows the requirement is not met; no other measure, answer or exemption hides it",
    ),
    Status.PARTIAL: (
        "一部適合（一部不適合）: いずれかの対策で要件を満たすが、他の対策に不適合がある（または申告が一部適合）",
        "Partly met: one of the alternative measures meets the item while another fails (or the answer is partial)",
    ),
    Status.UNKNOWN: ("権限不足等で読めず判定不能（適合ではない）", "Could not be read (never counted as a pass)"),
    Status.MANUAL: (
        "要確認: 申告と根拠資料が必要（組織的対策、または自動判定は項目の一部のみで、その部分に不適合はない）",
        "Needs an answer with documents (organisational, or the automated part covers only part and does not fail)",
    ),
    Status.ATTESTED: ("利用者の申告（根拠資料を明記）", "Answered by the user, with documents named"),
    Status.INHERITED: ("クラウド事業者の第三者認証を継承", "Inherited from the cloud provider's certification"),
    Status.NOT_APPLICABLE: (
        "対象外: 利用形態により適用されない、記載の条件で不要、または該当するものが存在しない",
        "Does not apply: not for this usage, exempted in writing, or nothing of the kind exists",
    ),
}

PROFILE_LABELS: dict[str, tuple[str, str]] = {
    "usage": ("利用形態", "Usage"),
    "ismap": ("ISMAP 登録", "ISMAP registration"),
    "role": ("立場", "Role"),
    "internet_pc": ("インターネットパソコン方式", "Internet PC method"),
    "confidentiality": ("取扱情報の機密性", "Confidentiality of the information"),
    "service_name": ("外部サービスの名称", "Service name"),
    "provider_name": ("提供者の名称", "Provider name"),
    "respondent": ("記入者", "Filled in by"),
}

PROFILE_VALUES: dict[str, tuple[str, str]] = {
    "cloud": ("クラウドサービス", "cloud service"),
    "datacenter": ("データセンター", "data centre"),
    "remote": ("リモート保守", "remote maintenance"),
    "registered": ("登録あり", "registered"),
    "unregistered": ("登録なし", "not registered"),
    "provider": ("外部サービス提供者", "service provider"),
    "implementer": ("導入事業者", "implementer"),
    "both": ("導入事業者・外部サービス提供者の両方", "implementer and service provider"),
    "2plus": ("自治体機密性2以上", "municipal class 2 or above"),
    "below": ("自治体機密性2未満", "below municipal class 2"),
    "yes": ("あり", "yes"),
    "no": ("なし", "no"),
}


def text(key: str, lang: str) -> str:
    ja, en = TEXTS[key]
    return ja if lang == "ja" else en


def status_text(status: Status, lang: str) -> str:
    """The answer-cell text: ``○ 適合`` in Japanese, ``○ Pass`` in English."""
    if lang == "ja":
        return status.sheet_value
    symbol = status.symbol
    return f"{symbol} {status.label_en}" if symbol != status.label_ja else status.label_en


def status_values(lang: str) -> list[str]:
    """Every answer-cell text in sheet order (the drop-down list)."""
    order = (
        Status.PASS, Status.FAIL, Status.PARTIAL, Status.UNKNOWN,
        Status.MANUAL, Status.ATTESTED, Status.INHERITED, Status.NOT_APPLICABLE,
    )
    return [status_text(s, lang) for s in order]


def status_meaning(status: Status, lang: str) -> str:
    ja, en = STATUS_MEANINGS[status]
    return ja if lang == "ja" else en


def provider_name(provider: str) -> str:
    return PROVIDER_NAMES.get(provider, provider)


def provider_origin(provider: str, third_party: Mapping[str, str], lang: str) -> str:
    """A cloud's name in the run information, saying when its adapter came from another package."""
    origin = third_party.get(provider)
    if not origin:
        return provider_name(provider)
    return (f"{provider_name(provider)}（外部パッケージ {origin} のプロバイダー）" if lang == "ja"
            else f"{provider_name(provider)} (provider from the third-party package {origin})")


def profile_text(profile: Mapping[str, str], lang: str) -> str:
    """``利用形態: クラウドサービス（usage=cloud）、…`` from the recorded profile values."""
    parts = []
    for key, value in profile.items():
        label = PROFILE_LABELS.get(key, (key, key))[0 if lang == "ja" else 1]
        shown = PROFILE_VALUES.get(value, (value, value))[0 if lang == "ja" else 1]
        parts.append(f"{label}: {shown}（{key}={value}）" if lang == "ja" else f"{label}: {shown} ({key}={value})")
    return "、".join(parts) if lang == "ja" else "; ".join(parts)


def jst(moment: datetime) -> str:
    """``2026-11-01 09:00:00 JST``."""
    return moment.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S JST")


def utc(moment: datetime) -> str:
    """``2026-11-01T00:00:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
