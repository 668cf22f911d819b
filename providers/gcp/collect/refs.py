"""Small pure functions for reading asset payloads: resource references, numbers, names, regions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from providers.gcp.locations import GLOBAL, region_of

_COMPUTE_PREFIX = re.compile(r"^(?:https?://[^/]+/compute/(?:v1|beta|alpha)/|//compute\.googleapis\.com/)")


def compute_ref(link: str) -> str:
    """``https://www.googleapis.com/compute/v1/projects/p/global/sslPolicies/x`` and the asset name
    ``//compute.googleapis.com/projects/p/global/sslPolicies/x`` both → ``projects/p/global/sslPolicies/x``."""
    return _COMPUTE_PREFIX.sub("", (link or "").strip())


def last_segment(path: str) -> str:
    return (path or "").rstrip("/").rsplit("/", 1)[-1]


def as_int(value: Any, default: int | None = None) -> int | None:
    """Numbers in ``resource.data`` arrive as floats (protobuf Struct); int64 fields as strings."""
    if value is None or value == "":
        return default
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def as_bool(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def dig(data: Mapping[str, Any] | None, *path: str, default: Any = None) -> Any:
    current: Any = data
    for key in path:
        if not isinstance(current, Mapping) or key not in current:
            return default
        current = current[key]
    return current


def region_for(locations: Iterable[str]) -> str:
    """The finding region: the first location's region, ``global`` when none is given."""
    for location in locations:
        if location:
            return region_of(location)
    return GLOBAL


def location_from_link(link: str) -> str:
    """``…/zones/asia-northeast1-a/…`` → ``asia-northeast1-a``; ``…/regions/r/…`` → ``r``; else ``global``."""
    match = re.search(r"/(?:zones|regions|locations)/([^/]+)", link or "")
    return match.group(1) if match else GLOBAL
