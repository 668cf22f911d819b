"""Text from clouds and files made safe to print on a terminal.

A resource name or tag is chosen by whoever controls the audited account. Printed as it is, an
escape sequence in it could clear the screen, move the cursor, retitle the window or print a fake
"all pass" line over the real summary. :func:`printable` removes escape sequences (ANSI CSI, OSC,
DCS and the other ESC forms) and every C0 and C1 control character; newlines are kept only where
asked, since one inside a name would fake a line of its own.
"""

from __future__ import annotations

import re

_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?        # CSI: cursor moves, colours, erase
    | (?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)  # OSC, DCS, PM, APC, SOS strings
    | \x1b[\x20-\x2f]*[\x30-\x7e]?                              # any other escape sequence
    """,
    re.VERBOSE | re.DOTALL,
)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"[\r\n]+")


def printable(text: object, keep_newlines: bool = False) -> str:
    """``text`` without escape sequences or control characters (newlines become spaces unless kept)."""
    cleaned = _SEQUENCE.sub("", str(text)).replace("\t", " ")
    if not keep_newlines:
        cleaned = _NEWLINES.sub(" ", cleaned)
    return _CONTROL.sub("", cleaned)
