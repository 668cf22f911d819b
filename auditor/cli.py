"""The ``auditor`` command line (click). Messages in Japanese (default) or English (``--lang en``).

Exit codes: 0 the audit ran and nothing failed; 1 it ran and something failed (or, for ``diff``,
something regressed); 2 it could not run (bad arguments, bad input, no credentials, interrupted).
Every anticipated problem is an :class:`~auditor.errors.AuditorError` printed as one line.
"""

from __future__ import annotations

import logging
import os
import sys

import click

from auditor import __version__
from auditor.commands import COMMANDS
from auditor.errors import AuditorError
from auditor.i18n import translate

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


class AuditorGroup(click.Group):
    """Turns expected errors into one readable line and exit code 2."""

    def invoke(self, ctx: click.Context):
        lang = _lang_from(ctx)
        try:
            return super().invoke(ctx)
        except AuditorError as error:
            click.echo(_prefix(lang) + error.message(lang), err=True)
            ctx.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            _quiet_shutdown()
            click.echo(_prefix(lang) + translate("interrupted", lang), err=True)
            ctx.exit(EXIT_ERROR)


def _quiet_shutdown() -> None:
    """After Ctrl-C, writers abandoned mid-file (a workbook in the staging folder) are collected at exit;
    their cleanup errors are noise, not news: the staging folder is already gone and nothing was published."""
    sys.unraisablehook = lambda _unraisable: None


def _prefix(lang: str) -> str:
    return "エラー: " if lang == "ja" else "error: "


def _lang_from(ctx: click.Context) -> str:
    lang = (ctx.params or {}).get("lang") or os.environ.get("AUDITOR_LANG") or "ja"
    return lang if lang in ("ja", "en") else "ja"


@click.group(cls=AuditorGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option(
    "--lang", type=click.Choice(["ja", "en"]), default=None, envvar="AUDITOR_LANG",
    help="Language of messages and reports (default: ja).",
)
@click.version_option(__version__, prog_name="auditor")
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    """Read-only audit of AWS / Azure / GCP against Japanese municipal security checklists.

    自治体の外部サービス・セキュリティチェックリストに対し、クラウド設定を読み取り専用で監査します。
    """
    ctx.ensure_object(dict)
    ctx.obj["lang"] = lang or "ja"
    _configure_logging(os.environ.get("AUDITOR_LOG_LEVEL", ""))


def _configure_logging(level: str) -> None:
    """Libraries' log records stay off the terminal (the CLI reports problems itself, one line each)
    unless ``AUDITOR_LOG_LEVEL`` (e.g. DEBUG) asks for them."""
    root = logging.getLogger()
    if isinstance(logging.getLevelName(level.upper()), int):
        logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    elif not root.handlers:
        root.addHandler(logging.NullHandler())


for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    try:
        cli.main(prog_name="auditor", standalone_mode=True)
    except KeyboardInterrupt:
        _quiet_shutdown()
        click.echo("interrupted", err=True)
        sys.exit(EXIT_ERROR)
