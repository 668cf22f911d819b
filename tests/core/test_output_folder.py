"""The output folder as a user sees it: one run's reports at a time, nothing half-written, nothing left behind.

``--force`` replaces an earlier report folder as a whole; an error, Ctrl-C or a kill while publishing
leaves the previous reports intact; staging folders (with the unredacted snapshot) never stay behind;
a failed audit creates no folder; a full disk is one clear line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import auditor.output
from auditor.errors import AuditorError
from auditor.run import Catalogue
from tests.core.english_cli import invoke_english, one_line_error
from tests.core.fake_provider import disk


@dataclass(frozen=True)
class BrokenRenderer:
    """A report format whose renderer fails half-way, after writing a partial file."""

    error: BaseException
    name: str = "broken"

    def render(self, context, directory: Path) -> list[Path]:
        (directory / "partial.html").write_text("<html>", encoding="utf-8")
        raise self.error


@pytest.fixture
def full(installed, fake) -> Catalogue:
    """The fake provider with every installed report format."""
    return Catalogue(installed.controls, installed.checklists, {"fake": fake}, dict(installed.renderers))


@pytest.fixture
def run(full, fake):
    fake.evidence = [disk("web-1", True)]

    def invoke(*args: str, catalogue: Catalogue | None = None):
        return invoke_english(catalogue or full, *args)

    return invoke


def audit(run, out: Path, *extra: str, **kwargs):
    return run("audit", "--provider", "fake", "--output", str(out), *extra, **kwargs)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "auditor-" in p.name)


def test_force_replaces_the_previous_reports_as_a_whole(run, tmp_path):
    out = tmp_path / "out"
    assert audit(run, out).exit_code == 0
    assert {"report.html", "findings.csv", "results.json"} <= {p.name for p in out.iterdir()}
    assert any(p.suffix == ".xlsx" for p in out.iterdir())
    assert audit(run, out, "--format", "json", "--force").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["results.json", "snapshot.json"]
    assert leftovers(tmp_path) == []


def test_force_never_replaces_a_folder_of_other_files(run, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.docx").write_text("years of work", encoding="utf-8")
    line = one_line_error(audit(run, home, "--force"))
    assert "thesis.docx" in line and "results.json" in line
    assert [p.name for p in home.iterdir()] == ["thesis.docx"]


def test_a_failed_audit_creates_no_folder(run, fake, tmp_path, monkeypatch):
    def denied(_request):
        raise AuditorError("raw", ja="認証情報がありません", en="no credentials")

    monkeypatch.setattr(fake, "collect", denied)
    out = tmp_path / "a" / "b" / "out"
    assert one_line_error(audit(run, out)) == "Error: no credentials"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("error, message", [
    (RuntimeError("renderer bug"), "renderer bug"),
    (KeyboardInterrupt(), "Interrupted"),
])
def test_an_error_or_ctrl_c_while_rendering_leaves_the_previous_reports(run, full, tmp_path, error, message):
    out = tmp_path / "out"
    assert audit(run, out, "--format", "json").exit_code == 0
    before = (out / "results.json").read_text(encoding="utf-8")
    renderers = {**full.renderers, "broken": BrokenRenderer(error)}
    broken = Catalogue(full.controls, full.checklists, full.providers, renderers)
    line = one_line_error(audit(run, out, "--format", "csv,broken", "--force", catalogue=broken))
    assert message in line
    assert sorted(p.name for p in out.iterdir()) == ["results.json", "snapshot.json"]
    assert (out / "results.json").read_text(encoding="utf-8") == before
    assert leftovers(tmp_path) == []
    fresh = tmp_path / "new" / "out"
    one_line_error(audit(run, fresh, "--format", "broken", catalogue=broken))
    assert not (tmp_path / "new").exists()


def test_ctrl_c_between_the_two_renames_puts_the_previous_folder_back(run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert audit(run, out, "--format", "json").exit_code == 0
    before = json.loads((out / "results.json").read_text(encoding="utf-8"))["run"]["id"]
    real_rename = os.rename
    calls = []

    def interrupted(source, target):
        calls.append((Path(source).name, Path(target).name))
        if len(calls) == 2:  # the previous folder is aside; the new one is about to move in
            raise KeyboardInterrupt
        real_rename(source, target)

    monkeypatch.setattr(auditor.output.os, "rename", interrupted)
    assert "Interrupted" in one_line_error(audit(run, out, "--force"))
    monkeypatch.setattr(auditor.output.os, "rename", real_rename)
    assert json.loads((out / "results.json").read_text(encoding="utf-8"))["run"]["id"] == before
    assert sorted(p.name for p in out.iterdir()) == ["results.json", "snapshot.json"]
    assert leftovers(tmp_path) == []


def test_folders_left_by_a_killed_run_are_removed_by_the_next_one(run, tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    staging = tmp_path / f".out.auditor-staging-{pid}-abcd1234"
    staging.mkdir()
    (staging / "snapshot.json").write_text("{}", encoding="utf-8")
    aside = tmp_path / f".out.auditor-previous-{pid}-abcd1234"
    aside.mkdir()
    alive = tmp_path / f".out.auditor-staging-{os.getpid()}-running"  # a run in progress: left alone
    alive.mkdir()
    assert audit(run, tmp_path / "out", "--format", "json").exit_code == 0
    assert leftovers(tmp_path) == [alive.name]


def test_a_full_disk_is_one_clear_line_and_keeps_the_previous_reports(run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert audit(run, out, "--format", "json").exit_code == 0
    real_fdopen = os.fdopen

    def onto_a_full_disk(descriptor, *args, **kwargs):
        os.close(descriptor)
        return real_fdopen(os.open("/dev/full", os.O_WRONLY), *args, **kwargs)

    monkeypatch.setattr(auditor.output.os, "fdopen", onto_a_full_disk)
    line = one_line_error(audit(run, out, "--format", "json", "--force"))
    assert line.startswith(f"Error: Cannot write to output directory {out}") and "No space left on device" in line
    assert sorted(p.name for p in out.iterdir()) == ["results.json", "snapshot.json"]
    assert leftovers(tmp_path) == []


def test_an_output_path_that_is_a_file_is_refused_before_collection(run, fake, tmp_path, monkeypatch):
    target = tmp_path / "report"
    target.write_text("a file", encoding="utf-8")
    monkeypatch.setattr(fake, "collect", lambda _request: pytest.fail("collected despite a bad --output"))
    assert "not a directory" in one_line_error(audit(run, target))
