"""Help in one language: ``--lang en`` (or ``AUDITOR_LANG=en``) shows the English side of every
"English / 日本語" help text, Japanese (the default) the Japanese side where one exists."""

from __future__ import annotations

import re
import unicodedata

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.commands import COMMANDS
from auditor.help_text import pick, wrap_japanese

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def help_of(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], env=env or {"AUDITOR_LANG": ""})
    assert result.exit_code == 0, result.output
    return result.output


def japanese_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if JAPANESE.search(line)]


def test_english_audit_help_has_no_japanese():
    output = help_of("--lang", "en", "audit")
    assert not japanese_lines(output)
    flat = " ".join(output.split())
    assert "Audit live cloud configuration, read-only, and write the reports." in flat
    assert "AWS named profile (default: the standard credential chain)." in flat


def test_japanese_audit_help_shows_the_japanese_side():
    output = help_of("audit")
    assert "クラウド設定を読み取り専用で監査" in output
    flat = "".join(line.strip() for line in output.splitlines())
    assert "AWS のプロファイル名（省略時は標準の認証情報チェーン）" in flat
    assert "AWS named profile" not in output and "Audit live cloud configuration" not in output
    assert " / " not in " ".join(japanese_lines(output))
    assert "対象のチェックリスト（複数指定可。既定: すべて）" in output and "Only these checklists" not in output


@pytest.mark.parametrize("command", [(), *((name,) for name in COMMANDS), ("attest", "template"),
                                     ("keys", "generate")])
def test_every_help_in_english_has_no_japanese(command):
    assert not japanese_lines(help_of("--lang", "en", *command)), command


def test_the_language_comes_from_the_environment_too():
    assert not japanese_lines(help_of("permissions", env={"AUDITOR_LANG": "en"}))
    assert "付与すべき読み取り専用権限を表示" in help_of("permissions", env={"AUDITOR_LANG": "ja"})


def test_root_help_lists_commands_in_the_chosen_language():
    japanese, english = help_of(), help_of("--lang", "en")
    assert "クラウド設定を読み取り専用で監査" in japanese and "Read-only audit of AWS" not in japanese
    assert "Read-only audit of AWS / Azure / GCP" in english and not japanese_lines(english)


@pytest.mark.parametrize("text, en, ja", [
    ("Print the grant. / 権限を表示", "Print the grant.", "権限を表示"),
    ("Audit AWS / Azure / GCP.\n\nAWS・Azure・GCP を監査します。", "Audit AWS / Azure / GCP.",
     "AWS・Azure・GCP を監査します。"),
    ("Retries. / 再試行の回数  [default: 8]", "Retries.  [default: 8]", "再試行の回数  [default: 8]"),
    ("AWS named profile. / AWS のプロファイル名", "AWS named profile.", "AWS のプロファイル名"),
    ("Only English here.", "Only English here.", "Only English here."),
    ("Read / write split, English only", "Read / write split, English only", "Read / write split, English only"),
    ("Print it. / 表示\n\nPROVIDER is aws or gcp.", "Print it.\n\nPROVIDER is aws or gcp.",
     "表示\n\nPROVIDER is aws or gcp."),
])
def test_pick(text, en, ja):
    assert pick(text, "en") == en
    assert pick(text, "ja") == ja


ENGLISH_PROSE = re.compile(r"[A-Za-z]{3,} [a-z]{2,} [a-z]{2,}")
CLICK_ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "Show the version", "[default:",
                 "[required]", "env var:")
#: every command and sub-command whose help the tool writes
JAPANESE_HELP = [(), *((name,) for name in COMMANDS), ("attest", "template"),
                 ("attest", "hash"), ("keys", "generate"), ("keys", "fingerprint"), ("permissions", "aws"),
                 ("permissions", "azure"), ("permissions", "gcp")]


@pytest.mark.parametrize("command", JAPANESE_HELP)
def test_every_japanese_help_is_japanese_click_words_included(command):
    output = help_of(*command)
    assert not [word for word in CLICK_ENGLISH if word in output], output
    english = [line for line in output.splitlines() if ENGLISH_PROSE.search(line) and not JAPANESE.search(line)]
    assert not english, english
    assert output.startswith("使い方: ") and "オプション:" in output
    assert "このヘルプを表示して終了します。" in output


def test_japanese_notes_of_defaults_and_required_options():
    assert "[既定: 1; 1<=x<=28]" in help_of("schedule")
    assert "[必須]" in help_of("report")
    english = help_of("--lang", "en", "report")
    assert "[required]" in english and "Show this message and exit." in english and english.startswith("Usage: ")


def test_root_help_summaries_and_headings_follow_the_language():
    japanese = help_of()
    assert "前回からの変化（悪化があれば終了コード 1）" in japanese and "What changed" not in japanese
    assert "コマンド:" in japanese and "バージョンを表示して終了します。" in japanese
    assert "What changed between two runs; exit 1 if anything regressed." in " ".join(
        help_of("--lang", "en").split())


def test_group_listings_show_sub_command_summaries_in_the_language():
    assert "公開鍵のフィンガープリントを表示" in help_of("keys")
    assert "申告ファイルのひな形を出力" in help_of("attest")
    assert "Print a public key's fingerprint." in help_of("--lang", "en", "keys")


def display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_japanese_help_wraps_by_display_width_without_breaking_words():
    text = "監査プロファイル（例: usage=cloud、ismap=registered、role=provider、internet_pc=no）"
    lines = wrap_japanese(text, 30)
    assert len(lines) > 1 and "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(display_width(line) <= 30 or line[-1] in "、。）" for line in lines), lines
    assert not [line for line in lines if line.startswith(("）", "、"))]
    words = {"usage=cloud", "ismap=registered", "role=provider", "internet_pc=no"}
    assert all(any(word in line for line in lines) for word in words), lines
    output = help_of("evaluate")
    assert "ismap=registered、role=provider、internet_pc=no" in output.replace("\n", "").replace(" ", "")
    japanese = [line for line in output.splitlines() if JAPANESE.search(line)]
    assert all(display_width(line) <= 80 or line[-1] in "、。）" for line in japanese), output
    assert not [line for line in japanese if line.endswith(("（", "「"))], output


def test_a_default_note_is_never_left_hanging_on_its_opening_bracket():
    for width in range(20, 70):
        lines = wrap_japanese("報告書の出力先（以前のデモの報告書があれば置き換える） [既定: audit-report]", width)
        assert not [line for line in lines if line.endswith(("[", "(", "（"))], (width, lines)
    assert not [line for line in help_of("demo").splitlines() if line.rstrip().endswith("[")]


@pytest.mark.parametrize(("cloud", "option", "grant_words", "audit_words"), [
    ("aws", "--org", "organizations:ListAccounts", "組織の全アカウントを監査"),
    ("azure", "--subscription", "Reader を割り当てる", "監査するサブスクリプション"),
    ("gcp", "--project", "ロールを付与する", "監査する GCP プロジェクト"),
])
def test_permissions_help_says_what_an_option_does_to_the_grant(cloud, option, grant_words, audit_words):
    flat = lambda text: "".join(text.split())  # noqa: E731
    permissions, audit = help_of("permissions", cloud), help_of("audit")
    assert option in permissions and flat(grant_words) in flat(permissions)
    assert flat(audit_words) not in flat(permissions) and flat(audit_words) in flat(audit)
