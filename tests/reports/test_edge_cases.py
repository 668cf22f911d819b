"""Runs at the edges: nothing found, nothing readable — every format still renders and says so."""

from __future__ import annotations

from openpyxl import load_workbook

from auditor.checklists import Profile
from auditor.run import Collected, evaluate
from auditor.status import Status
from tests.reports.conftest import RENDERERS
from tests.reports.sample import context_of, sample_collected, sample_gaps
from tests.reports.sheets import header_paths, table


def _render(catalogue, tmp_path, evidence, gaps):
    base = sample_collected()
    result = evaluate(catalogue, Collected(base.run, evidence, gaps), list(catalogue.checklists.values()),
                      Profile(), {})
    context = context_of(catalogue, result)
    written = [p for r in RENDERERS.values() for p in r.render(context, tmp_path)]
    return result, written


def test_empty_estate_renders_every_format(catalogue, tmp_path):
    result, written = _render(catalogue, tmp_path, (), ())
    assert not result.findings
    assert {p.name for p in written} >= {"report.html", "findings.csv", "ext-service-requirements.xlsx"}
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "(0)" in html
    assert (tmp_path / "findings.csv").read_text(encoding="utf-8-sig").count("\n") == 1
    gaps = load_workbook(tmp_path / "ext-service-requirements.xlsx")["確認不能"]
    texts = [c for row in gaps.iter_rows(values_only=True) for c in row if c]
    assert "自動判定なし" in texts, "controls no check decides are still listed"


def test_everything_denied_is_unknown_never_a_pass(catalogue, tmp_path):
    result, _ = _render(catalogue, tmp_path, (), sample_gaps())
    unknown = [f for f in result.findings if f.status is Status.UNKNOWN]
    assert unknown and all(f.status is not Status.PASS for f in result.findings)
    sheet = load_workbook(tmp_path / "ext-service-requirements.xlsx").worksheets[0]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "○ 適合" not in values[values.index("項目ID") + 1:]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "guardduty:ListDetectors" in html


def test_english_selection_criteria_headers(catalogue, tmp_path):
    base = sample_collected()
    result = evaluate(catalogue, base, [catalogue.checklists["ext-service-selection-criteria"]],
                      Profile.from_options(["role=implementer", "ismap=registered"]), {})
    RENDERERS["xlsx"].render(context_of(catalogue, result, "en"), tmp_path)
    sheet = load_workbook(tmp_path / "ext-service-selection-criteria.xlsx").worksheets[0]
    paths = header_paths(sheet)
    assert paths[0] == ("No.",)
    implementer, provider = paths.index(("Check", "Implementer")), paths.index(("Check", "Service provider"))
    assert paths[4:8] == [
        ("Required / recommended", "ISMAP-registered service (incl. Government Cloud, LGWAN-ASP)", "Implementer"),
        ("Required / recommended", "ISMAP-registered service (incl. Government Cloud, LGWAN-ASP)", "Service provider"),
        ("Required / recommended", "External service not registered in ISMAP", "Implementer"),
        ("Required / recommended", "External service not registered in ISMAP", "Service provider"),
    ]
    _, _, body = table(sheet)
    assert all(r[implementer] for r in body) and not any(r[provider] for r in body)
    rows = list(sheet.iter_rows(values_only=True))
    assert any("ISMAP-registered service (incl. Government Cloud, LGWAN-ASP) – Implementer" in str(line[0])
               for line in rows[:12] if line and line[0])
