"""Attestation files: valid answers load; every kind of bad input names the file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.attestations import load_attestations
from auditor.cli import cli
from auditor.errors import AuditorError
from tests.core.fake_provider import disk

GOOD = """\
attestations:
  - item: ext-service-requirements#1
    answer: yes
    evidence:
      - 情報セキュリティ基本方針 第3版
    answered_by: 山田 太郎
    answered_on: 2026-11-01
  - item: cloud-service-requirements#1.14
    answer: 適合
    evidence: 契約書 第12条（準拠法・管轄）
    answered_by: 佐藤
    answered_on: "2026-11-02"
    comment: 東京地方裁判所を専属的合意管轄とする
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "attestations.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file(tmp_path, installed):
    answers = load_attestations(write(tmp_path, GOOD), installed.checklists)
    first = answers[("ext-service-requirements", "1")]
    assert first.answer == "yes" and first.answered_on == "2026-11-01" and first.source_line == 2
    second = answers[("cloud-service-requirements", "1.14")]
    assert second.evidence == ("契約書 第12条（準拠法・管轄）",) and second.comment.startswith("東京")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("attestations:\n  - item: [unclosed\n", 3, "line"),
        ("- just a list\n", 1, "attestations"),
        (GOOD.replace("ext-service-requirements#1\n", "no-such-list#1\n"), 2, "unknown checklist 'no-such-list'"),
        (GOOD.replace("ext-service-requirements#1\n", "ext-service-requirements#99\n"), 2, "no item '99'"),
        (GOOD.replace("    answered_by: 佐藤\n", ""), 8, "answered_by"),
        (GOOD.replace("answer: 適合", "answer: maybe"), 8, "answer must be"),
        (GOOD.replace("cloud-service-requirements#1.14", "ext-service-requirements#1"), 8, "answered twice"),
        (GOOD.replace("ext-service-requirements#1\n", "ext-service-requirements-1\n"), 2, "checklist#item"),
    ],
    ids=["malformed-yaml", "no-top-level", "unknown-checklist", "unknown-item", "missing-field", "bad-answer",
         "duplicate", "bad-reference"],
)
def test_bad_input_names_file_and_line(tmp_path, installed, text, line, words):
    path = write(tmp_path, text)
    with pytest.raises(AuditorError) as caught:
        load_attestations(path, installed.checklists)
    message = caught.value.message("en")
    assert str(path) in message
    assert f"line {line}" in message
    assert words in message
    assert f"{line} 行目" in caught.value.message("ja")


def test_unreadable_file(tmp_path, installed):
    with pytest.raises(AuditorError) as caught:
        load_attestations(tmp_path / "missing.yaml", installed.checklists)
    assert "missing.yaml" in caught.value.message("en")


#: Japanese messages: our own words in Japanese; a YAML parser's text only quoted after a Japanese lead.
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
BAD_FILES = [
    ("attestations:\n  - item: x\n    answer: [yes\n  foo: : bar\n",
     "の 4 行目: YAML の構文エラー（6 桁目）: 「expected ',' or ']', but got ':'」",
     "line 4: YAML syntax error (column 6): expected ',' or ']', but got ':'"),
    ("- just a list\n", "の 1 行目: ファイルの最上位に一覧 '{top}:' が必要です",
     "line 1: the file must have a top-level list '{top}:'"),
    ("{top}:\n  - &a x\n  - *a\n", "の 2 行目: YAML のアンカーとエイリアス（&name、*name）は使えません",
     "line 2: YAML anchors and aliases (&name, *name) are not allowed"),
    ("{top}:\n  - just text\n", "の 0 行目: ", "line 0: each "),
    (None, " を読めません: ファイルがありません", ": the file does not exist"),
    (b"{top}:\n  - \xff\xfe\n", " を読めません: UTF-8 のテキストではありません（", ": it is not UTF-8 text (byte "),
]


@pytest.mark.parametrize("top, kind", [("attestations", "--attestations"), ("risk_acceptances", "--risk-acceptances")])
@pytest.mark.parametrize("content, japanese, english", BAD_FILES)
def test_a_bad_file_is_one_line_in_the_chosen_language(catalogue, fake, tmp_path, top, kind, content, japanese,
                                                      english):
    path = tmp_path / "answers.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content.replace(b"{top}", top.encode()))
    elif content is not None:
        path.write_text(content.replace("{top}", top), encoding="utf-8")
    fake.evidence = [disk("web-1", True)]
    outputs = {}
    for lang in ("ja", "en"):
        result = CliRunner().invoke(cli, ["--lang", lang, "audit", "--provider", "fake", kind, str(path),
                                          "--output", str(tmp_path / "out"), "--no-history"],
                                    obj={"catalogue": catalogue})
        assert result.exit_code == 2 and len(result.output.splitlines()) == 1, result.output
        outputs[lang] = result.output.strip()
    lead = "申告ファイル" if top == "attestations" else "リスク受容ファイル"
    assert outputs["ja"].startswith(f"エラー: {lead} {path}")
    assert japanese.replace("{top}", top) in outputs["ja"]
    unquoted = outputs["ja"].split("「")[0].replace(str(path), "")
    for allowed in (top, "YAML", "UTF", "&name", "*name"):
        unquoted = unquoted.replace(allowed, "")
    assert not ENGLISH_WORD.findall(unquoted), outputs["ja"]
    assert "Errno" not in outputs["ja"] and "Errno" not in outputs["en"]
    assert outputs["en"].startswith("Error: ") and english.replace("{top}", top) in outputs["en"]
