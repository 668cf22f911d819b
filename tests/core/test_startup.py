"""Start-up: ``auditor --help`` and ``--version`` answer without loading the database layer, a cloud SDK,
a renderer, the YAML catalogue or any command module; the command list they print is each command's
own first help line, and every listed command runs its own help."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.commands import COMMANDS

HEAVY = ("sqlalchemy", "boto3", "botocore", "azure", "google", "openpyxl", "jinja2", "yaml", "rich", "providers",
         "reports", "auditor.history", "auditor.run")
PROBE = """
import json, sys
from auditor.cli import main
sys.argv = ["auditor", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
loaded = sorted({name.split(".")[0] if not name.startswith("auditor.") else name for name in sys.modules})
print("\\n" + json.dumps(loaded))
"""


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_load_nothing_heavy(option):
    done = subprocess.run([sys.executable, "-c", PROBE, option], capture_output=True, text=True, timeout=60,
                          check=True)
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    heavy = [name for name in loaded if name.startswith(HEAVY)]
    commands = [name for name in loaded if name.startswith("auditor.commands.")]
    assert heavy == [] and commands == [], heavy + commands
    assert ("コマンド:" in done.stdout or "Commands:" in done.stdout) == (option == "--help")


def test_the_listed_summary_is_each_commands_own_first_help_line():
    listing = CliRunner().invoke(cli, ["--help"]).output
    context = click.Context(cli)
    for name, entry in COMMANDS.items():
        command = cli.get_command(context, name)
        assert isinstance(command, click.Command) and command.name == name
        assert entry.summary == (command.help or "").strip().splitlines()[0], name
        assert f"  {name} " in listing
        assert CliRunner().invoke(cli, [name, "--help"]).exit_code == 0, name


def test_an_unknown_command_is_still_one_clear_usage_error():
    result = CliRunner().invoke(cli, ["audti"], env={"AUDITOR_LANG": ""})
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.startswith("エラー: コマンド audti はありません。使えるもの: attest, audit,")
    english = CliRunner().invoke(cli, ["--lang", "en", "audti"])
    assert english.exit_code == 2 and english.output.startswith("Error: No such command audti. Commands: attest,")
