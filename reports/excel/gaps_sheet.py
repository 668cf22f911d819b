"""The 確認不能 sheet: every call that could not be made, with the permission that would fix it, the
details of listed resources that a follow-up call could not read (with the cause, as report.html lists
them, :mod:`auditor.unreadable`), and the controls no check decides on a cloud."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from auditor.plugins import ReportContext
from auditor.unreadable import summary_text, unreadable_of
from reports.excel.sheet_writer import listing_sheet
from reports.labels import jst, provider_name, text
from reports.remarks import gap_controls, not_automated

#: The columns a printed page shows, then (outside the print area) scope, resource kinds, error and time.
PRINTED_COLUMNS = (
    ("kind", 12), ("provider", 9), ("region", 12), ("source", 22), ("resource", 16), ("attribute", 14),
    ("message", 36), ("permission", 24), ("affected_controls", 16),
)
GAP_COLUMNS = (*PRINTED_COLUMNS, ("scope", 14), ("affected_types", 18), ("error_code", 12), ("collected_jst", 12))


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
            text("gap_kind_call", lang), provider_name(gap.provider), gap.region, gap.source, "", "",
            gap.message_in(lang), gap.permission, ", ".join(controls), gap.scope, ", ".join(gap.resource_types),
            gap.error_code, jst(gap.collected_at),
        ])
    for detail in unreadable.details:
        writer.plain([
            text("gap_kind_detail", lang), provider_name(detail.provider), detail.region, detail.source,
            detail.resource_name or detail.resource_id, detail.attribute, detail.cause_in(lang), "", "",
            detail.scope, detail.resource_type, "", "",
        ])
    for control in manual:
        writer.plain([
            text("gap_kind_manual", lang), provider_name(control.provider), "", "", "", "", control.reason_in(lang),
            "", control.control_id, "", "", "", "",
        ])
    if not context.result.gaps and not manual and not unreadable.details:
        writer.append([writer.cell(text("no_gaps", lang))])
    writer.filter_and_finish(header_row, writer.rows)
    writer.sheet.print_area = f"A1:{get_column_letter(len(PRINTED_COLUMNS))}{max(writer.rows, header_row)}"
