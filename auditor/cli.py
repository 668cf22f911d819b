"""The ``auditor`` command line (click). Messages in Japanese (default) or English (``--lang en``).

Exit codes: 0 the audit ran and nothing failed; 1 it ran and something failed (or, for ``diff``,
something regressed); 2 it could not run (bad arguments, bad input, no credentials, interrupted).
Every anticipated problem is an :class:`~auditor.errors.AuditorError` printed as one line. Anything
else (a full disk, a bug) is one line too, still exit 2, never a traceback on the terminal; the
traceback is logged, and ``AUDITOR_LOG_LEVEL=DEBUG`` shows it.

Start-up is kept short: ``auditor --help`` and ``--version`` import no command module (the list comes
from :data:`auditor.commands.COMMANDS`); a command's module, with whatever it needs (SQLAlchemy, the
catalogue's YAML, a cloud SDK), is imported only when that command is used.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import logging
import os
import sys

import click

from auditor import __version__
from auditor.commands import COMMANDS
from auditor.errors import AuditorError
from auditor.help_text import OneLanguageContext, one_language_help
from auditor.i18n import translate
from auditor.usage_errors import lang_of_args, usage_message

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
_CLICK_OUTCOMES = (click.exceptions.Exit, click.exceptions.Abort, click.ClickException)
logger = logging.getLogger(__name__)


class AuditorGroup(click.Group):
    """Turns every error into one readable line and exit code 2 (click's own exits pass through).

    Help, its own and its commands', is written in one language (:mod:`auditor.help_text`)."""

    context_class = OneLanguageContext

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """click's own handling, except that a usage error is one line in the chosen language, exit 2
        (no "Usage: …" and "Try … for help." block)."""
        argv = list(sys.argv[1:] if args is None else args)
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            outcome = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as error:
            error.show()
            sys.exit(EXIT_ERROR)
        except click.UsageError as error:
            lang = _usage_lang(error, argv)
            click.echo(_prefix(lang) + usage_message(error, argv, lang), err=True)
            sys.exit(EXIT_ERROR)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.exceptions.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            _silence_closed_output()
            sys.exit(1)
        sys.exit(outcome if isinstance(outcome, int) and not isinstance(outcome, bool) else EXIT_OK)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, its module imported on first use."""
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            entry = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(entry.module), entry.attribute)
            self.add_command(one_language_help(command), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``auditor --help``, from the summaries, without importing any command."""
        rows = [(name, COMMANDS[name].summary if name in COMMANDS else self.commands[name].get_short_help_str(80))
                for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

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
        except _CLICK_OUTCOMES:
            raise
        except BrokenPipeError:
            raise  # the reader went away (| head): ended quietly by main()
        except Exception as error:  # the one place where every unexpected error becomes one line
            logger.debug("unexpected error", exc_info=True)
            click.echo(_prefix(lang) + unexpected_message(error, lang), err=True)
            ctx.exit(EXIT_ERROR)


def unexpected_message(error: Exception, lang: str) -> str:
    """One line for an error no code anticipated: what failed on which file, or the kind of error."""
    if isinstance(error, OSError):
        where = error.filename if error.filename is not None else "-"
        return translate("os_error", lang, path=where, detail=_one_line(error.strerror or str(error)))
    return translate("unexpected", lang, kind=type(error).__name__, detail=_one_line(str(error)))


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _quiet_shutdown() -> None:
    """After Ctrl-C, writers abandoned mid-file (a workbook in the staging folder) are collected at exit;
    their cleanup errors are noise, not news: the staging folder is already gone and nothing was published."""
    sys.unraisablehook = lambda _unraisable: None


def _silence_closed_output() -> None:
    """The reader of our output went away (``auditor checklists | head``): what is left goes nowhere, quietly."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _prefix(lang: str) -> str:
    return "エラー: " if lang == "ja" else "Error: "


def _usage_lang(error: click.UsageError, argv: list[str]) -> str:
    """The language of a usage error: ``--lang`` if click had parsed it, else as typed, else the environment."""
    parsed = error.ctx.find_root().params.get("lang") if error.ctx is not None else None
    if parsed in ("ja", "en"):
        return parsed
    env = os.environ.get("AUDITOR_LANG") or "ja"
    return lang_of_args(argv, env if env in ("ja", "en") else "ja")


def _lang_from(ctx: click.Context) -> str:
    lang = (ctx.params or {}).get("lang") or os.environ.get("AUDITOR_LANG") or "ja"
    return lang if lang in ("ja", "en") else "ja"


@click.group(cls=AuditorGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option(
    "--lang", type=click.Choice(["ja", "en"]), default=None, envvar="AUDITOR_LANG", is_eager=True,
    help="Language of messages, reports and help (default: ja). / メッセージ・報告書・ヘルプの言語（既定: ja）",
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


def main() -> None:
    try:
        cli.main(prog_name="auditor", standalone_mode=True)
    except KeyboardInterrupt:
        _quiet_shutdown()
        click.echo("interrupted", err=True)
        sys.exit(EXIT_ERROR)
