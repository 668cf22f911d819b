"""The provider options a collection was made with, so that one audit is never pieced together from two.

A shard that runs again, a run that is resumed and the shards a merge puts together must all have
collected the same way: the same regions, the same organisation roles, the same accounts. The
options are kept with the collection (``auditor_collections.options_json``) in a normal form, so that
the order of repeated values (``--regions a --regions b`` or ``--regions b,a``) does not matter, and
an option left at its default is not written at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Settings = Mapping[str, Any]


def settings_of(options: Mapping[str, Any]) -> dict[str, Any]:
    """The options that were given, each list of values split on commas, without repeats and sorted."""
    settings: dict[str, Any] = {}
    for key, value in sorted(options.items()):
        if value is None or value is False or value == () or value == []:
            continue
        if isinstance(value, list | tuple):
            value = sorted({part.strip() for item in value for part in str(item).split(",") if part.strip()})
        settings[key] = value
    return settings


def shown(key: str, value: Any, lang: str) -> str:
    """One option as it was given on the command line (``--regions a,b``), or that it was not given."""
    option = "--" + key.replace("_", "-")
    if value is None:
        return f"{option} の指定なし" if lang == "ja" else f"no {option}"
    if value is True:
        return option
    return f"{option} {','.join(value) if isinstance(value, list) else value}"


def difference(earlier: Settings, now: Settings) -> tuple[str, Any, Any] | None:
    """The first option that differs: its key, its value then and its value now (None: not given); or None."""
    for key in sorted(set(earlier) | set(now)):
        if earlier.get(key) != now.get(key):
            return key, earlier.get(key), now.get(key)
    return None
