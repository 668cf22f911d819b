"""``auditor permissions`` explains the grant in one language: the one chosen with ``--lang``."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from auditor.cli import cli

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uff00-\uffef]")
PROVIDERS = ("aws", "azure", "gcp")


def permissions(lang: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--lang", lang, "permissions", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("provider", PROVIDERS)
def test_english_text_has_no_japanese(provider):
    output = permissions("en", provider, "--format", "text")
    assert not JAPANESE.findall(output), [line for line in output.splitlines() if JAPANESE.search(line)]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_japanese_text_has_no_bilingual_headings(provider):
    output = permissions("ja", provider, "--format", "text")
    headings = [line for line in output.splitlines() if line.startswith("#")]
    assert headings and all(JAPANESE.search(line) for line in headings), headings
    assert not [line for line in headings if " / " in line and "Google Workspace" not in line], headings


def test_azure_notes_follow_the_language():
    ja = json.loads(permissions("ja", "azure", "--format", "json"))["notes"]
    en = json.loads(permissions("en", "azure", "--format", "json"))["notes"]
    assert len(ja) == len(en) == 2
    assert all(JAPANESE.search(note) for note in ja)
    assert not any(JAPANESE.search(note) for note in en)
    assert "テナントの管理者の同意" in ja[1] and "admin consent" in en[1]
    assert "Reader" in permissions("ja", "azure", "--format", "text").split("# 注記")[1]


def test_gcp_explanations_follow_the_language():
    ja = json.loads(permissions("ja", "gcp", "--format", "json"))
    en = json.loads(permissions("en", "gcp", "--format", "json"))
    for key, field in (("predefined_roles", "for"), ("alternative_roles", "note")):
        assert all(JAPANESE.search(r[field]) for r in ja[key]), ja[key]
        assert not any(JAPANESE.search(r[field]) for r in en[key]), en[key]
    assert all(JAPANESE.search(note) for note in ja["notes"])
    assert not any(JAPANESE.search(note) for note in en["notes"])
    assert ja["custom_role"] == en["custom_role"] and ja["commands"] == en["commands"]


@pytest.mark.parametrize("provider", ("aws", "gcp"))
def test_the_policy_document_is_the_same_in_both_languages(provider):
    assert permissions("ja", provider, "--policy-only") == permissions("en", provider, "--policy-only")
