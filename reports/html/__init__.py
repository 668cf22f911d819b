"""``report.html``: one self-contained page (inline CSS and JS, no network) for the city and the vendor.

Sections: run information, summary (status counts per checklist, control × cloud grid), what changed
since the previous run (when one is given), the matrix of each checklist with filters and search and a
drill-down from each item to its findings and from each finding to its observed values, all findings,
and everything that could not be read: the calls with the permission that would fix each, and the details of
listed resources that a follow-up call could not read (counted as the terminal summary counts them,
:mod:`auditor.unreadable`).

This module renders the page; the view it renders is built apart, by part: :mod:`~reports.html.view` the
whole page (run information, summary, control × cloud grid, the findings as data),
:mod:`~reports.html.checklist_view` each checklist's matrix and per-account table,
:mod:`~reports.html.changes_view` what changed, :mod:`~reports.html.gaps_view` what could not be read;
:mod:`~reports.html.texts` holds the page's own words and :mod:`~reports.html.values` the small values
they share.

Jinja2 autoescapes every value; the findings travel as JSON inside a non-executable script element and
the page's own script builds their rows with ``textContent`` only, so no resource name or observed
value can ever become markup. A Content-Security-Policy with a per-render nonce lets only the page's
own script run and forbids every network fetch.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from auditor.plugins import ContentPiece, ReportContext
from reports.content import html_content
from reports.html.view import build_view

FILE_NAME = "report.html"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _asset(name: str) -> str:
    return resources.files("reports").joinpath(f"static/{name}").read_text(encoding="utf-8")


def render_html(context: ReportContext) -> str:
    view = build_view(context)
    template = _environment().get_template("report.html.j2")
    return template.render(**view, css=_asset("report.css"), js=_asset("report.js"), nonce=secrets.token_urlsafe(16))


@dataclass(frozen=True)
class HtmlRenderer:
    name: str = "html"

    def render(self, context: ReportContext, directory: Path) -> list[Path]:
        target = directory / FILE_NAME
        target.write_text(render_html(context), encoding="utf-8")
        return [target]

    def read_content(self, path: Path) -> list[ContentPiece]:
        return html_content(path)


renderer = HtmlRenderer()
