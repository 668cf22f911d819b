"""Usage errors as a user meets them: one line in the chosen language, exit 2, no "Usage:" / "Try" block."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from auditor.cli import cli


def error_of(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(cli, list(args), env=env or {"AUDITOR_LANG": ""})
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert "Usage:" not in result.output and "Try '" not in result.output
    return lines[0]


@pytest.mark.parametrize("args, japanese", [
    (("evaluate",), "エラー: 引数 SNAPSHOT を指定してください。（使い方: auditor evaluate --help）"),
    (("schedule", "--day", "31"), "エラー: --day の値 31 は使えません。1〜28 の範囲で指定してください。"),
    (("schedule", "--day", "first"), "エラー: --day の値 first は使えません。整数で指定してください。"),
    (("checklists", "nope"), "エラー: 余分な引数があります: nope（使い方: auditor checklists --help）"),
    (("--lang", "fr", "checklists"), "エラー: --lang の値 fr は使えません。使えるもの: ja, en"),
    (("audit", "-p"), "エラー: オプション -p には値が必要です。"),
    (("audit", "--bogus"), "エラー: オプション --bogus はありません。"),
    (("checklists", "--format", "xml"), "エラー: --format の値 xml は使えません。使えるもの: table, json"),
])
def test_japanese_usage_errors_are_one_japanese_line(args, japanese):
    assert error_of(*args).startswith(japanese)


@pytest.mark.parametrize("args, english", [
    (("evaluate",), "Error: Missing argument SNAPSHOT. (see auditor evaluate --help)"),
    (("schedule", "--day", "31"), "Error: Invalid value 31 for --day. Give a number from 1 to 28."),
    (("checklists", "nope"), "Error: Unexpected extra arguments: nope"),
    (("audit", "-p"), "Error: Option -p needs a value."),
    (("audit", "--bogus"), "Error: No such option --bogus."),
])
def test_english_usage_errors_are_one_english_line(args, english):
    assert error_of("--lang", "en", *args).startswith(english)


def test_the_language_of_a_usage_error_comes_from_the_environment_too():
    assert error_of("evaluate", env={"AUDITOR_LANG": "en"}).startswith("Error: Missing argument SNAPSHOT.")
    assert error_of("--lang=en", "checklists", "nope").startswith("Error: Unexpected extra arguments: nope")


def test_help_is_still_shown_and_exits_0():
    result = CliRunner().invoke(cli, ["evaluate", "--help"])
    assert result.exit_code == 0 and "SNAPSHOT" in result.output


def test_a_bad_time_of_day_is_explained_in_the_chosen_language():
    assert error_of("schedule", "--at", "25:99").startswith(
        "エラー: --at の値 25:99 は使えません。時刻は HH:MM（例: 03:00）で指定してください。")
    assert error_of("--lang", "en", "schedule", "--at", "25:99").startswith(
        "Error: Invalid value 25:99 for --at. Give the time as HH:MM (e.g. 03:00).")
