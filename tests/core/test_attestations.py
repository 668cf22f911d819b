"""Attestation files: valid answers load; every kind of bad input names the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.attestations import load_attestations
from auditor.errors import AuditorError

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
