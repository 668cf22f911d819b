"""The audit profile as the plain questions a vendor answers, and the answers given, for the top of a sheet.

Each profile key decides which items apply or which level column is met; the sheet says which question
was answered how, in Japanese or English, with the option that sets it (``--profile-option role=both``).
The questions and answers come from :mod:`auditor.profile_words`, whose words the reasons use too.
"""

from __future__ import annotations

from collections.abc import Mapping

from auditor.checklists import PROFILE_TEXT_FIELDS
from auditor.profile_words import ANSWERS, QUESTIONS


def profile_answers(profile: Mapping[str, str], lang: str) -> list[str]:
    """One line per profile question: ``question: answer（key=value）``; unknown keys keep their own words.
    The free-text fields (service and provider name, who filled it in) decide nothing and are left to the
    sheet's fill-in block and the run information."""
    en = lang != "ja"
    ordered = [k for k in QUESTIONS if k in profile] + [
        k for k in profile if k not in QUESTIONS and k not in PROFILE_TEXT_FIELDS]
    lines = []
    for key in ordered:
        value = profile[key]
        question = QUESTIONS.get(key, (key, key))[en]
        answer = ANSWERS.get((key, value), (value, value))[en]
        lines.append(f"{question}: {answer} ({key}={value})" if en else f"{question}: {answer}（{key}={value}）")
    return lines
