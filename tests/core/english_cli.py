"""The CLI run in English as a user would run it, and the one-line error every refusal must be."""

from __future__ import annotations

from click.testing import CliRunner, Result

from auditor.cli import cli
from auditor.run import Catalogue


def invoke_english(catalogue: Catalogue, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--lang", "en", *args], obj={"catalogue": catalogue})


def one_line_error(result: Result, *expected: str) -> str:
    """Exit code 2, exactly one line, no traceback, containing each expected text; the line is returned."""
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert all(text in lines[0] for text in expected), lines[0]
    return lines[0]
