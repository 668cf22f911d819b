"""Attestation files a hostile or careless user might hand in: refused at once, one line, exit 2.

A YAML alias bomb (541 bytes that expand to gigabytes), an overlong value, an oversized file and
anything that is not a regular file stop the audit before collection, and no output folder is made.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from auditor.limits import MAX_ATTESTATION_BYTES, MAX_ATTESTATION_STRING_CHARS
from tests.core.english_cli import invoke_english, one_line_error
from tests.core.fake_provider import disk

ENTRY = """\
  - item: ext-service-requirements#1
    answer: yes
    evidence: [研修記録 2026]
    answered_by: 山田
    answered_on: 2026-11-01
"""

BOMB = "attestations: []\nlol: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.fixture
def run(catalogue, fake):
    fake.evidence = [disk("web-1", True)]

    return lambda *args: invoke_english(catalogue, *args)


def audit_with(run, attestations: Path, out: Path):
    return run("audit", "--provider", "fake", "--attestations", str(attestations), "--output", str(out),
               "--format", "json")


def assert_refused(result, out: Path, *expected: str) -> None:
    one_line_error(result, *expected)
    assert not out.exists()


def test_the_alias_bomb_fails_fast(run, tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    assert len(BOMB.encode()) < 600
    started = time.monotonic()
    assert_refused(audit_with(run, bomb, tmp_path / "out"), tmp_path / "out", "line 2", "anchors and aliases")
    assert time.monotonic() - started < 2


def test_an_anchor_alone_is_refused_too(run, tmp_path):
    answers = tmp_path / "anchor.yaml"
    answers.write_text("attestations:\n" + ENTRY.replace("answered_by: 山田", "answered_by: &who 山田"),
                       encoding="utf-8")
    assert_refused(audit_with(run, answers, tmp_path / "out"), tmp_path / "out", "line 5", "anchors")


def test_an_overlong_value_is_refused(run, tmp_path):
    answers = tmp_path / "long.yaml"
    comment = "あ" * (MAX_ATTESTATION_STRING_CHARS + 1)
    answers.write_text(f"attestations:\n{ENTRY}    comment: {comment}\n", encoding="utf-8")
    assert_refused(audit_with(run, answers, tmp_path / "out"), tmp_path / "out", "line 7", "longer than the limit")


def test_an_oversized_file_is_refused(run, tmp_path):
    answers = tmp_path / "huge.yaml"
    with answers.open("wb") as stream:
        stream.truncate(MAX_ATTESTATION_BYTES + 1)
    assert_refused(audit_with(run, answers, tmp_path / "out"), tmp_path / "out", "too large", "4 MiB")


@pytest.mark.parametrize("path, kind", [(Path("/dev/zero"), "device"), (None, "directory")])
def test_what_is_not_a_regular_file_is_refused(run, tmp_path, path, kind):
    started = time.monotonic()
    assert_refused(audit_with(run, path or tmp_path, tmp_path / "out"), tmp_path / "out", "not a regular file", kind)
    assert time.monotonic() - started < 5


def test_a_normal_file_still_loads(run, tmp_path):
    answers = tmp_path / "good.yaml"
    answers.write_text("attestations:\n" + ENTRY, encoding="utf-8")
    result = audit_with(run, answers, tmp_path / "out")
    assert result.exit_code == 0, result.output
