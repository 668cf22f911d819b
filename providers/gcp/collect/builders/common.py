"""The one place that turns a Cloud Asset asset into an :class:`~auditor.model.Evidence` record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.model import Evidence, Said
from providers.gcp.collect.context import ScopeData
from providers.gcp.collect.inventory import Asset
from providers.gcp.collect.refs import region_for
from providers.gcp.failures import Failure

PROVIDER = "gcp"


def asset_source(asset_type: str) -> str:
    return f"asset:assets.list[{asset_type}]"


def from_asset(
    data: ScopeData,
    kind: str,
    asset: Asset,
    attributes: Mapping[str, Any],
    unreadable: Mapping[str, str] | None = None,
    *,
    raw: Any = None,
    source: str = "",
) -> Evidence:
    locations = attributes.get("locations") or [asset.location]
    return Evidence(
        provider=PROVIDER,
        scope=data.scope_of(asset),
        region=region_for(locations),
        resource_type=kind,
        resource_id=asset.name,
        name=str(asset.data.get("name") or asset.data.get("displayName") or asset.short_name).rsplit("/", 1)[-1],
        source=source or asset_source(asset.asset_type),
        collected_at=data.collected_at,
        attributes=dict(attributes),
        unreadable=dict(unreadable or {}),
        raw=asset.data if raw is None else raw,
    )


def record(
    data: ScopeData,
    kind: str,
    scope: str,
    resource_id: str,
    name: str,
    source: str,
    attributes: Mapping[str, Any],
    unreadable: Mapping[str, str] | None = None,
    raw: Any = None,
    region: str = "global",
) -> Evidence:
    """Evidence that is not one asset (a project's settings gathered from several calls)."""
    return Evidence(
        provider=PROVIDER, scope=scope, region=region, resource_type=kind, resource_id=resource_id, name=name,
        source=source, collected_at=data.collected_at, attributes=dict(attributes),
        unreadable=dict(unreadable or {}), raw=raw,
    )


def take(answer: Any, attribute: str, unreadable: dict[str, Said]) -> Any:
    """The follow-up answer, or ``None`` with the attribute marked unreadable by its failure."""
    if isinstance(answer, Failure):
        unreadable[attribute] = answer.describe()
        return None
    return answer
