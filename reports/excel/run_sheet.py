"""The 実行情報 sheet: who audited what, when (JST with UTC), with which tool and checklist versions and
profile, the counts, and the legend of the status marks."""

from __future__ import annotations

from collections import Counter

from openpyxl import Workbook

from auditor.checklists import Checklist
from auditor.model import ChecklistResult
from auditor.plugins import ReportContext
from auditor.redaction import redact
from auditor.status import Status
from auditor.unreadable import summary_text, unreadable_of
from reports import printing
from reports.excel.checklist_sheet import status_summary
from reports.excel.sheet_names import safe_sheet_title
from reports.excel.sheet_writer import SheetWriter
from reports.excel.styles import BOLD, BORDER, STATUS_FILLS, WRAP
from reports.labels import jst, profile_text, provider_origin, status_meaning, status_text, text, utc


def write_run_sheet(workbook: Workbook, context: ReportContext, checklist: Checklist, result: ChecklistResult,
                    used: set[str]) -> None:
    lang, run = context.lang, context.result.run
    writer = SheetWriter(workbook, safe_sheet_title(text("run_sheet", lang), used), [30, 100], None)
    writer.title_rows(context, text("run_sheet", lang))
    printing.repeat_rows(writer.sheet, 1, writer.rows)
    writer.append([])

    def row(label: str, value: str) -> None:
        writer.sized([writer.cell(label, font=BOLD, alignment=WRAP, border=BORDER),
                      writer.cell(value, alignment=WRAP, border=BORDER)])

    row(text("target", lang), run.target or "-")
    row(text("demo", lang), text("yes", lang) if run.demo else text("no", lang))
    row(text("run_id", lang), run.run_id)
    row(text("started", lang), f"{jst(run.started_at)}  (UTC {utc(run.started_at)})")
    row(text("finished", lang), f"{jst(run.finished_at)}  (UTC {utc(run.finished_at)})")
    row(text("tool_version", lang), run.tool_version)
    row(text("checklist", lang), f"{checklist.title} ({checklist.id})")
    row(text("checklist_version", lang), result.version or checklist.version or "-")
    if checklist.source:
        row("出典" if lang == "ja" else "Source", checklist.source)
    row(text("profile", lang), profile_text(run.profile, lang) or "-")
    for scope in run.providers:
        row(text("provider", lang), provider_origin(scope.provider, run.third_party_providers, lang))
        row(f"  {text('scopes', lang)}", ", ".join(scope.scopes) or "-")
        identity = "\n".join(f"{k}: {v}" for k, v in redact(dict(scope.identity)).items())
        row(f"  {text('identity', lang)}", identity or "-")
        row(f"  {text('regions', lang)}", ", ".join(scope.regions) or "-")
    row(text("summary", lang), status_summary(result.items, lang))
    row(text("findings_sheet", lang), _finding_counts(context, lang))
    row(text("unreadable", lang), summary_text(unreadable_of(context.result.gaps, context.unreadable), lang))
    writer.append([])
    writer.append([writer.cell(text("legend", lang), font=BOLD)])
    for status in (Status.PASS, Status.FAIL, Status.PARTIAL, Status.UNKNOWN, Status.MANUAL, Status.ATTESTED,
                   Status.INHERITED, Status.NOT_APPLICABLE):
        writer.append([
            writer.cell(status_text(status, lang), fill=STATUS_FILLS[status], font=BOLD, border=BORDER),
            writer.cell(status_meaning(status, lang), border=BORDER),
        ])


def _finding_counts(context: ReportContext, lang: str) -> str:
    counts = Counter(f.status for f in context.result.findings)
    order = (Status.PASS, Status.FAIL, Status.UNKNOWN, Status.NOT_APPLICABLE)
    joiner = "、" if lang == "ja" else ", "
    return joiner.join(f"{status_text(s, lang)} {counts[s]}" for s in order)
