"""The pipeline policy that makes the adapter read-only: anything but a read is refused before it is sent.

Added to every azure-core pipeline the adapter builds (ARM, Resource Graph, Microsoft Graph) as the
last policy before the transport, so retries, redirects and the ARM auto-registration policy (which
would POST a resource-provider registration) pass through it too. Allowed: ``GET`` (and ``HEAD``),
and the one ``POST`` that only reads, the Resource Graph query
(``/providers/Microsoft.ResourceGraph/resources``). Token requests are made by azure-identity
outside these pipelines.
"""

from __future__ import annotations

from urllib.parse import urlparse

from azure.core.exceptions import AzureError
from azure.core.pipeline.policies import SansIOHTTPPolicy

READ_METHODS = frozenset({"GET", "HEAD"})
RESOURCE_GRAPH_QUERY = "/providers/microsoft.resourcegraph/resources"


class WriteRefused(AzureError):
    """A request that could change something was stopped before it left the machine."""

    def __init__(self, method: str, url: str) -> None:
        super().__init__(f"read-only audit: refused {method} {url}")
        self.method = method
        self.url = url


def is_read(method: str, url: str) -> bool:
    method = method.upper()
    if method in READ_METHODS:
        return True
    return method == "POST" and urlparse(url).path.rstrip("/").lower().endswith(RESOURCE_GRAPH_QUERY)


class ReadOnlyPolicy(SansIOHTTPPolicy):
    """Raise :class:`WriteRefused` for any request that is not a read."""

    def on_request(self, request) -> None:
        http = request.http_request
        if not is_read(http.method, http.url):
            raise WriteRefused(http.method, http.url)
