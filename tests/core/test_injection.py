"""Hostile resource names: no spreadsheet formula in findings.csv, no escape sequence on the terminal.

Whoever controls an audited account chooses its resource names and tag values; the auditor's own
outputs must not let them run a formula in the city's spreadsheet or repaint the auditor's terminal.
"""

from __future__ import annotations

import csv
import io

import pytest

from auditor.run import Catalogue
from tests.core.english_cli import invoke_english
from tests.core.fake_provider import disk

FORMULAS = ["-2+3", "-1+cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\")", "+1", "@SUM(1)", "\tTAB", "\rCR"]
CLEAR_SCREEN = "web\x1b[2J\x1b[H\x1b]0;owned\x07\n  ✓ all checks pass\x9b31m"


@pytest.fixture
def run(installed, fake):
    catalogue = Catalogue(installed.controls, installed.checklists, {"fake": fake}, dict(installed.renderers))

    return lambda *args: invoke_english(catalogue, *args)


def test_formula_like_names_are_neutralised_in_findings_csv(run, fake, tmp_path):
    fake.evidence = [disk(name, False) for name in FORMULAS] + [disk("-1", True)]
    result = run("audit", "--provider", "fake", "--output", str(tmp_path / "out"), "--format", "csv")
    assert result.exit_code == 1, result.output
    text = (tmp_path / "out" / "findings.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    names = {row["resource_name"] for row in rows}
    assert names == {"'" + name for name in FORMULAS} | {"-1"}
    for row in rows:
        for value in row.values():
            assert not value or (value[0] not in "=+@\t\r" and not (value[0] == "-" and value != "-1"))


def test_escape_sequences_never_reach_the_terminal(run, fake, tmp_path):
    fake.evidence = [disk(CLEAR_SCREEN, False)]
    result = run("audit", "--provider", "fake", "--output", str(tmp_path / "out"), "--format", "json")
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x9b" not in result.output and "\x07" not in result.output
    failure = next(line for line in result.output.splitlines() if "fake.disk.encrypted" in line)
    assert failure.startswith("  × fake.disk.encrypted — web   ✓ all checks pass (jp-east)")
    assert not any(line.strip().startswith("✓") for line in result.output.splitlines())


def test_history_tables_print_plain_text(run, fake, tmp_path):
    fake.evidence = [disk("[bold red]web[/]\x1b[2J", True)]
    target = "vendor\x1b[2J[blink]"
    assert run("audit", "--provider", "fake", "--target", target, "--output", str(tmp_path / "a"),
               "--format", "json").exit_code == 0
    fake.evidence = [disk("[bold red]web[/]\x1b[2J", False)]
    assert run("audit", "--provider", "fake", "--target", target, "--output", str(tmp_path / "b"),
               "--format", "json").exit_code == 1
    listing = run("history", "--targets")
    assert listing.exit_code == 0 and "\x1b" not in listing.output and "vendor[blink]" in listing.output
    changes = run("diff", "--target", "vendor\x1b[2J[blink]")
    assert "\x1b" not in changes.output and "[bold red]web[/]" in changes.output
