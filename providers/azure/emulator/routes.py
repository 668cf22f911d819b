"""What the Azure emulator answers: ARM GETs, Resource Graph queries (a KQL subset) and Microsoft Graph GETs.

:class:`ServiceRoutes` is the request handler's half that speaks each service's protocol over the
estate: ARM subscriptions, resources, child documents and lists (paged with absolute ``nextLink``);
Resource Graph's ``POST`` with the KQL subset :func:`parse_kql` reads, paged with ``$skipToken``;
Microsoft Graph ``/v1.0`` collections, refused unless the token carries the application permission
Graph requires. :mod:`providers.azure.emulator.server` is the other half (tokens, dispatch, TLS).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from providers.azure.emulator.estate_store import uid

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


class ServiceRoutes:
    """ARM, Resource Graph and Microsoft Graph answers (a mixin of the emulator's request handler)."""

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
