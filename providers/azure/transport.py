"""The three read-only channels to Azure: ARM GETs, Resource Graph queries and Microsoft Graph GETs.

Each is an azure-core pipeline with the caller's bearer token and :class:`ReadOnlyPolicy` last
before the transport. Lists follow ``nextLink`` / ``@odata.nextLink`` (absolute URLs) and
Resource Graph follows ``$skipToken``, each through a :class:`~providers.paging.PageTrail` (no
repeated link or token, no link off the endpoint, at most ``max_pages`` pages); a refused or failed
call raises :class:`CallFailed` with the HTTP status and the service's error code, which the
collector turns into a gap. Connect and read timeouts and retries come from the settings. Resource
Graph queries (each page is one) are paced by one token bucket per audit, the caller's quota of 15
queries in every 5 seconds (:data:`providers.ratelimit.RESOURCE_GRAPH_PER_USER`).

The read-only guard, :class:`ReadOnlyPolicy`, refuses anything but a read before it is sent. It is
added to every azure-core pipeline the adapter builds (ARM, Resource Graph, Microsoft Graph) as the
last policy before the transport, so retries, redirects and the ARM auto-registration policy (which
would POST a resource-provider registration) pass through it too. Allowed: ``GET`` (and ``HEAD``),
and a ``POST`` only to the exact URLs a pipeline is built with: the Resource Graph channel's one
query URL (``{ARM endpoint}/providers/Microsoft.ResourceGraph/resources``), nothing on the ARM and
Microsoft Graph channels (their ``POST`` actions, such as ``listKeys``, can hand out secrets). Token
requests are made by azure-identity outside these pipelines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from azure.core import PipelineClient
from azure.core.exceptions import AzureError, ClientAuthenticationError, HttpResponseError
from azure.core.pipeline.policies import (
    BearerTokenCredentialPolicy,
    HeadersPolicy,
    RequestIdPolicy,
    RetryPolicy,
    SansIOHTTPPolicy,
    UserAgentPolicy,
)
from azure.core.rest import HttpRequest
from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy

from providers.azure.failures import CallFailed, error_of
from providers.azure.settings import Settings
from providers.paging import ERROR_CODE as PAGING_REFUSED
from providers.paging import PageTrail, PagingRefused
from providers.ratelimit import RESOURCE_GRAPH_PER_USER, TokenBucket

USER_AGENT = "municipal-cloud-auditor"
#: Rows per Resource Graph page (the service's maximum).
GRAPH_PAGE_SIZE = 1000
#: Resource Graph accepts at most this many subscriptions per query.
SUBSCRIPTIONS_PER_QUERY = 1000
READ_METHODS = frozenset({"GET", "HEAD"})
RESOURCE_GRAPH_QUERY = "/providers/Microsoft.ResourceGraph/resources"


class WriteRefused(AzureError):
    """A request that could change something was stopped before it left the machine."""

    def __init__(self, method: str, url: str) -> None:
        super().__init__(f"read-only audit: refused {method} {url}")
        self.method = method
        self.url = url


def resource_graph_query_url(arm_endpoint: str) -> str:
    """The one URL the Resource Graph channel may ``POST`` to (its queries only read)."""
    return arm_endpoint.rstrip("/") + RESOURCE_GRAPH_QUERY


def _place(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/").lower()


def is_read(method: str, url: str, posts: Iterable[str] = ()) -> bool:
    """``GET``/``HEAD`` anywhere; ``POST`` only to one of ``posts`` (same scheme, host and path)."""
    method = method.upper()
    if method in READ_METHODS:
        return True
    return method == "POST" and _place(url) in {_place(allowed) for allowed in posts}


class ReadOnlyPolicy(SansIOHTTPPolicy):
    """Raise :class:`WriteRefused` for any request that is not a read (``posts``: the read-only POST URLs)."""

    def __init__(self, posts: Iterable[str] = ()) -> None:
        super().__init__()
        self._posts = tuple(posts)

    def on_request(self, request) -> None:
        http = request.http_request
        if not is_read(http.method, http.url, self._posts):
            raise WriteRefused(http.method, http.url)


def _policies(credential_policy, settings: Settings) -> list:
    return [
        RequestIdPolicy(),
        HeadersPolicy({"Accept": "application/json"}),
        UserAgentPolicy(base_user_agent=USER_AGENT),
        RetryPolicy(retry_total=settings.retries, retry_backoff_factor=0.5),
        credential_policy,
        ReadOnlyPolicy(),
    ]


class JsonChannel:
    """GET JSON documents from one service (ARM or Microsoft Graph) through a read-only pipeline."""

    def __init__(self, base_url: str, credential_policy, settings: Settings, label: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.label = label
        self._max_pages = settings.max_pages
        self._client = PipelineClient(
            self.base_url, policies=_policies(credential_policy, settings),
            connection_verify=settings.connection_verify, connection_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
        )

    def url(self, path: str, params: dict[str, str] | None = None) -> str:
        url = path if path.startswith("https://") or path.startswith("http://") else self.base_url + path
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params, quote_via=quote, safe="$,'()")
        return url

    def get(self, path: str, params: dict[str, str] | None = None, source: str = "") -> dict[str, Any]:
        return self._fetch(self.url(path, params), source or f"{self.label}:GET {path}")

    def _fetch(self, url: str, source: str, once: bool = False) -> dict[str, Any]:
        try:
            response = self._client.send_request(HttpRequest("GET", url), **({"retry_total": 0} if once else {}))
        except ClientAuthenticationError:
            raise
        except HttpResponseError as exc:
            raise CallFailed(exc.status_code or 0, "", str(exc.message), source) from exc
        except AzureError as exc:
            raise CallFailed(0, type(exc).__name__, str(exc.message), source) from exc
        try:
            body = response.json() if response.content else {}
        except (ValueError, json.JSONDecodeError):
            body = {}
        if response.status_code >= 400:
            code, message = error_of(body)
            raise CallFailed(response.status_code, code, message or response.reason or "", source)
        return body

    def pages(self, path: str, params: dict[str, str] | None = None, source: str = "",
              items: str = "value", next_key: str = "nextLink", once: bool = False) -> Iterator[list[dict[str, Any]]]:
        """Yield each page of a list, following absolute next links on the same endpoint only.

        ``once``: the first page is asked for without retries (the audit's first call, so that an
        endpoint that does not answer is reported after one timeout)."""
        source = source or f"{self.label}:GET {path}"
        url: str | None = self.url(path, params)
        trail = PageTrail(url, self._max_pages)
        first = once
        while url:
            body = self._fetch(url, source, first)
            first = False
            yield list(body.get(items) or [])
            url = body.get(next_key)
            if url:
                try:
                    trail.next_link(str(url))
                except PagingRefused as refused:
                    raise CallFailed(0, PAGING_REFUSED, str(refused), source) from None

    def list(self, path: str, params: dict[str, str] | None = None, source: str = "", **kwargs) -> list[dict]:
        return [item for page in self.pages(path, params, source, **kwargs) for item in page]

    def close(self) -> None:
        self._client.close()


class ResourceGraph:
    """Run KQL across subscriptions with the Resource Graph SDK, paging on ``$skipToken``."""

    def __init__(self, credential, settings: Settings, bucket: TokenBucket | None = None) -> None:
        from azure.mgmt.resourcegraph import ResourceGraphClient

        self._max_pages = settings.max_pages
        self._bucket = bucket or TokenBucket(RESOURCE_GRAPH_PER_USER)  # one user: one quota for every thread
        self._client = ResourceGraphClient(
            credential, base_url=settings.arm_endpoint, credential_scopes=[settings.arm_scope],
            connection_verify=settings.connection_verify,
            per_retry_policies=[ReadOnlyPolicy((resource_graph_query_url(settings.arm_endpoint),))],
            user_agent=USER_AGENT, **settings.transport,
        )

    def rows(self, query: str, subscriptions: Sequence[str], source: str) -> Iterator[dict[str, Any]]:
        from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

        for start in range(0, len(subscriptions), SUBSCRIPTIONS_PER_QUERY):
            chunk = list(subscriptions[start:start + SUBSCRIPTIONS_PER_QUERY])
            token: str | None = None
            trail = PageTrail(max_pages=self._max_pages)
            while True:
                options = QueryRequestOptions(top=GRAPH_PAGE_SIZE, skip_token=token, result_format="objectArray")
                self._bucket.acquire()  # every page is a query against the user's quota
                try:
                    response = self._client.resources(QueryRequest(subscriptions=chunk, query=query, options=options))
                except ClientAuthenticationError:
                    raise
                except HttpResponseError as exc:
                    code = getattr(getattr(exc, "error", None), "code", "") or ""
                    raise CallFailed(exc.status_code or 0, code, str(exc.message), source) from exc
                except AzureError as exc:
                    raise CallFailed(0, type(exc).__name__, str(exc.message), source) from exc
                yield from response.data or []
                token = response.skip_token
                if not token:
                    break
                try:
                    trail.next_token(token)
                except PagingRefused as refused:
                    raise CallFailed(0, PAGING_REFUSED, str(refused), source) from None

    def close(self) -> None:
        self._client.close()


class AzureApis:
    """The channels one audit uses, built from a credential and the settings."""

    def __init__(self, credential, settings: Settings) -> None:
        self.settings = settings
        self.arm = JsonChannel(settings.arm_endpoint, ARMChallengeAuthenticationPolicy(credential, settings.arm_scope),
                               settings, "arm")
        self.graph = JsonChannel(settings.graph_endpoint,
                                 BearerTokenCredentialPolicy(credential, settings.graph_scope), settings, "graph")
        self.resource_graph = ResourceGraph(credential, settings)

    def close(self) -> None:
        for channel in (self.arm, self.graph, self.resource_graph):
            channel.close()
