"""Command-line usage errors as one line in the chosen language.

click reports a missing argument, a bad value or an unknown option in English, after a "Usage: …"
and "Try … for help." block. :func:`usage_message` says the same in Japanese or English, in one
line, from what click's exception carries (the parameter, its type, the option name, the possible
options) and the value as the user typed it. Options whose check is our own raise
:class:`LocalizedBadParameter` with both wordings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import click

from auditor.i18n import translate


class LocalizedUsageError(click.UsageError):
    """A usage error whose wording the tool wrote itself, in Japanese and English."""

    def __init__(self, ja: str, en: str, ctx: click.Context | None = None) -> None:
        super().__init__(en, ctx)
        self.ja, self.en = ja, en


class LocalizedBadParameter(click.BadParameter):
    """A bad value whose explanation the tool wrote itself, in Japanese and English."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(en)
        self.ja, self.en = ja, en


def lang_of_args(args: Sequence[str], fallback: str) -> str:
    """The ``--lang`` given on the command line (before click parsed it), else ``fallback``."""
    for index, word in enumerate(args):
        value = None
        if word == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        elif word.startswith("--lang="):
            value = word.split("=", 1)[1]
        if value is not None:
            return value if value in ("ja", "en") else fallback
        if word == "--":
            break
    return fallback


def usage_message(error: click.UsageError, args: Sequence[str], lang: str) -> str:
    """One line for ``error``: what is wrong, and where the command's help is."""
    message = _what(error, args, lang)
    if error.ctx is not None:
        command = " ".join(["auditor", *error.ctx.command_path.split()[1:]])
        message += translate("usage_help_hint", lang, command=command)
    return message


def _what(error: click.UsageError, args: Sequence[str], lang: str) -> str:
    if isinstance(error, LocalizedUsageError):
        return error.ja if lang == "ja" else error.en
    if isinstance(error, click.MissingParameter):
        kind = "argument" if isinstance(error.param, click.Argument) else "option"
        return translate(f"usage_missing_{kind}", lang, name=_name(error.param, error.param_hint))
    if isinstance(error, click.BadParameter):
        return _bad_value(error, args, lang)
    if isinstance(error, click.NoSuchOption):
        text = translate("usage_no_such_option", lang, name=error.option_name)
        if error.possibilities:
            text += translate("usage_did_you_mean", lang, known=", ".join(sorted(error.possibilities)))
        return text
    if isinstance(error, click.exceptions.NoSuchCommand):
        known = ", ".join(error.ctx.command.list_commands(error.ctx)) if error.ctx is not None else "-"
        return translate("usage_no_such_command", lang, name=error.command_name, known=known)
    if isinstance(error, click.BadOptionUsage):
        if "requires" in error.message:
            return translate("usage_option_needs_value", lang, name=error.option_name)
        if "does not take a value" in error.message:
            return translate("usage_option_takes_no_value", lang, name=error.option_name)
    if error.message == "Missing command." and error.ctx is not None:
        known = ", ".join(error.ctx.command.list_commands(error.ctx))
        return translate("usage_missing_command", lang, known=known)
    extra = re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", error.message)
    if extra:
        return translate("usage_extra_arguments", lang, args=extra[1])
    return translate("usage_other", lang, detail=error.message)


def _bad_value(error: click.BadParameter, args: Sequence[str], lang: str) -> str:
    param = error.param
    name = _name(param, error.param_hint)
    value = _given(param, args)
    if isinstance(error, LocalizedBadParameter):
        detail = error.ja if lang == "ja" else error.en
    elif param is not None and isinstance(param.type, click.Choice):
        detail = translate("usage_choose", lang, known=", ".join(str(c) for c in param.type.choices))
    elif param is not None and isinstance(param.type, click.IntRange) and _is_int(value):
        detail = translate("usage_range", lang, low=_bound(param.type.min), high=_bound(param.type.max))
    elif param is not None and isinstance(param.type, (click.types.IntParamType, click.IntRange)):
        detail = translate("usage_integer", lang)
    else:
        detail = translate("usage_quoted", lang, detail=error.message)
    if value is None:
        return translate("usage_bad_value_unnamed", lang, name=name, detail=detail)
    return translate("usage_bad_value", lang, name=name, value=value, detail=detail)


def _name(param: click.Parameter | None, hint: object) -> str:
    if isinstance(param, click.Option):
        return "/".join(param.opts)
    if param is not None:
        return param.human_readable_name
    return str(hint or "-").strip("'")


def _given(param: click.Parameter | None, args: Sequence[str]) -> str | None:
    """The value typed for an option (the last one, as click keeps it), if it was typed."""
    if not isinstance(param, click.Option):
        return None
    found = None
    for index, word in enumerate(args):
        if word == "--":
            break
        for opt in param.opts + param.secondary_opts:
            if word == opt and index + 1 < len(args):
                found = args[index + 1]
            elif word.startswith(opt + "=") and opt.startswith("--"):
                found = word[len(opt) + 1:]
    return found


def _is_int(value: str | None) -> bool:
    return value is not None and re.fullmatch(r"[+-]?\d+", value.strip()) is not None


def _bound(value: float | None) -> str:
    return "" if value is None else str(value)
