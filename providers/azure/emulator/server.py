"""A local Azure emulator: ARM, Resource Graph, Microsoft Graph and an Entra token endpoint over HTTPS.

It serves an in-memory :class:`~providers.azure.emulator.estate.Estate` on ``127.0.0.1`` with a certificate
from a throw-away ``trustme`` CA, and speaks the services' own protocol, so the real azure-identity
credentials and azure-core / azure-mgmt clients talk to it unchanged:

- ``POST /{tenant}/oauth2/v2.0/token`` (client credentials; the secret is checked, a certificate's
  client assertion is accepted without verifying its signature) and the tenant's OpenID metadata;
- ARM ``GET``: subscriptions, resources by id, the child documents and lists the estate registers,
  lists paged with absolute ``nextLink``; ``api-version`` required; 403 ``AuthorizationFailed`` for
  denied paths and unreadable subscriptions;
- ``POST /providers/Microsoft.ResourceGraph/resources``: the KQL subset the adapter uses
  (``table | where type in~ (…) | project a, b = properties.x | order by id asc``), paged with
  ``$top`` / ``$skipToken`` exactly like the service (no ``id`` column, no token);
- Microsoft Graph ``/v1.0`` GETs, paged with ``@odata.nextLink``, each refused with 403
  ``Authorization_RequestDenied`` unless the token carries the application permission Graph requires.

Every request is counted per service, so tests and the benchmark can see what the adapter sent.
:class:`PagingFaults` makes the paging misbehave on purpose (a ``nextLink`` to the same page or to
another host, a ``$skipToken`` that repeats), for the tests of the adapter's paging limits.
This module is the server (tokens, dispatch, TLS); what each service answers is in
:mod:`providers.azure.emulator.routes`. ``pip install trustme`` (a dev/demo dependency) is needed
only to start it.
"""

from __future__ import annotations

import base64
import json
import ssl
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from auditor.errors import AuditorError
from providers.azure.emulator.estate import Estate
from providers.azure.emulator.estate_store import uid
from providers.azure.emulator.routes import ServiceRoutes
from providers.localhttp import EmulatorRequestHandler

RESOURCE_GRAPH_PATH = "/providers/microsoft.resourcegraph/resources"


# ---------------------------------------------------------------- tokens


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(token: str) -> dict[str, Any]:
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}


# ---------------------------------------------------------------- the server


@dataclass
class Traffic:
    """What the emulator received: counts per service and the request lines (method, path)."""

    counts: Counter = field(default_factory=Counter)
    lines: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, service: str, method: str, path: str) -> None:
        with self.lock:
            self.counts[service] += 1
            self.lines.append((method, path))

    def reset(self) -> None:
        with self.lock:
            self.counts.clear()
            self.lines.clear()


@dataclass
class PagingFaults:
    """Broken paging a test can switch on while the emulator runs.

    ``next_link``: ``"self"`` answers every ARM / Graph list page with a link back to that same page,
    ``"foreign"`` with a link to the same path on another host; ``on_path`` (lower case) limits that
    to the lists whose path ends with it. ``repeat_skip_token``: every Resource Graph page carries a
    ``$skipToken`` that asks for that same page again.
    """

    next_link: str = ""
    on_path: str = ""
    repeat_skip_token: bool = False


class _Handler(ServiceRoutes, EmulatorRequestHandler):
    server: _Server

    # ------------------------------------------------------------ plumbing

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-ms-request-id", uid("request", time.monotonic_ns()))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    @property
    def base(self) -> str:
        return self.server.base_url

    @property
    def estate(self) -> Estate:
        return self.server.estate






    def _dispatch(self, method: str) -> None:
        split = urlsplit(self.path)
        path, query = split.path, {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        lowered = path.lower().rstrip("/")
        tenant = self.estate.tenant_id
        if lowered.startswith(f"/{tenant}/") or lowered.startswith("/organizations/") or lowered.startswith("/common/"):
            self.server.traffic.record("token", method, path)
            return self._identity(method, lowered)
        if lowered.startswith("/v1.0/") or lowered.startswith("/beta/"):
            self.server.traffic.record("graph", method, path)
            return self._graph(method, path, lowered, query)
        if method == "POST" and lowered == RESOURCE_GRAPH_PATH:
            self.server.traffic.record("resourcegraph", method, path)
            return self._resource_graph(query)
        self.server.traffic.record("arm", method, path)
        return self._arm(method, path, lowered, query)

    # ------------------------------------------------------------ identity

    def _identity(self, method: str, path: str) -> None:
        tenant = self.estate.tenant_id
        if method == "GET" and path.endswith("/v2.0/.well-known/openid-configuration"):
            root = f"{self.base}/{tenant}"
            return self._send(200, {
                "issuer": f"{root}/v2.0", "token_endpoint": f"{root}/oauth2/v2.0/token",
                "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
                "jwks_uri": f"{self.base}/{tenant}/discovery/v2.0/keys", "tenant_region_scope": "AS",
                "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                          "client_secret_basic"],
                "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
                "scopes_supported": ["openid", "profile", "email", "offline_access"],
                "subject_types_supported": ["pairwise"], "id_token_signing_alg_values_supported": ["RS256"],
            })
        if method == "POST" and path.endswith("/oauth2/v2.0/token"):
            form = {k: v[-1] for k, v in parse_qs(self._body().decode()).items()}
            return self._token(form)
        return self._send(404, {"error": "not_found", "error_description": f"AADSTS90002: {path} not found"})

    def _token(self, form: dict[str, str]) -> None:
        app = self.estate.app
        if form.get("grant_type") != "client_credentials":
            return self._send(400, {"error": "unsupported_grant_type",
                                    "error_description": "AADSTS70003: the grant type is not supported here."})
        if form.get("client_id") != app.client_id:
            return self._send(400, {"error": "unauthorized_client", "error_description":
                                    f"AADSTS700016: Application with identifier '{form.get('client_id')}' was not "
                                    f"found in the directory '{self.estate.tenant_id}'."})
        if "client_assertion" not in form and form.get("client_secret") != app.secret:
            return self._send(401, {"error": "invalid_client", "error_description":
                                    "AADSTS7000215: Invalid client secret provided.", "error_codes": [7000215]})
        scope = form.get("scope", "").split()[0] if form.get("scope") else ""
        audience = scope.removesuffix("/.default")
        now = int(time.time())
        claims = {"aud": audience, "iss": f"{self.base}/{self.estate.tenant_id}/v2.0", "iat": now, "nbf": now,
                  "exp": now + 3600, "tid": self.estate.tenant_id, "oid": app.object_id, "sub": app.object_id,
                  "appid": app.client_id, "azp": app.client_id, "idtyp": "app",
                  "app_displayname": "municipal-auditor", "roles": sorted(app.graph_permissions), "ver": "2.0"}
        token = f"{_b64({'typ': 'JWT', 'alg': 'RS256', 'kid': 'emulator'})}.{_b64(claims)}.c2lnbmF0dXJl"
        return self._send(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                                "access_token": token})

    def _caller(self) -> dict[str, Any] | None:
        header = self.headers.get("Authorization") or ""
        if not header.startswith("Bearer "):
            return None
        claims = _claims(header[7:])
        if claims.get("tid") != self.estate.tenant_id or claims.get("exp", 0) < time.time():
            return None
        return claims

    def _unauthorized(self) -> None:
        challenge = (f'Bearer authorization_uri="{self.base}/{self.estate.tenant_id}", error="invalid_token", '
                     'error_description="The access token is missing or invalid."')
        return self._send(401, {"error": {"code": "InvalidAuthenticationToken",
                                          "message": "The access token is invalid."}}, {"WWW-Authenticate": challenge})

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, estate: Estate, context: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.estate = estate
        self.traffic = Traffic()
        self.faults = PagingFaults()
        self.base_url = f"https://127.0.0.1:{self.server_address[1]}"


@dataclass(frozen=True)
class RunningEmulator:
    """A started emulator: where it listens, which CA to trust, and what it has received."""

    url: str
    ca_path: Path
    estate: Estate
    traffic: Traffic
    faults: PagingFaults = field(default_factory=PagingFaults)

    def options(self) -> dict[str, Any]:
        """Provider options that audit this emulator as its service principal (secret included)."""
        return {
            "arm_endpoint": self.url, "graph_endpoint": self.url, "authority_host": self.url,
            "tenant": self.estate.tenant_id, "client_id": self.estate.app.client_id,
            "client_secret": self.estate.app.secret, "connection_verify": str(self.ca_path),
        }

    def environment(self) -> dict[str, str]:
        """The same, as the environment variables a subprocess or the CLI reads."""
        return {
            "AUDITOR_AZURE_ARM_ENDPOINT": self.url, "AUDITOR_AZURE_GRAPH_ENDPOINT": self.url,
            "AZURE_AUTHORITY_HOST": self.url, "AZURE_TENANT_ID": self.estate.tenant_id,
            "AZURE_CLIENT_ID": self.estate.app.client_id, "AZURE_CLIENT_SECRET": self.estate.app.secret,
            "REQUESTS_CA_BUNDLE": str(self.ca_path),
        }


@contextmanager
def running(estate: Estate) -> Iterator[RunningEmulator]:
    """Serve ``estate`` on a free loopback port over HTTPS until the block ends."""
    try:
        import trustme
    except ImportError:
        raise AuditorError(
            "raw", ja="Azure エミュレーターには trustme が必要です: pip install 'municipal-cloud-auditor[dev]'",
            en="The Azure emulator needs trustme: pip install 'municipal-cloud-auditor[dev]'") from None
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    with tempfile.TemporaryDirectory(prefix="azure-emulator-") as folder:
        ca_path = Path(folder) / "ca.pem"
        authority.cert_pem.write_to_path(str(ca_path))
        server = _Server(estate, context)
        thread = threading.Thread(target=server.serve_forever, name="azure-emulator", daemon=True)
        thread.start()
        try:
            yield RunningEmulator(server.base_url, ca_path, estate, server.traffic, server.faults)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
