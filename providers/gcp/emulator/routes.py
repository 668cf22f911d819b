"""The API routes of the local Google APIs emulator: Cloud Asset listings and search, the REST follow-ups.

:class:`ApiRoutes` answers each served ``GET`` from the :class:`~providers.gcp.emulator.estate.Estate`
(paged, with injected failures in Google's JSON error format); the server in
:mod:`providers.gcp.emulator.server` authenticates the caller and dispatches to it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from providers.gcp.emulator.estate import Estate
from providers.gcp.settings import ALL_APIS

CONTENT_TYPES = {"1": "RESOURCE", "2": "IAM_POLICY", "4": "ORG_POLICY", "5": "ACCESS_POLICY"}

CONTENT_PARTS = {
    "RESOURCE": ("resource",),
    "IAM_POLICY": ("iamPolicy",),
    "ORG_POLICY": ("orgPolicy",),
    "ACCESS_POLICY": ("accessPolicy", "accessLevel", "servicePerimeter"),
}

SCC_SERVICES = ("event-threat-detection", "vm-threat-detection", "security-health-analytics",
                "container-threat-detection", "web-security-scanner", "vm-manager")

#: Enum fields of typed messages (the Struct ``resource.data`` carries strings), name → number.
ENUMS: Mapping[str, Mapping[str, int]] = {
    "logType": {"LOG_TYPE_UNSPECIFIED": 0, "ADMIN_READ": 1, "DATA_WRITE": 2, "DATA_READ": 3},
    "allValues": {"ALL_VALUES_UNSPECIFIED": 0, "ALLOW": 1, "DENY": 2},
    "perimeterType": {"PERIMETER_TYPE_REGULAR": 0, "PERIMETER_TYPE_BRIDGE": 1},
    "combiningFunction": {"AND": 0, "OR": 1},
}

API_TITLES = {api.key: (api.title, api.host) for api in ALL_APIS}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---------------------------------------------------------------------- errors in Google's format


def google_error(status: int, reason: str, message: str, api: str, project_number: str = "") -> dict:
    title, host = API_TITLES.get(api, (api, f"{api}.googleapis.com"))
    if reason == "SERVICE_DISABLED":
        message = message or (
            f"{title} has not been used in project {project_number or '0'} before or it is disabled. Enable it by "
            f"visiting https://console.developers.google.com/apis/api/{host}/overview?project={project_number} "
            "then retry."
        )
        info = {"reason": reason, "domain": "googleapis.com",
                "metadata": {"service": host, "consumer": f"projects/{project_number}"}}
    elif reason in ("forbidden", "notFound"):  # the Admin SDK's older error format
        return {"error": {"code": status, "message": message or "Not Authorized to access this resource/api",
                          "errors": [{"message": message or "Not Authorized to access this resource/api",
                                      "domain": "global", "reason": reason}]}}
    else:
        message = message or "The caller does not have permission"
        info = {"reason": reason, "domain": "iam.googleapis.com" if reason.startswith("IAM") else "googleapis.com",
                "metadata": {}}
    status_name = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                   429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}.get(status, "UNKNOWN")
    return {"error": {"code": status, "message": message, "status": status_name,
                      "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", **info}]}}


def _int_enums(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (ENUMS[k].get(v, v) if k in ENUMS and isinstance(v, str) else _int_enums(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_int_enums(v) for v in value]
    return value


def b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


# ---------------------------------------------------------------------- routing

ROUTES: tuple[tuple[str, str, re.Pattern], ...] = (
    ("asset", "list_assets", re.compile(r"^/v1/(projects|folders|organizations)/([^/]+)/assets$")),
    ("asset", "search", re.compile(r"^/v1/(projects|folders|organizations)/([^/:]+):searchAllResources$")),
    ("ids", "ids", re.compile(r"^/v1/projects/([^/]+)/locations/([^/]+)/endpoints$")),
    ("securitycentermanagement", "scc",
     re.compile(r"^/v1/(projects|folders|organizations)/([^/]+)/locations/([^/]+)/securityCenterServices$")),
    ("osconfig", "vulns", re.compile(r"^/v1/projects/([^/]+)/locations/([^/]+)/instances/-/vulnerabilityReports$")),
    ("accesscontextmanager", "bindings", re.compile(r"^/v1/organizations/([^/]+)/gcpUserAccessBindings$")),
    ("admin", "user", re.compile(r"^/admin/directory/v1/users/([^/]+)$")),
    ("iamcredentials", "allowed", re.compile(r"^/v1/projects/-/serviceAccounts/([^/]+)/allowedLocations$")),
)

IMPERSONATE = re.compile(r"^/v1/projects/-/serviceAccounts/([^/:]+):generateAccessToken$")


class ApiRoutes:
    """The ``_get_<route>`` answers of the emulator; each returns ``(status, JSON body)``."""

    estate: Estate
    page_size_cap: int
    _listing_cache: dict[tuple, list[dict]]

    def _route(self, path: str) -> tuple[str, str, re.Match | None]:
        for api, route, pattern in ROUTES:
            match = pattern.match(path)
            if match:
                return api, route, match
        return ("iamcredentials" if IMPERSONATE.match(path) else "unknown"), "", None

    def _failure(self, api: str, path: str, query: dict[str, list[str]]) -> tuple[int, Any] | None:
        content = CONTENT_TYPES.get((query.get("contentType") or [""])[0], (query.get("contentType") or [""])[0])
        for rule in self.estate.failures:
            if rule.api != api or (rule.path_contains and rule.path_contains not in path):
                continue
            if rule.content_type and rule.content_type != content:
                continue
            project = re.search(r"/projects/([^/]+)", path)
            number = self.estate.number_of(project.group(1)) if project else ""
            return rule.status, google_error(rule.status, rule.reason, rule.message, api, number)
        return None

    @staticmethod
    def _page(items: list, query: dict[str, list[str]], cap: int, default: int = 100) -> tuple[list, str]:
        size = min(int((query.get("pageSize") or [default])[0] or default), cap) or default
        start = int(b64decode((query.get("pageToken") or [""])[0]).decode() or 0) if query.get("pageToken") else 0
        end = start + size
        token = base64.urlsafe_b64encode(str(end).encode()).decode().rstrip("=") if end < len(items) else ""
        return items[start:end], token

    def _get_allowed(self, match: re.Match, query) -> tuple[int, Any]:
        return 200, {"encodedLocations": "0x0", "locations": []}

    def _selected(self, scope: str, content_type: str, asset_types: tuple[str, ...]) -> list[dict]:
        key = (scope, content_type, asset_types, self.estate.revision)
        cached = self._listing_cache.get(key)
        if cached is not None:
            return cached
        parts = CONTENT_PARTS[content_type]
        chosen = []
        for name in sorted(self.estate.assets):
            asset = self.estate.assets[name]
            if scope not in asset["ancestors"] or (asset_types and asset["assetType"] not in asset_types):
                continue
            present = [p for p in parts if p in asset]
            if not present:
                continue
            out = {"name": name, "assetType": asset["assetType"], "updateTime": asset["updateTime"],
                   "ancestors": asset["ancestors"]}
            out.update({p: asset[p] for p in present})
            chosen.append(out)
        self._listing_cache[key] = chosen
        return chosen

    def _get_list_assets(self, match: re.Match, query) -> tuple[int, Any]:
        scope = self.estate.scope_key(f"{match.group(1)}/{match.group(2)}")
        raw_type = (query.get("contentType") or ["0"])[0]
        content_type = CONTENT_TYPES.get(raw_type, raw_type)
        if content_type not in CONTENT_PARTS:
            return 400, google_error(400, "INVALID_ARGUMENT", "Unsupported content type.", "asset")
        if content_type == "ACCESS_POLICY" and not scope.startswith("organizations/"):
            return 400, google_error(400, "INVALID_ARGUMENT",
                                     "Access policies can only be listed at the organization level.", "asset")
        assets = self._selected(scope, content_type, tuple(sorted(query.get("assetTypes") or ())))
        page, token = self._page(assets, query, self.page_size_cap)
        answer: dict[str, Any] = {"readTime": _now(), "assets": page}
        if token:
            answer["nextPageToken"] = token
        ints = any("enum-encoding=int" in v for v in query.get("$alt") or ())
        return 200, _int_enums(answer) if ints else answer

    def _get_search(self, match: re.Match, query) -> tuple[int, Any]:
        scope = self.estate.scope_key(f"{match.group(1)}/{match.group(2)}")
        assets = self._selected(scope, "RESOURCE", tuple(sorted(query.get("assetTypes") or ())))
        page, token = self._page(assets, query, min(self.page_size_cap, 500))
        results = []
        for asset in page:
            resource = asset["resource"]
            ancestors = asset["ancestors"]
            results.append({
                "name": asset["name"], "assetType": asset["assetType"],
                "project": next((a for a in ancestors if a.startswith("projects/")), ""),
                "folders": [a for a in ancestors if a.startswith("folders/")],
                "organization": next((a for a in ancestors if a.startswith("organizations/")), ""),
                "displayName": asset["name"].rsplit("/", 1)[-1], "location": resource.get("location", ""),
                "parentFullResourceName": resource.get("parent", ""),
                "parentAssetType": "cloudresourcemanager.googleapis.com/Project",
            })
        answer: dict[str, Any] = {"results": results}
        if token:
            answer["nextPageToken"] = token
        return 200, answer

    def _listed(self, key: str, items: list, query) -> tuple[int, Any]:
        page, token = self._page(items, query, self.page_size_cap, default=1000)
        answer: dict[str, Any] = {key: page}
        if token:
            answer["nextPageToken"] = token
        return 200, answer

    def _project_id(self, ident: str) -> str:
        for project_id, info in self.estate.projects.items():
            if ident in (project_id, info["number"]):
                return project_id
        return ident

    def _get_ids(self, match: re.Match, query) -> tuple[int, Any]:
        project, location = self._project_id(match.group(1)), match.group(2)
        endpoints = [e for e in self.estate.ids_endpoints.get(project, [])
                     if location == "-" or f"/locations/{location}/" in e["name"]]
        status, answer = self._listed("endpoints", endpoints, query)
        answer["unreachable"] = []
        return status, answer

    def _get_scc(self, match: re.Match, query) -> tuple[int, Any]:
        kind, ident, location = match.group(1), match.group(2), match.group(3)
        key = self._project_id(ident) if kind == "projects" else f"{kind}/{ident}"
        states = self.estate.scc_services.get(key, {})
        services = [
            {"name": f"{kind}/{ident}/locations/{location}/securityCenterServices/{service}",
             "intendedEnablementState": "INHERITED", "effectiveEnablementState": states.get(service, "DISABLED"),
             "modules": {}, "updateTime": "2026-01-10T00:00:00Z"}
            for service in sorted(set(SCC_SERVICES) | set(states))
        ]
        return self._listed("securityCenterServices", services, query)

    def _get_vulns(self, match: re.Match, query) -> tuple[int, Any]:
        key = (self._project_id(match.group(1)), match.group(2))
        return self._listed("vulnerabilityReports", self.estate.vulnerability_reports.get(key, []), query)

    def _get_bindings(self, match: re.Match, query) -> tuple[int, Any]:
        organization = f"organizations/{match.group(1)}"
        return self._listed("gcpUserAccessBindings", self.estate.user_access_bindings.get(organization, []), query)

    def _get_user(self, match: re.Match, query) -> tuple[int, Any]:
        user = self.estate.directory_users.get(match.group(1).lower())
        if user is None:
            return 404, google_error(404, "notFound", "Resource Not Found: userKey", "admin")
        return 200, user
