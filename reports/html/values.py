"""Small values every part of the page's view is built from: a time in JST and UTC, a status with its mark."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.serialize import iso
from auditor.status import Status
from reports.labels import jst, status_meaning, status_text, utc


@dataclass(frozen=True)
class Moment:
    """A time shown in JST with its UTC value kept for the title attribute and machines."""

    jst: str
    utc: str
    iso: str


def moment(value) -> Moment:
    return Moment(jst(value), utc(value), iso(value))


def status_view(status: Status, lang: str) -> dict[str, str]:
    return {"value": status.value, "text": status_text(status, lang), "cls": f"st-{status.value}",
            "meaning": status_meaning(status, lang)}
