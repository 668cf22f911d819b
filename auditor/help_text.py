"""Help in one language: the side of an "English / 日本語" help text that matches ``--lang``.

Commands and options keep both languages in one static string (``"Audit … / クラウド設定を…"``, or an
English paragraph followed by its Japanese one). The help formatter picks the side for the chosen
language (``--lang``, else ``AUDITOR_LANG``, else Japanese) as the help is written; a text with only
one language is shown as it is.
"""

from __future__ import annotations

import os
import re

import click

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]")
#: what click appends to an option's help: "  [default: json]", "  [env var: …; required]"
_EXTRA = re.compile(r"(\s{2}\[[^\]]*\])$")
_SEPARATOR = " / "


def pick(text: str, lang: str) -> str:
    """The side of ``text`` in ``lang``, paragraph by paragraph."""
    paragraphs = re.split(r"\n\s*\n", text)
    kept: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        pair = _split_pair(paragraph)
        if pair is not None:
            kept.append(pair[0] if lang == "en" else pair[1])
            continue
        japanese = bool(JAPANESE.search(paragraph))
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else ""
        if lang == "en" and japanese and kept:
            continue  # the translation of the English paragraph before it
        if lang != "en" and not japanese and JAPANESE.search(following) and _split_pair(following) is None:
            continue  # its Japanese follows
        kept.append(paragraph)
    return "\n\n".join(kept)


def _split_pair(paragraph: str) -> tuple[str, str] | None:
    """(English, Japanese) when the paragraph is "English / 日本語": the last separator with no Japanese
    before it and Japanese after it."""
    extra = _EXTRA.search(paragraph)
    body, tail = (paragraph[: extra.start()], extra.group(1)) if extra else (paragraph, "")
    position = body.rfind(_SEPARATOR)
    while position > 0:
        english, japanese = body[:position].rstrip(), body[position + len(_SEPARATOR):].lstrip()
        if english and not JAPANESE.search(english) and JAPANESE.search(japanese):
            return english + tail, japanese + tail
        position = body.rfind(_SEPARATOR, 0, position)
    return None


def help_lang(ctx: click.Context) -> str:
    """The language help is shown in: ``--lang`` of the root command, else ``AUDITOR_LANG``, else ja."""
    lang = ctx.find_root().params.get("lang") or os.environ.get("AUDITOR_LANG") or "ja"
    return lang if lang in ("ja", "en") else "ja"


class OneLanguageFormatter(click.HelpFormatter):
    """Writes help texts, option help and command summaries in one language."""

    def __init__(self, lang: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lang = lang

    def write_text(self, text: str) -> None:
        super().write_text(pick(text, self.lang))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, pick(definition, self.lang)) for term, definition in rows], col_max, col_spacing)


class OneLanguageContext(click.Context):
    def make_formatter(self) -> click.HelpFormatter:
        return OneLanguageFormatter(help_lang(self), width=self.terminal_width, max_width=self.max_content_width)


def one_language_help(command: click.Command) -> click.Command:
    """Makes ``command`` (and, for a group, its sub-commands) write its help in one language."""
    command.context_class = OneLanguageContext
    for sub in getattr(command, "commands", {}).values():
        one_language_help(sub)
    return command
