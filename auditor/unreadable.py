"""What could not be read, counted one way for the terminal summary and the reports.

Two kinds, kept apart: *calls* (gaps, :class:`~auditor.model.Gap`), whose whole answer is missing, and
*details* of listed resources (``Evidence.unreadable``): attributes a follow-up call could not read,
which make the checks that need them UNKNOWN. :func:`unreadable_of` gathers both; :func:`summary_text`
is the one sentence that says them, in Japanese or English, wherever a summary is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.model import Evidence, Gap, in_language
from auditor.serialize import evidence_from_dict


@dataclass(frozen=True)
class UnreadableDetail:
    """One attribute of one listed resource that could not be read, and why (in both languages)."""

    provider: str
    scope: str
    region: str
    resource_type: str
    resource_id: str
    resource_name: str
    source: str
    attribute: str
    cause: str
    cause_en: str

    def cause_in(self, lang: str) -> str:
        return in_language(self.cause, self.cause_en, lang)


@dataclass(frozen=True)
class Unreadable:
    """The calls that could not be made and the details that could not be read."""

    calls: int
    details: tuple[UnreadableDetail, ...]

    @property
    def attributes(self) -> int:
        return len(self.details)

    @property
    def resources(self) -> int:
        return len({(d.provider, d.scope, d.region, d.resource_type, d.resource_id) for d in self.details})


def unreadable_details(evidence: Iterable[Evidence]) -> tuple[UnreadableDetail, ...]:
    """Every unreadable attribute of every evidence record, in the records' order and then by attribute."""
    return tuple(
        UnreadableDetail(e.provider, e.scope, e.region, e.resource_type, e.resource_id, e.name, e.source, attribute,
                         e.cause(attribute), e.cause(attribute, "en"))
        for e in evidence for attribute in sorted(e.unreadable)
    )


def details_of_snapshot(snapshot: Mapping[str, Any]) -> tuple[UnreadableDetail, ...]:
    """The unreadable details of a snapshot document (``snapshot.json`` as written, secrets redacted)."""
    records = snapshot.get("evidence") or []
    return unreadable_details(evidence_from_dict(r, f"evidence[{n}]") for n, r in enumerate(records)
                              if isinstance(r, Mapping) and r.get("unreadable"))


def unreadable_of(gaps: Sequence[Gap], details: Sequence[UnreadableDetail]) -> Unreadable:
    return Unreadable(len(gaps), tuple(details))


def summary_text(unreadable: Unreadable, lang: str) -> str:
    """The summary's sentence: how many calls, and how many details of how many resources."""
    if lang == "en":
        return (f"Not readable: {counted(unreadable.calls, 'call')} (listings or settings), "
                f"{counted(unreadable.attributes, 'detail')} of {counted(unreadable.resources, 'resource')} "
                "(follow-up calls failed)")
    return (f"読み取れなかったもの: 一覧・設定の呼び出し {unreadable.calls} 件、"
            f"リソースの詳細 {unreadable.attributes} 項目（{unreadable.resources} リソース、追加の呼び出しに失敗）")


def counted(count: int, noun: str) -> str:
    """``1 call``, ``2 calls``, ``0 calls``: an English count with its noun in agreement."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
