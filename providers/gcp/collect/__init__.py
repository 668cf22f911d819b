"""Collection of one GCP audit: Cloud Asset listings, the REST follow-ups and the evidence built from them.

:mod:`~providers.gcp.collect.run` is the run (who the audit runs as, which scopes, the listings and
the follow-up pool); :mod:`~providers.gcp.collect.inventory` lists Cloud Asset content,
:mod:`~providers.gcp.collect.followups` makes the REST follow-ups, and
:mod:`~providers.gcp.collect.builders` turns a scope's data into evidence. The entry point
:func:`collect` is re-exported here on first use, so :mod:`providers.gcp.kinds` (which names the
builders) can be imported on its own.
"""

from __future__ import annotations

from typing import Any

__all__ = ["collect"]


def __getattr__(name: str) -> Any:
    if name == "collect":
        from providers.gcp.collect.run import collect

        return collect
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
