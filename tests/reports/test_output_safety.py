"""Renderers write only inside the folder they are handed, whatever the ids in the result say."""

from __future__ import annotations

from dataclasses import replace

from openpyxl import load_workbook

from tests.reports.conftest import RENDERERS
from tests.reports.sample import context_of, sample_result


def _tree(root):
    return set(root.rglob("*"))


def test_renderers_write_only_into_their_directory(catalogue, tmp_path):
    _, result = sample_result(catalogue)
    hostile = replace(result.checklists[0], checklist_id="../../evil/ext:service")
    result = replace(result, checklists=(hostile, *result.checklists[1:]))
    target = tmp_path / "nested" / "out"
    target.mkdir(parents=True)
    before = _tree(tmp_path)
    written = []
    for renderer in RENDERERS.values():
        written += renderer.render(context_of_known(catalogue, result), target)
    created = _tree(tmp_path) - before
    assert created == set(written)
    assert all(path.parent == target for path in written)
    assert (target / "evil_ext_service.xlsx") in written
    assert load_workbook(target / "evil_ext_service.xlsx").sheetnames[1:] == ["検出結果", "確認不能", "実行情報"]


def context_of_known(catalogue, result):
    """A context with the checklist data that is installed; an unknown id gets the bare sheet."""
    from auditor.plugins import ReportContext

    known = {c.checklist_id: catalogue.checklists[c.checklist_id] for c in result.checklists
             if c.checklist_id in catalogue.checklists}
    return ReportContext(result, catalogue.controls, known, "ja")


def test_rendering_twice_replaces_files_in_place(catalogue, tmp_path):
    _, result = sample_result(catalogue)
    context = context_of(catalogue, result)
    first = [p for r in RENDERERS.values() for p in r.render(context, tmp_path)]
    second = [p for r in RENDERERS.values() for p in r.render(context, tmp_path)]
    assert first == second
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in first)
