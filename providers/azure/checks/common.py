"""Shared pieces of the Azure check tables: the row constructor, permission helpers and shared readers."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from auditor.checks import Check, Verdict, need
from auditor.model import Evidence, Said, said

PROVIDER = "azure"
ARG = "Microsoft.ResourceGraph/resources/read"

NO_PUBLIC_FRONTEND = ("パブリックのフロントエンド IP がない（インターネットからの入口ではない）",
                      "no public frontend IP (not an entry point from the internet)")

#: One row of a check table: id, control, kind, permissions, expected (Japanese, English), function,
#: title_ja, title (English).
Row = tuple[str, str, str, tuple[str, ...], Said, Callable[[Evidence], Verdict], str, str]


def table(rows: Iterable[Row]) -> tuple[Check, ...]:
    """The checks of a table of rows, in the rows' order (reports list checks in table order)."""
    return tuple(
        Check(id=cid, control_id=control, provider=PROVIDER, resource_type=kind, permissions=perms,
              expected=said(expected)[0], evaluate=fn, title=title, title_ja=title_ja, expected_en=said(expected)[1])
        for cid, control, kind, perms, expected, fn, title_ja, title in rows
    )


def arm(*actions: str) -> tuple[str, ...]:
    """Azure RBAC actions a check needs, after the Resource Graph read every listing needs."""
    return (ARG, *actions)


def graph(*permissions: str) -> tuple[str, ...]:
    """Microsoft Graph application permissions a check needs."""
    return tuple(f"graph:{p}" for p in permissions)


def lower(value) -> str:
    return str(value or "").lower()


def defender_plan(e: Evidence, name: str) -> dict:
    """One Defender for Cloud plan of a subscription's evidence (empty if it has none)."""
    return (need(e, "plans") or {}).get(name) or {}


def plan_on(plan: dict) -> bool:
    return lower(plan.get("tier")) == "standard"
