"""report.html as text: self-contained, escaped, with every section a reader needs."""

from __future__ import annotations

import json
import re
from html import escape

from auditor.status import Status
from auditor.unreadable import counted
from reports.html import render_html
from tests.reports.sample import XSS_NAME, context_of, sample_result


def test_self_contained_and_offline(written):
    _, directory, _ = written
    html = (directory / "report.html").read_text(encoding="utf-8")
    assert "<link" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "no external resource may be referenced"
    assert "default-src 'none'" in html
    nonce = re.search(r"script-src 'nonce-([^']+)'", html).group(1)
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts == [' type="application/json" id="report-data"', f' nonce="{nonce}"']


def test_untrusted_names_are_escaped(written):
    _, directory, _ = written
    html = (directory / "report.html").read_text(encoding="utf-8")
    assert XSS_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    payload = html.split('id="report-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in payload, "the embedded JSON must not be able to close its script element"
    data = json.loads(payload)
    assert XSS_NAME in [f[data["fields"].index("resource_name")] for f in data["findings"]]


def test_summary_matrix_gaps_and_times(written):
    _, directory, results = written
    html = (directory / "report.html").read_text(encoding="utf-8")
    for checklist in results["checklists"]:
        assert f'data-checklist="{checklist["id"]}"' in html
    total = sum(len(c["items"]) for c in results["checklists"])
    assert html.count('<tr class="item ') == total == html.count('<tr class="detail" hidden')
    started = '<time datetime="2026-11-01T00:30:00Z" title="UTC 2026-11-01T00:30:00Z">2026-11-01 09:30:00 JST</time>'
    assert started in html
    assert "guardduty:ListDetectors" in html and "必要な権限（付与すると解消）" in html
    assert "統制 × クラウド" in html and "データの国内保存" in html
    assert "前回からの変化" not in html.split("<main", 1)[1].split('id="summary"', 1)[0]
    assert 'id="changes"' not in html
    assert 'id="demo-banner"' not in html
    for status in Status:
        assert status.sheet_value in html


def test_demo_banner_and_english(written_demo_en):
    _, directory, _ = written_demo_en
    html = (directory / "report.html").read_text(encoding="utf-8")
    assert 'id="demo-banner"' in html and "DEMO (fictitious estate on a local emulator)" in html
    assert '<html lang="en">' in html and "Cloud configuration audit report" in html


def test_changes_section_when_a_previous_run_is_given(catalogue):
    from dataclasses import replace

    from tests.reports.sample import sample_evidence

    _, previous = sample_result(catalogue)
    fixed = tuple(replace(r, attributes={**r.attributes, "encrypted": True}) if r.resource_id == "vol-0bbb" else r
                  for r in sample_evidence())
    _, current = sample_result(catalogue, evidence=fixed)
    html = render_html(context_of(catalogue, current, previous=previous))
    assert 'id="changes"' in html and "前回からの変化" in html
    section = html.split('id="changes"', 1)[1].split("</section>", 1)[0]
    assert "解消した不適合" in section and "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert 'id="changes-fixed"' in section and 'id="changes-new_failures"' not in section


def _section(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def test_the_summary_counts_unreadable_calls_and_details_as_the_terminal_does_and_lists_the_details(written):
    _, directory, results = written
    html = (directory / "report.html").read_text(encoding="utf-8")
    calls = len(results["gaps"])
    summary = _section(html, 'id="summary"', "</section>")
    # the terminal's sentence (tests/core/test_summary.py), word for word
    assert (f"読み取れなかったもの: 一覧・設定の呼び出し {calls} 件、"
            "リソースの詳細 1 項目（1 リソース、追加の呼び出しに失敗）") in summary
    assert re.search(r'href="#unreadable-details"><span class="total-n">1</span><span class="total-label">'
                     r"読めなかったリソースの詳細</span>", summary)
    details = _section(html, 'id="unreadable-details"', "</table>")
    rows = re.findall(r"<tr><td>(.*?)</tr>", details, flags=re.DOTALL)
    assert len(rows) == 1
    assert "<code>root_mfa</code>" in rows[0] and "iam:GetAccountSummary was denied (AccessDenied)" in rows[0]
    assert "111122223333" in rows[0] and "<code>iam:GetAccountSummary</code>" in rows[0]
    # the section's count is every row it lists: calls, controls not automated, details
    gaps = _section(html, '<section id="gaps">', "</section>")
    listed = int(re.search(r"\((\d+)\)</span></h2>", gaps)[1])
    assert listed == gaps.count("<tr><td>") > calls + 1


def test_unreadable_details_in_english_with_the_cause_the_adapter_worded(catalogue):
    from dataclasses import replace

    from auditor.unreadable import unreadable_details
    from tests.reports.sample import ev, sample_evidence

    evidence = (*sample_evidence(),
                ev("aws", "111122223333", "ap-northeast-1", "aws.s3.bucket", "logs-2", "logs-2",
                   unreadable={"encryption": ("暗号化の設定を読めなかった", "the encryption setting could not be read"),
                               "versioning": ("バージョニングを読めなかった", "versioning could not be read")}))
    _, result = sample_result(catalogue, evidence=evidence)
    context = replace(context_of(catalogue, result, lang="en"), unreadable=unreadable_details(evidence))
    html = render_html(context)
    calls = counted(len(result.gaps), "call")
    assert (f"Not readable: {calls} (listings or settings), 3 details of 2 resources (follow-up calls failed)"
            in _section(html, 'id="summary"', "</section>"))
    details = _section(html, 'id="unreadable-details"', "</table>")
    assert "the encryption setting could not be read" in details and "versioning could not be read" in details
    assert "暗号化" not in details and details.count("<tr><td>") == 3
    assert "Resource details that could not be read" in html
    nothing = render_html(context_of(catalogue, result, lang="en"))
    assert 'id="unreadable-details"' not in nothing
    assert f"Not readable: {calls} (listings or settings), 0 details of 0 resources" in nothing


def test_a_declared_ismap_registration_the_answers_do_not_bear_out_is_shown_as_on_the_sheets(catalogue):
    """ismap=registered while 001 1.1 and 000 30 are not answered: the summary and each checklist's section
    carry the same warning lines the sheets print (:func:`auditor.profile_checks.profile_conflicts`)."""
    from auditor.checklists import Profile
    from auditor.profile_checks import profile_conflicts
    from auditor.run import evaluate
    from tests.reports.sample import sample_attestations, sample_collected

    result = evaluate(catalogue, sample_collected(), list(catalogue.checklists.values()),
                      Profile.from_options(["ismap=registered"]), sample_attestations())
    for lang in ("ja", "en"):
        html = render_html(context_of(catalogue, result, lang))
        conflicts = profile_conflicts(result, catalogue.checklists)
        assert {c.checklist_id for c in conflicts} == {"cloud-service-requirements", "ext-service-requirements"}
        summary = _section(html, 'id="profile-warnings"', "</div>")
        sections = {m.group(1): m.group(2) for m in re.finditer(
            r'data-checklist="([^"]+)">(.*?)</section>', html, re.S)}
        for conflict in conflicts:
            line = escape(conflict.text(lang))
            assert line in summary
            assert line in sections[conflict.checklist_id]
        assert "ismap=registered" not in sections["usage-decision-criteria"].split('class="filters"')[0]
    plain = render_html(context_of(catalogue, sample_result(catalogue)[1]))
    assert 'id="profile-warnings"' not in plain
