"""Targets: the vendor or service a run audited, so history and diffs compare like with like.

A run's target is the name the user gave (``auditor audit --target NAME``). Without one it is
derived from the audited provider scopes — ``aws:123456789012``, or
``aws:123456789012+gcp:my-project`` for several — which stays the same month after month as long as
the same accounts are audited.
"""

from __future__ import annotations

from auditor.model import RunInfo

UNNAMED = "unnamed"


def scopes_of(run: RunInfo) -> tuple[str, ...]:
    """Every audited scope as ``provider:scope``, sorted (a provider without scopes as ``provider``)."""
    labels = set()
    for entry in run.providers:
        if entry.scopes:
            labels.update(f"{entry.provider}:{scope}" for scope in entry.scopes)
        else:
            labels.add(entry.provider)
    return tuple(sorted(labels))


def target_of(run: RunInfo, explicit: str | None = None) -> str:
    """The target a run belongs to: ``explicit``, else the run's own, else derived from its scopes."""
    name = (explicit or "").strip() or run.target.strip()
    if name:
        return name
    return "+".join(scopes_of(run)) or UNNAMED
