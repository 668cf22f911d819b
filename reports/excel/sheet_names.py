"""File and sheet names Excel accepts: a checklist's file name, and unique sheet names of at most 31 characters."""

from __future__ import annotations

import re


def safe_file_name(checklist_id: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]", "_", checklist_id).strip("._") or "checklist"
    return f"{name}.xlsx"


#: Excel's limit on a sheet name.
MAX_SHEET_TITLE = 31
#: Words a shortened English name does not end on ("Security requirements for" → "Security requirements").
DANGLING_WORDS = frozenset({"a", "an", "and", "by", "for", "in", "of", "on", "or", "the", "to", "with"})


def shorten_title(title: str, limit: int = MAX_SHEET_TITLE) -> str:
    """``title`` in at most ``limit`` characters, never cut mid-word.

    A name written with spaces (English) loses its bracketed asides first, then whole words from the end,
    and does not end on a connecting word or punctuation. A name without spaces (Japanese) is cut at
    ``limit`` characters, the only place left.
    """
    if len(title) <= limit:
        return title
    if " " not in title.strip():
        return title[:limit]
    shorter = title
    while len(shorter) > limit and re.search(r"\s*\([^()]*\)", shorter):
        shorter = re.sub(r"\s*\([^()]*\)(?!.*\()", "", shorter, count=1).strip()
    words = shorter.split()
    while words and (len(" ".join(words)) > limit or words[-1].lower().strip(":,;-") in DANGLING_WORDS
                     or not words[-1].strip(":,;-")):
        words.pop()
    name = " ".join(words).rstrip(":,;- ")
    return name or title.split()[0][:limit]


def safe_sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet name for ``title``: shortened by whole words (see :func:`shorten_title`)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", title).strip("'").strip() or "Sheet"
    candidate, n = shorten_title(base), 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = shorten_title(base, MAX_SHEET_TITLE - len(suffix)) + suffix, n + 1
    used.add(candidate)
    return candidate
