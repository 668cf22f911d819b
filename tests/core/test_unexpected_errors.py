"""Every error is one readable line with exit code 2, never a traceback; exit 1 stays "ran and found failures".

The traceback of an unexpected error is still logged: ``AUDITOR_LOG_LEVEL=DEBUG`` shows it.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from tests.core.english_cli import invoke_english, one_line_error
from tests.core.fake_provider import disk


@pytest.fixture
def run(catalogue, fake):
    fake.evidence = [disk("web-1", False)]

    return lambda *args: invoke_english(catalogue, *args)


def test_a_bug_in_a_provider_is_one_line_with_exit_2(run, fake, tmp_path, monkeypatch):
    def broken(_request):
        raise AttributeError("'NoneType' object has no attribute 'get_frozen_credentials'")

    monkeypatch.setattr(fake, "collect", broken)
    line = one_line_error(run("audit", "--provider", "fake", "--output", str(tmp_path / "out")))
    assert line.startswith("Error: Stopped by an unexpected error (AttributeError: 'NoneType' object has no attr")
    assert "AUDITOR_LOG_LEVEL=DEBUG" in line
    assert not (tmp_path / "out").exists()


def test_the_message_is_japanese_by_default(catalogue, fake, tmp_path, monkeypatch):
    monkeypatch.setattr(fake, "collect", lambda _request: {}["missing"])
    result = CliRunner().invoke(cli, ["audit", "--provider", "fake", "--output", str(tmp_path / "out")],
                                obj={"catalogue": catalogue})
    assert result.exit_code == 2
    assert result.output.strip() == (
        "エラー: 予期しないエラーで中止しました（KeyError: 'missing'）。詳細は AUDITOR_LOG_LEVEL=DEBUG で表示されます。"
    )


def test_failures_still_exit_1(run, tmp_path):
    assert run("audit", "--provider", "fake", "--output", str(tmp_path / "out"), "--format", "json").exit_code == 1


def test_the_traceback_is_logged_for_debugging(run, fake, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(fake, "collect", lambda _request: 1 / 0)
    with caplog.at_level(logging.DEBUG, logger="auditor.cli"):
        one_line_error(run("audit", "--provider", "fake", "--output", str(tmp_path / "out")))
    logged = [r for r in caplog.records if r.name == "auditor.cli" and r.exc_info]
    assert logged and logged[0].exc_info[0] is ZeroDivisionError


def test_an_unusable_store_in_a_real_process_is_one_line(tmp_path: Path):
    broken = tmp_path / "broken.sqlite"
    broken.mkdir()  # a folder where the store's file should be
    env = {k: v for k, v in os.environ.items() if k != "AUDITOR_STORE"}
    result = subprocess.run([sys.executable, "-m", "auditor", "--lang", "en", "history", "--store", str(broken)],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and str(broken) in result.stderr

