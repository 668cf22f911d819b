"""「前回からの変化」: the run diff over two runs decided by the real core, as the HTML report shows it."""

from __future__ import annotations

from dataclasses import replace

from auditor.checklists import Profile
from auditor.history.diff import diff_runs, diff_to_dict, resource_of
from auditor.plugins import ReportContext
from auditor.run import Collected, evaluate, load_catalogue
from auditor.status import Status
from reports.html import render_html
from tests.history import estate
from tests.reports.sample import ev, sample_attestations, sample_collected, sample_evidence, sample_gaps


def decide(catalogue, evidence, gaps=None):
    base = sample_collected(evidence=evidence)
    collected = Collected(base.run, evidence, sample_gaps() if gaps is None else gaps)
    return evaluate(catalogue, collected, list(catalogue.checklists.values()), Profile(), sample_attestations())


def test_new_fixed_still_unknown_added_removed(catalogue):
    before_evidence = sample_evidence()
    previous = decide(catalogue, before_evidence, gaps=())
    now_evidence = []
    for record in before_evidence:
        if record.resource_id == "vol-0bbb":
            record = replace(record, attributes={**record.attributes, "encrypted": True})  # fixed
        if record.resource_id == "vol-0ccc":
            continue  # removed
        now_evidence.append(record)
    now_evidence.append(ev("aws", "111122223333", "ap-northeast-1", "aws.ec2.volume", "vol-0new", "new-disk",
                           encrypted=False))
    current = decide(catalogue, tuple(now_evidence))
    changes = diff_runs(previous, current)

    assert [f.resource_id for f in changes.new_failures] == ["vol-0new"]
    # fixed: the volume now encrypted, and the failing volume that was deleted
    assert [(b.status, b.resource_id) for b in changes.fixed] == [(Status.FAIL, "vol-0bbb"), (Status.FAIL, "vol-0ccc")]
    assert {f.resource_id for f in changes.still_failing} == {"backup-us", "/subscriptions/sub-0001/st2"}
    assert [f.resource_id for f in changes.newly_unknown] == ["*guardduty:ListDetectors"]
    assert {resource_of(f)[4] for f in changes.resources_added} == {"vol-0new"}
    assert {resource_of(f)[4] for f in changes.resources_removed} == {"vol-0ccc"}
    assert changes.regressed
    item_changes = {(c.checklist_id, c.item_id): (c.before, c.after) for c in changes.item_changes}
    assert item_changes[("ext-service-requirements", "33")] == (Status.MANUAL, Status.UNKNOWN)


def test_same_run_twice_has_no_changes(catalogue):
    first = decide(catalogue, sample_evidence())
    second = decide(catalogue, sample_evidence())
    changes = diff_runs(first, second)
    assert not (changes.new_failures or changes.fixed or changes.newly_unknown or changes.item_changes)
    assert not (changes.resources_added or changes.resources_removed) and not changes.regressed
    assert len(changes.still_failing) == sum(1 for f in second.findings if f.status is Status.FAIL)


def test_improvement_is_not_a_regression(catalogue):
    previous = decide(catalogue, sample_evidence())
    fixed = tuple(
        replace(r, attributes={**r.attributes, "encrypted": True}) if r.resource_type == "aws.ec2.volume" else r
        for r in sample_evidence()
    )
    current = decide(catalogue, fixed)
    changes = diff_runs(previous, current)
    assert not changes.new_failures and not changes.newly_unknown
    assert {b.resource_id for b in changes.fixed} == {"vol-0bbb", "vol-0ccc"}
    assert all(not c.worse for c in changes.item_changes)
    assert not changes.regressed


def _account_changes(html: str) -> list[list[str]]:
    """The cells of each row of the per-account table of the changes section, tags stripped."""
    import re

    section = html.split('id="changes-scope_changes"', 1)[1].split("</details>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body)]


def test_the_html_changes_name_the_account_that_newly_fails_and_the_one_fixed_in_both_languages():
    catalogue = estate.catalogue(load_catalogue())
    january, february = estate.org_months(catalogue)

    def render(previous, current, lang):
        used = {c.checklist_id: catalogue.checklists[c.checklist_id] for c in current.checklists}
        return render_html(ReportContext(current, catalogue.controls, used, lang, previous))

    diff = diff_to_dict(diff_runs(january, february, catalogue.checklists, catalogue.controls))
    worse_ja = _account_changes(render(january, february, "ja"))
    # the same rows as the diff's scope_changes, nothing recomputed: one row per change, the account named
    assert len(worse_ja) == len(diff["scope_changes"]) >= 1
    row = next(r for r in worse_ja if r[2] == "ext-service-requirements" and r[3] == "34")
    assert row[:2] == ["AWS", estate.OTHER] and row[4:] == ["○ 適合", "× 不適合"]
    assert all(r[1] == estate.OTHER for r in worse_ja)
    html_ja = render(january, february, "ja")
    assert "アカウント別の判定の変化" in html_ja and f"悪化したアカウント別の項目 {len(worse_ja)}" in html_ja
    assert "悪化あり" in html_ja
    better_en = render(february, january, "en")
    assert "Item status changes by account" in better_en and "Items better in an account" in better_en
    row = next(r for r in _account_changes(better_en) if r[3] == "34")
    assert row[1] == estate.OTHER and row[4:] == ["× Fail", "○ Pass"]
    single = render(estate.january(catalogue), estate.february(catalogue), "en")
    assert 'id="changes-scope_changes"' not in single
