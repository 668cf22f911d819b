"""The page's own words in both languages: headings, filters, buttons and hints (the rest come from
:mod:`reports.labels`, shared with the other reports)."""

from __future__ import annotations

from reports.labels import text

UI: dict[str, tuple[str, str]] = {
    "nav_summary": ("概要", "Summary"),
    "nav_changes": ("前回からの変化", "Changes since last run"),
    "nav_grid": ("統制 × クラウド", "Controls × clouds"),
    "nav_findings": ("検出結果", "Findings"),
    "nav_gaps": ("確認不能", "Could not read"),
    "run_info": ("実行情報", "Run information"),
    "status_counts": ("チェックリスト別の判定", "Status per checklist"),
    "item_count": ("項目数", "Items"),
    "gap_calls": ("読めなかった API 呼び出し", "Calls that could not be made"),
    "gap_details": ("読めなかったリソースの詳細", "Resource details that could not be read"),
    "details_intro": (
        "以下は一覧できたリソースの詳細で、追加の呼び出しに失敗して読めなかった項目です。"
        "その項目を使う判定は確認不能になります。",
        "Details of listed resources that a follow-up call could not read; the checks that need them are "
        "unknown.",
    ),
    "attribute": ("項目", "Detail"),
    "cause": ("理由", "Why"),
    "finding_totals": ("検出結果（リソース単位）", "Findings (per resource)"),
    "filter_status": ("判定", "Status"),
    "filter_section": ("区分", "Section"),
    "filter_cloud": ("クラウド", "Cloud"),
    "filter_control": ("統制", "Control"),
    "search": ("検索", "Search"),
    "search_placeholder": ("文字列で絞り込み（項目・根拠・リソース名など）", "Filter by text (item, basis, resource…)"),
    "all": ("すべて", "All"),
    "shown": ("表示", "shown"),
    "of": ("件中", "of"),
    "no": ("No", "No."),
    "section": ("区分", "Section"),
    "requirement": ("要件", "Requirement"),
    "level": ("要否", "Level"),
    "basis": ("備考（判定の根拠）", "Remarks (basis)"),
    "clouds": ("クラウド別", "Per cloud"),
    "details": ("詳細", "Details"),
    "rationale": ("判定の考え方", "How the controls answer the item"),
    "example": ("実施基準・実施例", "Criteria and examples"),
    "control_results": ("統制の判定", "Control results"),
    "item_findings": ("この項目の検出結果", "Findings for this item"),
    "no_findings": ("検出結果はありません。", "No findings."),
    "more_findings": ("ほか {n} 件は「検出結果」で絞り込んで確認できます。", "{n} more: filter the Findings section."),
    "observed_pretty": ("観測値（取得した値）", "Observed value"),
    "prev": ("前へ", "Previous"),
    "next": ("次へ", "Next"),
    "page": ("ページ", "page"),
    "noscript": (
        "検索・絞り込み・検出結果の一覧には JavaScript が必要です。判定表と根拠はそのまま読めます。",
        "Search, filters and the findings list need JavaScript; the matrix and its basis read without it.",
    ),
    "changes_since": ("前回の実行", "Previous run"),
    "new_failures": ("新たな不適合", "New failures"),
    "fixed": ("解消した不適合", "Fixed"),
    "still_failing": ("継続中の不適合", "Still failing"),
    "newly_unknown": ("新たに確認不能", "Newly unknown"),
    "resources_added": ("追加されたリソース", "Resources added"),
    "resources_removed": ("削除されたリソース", "Resources removed"),
    "item_changes": ("項目の判定の変化", "Item status changes"),
    "scope_changes": ("アカウント別の判定の変化", "Item status changes by account"),
    "scope_worse": ("悪化したアカウント別の項目", "Items worse in an account"),
    "scope_better": ("改善したアカウント別の項目", "Items better in an account"),
    "scope_new": ("前回なし", "not in the previous run"),
    "before": ("前回", "Before"),
    "after": ("今回", "Now"),
    "no_changes": ("前回からの変化はありません。", "Nothing changed since the previous run."),
    "regressed": ("悪化あり", "Regressions"),
    "not_regressed": ("悪化なし", "No regressions"),
    "gaps_intro": (
        "以下は権限不足などで読めなかったため判定できていません（適合としては扱いません）。"
        "「必要な権限」を監査用の ID に付与して再実行すると解消します。",
        "These could not be read, so they are not decided (never counted as a pass). Grant the permission to the "
        "auditing identity and run again.",
    ),
    "generated": ("作成", "Generated"),
    "legend": ("凡例", "Legend"),
    "checklist_version": ("版", "version"),
    "cl_source": ("出典", "source"),
    "open_all": ("すべて開く", "Expand all"),
    "close_all": ("すべて閉じる", "Collapse all"),
    "print": ("印刷", "Print"),
    "utc_hint": ("UTC はマウスを重ねると表示", "hover for UTC"),
}


def ui_texts(lang: str) -> dict[str, str]:
    index = 0 if lang == "ja" else 1
    texts = {key: pair[index] for key, pair in UI.items()}
    for key in ("findings_sheet", "gaps_sheet", "status", "control", "control_id", "check_id", "provider", "scope",
                "region", "resource_type", "resource_id", "resource_name", "reason", "observed", "expected",
                "source", "collected_jst", "collected_utc", "error_code", "message", "permission", "affected_types",
                "affected_controls", "kind", "target", "run_id", "started", "finished", "tool_version",
                "checklist", "profile", "identity", "scopes", "regions", "demo_banner", "report_title", "no_gaps",
                "gap_kind_call", "gap_kind_manual", "notes"):
        texts[key] = text(key, lang)
    return texts
