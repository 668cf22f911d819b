"""Helpers every collector uses: list a kind or record a gap, read a follow-up or mark it unreadable."""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

from auditor.model import Gap, Said, utc_now
from providers.aws.collect.account import PROVIDER, AccountContext
from providers.aws.failures import CallFailed, Failure
from providers.aws.kinds import Kind, Outcome, blocked_by


def gap(ctx: AccountContext, region: str, failure: Failure, resource_types: Iterable[str]) -> Gap:
    return Gap(
        provider=PROVIDER,
        scope=ctx.account,
        region=region,
        source=failure.source,
        resource_types=tuple(resource_types),
        error_code=failure.error_code,
        message=failure.message,
        message_en=failure.messages[1],
        permission=failure.permission,
        collected_at=utc_now(),
    )


def list_or_gap(
    ctx: AccountContext,
    region: str,
    kind: Kind,
    family: Iterable[Kind],
    wanted: frozenset[str],
    outcome: Outcome,
    **params: Any,
) -> list[Any] | None:
    """List ``kind`` in ``region``; on failure record one gap for it and every wanted kind listed through it."""
    listing = kind.listing
    try:
        return ctx.pages(region, listing.service, listing.operation, listing.result_key, **{**listing.params, **params})
    except CallFailed as failed:
        outcome.gaps.append(gap(ctx, region, failed.failure, blocked_by(kind, family, wanted)))
        return None


def read(unreadable: MutableMapping[str, Said], attributes: Iterable[str], fetch: Callable[[], Any]) -> Any:
    """Run one follow-up read; if it fails, mark ``attributes`` unreadable with the cause and return ``None``."""
    try:
        return fetch()
    except CallFailed as failed:
        for attribute in attributes:
            unreadable[attribute] = failed.failure.cause()
        return None


def wants(wanted: frozenset[str], *kinds: Kind) -> bool:
    return any(kind.resource_type in wanted for kind in kinds)
