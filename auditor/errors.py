"""The one error type the CLI turns into a readable message and exit code 2 (never a traceback)."""

from __future__ import annotations

from auditor.i18n import translate


class AuditorError(Exception):
    """A problem the user can fix: bad input, missing credentials, an unusable output directory.

    ``key`` names a message in :mod:`auditor.i18n`; ``params`` fill it in. ``message(lang)`` gives
    the text in Japanese or English.
    """

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(translate(key, "en", **params))

    def message(self, lang: str) -> str:
        return translate(self.key, lang, **self.params)
