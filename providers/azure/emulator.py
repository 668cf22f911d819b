"""A local Azure emulator: ARM, Resource Graph, Microsoft Graph and an Entra token endpoint over HTTPS.

It serves an in-memory :class:`~providers.azure.estate.Estate` on ``127.0.0.1`` with a certificate
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
``pip install trustme`` (a dev/demo dependency) is needed only to start it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
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
from urllib.parse import parse_qs, urlencode, urlsplit

from auditor.errors import AuditorError
from auditor.plugins import DemoEstate
from providers.azure.estate import Estate, uid
from providers.localhttp import EmulatorRequestHandler

RESOURCE_GRAPH_PATH = "/providers/microsoft.resourcegraph/resources"
TABLE_OF_TYPE = {
    "microsoft.authorization/roleassignments": "authorizationresources",
    "microsoft.web/sites/config": "appserviceresources",
    "microsoft.resources/subscriptions": "resourcecontainers",
}
#: Graph path → the application permissions (any one of the sets) Graph accepts for it.
GRAPH_PERMISSIONS: dict[str, tuple[frozenset[str], ...]] = {
    "/v1.0/reports/authenticationmethods/userregistrationdetails": (frozenset({"AuditLog.Read.All"}),),
    "/v1.0/rolemanagement/directory/roleassignments": (
        frozenset({"RoleManagement.Read.Directory"}), frozenset({"Directory.Read.All"})),
    "/v1.0/identity/conditionalaccess/policies": (frozenset({"Policy.Read.All"}),),
    "/v1.0/identity/conditionalaccess/namedlocations": (frozenset({"Policy.Read.All"}),),
    "/v1.0/policies/identitysecuritydefaultsenforcementpolicy": (frozenset({"Policy.Read.All"}),),
    "/v1.0/domains": (frozenset({"Domain.Read.All"}), frozenset({"Directory.Read.All"})),
    "/v1.0/users": (frozenset({"User.Read.All"}), frozenset({"Directory.Read.All"})),
}
GRAPH_COLLECTIONS = {
    "/v1.0/reports/authenticationmethods/userregistrationdetails": "userRegistrationDetails",
    "/v1.0/rolemanagement/directory/roleassignments": "roleAssignments",
    "/v1.0/identity/conditionalaccess/policies": "conditionalAccessPolicies",
    "/v1.0/identity/conditionalaccess/namedlocations": "namedLocations",
    "/v1.0/domains": "domains",
    "/v1.0/users": "users",
}
PREMIUM_ONLY = frozenset({"/v1.0/reports/authenticationmethods/userregistrationdetails",
                          "/v1.0/identity/conditionalaccess/policies"})


class KqlError(ValueError):
    """A query outside the subset the emulator understands (answered as the service's InvalidQuery)."""


# ---------------------------------------------------------------- KQL subset


@dataclass(frozen=True)
class Kql:
    table: str
    types: frozenset[str] | None
    columns: tuple[tuple[str, str], ...]  # (output name, path)
    order_desc: bool | None
    limit: int | None


_STAGE_SPLIT = re.compile(r"\|(?=(?:[^']*'[^']*')*[^']*$)")
_QUOTED = re.compile(r"'([^']*)'")


def parse_kql(query: str) -> Kql:
    stages = [s.strip() for s in _STAGE_SPLIT.split(query) if s.strip()]
    if not stages:
        raise KqlError("empty query")
    table = stages[0].lower()
    if not re.fullmatch(r"[a-z]+", table):
        raise KqlError(f"unknown table {stages[0]!r}")
    types: frozenset[str] | None = None
    columns: tuple[tuple[str, str], ...] = ()
    order_desc: bool | None = None
    limit: int | None = None
    for stage in stages[1:]:
        verb, _, rest = stage.partition(" ")
        verb = verb.lower()
        if verb == "where":
            match = re.fullmatch(r"type\s+(in~|=~|==|in)\s*(.+)", rest.strip(), re.IGNORECASE)
            if not match:
                raise KqlError(f"unsupported filter {rest!r}")
            wanted = frozenset(v.lower() for v in _QUOTED.findall(match.group(2)))
            types = wanted if types is None else types & wanted
        elif verb == "project":
            parsed = []
            for part in (p.strip() for p in rest.split(",")):
                name, eq, path = (x.strip() for x in part.partition("="))
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                    raise KqlError(f"unsupported projection {part!r}")
                path = path if eq else name
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", path):
                    raise KqlError(f"unsupported expression {path!r}")
                parsed.append((name, path))
            columns = tuple(parsed)
        elif verb in ("order", "sort"):
            match = re.fullmatch(r"by\s+id(\s+(asc|desc))?", rest.strip(), re.IGNORECASE)
            if not match:
                raise KqlError(f"unsupported ordering {rest!r}")
            order_desc = (match.group(2) or "desc").lower() == "desc"
        elif verb in ("limit", "take"):
            limit = int(rest.strip())
        else:
            raise KqlError(f"unsupported operator {verb!r}")
    return Kql(table, types, columns, order_desc, limit)


def _path(row: dict[str, Any], path: str) -> Any:
    value: Any = row
    for step in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


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


class _Handler(EmulatorRequestHandler):
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

    # ------------------------------------------------------------ ARM

    def _arm_denied(self, lowered: str, claims: dict[str, Any]) -> None:
        parts = [p for p in lowered.split("/") if p]
        provider_at = parts.index("providers") if "providers" in parts else -1
        action = "/".join(parts[provider_at + 1:]) + "/read" if provider_at >= 0 else "Microsoft.Resources/read"
        scope = "/".join(parts[:provider_at]) if provider_at > 0 else lowered
        return self._send(403, {"error": {"code": "AuthorizationFailed", "message": (
            f"The client '{claims.get('appid')}' with object id '{claims.get('oid')}' does not have authorization to "
            f"perform action '{action}' over scope '/{scope}' or the scope is invalid. If access was recently "
            "granted, please refresh your credentials.")}})

    def _arm(self, method: str, path: str, lowered: str, query: dict[str, str]) -> None:
        claims = self._caller()
        if claims is None:
            return self._unauthorized()
        if method != "GET":
            return self._send(405, {"error": {"code": "MethodNotAllowed",
                                              "message": f"The emulator serves reads only, not {method}."}})
        if "api-version" not in query:
            return self._send(400, {"error": {"code": "MissingApiVersionParameter", "message":
                                              "The api-version query parameter (?api-version=) is required for all "
                                              "requests."}})
        if lowered == "/subscriptions":
            items = [{"id": f"/subscriptions/{s.id}", "authorizationSource": "RoleBased", "managedByTenants": [],
                      "subscriptionId": s.id, "tenantId": self.estate.tenant_id, "displayName": s.name,
                      "state": s.state, "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01",
                                                                 "quotaId": "EnterpriseAgreement_2014-09-01",
                                                                 "spendingLimit": "Off"}}
                     for s in self.estate.subscriptions.values()]
            return self._page(path, query, items)
        parts = lowered.split("/")
        if len(parts) > 2 and parts[1] == "subscriptions":
            subscription = self.estate.subscriptions.get(parts[2])
            if subscription is None:
                return self._send(404, {"error": {"code": "SubscriptionNotFound",
                                                  "message": f"The subscription '{parts[2]}' could not be found."}})
            if not subscription.readable:
                return self._arm_denied(lowered, claims)
        if any(lowered.startswith(prefix) for prefix in self.estate.denied):
            return self._arm_denied(lowered, claims)
        if lowered in self.estate.collections:
            return self._page(path, query, self.estate.collections[lowered])
        if lowered in self.estate.documents:
            return self._send(200, self.estate.documents[lowered])
        if lowered in self.estate.resources:
            return self._send(200, self.estate.resources[lowered])
        return self._send(404, {"error": {"code": "ResourceNotFound",
                                          "message": f"The Resource '{path}' was not found."}})

    def _page(self, path: str, query: dict[str, str], items: list[dict[str, Any]], graph: bool = False) -> None:
        size = self.estate.graph_page_size if graph else self.estate.arm_page_size
        if graph and query.get("$top"):
            size = min(int(query["$top"]), 999)
        offset = int(query.get("$skiptoken") or 0)
        page = items[offset:offset + size]
        body: dict[str, Any] = {"value": page}
        if offset + size < len(items):
            following = dict(query, **{"$skiptoken": str(offset + size)})
            link = f"{self.base}{path}?{urlencode(following)}"
            body["@odata.nextLink" if graph else "nextLink"] = link
        faults = self.server.faults
        if faults.next_link and path.lower().rstrip("/").endswith(faults.on_path):
            base = self.base if faults.next_link == "self" else "https://collector.example.net"
            body["@odata.nextLink" if graph else "nextLink"] = f"{base}{path}?{urlencode(query)}"
        if graph:
            body = {"@odata.context": f"{self.base}/v1.0/$metadata#{path.rsplit('/', 1)[-1]}", **body}
        return self._send(200, body)

    # ------------------------------------------------------------ Resource Graph

    def _rows(self, table: str) -> list[dict[str, Any]]:
        rows = []
        for resource in self.estate.resources.values():
            rows.append(self._row(resource))
        rows.extend(self.estate.extra_rows)
        for sub in self.estate.subscriptions.values():
            rows.append({"id": f"/subscriptions/{sub.id}", "name": sub.name,
                         "type": "microsoft.resources/subscriptions", "location": "", "subscriptionId": sub.id,
                         "resourceGroup": "", "properties": {"state": sub.state}})
        return [r for r in rows if TABLE_OF_TYPE.get(r["type"].lower(), "resources") == table]

    def _row(self, resource: dict[str, Any]) -> dict[str, Any]:
        parts = resource["id"].split("/")
        return {
            "id": resource["id"], "name": resource["name"], "type": resource["type"].lower(),
            "tenantId": self.estate.tenant_id, "kind": resource.get("kind", ""),
            "location": resource.get("location", "").lower(), "resourceGroup": parts[4].lower(),
            "subscriptionId": parts[2], "managedBy": "", "sku": resource.get("sku"), "plan": None,
            "properties": resource.get("properties"), "tags": resource.get("tags") or {},
            "identity": resource.get("identity"), "zones": resource.get("zones"), "extendedLocation": None,
        }

    def _resource_graph(self, query: dict[str, str]) -> None:
        claims = self._caller()
        if claims is None:
            return self._unauthorized()
        try:
            request = json.loads(self._body() or b"{}")
            kql = parse_kql(request.get("query", ""))
        except (ValueError, KqlError) as exc:
            return self._send(400, {"error": {
                "code": "BadRequest", "message": "Please provide below info when asking for support: timestamp = "
                f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}, correlationId = {uid('corr', time.time())}.",
                "details": [{"code": "InvalidQuery", "message": "Query is invalid. Please refer to the documentation "
                             "for the Azure Resource Graph service and fix the error before retrying."},
                            {"code": "ParserFailure", "message": str(exc)}]}})
        readable = {s.id for s in self.estate.subscriptions.values() if s.readable}
        wanted = {s.lower() for s in request.get("subscriptions") or []} or readable
        rows = [r for r in self._rows(kql.table)
                if r["subscriptionId"] in wanted and r["subscriptionId"] in readable
                and (kql.types is None or r["type"].lower() in kql.types)]
        if kql.order_desc is not None:
            rows.sort(key=lambda r: r["id"].lower(), reverse=kql.order_desc)
        if kql.limit is not None:
            rows = rows[:kql.limit]
        if kql.columns:
            rows = [{name: _path(r, path) for name, path in kql.columns} for r in rows]
        options = request.get("options") or {}
        digest = hashlib.sha256(request.get("query", "").encode()).hexdigest()[:16]
        offset = int(options.get("$skip") or 0)
        if options.get("$skipToken"):
            token = json.loads(base64.b64decode(options["$skipToken"]))
            if token.get("q") != digest:
                return self._send(400, {"error": {"code": "BadRequest", "message": "The skip token is invalid."}})
            offset = token["offset"]
        top = min(int(options.get("$top") or 100), 1000)
        page = rows[offset:offset + top]
        more = offset + top < len(rows)
        pageable = not kql.columns or any(name == "id" for name, _ in kql.columns)
        body: dict[str, Any] = {"totalRecords": len(rows), "count": len(page), "data": page, "facets": [],
                                "resultTruncated": "true" if more and not pageable else "false"}
        if more and pageable:
            body["$skipToken"] = base64.b64encode(json.dumps({"offset": offset + top, "q": digest}).encode()).decode()
        if self.server.faults.repeat_skip_token:
            body["$skipToken"] = base64.b64encode(json.dumps({"offset": offset, "q": digest}).encode()).decode()
        return self._send(200, body)

    # ------------------------------------------------------------ Microsoft Graph

    def _graph_error(self, status: int, code: str, message: str) -> None:
        return self._send(status, {"error": {"code": code, "message": message, "innerError": {
            "date": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()), "request-id": uid("graph", time.time_ns()),
            "client-request-id": self.headers.get("client-request-id") or uid("client", time.time_ns())}}})

    def _graph(self, method: str, path: str, lowered: str, query: dict[str, str]) -> None:
        claims = self._caller()
        if claims is None:
            return self._unauthorized()
        if method != "GET":
            return self._graph_error(405, "Request_BadRequest", f"The emulator serves reads only, not {method}.")
        if lowered not in GRAPH_PERMISSIONS:
            return self._graph_error(404, "Request_ResourceNotFound", f"Resource '{lowered}' does not exist.")
        roles = set(claims.get("roles") or ())
        needed = GRAPH_PERMISSIONS[lowered]
        if lowered == "/v1.0/users" and "signinactivity" in query.get("$select", "").lower():
            needed = tuple(s | {"AuditLog.Read.All"} for s in needed)
        if not any(s <= roles for s in needed):
            return self._graph_error(403, "Authorization_RequestDenied",
                                     "Insufficient privileges to complete the operation.")
        if lowered in PREMIUM_ONLY and not self.estate.premium:
            return self._graph_error(403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
                                     "Tenant is not a B2C tenant and doesn't have premium license")
        if lowered == "/v1.0/policies/identitysecuritydefaultsenforcementpolicy":
            return self._send(200, {
                "@odata.context": f"{self.base}/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/"
                                  "$entity", "id": "00000000-0000-0000-0000-000000000005",
                "displayName": "Security Defaults", "description": "Security defaults is a set of basic identity "
                "security mechanisms recommended by Microsoft.", "isEnabled": self.estate.graph["securityDefaults"]})
        items = list(self.estate.graph[GRAPH_COLLECTIONS[lowered]])
        filter_ = query.get("$filter", "")
        if filter_:
            match = re.fullmatch(r"(\w+) eq (true|false|'[^']*')", filter_.strip())
            if not match:
                return self._graph_error(400, "Request_UnsupportedQuery", f"Unsupported filter: {filter_}")
            field_, raw = match.groups()
            value: Any = raw == "true" if raw in ("true", "false") else raw.strip("'")
            items = [i for i in items if i.get(field_) == value]
        if query.get("$expand", "") != "principal":
            items = [{k: v for k, v in i.items() if k != "principal"} for i in items]
        if query.get("$select"):
            keep = {"id", *(s.strip() for s in query["$select"].split(","))}
            items = [{k: v for k, v in i.items() if k in keep} for i in items]
        return self._page(path, query, items, graph=True)


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


@contextmanager
def demo_estate() -> Iterator[DemoEstate]:
    """The sample estate (see :func:`providers.azure.sample.sample_estate`) served locally, ready to audit."""
    from providers.azure.sample import PLANTED_EN, PLANTED_JA, sample_estate

    with running(sample_estate()) as emulator:
        environment = {k: v for k, v in emulator.environment().items() if k != "REQUESTS_CA_BUNDLE"}
        yield DemoEstate(
            options=emulator.options(), environment=environment,
            description_ja="サンプル Azure 環境: 2 サブスクリプション、東日本・西日本が中心、いくつかの設定不備あり",
            description_en="Sample Azure estate: two subscriptions, mostly Japan East/West, with a few mistakes",
            planted_ja=PLANTED_JA, planted_en=PLANTED_EN,
        )
