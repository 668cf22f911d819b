"""Cloud Asset Inventory listings: one paged ``assets.list`` per scope and content type.

Only the asset types the selected checks read are requested, all in one listing per content type,
so the number of requests grows with pages (up to 1,000 assets each), not with resources or types.
Assets come back as :class:`Asset` values holding the protobuf-JSON (camelCase) of each part.
Each request waits at most ``AUDITOR_READ_TIMEOUT`` seconds, and the pages follow the rules of
:class:`~providers.paging.PageTrail` (a repeated ``nextPageToken`` or more than ``AUDITOR_MAX_PAGES``
pages ends the listing as a failure, so its kinds become gaps). Every page request takes a token from
one bucket per audit, the consumer project's ListAssets quota
(:data:`providers.ratelimit.CLOUD_ASSET_LIST_ASSETS`, 100 per minute).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from google.api_core import exceptions as core
from google.auth import exceptions as auth
from google.protobuf import json_format

from auditor.network import NetworkLimits
from providers.gcp.calls import (
    LIST_ACCESS_POLICIES,
    LIST_IAM_POLICIES,
    LIST_ORG_POLICIES,
    LIST_RESOURCES,
    Call,
)
from providers.gcp.failures import Failure, failure_from_exception
from providers.gcp.settings import ASSET
from providers.gcp.transport import read_only_asset_transport
from providers.paging import ERROR_CODE as PAGING_REFUSED
from providers.paging import PageTrail, PagingRefused
from providers.ratelimit import CLOUD_ASSET_LIST_ASSETS, TokenBucket

PAGE_SIZE = 1000

RESOURCE, IAM_POLICY, ORG_POLICY, ACCESS_POLICY = "RESOURCE", "IAM_POLICY", "ORG_POLICY", "ACCESS_POLICY"
CALLS: Mapping[str, Call] = {
    RESOURCE: LIST_RESOURCES,
    IAM_POLICY: LIST_IAM_POLICIES,
    ORG_POLICY: LIST_ORG_POLICIES,
    ACCESS_POLICY: LIST_ACCESS_POLICIES,
}


@dataclass(frozen=True)
class Asset:
    """One asset of one content type, as Cloud Asset Inventory returned it."""

    name: str
    asset_type: str
    ancestors: tuple[str, ...]
    location: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    iam_policy: Mapping[str, Any] | None = None
    org_policies: tuple[Mapping[str, Any], ...] = ()
    access: Mapping[str, Any] | None = None
    update_time: str = ""

    @property
    def project_ref(self) -> str:
        """``projects/<number>`` of the project the asset lives in, or "" for folder/org level."""
        return next((a for a in self.ancestors if a.startswith("projects/")), "")

    @property
    def short_name(self) -> str:
        return self.name.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Listing:
    """The outcome of one paged listing: its assets, or the failure that stopped it."""

    scope: str
    content_type: str
    assets: tuple[Asset, ...]
    pages: int
    failure: Failure | None = None

    @property
    def source(self) -> str:
        return CALLS[self.content_type].source


def asset_from_dict(raw: Mapping[str, Any]) -> Asset:
    resource = raw.get("resource") or {}
    access = {k: raw[k] for k in ("accessPolicy", "accessLevel", "servicePerimeter") if k in raw} or None
    return Asset(
        name=raw.get("name", ""),
        asset_type=raw.get("assetType", ""),
        ancestors=tuple(raw.get("ancestors") or ()),
        location=resource.get("location", ""),
        data=resource.get("data") or {},
        iam_policy=raw.get("iamPolicy"),
        org_policies=tuple(raw.get("orgPolicy") or ()),
        access=access,
        update_time=raw.get("updateTime", ""),
    )


class AssetInventory:
    """Lists assets with the real ``AssetServiceClient`` over REST, behind the read-only guard."""

    def __init__(self, credentials, environ: Mapping[str, str] | None = None,
                 bucket: TokenBucket | None = None) -> None:
        from google.cloud import asset_v1

        self._types = asset_v1
        self._bucket = bucket or TokenBucket(CLOUD_ASSET_LIST_ASSETS)  # one consumer project: one quota
        self._limits = NetworkLimits.from_environ(environ)
        self._client = asset_v1.AssetServiceClient(
            credentials=credentials,
            transport=read_only_asset_transport(environ),
            client_options={"api_endpoint": ASSET.base_url(environ)},
        )

    @property
    def client(self):
        return self._client

    def list(
        self,
        scope: str,
        content_type: str,
        asset_types: Iterable[str],
        on_page: Callable[[int], None] | None = None,
    ) -> Listing:
        """Every asset of these types under ``scope`` (``projects/P``, ``folders/N``, ``organizations/N``)."""
        request = self._types.ListAssetsRequest(
            parent=scope,
            content_type=getattr(self._types.ContentType, content_type),
            asset_types=sorted(set(asset_types)),
            page_size=PAGE_SIZE,
        )
        assets: list[Asset] = []
        pages = 0
        trail = PageTrail(max_pages=self._limits.max_pages)
        try:
            self._bucket.acquire()
            pager = self._client.list_assets(request=request, timeout=self._limits.read_timeout)
            for page in pager.pages:
                pages += 1
                assets.extend(asset_from_dict(json_format.MessageToDict(type(a).pb(a))) for a in page.assets)
                if on_page is not None:
                    on_page(pages)
                if page.next_page_token:
                    trail.next_token(page.next_page_token)  # checked before the pager asks for the next page
                    self._bucket.acquire()
        except PagingRefused as refused:
            failure = Failure(CALLS[content_type], 0, PAGING_REFUSED, str(refused))
            return Listing(scope, content_type, (), pages, failure)
        except (core.GoogleAPICallError, core.RetryError, auth.GoogleAuthError, OSError) as error:
            cause = error.cause if isinstance(error, core.RetryError) and error.cause else error
            return Listing(scope, content_type, (), pages, failure_from_exception(CALLS[content_type], cause))
        return Listing(scope, content_type, tuple(assets), pages)
