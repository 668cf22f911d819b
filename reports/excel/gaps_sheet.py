"""The 確認不能 sheet: every call that could not be made, with the permission that would fix it, the
details of listed resources that a follow-up call could not read (with the cause, as report.html lists
them, :mod:`auditor.unreadable`), and the controls no check decides on a cloud."""

from __future__ import annotations

from openpyxl import Workbook

from auditor.plugins import ReportContext
from auditor.unreadable import summary_text, unreadable_of
from reports.excel.sheet_writer import listing_sheet
from reports.labels import jst, provider_name, text
from reports.remarks import gap_controls, not_automated

GAP_COLUMNS = (
    ("kind", 12), ("provider", 9), ("scope", 14), ("region", 12), ("source", 22), ("affected_types", 18),
    ("resource", 16), ("attribute", 14), ("error_code", 12), ("message", 36), ("permission", 24),
    ("affected_controls", 16), ("collected_jst", 12),
)


def write_gaps_sheet(workbook: Workbook, context: ReportContext, used: set[str]) -> None:
    lang = context.lang
    title = text("gaps_sheet", lang)
    manual = not_automated(context.result)
    unreadable = unreadable_of(context.result.gaps, context.unreadable)
    lines = [
        ("読めなかった API 呼び出しと付与すれば読めるようになる権限、および追加の呼び出しに失敗して読めなかった"
         "リソースの詳細とその理由。確認不能は適合として扱わない。"
         if lang == "ja" else
         "Calls that could not be made, with the permission that would let the tool read them, and details of "
         "listed resources that a follow-up call could not read, with the cause. Unknown is never counted as a "
         "pass."),
        summary_text(unreadable, lang),
    ]
    writer, header_row = listing_sheet(workbook, context, title, lines, GAP_COLUMNS, used)
    affected = gap_controls(context.result)
    for gap in context.result.gaps:
        controls = affected.get((gap.provider, gap.scope, gap.region, gap.source), [])
        writer.plain([
            text("gap_kind_call", lang), provider_name(gap.provider), gap.scope, gap.region, gap.source,
            ", ".join(gap.resource_types), "", "", gap.error_code, gap.message_in(lang), gap.permission,
            ", ".join(controls), jst(gap.collected_at),
        ])
    for detail in unreadable.details:
        writer.plain([
            text("gap_kind_detail", lang), provider_name(detail.provider), detail.scope, detail.region, detail.source,
            detail.resource_type, detail.resource_name or detail.resource_id, detail.attribute, "",
            detail.cause_in(lang), "", "", "",
        ])
    for control in manual:
        writer.plain([
            text("gap_kind_manual", lang), provider_name(control.provider), "", "", "", "", "", "", "",
            control.reason_in(lang), "", control.control_id, "",
        ])
    if not context.result.gaps and not manual and not unreadable.details:
        writer.append([writer.cell(text("no_gaps", lang))])
    writer.filter_and_finish(header_row, writer.rows)
