"""``--store`` typos: one clear line and exit 2, no folders and no empty databases created; the store is 0600."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.history import open_store


def auditor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "AUDITOR_STORE"}
    return subprocess.run([sys.executable, "-m", "auditor", "--lang", "en", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert all(text in lines[0] for text in expected), lines[0]


@pytest.mark.parametrize("store", ["typo-folder/history.sqlite", "sqlite:///typo-folder/history.sqlite"])
def test_a_store_in_a_missing_folder_is_refused_and_nothing_is_created(tmp_path, store):
    result = auditor("history", "--store", store, cwd=tmp_path)
    assert_one_line_error(result, "typo-folder", "does not exist")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("store, expected", [
    ("postgress://db.example/audit", "Unknown kind of database 'postgress'"),
    ("postgresql://::::", "Invalid history store URL"),
    ("postgresql://auditor@db.example:port/audit", "Invalid history store URL"),
])
def test_a_malformed_or_unknown_url_is_one_clear_line(tmp_path, store, expected):
    assert_one_line_error(auditor("history", "--store", store, cwd=tmp_path), expected)
    assert list(tmp_path.iterdir()) == []


def test_a_new_store_file_is_private(tmp_path):
    path = tmp_path / "history.sqlite"
    with open_store(str(path)) as store:
        assert store.runs() == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for journal in tmp_path.glob("history.sqlite-*"):
        assert stat.S_IMODE(journal.stat().st_mode) & 0o077 == 0


@pytest.mark.parametrize("command", ["history", "diff"])
def test_reading_commands_refuse_a_mistyped_store_file_instead_of_creating_it(tmp_path, command):
    result = auditor(command, "--store", "histroy.sqlite", cwd=tmp_path)
    assert_one_line_error(result, "histroy.sqlite", "no history store")
    assert list(tmp_path.iterdir()) == []
