"""Where a location string puts data, for the residency control (pure; no Google library).

Japan is ``asia-northeast1`` (Tokyo), ``asia-northeast2`` (Osaka), their zones, and the Cloud Storage
predefined dual-region ``asia1`` (Tokyo + Osaka). Multi-regions such as ``asia``, ``us`` or ``eu`` span
countries outside Japan; ``global`` gives no data-location guarantee at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

JAPAN_REGIONS = frozenset({"asia-northeast1", "asia-northeast2"})
JAPAN_DUAL_REGIONS = frozenset({"asia1"})
MULTI_REGIONS = frozenset({"asia", "us", "eu"})
GLOBAL = "global"

_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")
_REGION = re.compile(r"^[a-z]+-[a-z]+\d+$")

JAPAN, OUTSIDE, MULTI, GLOBAL_KIND, UNKNOWN = "japan", "outside", "multi-region", "global", "unknown"


def region_of(location: str) -> str:
    """``asia-northeast1-a`` → ``asia-northeast1``; other values lower-cased as they are."""
    loc = (location or "").strip().lower()
    match = _ZONE.match(loc)
    return match.group(1) if match else loc


def classify(location: str) -> str:
    """One of ``japan``, ``outside``, ``multi-region``, ``global`` or ``unknown`` (no location given)."""
    loc = (location or "").strip().lower()
    if not loc:
        return UNKNOWN
    if loc == GLOBAL:
        return GLOBAL_KIND
    if region_of(loc) in JAPAN_REGIONS or loc in JAPAN_DUAL_REGIONS:
        return JAPAN
    if loc in MULTI_REGIONS or not (_REGION.match(loc) or _ZONE.match(loc)):
        # Multi-regions (asia, us, eu) and dual-regions other than asia1 (nam4, eur4, …) span
        # locations outside Japan.
        return MULTI
    return OUTSIDE


@dataclass(frozen=True)
class Residency:
    """The residency of a set of locations a resource keeps its data in."""

    japan: tuple[str, ...]
    elsewhere: tuple[tuple[str, str], ...]  # (location, kind)

    @property
    def all_in_japan(self) -> bool:
        return bool(self.japan) and not self.elsewhere

    @property
    def empty(self) -> bool:
        return not self.japan and not self.elsewhere


def residency(locations: Iterable[str]) -> Residency:
    japan: list[str] = []
    elsewhere: list[tuple[str, str]] = []
    for location in locations:
        kind = classify(location)
        if kind == UNKNOWN:
            continue
        if kind == JAPAN:
            japan.append(location.lower())
        else:
            elsewhere.append((location.lower(), kind))
    return Residency(tuple(japan), tuple(elsewhere))


def japan_only_allowed_values(values: Iterable[str]) -> tuple[bool, tuple[str, ...]]:
    """Whether ``gcp.resourceLocations`` allowed values name only Japanese locations.

    Values look like ``in:asia-northeast1-locations`` (a value group), ``asia-northeast1`` or
    ``zones:asia-northeast1-a``. Returns the verdict and the values that are not Japanese.
    """
    foreign = []
    seen = False
    for value in values:
        seen = True
        text = value.strip().lower()
        for prefix in ("in:", "is:", "zones:", "regions:", "multiregions:"):
            if text.startswith(prefix):
                text = text[len(prefix):]
                break
        if text.endswith("-locations"):
            text = text[: -len("-locations")]
        if classify(text) != JAPAN:
            foreign.append(value)
    return seen and not foreign, tuple(foreign)
