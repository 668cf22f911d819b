"""Pieces every command shares: language, the installed catalogue, provider options, tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.plugins import ProviderOption, discover_providers
from auditor.run import Catalogue, load_catalogue
from auditor.terminal import printable

#: ``--format table|json`` of the commands that list things
FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
                      help="A table to read, or JSON for programs."
                           " / 出力の形式: 読むための表、またはプログラム向けの JSON")


def lang_of(ctx: click.Context) -> str:
    root = ctx.find_root()
    return (root.obj or {}).get("lang", "ja")


def catalogue_of(ctx: click.Context) -> Catalogue:
    root = ctx.find_root()
    root.ensure_object(dict)
    if "catalogue" not in root.obj:
        root.obj["catalogue"] = load_catalogue()
    return root.obj["catalogue"]


def say(ctx: click.Context, ja: str, en: str, err: bool = False) -> None:
    click.echo(ja if lang_of(ctx) == "ja" else en, err=err)


def provider_options() -> list[ProviderOption]:
    """The options every installed provider adds (shared names are declared once)."""
    seen: dict[str, ProviderOption] = {}
    for provider in discover_providers().values():
        for option in provider.options:
            seen.setdefault(option.name, option)
    return list(seen.values())


def with_provider_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the providers' options to a command (see :func:`provider_options`); they arrive as keyword
    arguments, split out by :func:`pop_provider_options`."""
    for option in reversed(provider_options()):
        command = click.option(*_declarations(option), **_settings(option))(command)
    return command


def provider_click_option(option: ProviderOption, for_grant: bool = False) -> click.Option:
    """One provider option as a click parameter, for a command built at run time (``for_grant``: for
    ``auditor permissions``, with the option's grant help where it has one)."""
    return click.Option(_declarations(option), **_settings(option, for_grant))


def _declarations(option: ProviderOption) -> list[str]:
    return [f"--{option.name}", option.key]


def _settings(option: ProviderOption, for_grant: bool = False) -> dict[str, Any]:
    en, ja = ((option.grant_help_en, option.grant_help_ja) if for_grant and option.grant_help_en
              else (option.help_en, option.help_ja))
    return {
        "multiple": option.multiple, "is_flag": option.is_flag,
        "default": None if not (option.multiple or option.is_flag) else (() if option.multiple else False),
        "help": en + (f" / {ja}" if ja else ""),
        "metavar": option.metavar or None,
    }


def pop_provider_options(params: dict[str, Any]) -> dict[str, Any]:
    """Split the provider options out of a command's keyword arguments."""
    keys = {option.key for option in provider_options()}
    return {key: params.pop(key) for key in list(params) if key in keys}


def print_table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    """A table on the terminal; cells are plain text (no markup) without escape sequences or controls."""
    table = Table(title=Text(printable(title)), show_lines=False, expand=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(printable(cell, keep_newlines=True)) for cell in row))
    Console(width=200 if not Console().is_terminal else None).print(table)
