"""Help in one language: the side of an "English / 日本語" help text that matches ``--lang``.

Commands and options keep both languages in one static string (``"Audit … / クラウド設定を…"``, or an
English paragraph followed by its Japanese one). The help formatter picks the side for the chosen
language (``--lang``, else ``AUDITOR_LANG``, else Japanese) as the help is written; a text with only
one language is shown as it is. In Japanese, click's own words are Japanese too: "Usage:", the section
headings, the help and version options' texts and the "[default: …]" / "[required]" notes.
"""

from __future__ import annotations

import os
import re
import unicodedata

import click

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]")
#: what click appends to an option's help: "  [default: json]", "  [env var: …; required]"
_EXTRA = re.compile(r"(\s{2}\[[^\]]*\])$")
_SEPARATOR = " / "
#: click's own texts, which it writes in English whatever the language
CLICK_JA = {
    "Show this message and exit.": "このヘルプを表示して終了します。",
    "Show the version and exit.": "バージョンを表示して終了します。",
}
SECTIONS_JA = {"Options": "オプション", "Commands": "コマンド", "Positional arguments": "引数"}
_NOTES = re.compile(r"(?:^|\s{2})\[([^\]]*)\]$")
_NOTES_JA = (("default: ", "既定: "), ("env var: ", "環境変数: "), ("required", "必須"))


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

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "使い方: " if self.lang == "ja" and prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(SECTIONS_JA.get(heading, heading) if self.lang == "ja" else heading)

    def write_text(self, text: str) -> None:
        text = _unbroken(pick(text, self.lang))
        if self.lang != "ja" or not JAPANESE.search(text):
            super().write_text(text)
            return
        indent = " " * self.current_indent
        for number, paragraph in enumerate(re.split(r"\n\s*\n", text)):
            self.write("\n" if number else "")
            for line in wrap_japanese(paragraph, self.width - self.current_indent):
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(term, self._definition(definition)) for term, definition in rows]
        if self.lang != "ja":
            super().write_dl(rows, col_max, col_spacing)
            return
        first_col = min(max((click.formatting.term_len(term) for term, _ in rows), default=0), col_max) + col_spacing
        margin = " " * (first_col + self.current_indent)
        for term, definition in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not definition:
                self.write("\n")
                continue
            if click.formatting.term_len(term) <= first_col - col_spacing:
                self.write(" " * (first_col - click.formatting.term_len(term)))
            else:
                self.write("\n" + margin)
            lines = wrap_japanese(definition, max(self.width - first_col - 2, 10))
            self.write(lines[0] + "\n" + "".join(f"{margin}{line}\n" for line in lines[1:]))

    def _definition(self, text: str) -> str:
        picked = pick(text, self.lang)
        if self.lang != "ja":
            return picked
        extra = _NOTES.search(picked)
        body, notes = (picked[: extra.start()], extra.group(1)) if extra else (picked, "")
        body = CLICK_JA.get(body, body)
        if not notes:
            return body
        notes = "; ".join(_note_ja(note) for note in notes.split("; "))
        return f"{body}  [{notes}]" if body else f"[{notes}]"


#: a run that is not broken inside: an ASCII word (option, path, URL), or any one other character
_PIECES = re.compile(r"[\x21-\x7e]+|\s+|.")


#: punctuation that never begins a line (it stays at the end of the line before, past the width)
_NO_LINE_START = frozenset("、。，．）」』】〕・：；！？ー")
#: brackets that never end a line (they go on to the next)
_NO_LINE_END = frozenset("（「『【〔[(")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_japanese(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns (a wide character counts two): Japanese breaks between any two
    characters, ASCII words only at spaces; no line begins with closing punctuation or ends with an opening
    bracket."""
    lines: list[str] = []
    line = ""
    for piece in _PIECES.findall(" ".join(text.split())):
        if line and _width(line + piece) > width and not piece.isspace() and piece not in _NO_LINE_START:
            carried = line[-1] if line[-1] in _NO_LINE_END and len(line) > 1 else ""
            lines.append(line[: len(line) - len(carried)].rstrip())
            line = carried
        if line or not piece.isspace():
            line += piece
    return [*lines, line.rstrip()] if line.strip() or not lines else lines


def _unbroken(text: str) -> str:
    """Japanese paragraphs with their source line breaks removed (click would turn each into a space)."""
    paragraphs = re.split(r"\n\s*\n", text)
    for index, paragraph in enumerate(paragraphs):
        if not JAPANESE.search(paragraph):
            continue
        joined = ""
        for line in (part.strip() for part in paragraph.splitlines()):
            japanese_seam = joined and (JAPANESE.match(line[:1]) or JAPANESE.match(joined[-1:]))
            joined += line if not joined or japanese_seam else " " + line
        paragraphs[index] = joined
    return "\n\n".join(paragraphs)


def _note_ja(note: str) -> str:
    for english, japanese in _NOTES_JA:
        if note.startswith(english):
            return japanese + note[len(english):]
    return note


class OneLanguageContext(click.Context):
    def make_formatter(self) -> click.HelpFormatter:
        return OneLanguageFormatter(help_lang(self), width=self.terminal_width, max_width=self.max_content_width)


def one_language_help(command: click.Command) -> click.Command:
    """Makes ``command`` (and, for a group, its sub-commands) write its help in one language.

    A sub-command's summary in its group's list is the whole first line of its help, so that both
    languages reach the formatter (click would cut "English. / 日本語" after the English sentence)."""
    command.context_class = OneLanguageContext
    for sub in getattr(command, "commands", {}).values():
        if not sub.short_help and sub.help:
            sub.short_help = sub.help.strip().splitlines()[0]
        one_language_help(sub)
    return command
