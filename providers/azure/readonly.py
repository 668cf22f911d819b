"""The pipeline policy that makes the adapter read-only: anything but a read is refused before it is sent.

Added to every azure-core pipeline the adapter builds (ARM, Resource Graph, Microsoft Graph) as the
last policy before the transport, so retries, redirects and the ARM auto-registration policy (which
would POST a resource-provider registration) pass through it too. Allowed: ``GET`` (and ``HEAD``),
and a ``POST`` only to the exact URLs a pipeline is built with: the Resource Graph channel's one
query URL (``{ARM endpoint}/providers/Microsoft.ResourceGraph/resources``), nothing on the ARM and
Microsoft Graph channels (their ``POST`` actions, such as ``listKeys``, can hand out secrets). Token
requests are made by azure-identity outside these pipelines.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from azure.core.exceptions import AzureError
from azure.core.pipeline.policies import SansIOHTTPPolicy

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
