"""The 確認不能 sheet: every call that could not be made, with the permission that would fix it, and the
controls no check decides on a cloud."""

from __future__ import annotations

from openpyxl import Workbook

from auditor.plugins import ReportContext
from reports.excel.sheet_writer import listing_sheet
from reports.labels import jst, provider_name, text
from reports.remarks import gap_controls, not_automated

GAP_COLUMNS = (
    ("kind", 16), ("provider", 12), ("scope", 16), ("region", 15), ("source", 30), ("affected_types", 28),
    ("error_code", 18), ("message", 48), ("permission", 40), ("affected_controls", 30), ("collected_jst", 22),
)


def write_gaps_sheet(workbook: Workbook, context: ReportContext, used: set[str]) -> None:
    lang = context.lang
    title = text("gaps_sheet", lang)
    manual = not_automated(context.result)
    lines = [
        ("読めなかった API 呼び出しと、付与すれば読めるようになる権限。確認不能は適合として扱いません。"
         if lang == "ja" else
         "Calls that could not be made, and the permission that would let the tool read them. "
         "Unknown is never counted as a pass.")
    ]
    writer, header_row = listing_sheet(workbook, context, title, lines, GAP_COLUMNS, used)
    affected = gap_controls(context.result)
    for gap in context.result.gaps:
        controls = affected.get((gap.provider, gap.scope, gap.region, gap.source), [])
        writer.plain([
            text("gap_kind_call", lang), provider_name(gap.provider), gap.scope, gap.region, gap.source,
            ", ".join(gap.resource_types), gap.error_code, gap.message_in(lang), gap.permission, ", ".join(controls),
            jst(gap.collected_at),
        ])
    for control in manual:
        writer.plain([
            text("gap_kind_manual", lang), provider_name(control.provider), "", "", "", "", "", control.reason_in(lang),
            "", control.control_id, "",
        ])
    if not context.result.gaps and not manual:
        writer.append([writer.cell(text("no_gaps", lang))])
    writer.filter_and_finish(header_row, writer.rows)
