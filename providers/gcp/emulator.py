"""A local stand-in for the Google APIs the adapter reads, serving an in-memory estate over HTTP.

It speaks Google's protocol, so the real clients work against it unchanged (the adapter does not
know it is talking to an emulator):

- Cloud Asset v1 ``assets.list`` (RESOURCE / IAM_POLICY / ORG_POLICY / ACCESS_POLICY, paged, enums
  as integers when the client asks for ``$alt=json;enum-encoding=int``) and ``searchAllResources``;
- Cloud IDS endpoints, Security Command Center services, OS Config vulnerability reports,
  Context-Aware Access bindings, Admin SDK Directory ``users.get``;
- the OAuth 2.0 token endpoint (JWT-bearer grants signed by a registered service-account key,
  refresh-token grants), IAM Credentials ``generateAccessToken`` (impersonation) and the
  ``allowedLocations`` look-up google-auth makes after a refresh.

Every API call needs a bearer token the emulator issued, or a self-signed JWT from a registered
service-account key. Errors use Google's JSON error format (``SERVICE_DISABLED``,
``IAM_PERMISSION_DENIED`` …) and can be injected per API with :meth:`Estate.fail`. Only GET is
served for APIs; anything else is recorded and refused, which lets tests prove nothing mutating was
ever sent. ``repeat_page_token`` (a set of API keys) makes those APIs answer every page with a
``nextPageToken`` that asks for the same page again, for the tests of the adapter's paging limits.
Start it with :class:`GoogleApisEmulator` (port 0 on 127.0.0.1) and point the adapter at
it with :meth:`GoogleApisEmulator.environment`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from providers.gcp.apis import ALL_APIS
from providers.localhttp import EmulatorRequestHandler

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
CONTAINER_TYPES = {"projects": "Project", "folders": "Folder", "organizations": "Organization"}
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - an endpoint, not a secret
API_TITLES = {api.key: (api.title, api.host) for api in ALL_APIS}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _service_of(asset_type: str) -> str:
    return asset_type.split("/", 1)[0]


@dataclass
class FailureRule:
    """Answer matching requests of one API with a Google error instead of data."""

    api: str
    status: int
    reason: str
    message: str = ""
    path_contains: str = ""
    content_type: str = ""


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    principal: str
    api: str


@dataclass
class Estate:
    """An in-memory GCP estate. Seed it with the ``add_*`` methods; all are plain data."""

    assets: dict[str, dict[str, Any]] = field(default_factory=dict)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)  # project id → number, ancestors
    containers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # folders/N → chain (self first)
    ids_endpoints: dict[str, list[dict]] = field(default_factory=dict)
    scc_services: dict[str, dict[str, str]] = field(default_factory=dict)
    vulnerability_reports: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    directory_users: dict[str, dict] = field(default_factory=dict)
    user_access_bindings: dict[str, list[dict]] = field(default_factory=dict)
    failures: list[FailureRule] = field(default_factory=list)
    service_account_keys: dict[str, Any] = field(default_factory=dict)  # email → public key
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token → user e-mail
    token_creators: set[tuple[str, str]] = field(default_factory=set)  # (caller, target)
    revision: int = 0  # bumped on every asset change (the emulator caches listings per revision)

    # ------------------------------------------------------------------ hierarchy

    def add_organization(self, number: str, domain: str = "example.jp") -> str:
        ref = f"organizations/{number}"
        self.containers[ref] = (ref,)
        self._put(f"//cloudresourcemanager.googleapis.com/{ref}", "cloudresourcemanager.googleapis.com/Organization",
                  (ref,), {"name": ref, "displayName": domain, "lifecycleState": "ACTIVE",
                           "owner": {"directoryCustomerId": "C0abc123"}}, "global")
        return ref

    def add_folder(self, number: str, parent: str, display_name: str = "") -> str:
        ref = f"folders/{number}"
        chain = (ref, *self.containers[parent])
        self.containers[ref] = chain
        self._put(f"//cloudresourcemanager.googleapis.com/{ref}", "cloudresourcemanager.googleapis.com/Folder",
                  chain, {"name": ref, "parent": parent, "displayName": display_name or ref,
                          "lifecycleState": "ACTIVE"}, "global")
        return ref

    def add_project(self, project_id: str, number: str, parent: str = "") -> str:
        ref = f"projects/{number}"
        chain = (ref, *(self.containers[parent] if parent else ()))
        self.projects[project_id] = {"number": number, "ancestors": chain}
        self.containers[ref] = chain
        data: dict[str, Any] = {"projectNumber": number, "projectId": project_id, "lifecycleState": "ACTIVE",
                                "name": project_id, "createTime": "2024-04-01T00:00:00Z"}
        if parent:
            kind, _, ident = parent.partition("/")
            data["parent"] = {"type": kind.rstrip("s"), "id": ident}
        self._put(f"//cloudresourcemanager.googleapis.com/{ref}", "cloudresourcemanager.googleapis.com/Project",
                  chain, data, "global")
        return ref

    def chain_of(self, parent: str) -> tuple[str, ...]:
        """Ancestors for a resource under a project ID, ``projects/ID`` or a container reference."""
        key = parent.removeprefix("projects/") if parent.startswith("projects/") else parent
        if key in self.projects:
            return self.projects[key]["ancestors"]
        return self.containers[parent]

    # ------------------------------------------------------------------ assets

    def _put(self, name: str, asset_type: str, ancestors: tuple[str, ...], data: Mapping[str, Any] | None,
             location: str) -> None:
        self.revision += 1
        entry = self.assets.setdefault(name, {"name": name, "assetType": asset_type, "ancestors": list(ancestors)})
        if data is not None:
            service = _service_of(asset_type)
            entry["resource"] = {
                "version": "v1",
                "discoveryDocumentUri": f"https://{service}/$discovery/rest",
                "discoveryName": asset_type.rsplit("/", 1)[-1],
                "parent": f"//cloudresourcemanager.googleapis.com/{ancestors[0]}" if ancestors else "",
                "data": dict(data),
                "location": location,
            }
        entry["updateTime"] = "2026-01-15T00:00:00Z"

    def add_resource(self, parent: str, asset_type: str, path: str, data: Mapping[str, Any],
                     location: str = "global", service: str = "") -> str:
        """Add a resource asset; ``path`` is the resource name after the service host (``service``
        when the asset name's host differs from the asset type's, as for Cloud SQL)."""
        chain = self.chain_of(parent)
        name = f"//{service or _service_of(asset_type)}/{path}"
        self._put(name, asset_type, chain, data, location)
        return name

    def set_iam_policy(self, target: str, bindings: list[dict], audit_configs: list[dict] | None = None) -> None:
        """IAM policy of ``projects/ID``, ``folders/N`` or ``organizations/N``."""
        chain = self.chain_of(target)
        asset_type = CONTAINER_TYPES[chain[0].split("/")[0]]
        name = f"//cloudresourcemanager.googleapis.com/{chain[0]}"
        self._put(name, f"cloudresourcemanager.googleapis.com/{asset_type}", chain, None, "global")
        policy: dict[str, Any] = {"version": 1, "bindings": bindings, "etag": "BwYz1g2PAsE="}
        if audit_configs:
            policy["auditConfigs"] = audit_configs
        self.assets[name]["iamPolicy"] = policy
        self.revision += 1

    def set_org_policy(self, target: str, policies: list[dict]) -> None:
        """Organisation policies (v1 ``Policy`` messages) set on a project, folder or organisation."""
        chain = self.chain_of(target)
        asset_type = CONTAINER_TYPES[chain[0].split("/")[0]]
        name = f"//cloudresourcemanager.googleapis.com/{chain[0]}"
        self._put(name, f"cloudresourcemanager.googleapis.com/{asset_type}", chain, None, "global")
        self.assets[name]["orgPolicy"] = [{"version": 1, "etag": "BwYz1g2PAsE=", **p} for p in policies]
        self.revision += 1

    def add_access_policy(self, organization: str, policy_number: str, title: str = "default") -> str:
        name = f"accessPolicies/{policy_number}"
        self.revision += 1
        self.assets[f"//accesscontextmanager.googleapis.com/{name}"] = {
            "name": f"//accesscontextmanager.googleapis.com/{name}",
            "assetType": "accesscontextmanager.googleapis.com/AccessPolicy",
            "ancestors": list(self.containers[organization]),
            "accessPolicy": {"name": name, "parent": organization, "title": title, "etag": "abc"},
            "updateTime": "2026-01-15T00:00:00Z",
        }
        return name

    def add_access_level(self, organization: str, policy: str, level: str, ip_subnetworks: list[str]) -> str:
        name = f"{policy}/accessLevels/{level}"
        self.revision += 1
        self.assets[f"//accesscontextmanager.googleapis.com/{name}"] = {
            "name": f"//accesscontextmanager.googleapis.com/{name}",
            "assetType": "accesscontextmanager.googleapis.com/AccessLevel",
            "ancestors": list(self.containers[organization]),
            "accessLevel": {"name": name, "title": level,
                            "basic": {"conditions": [{"ipSubnetworks": ip_subnetworks}], "combiningFunction": "AND"}},
            "updateTime": "2026-01-15T00:00:00Z",
        }
        return name

    def add_service_perimeter(self, organization: str, policy: str, perimeter: str, project_numbers: list[str],
                              access_levels: list[str] = (), dry_run: bool = False) -> str:
        name = f"{policy}/servicePerimeters/{perimeter}"
        self.revision += 1
        config = {"resources": [f"projects/{n}" for n in project_numbers], "accessLevels": list(access_levels),
                  "restrictedServices": ["storage.googleapis.com", "bigquery.googleapis.com"]}
        body: dict[str, Any] = {"name": name, "title": perimeter, "perimeterType": "PERIMETER_TYPE_REGULAR"}
        if dry_run:
            body.update(spec=config, useExplicitDryRunSpec=True)
        else:
            body["status"] = config
        self.assets[f"//accesscontextmanager.googleapis.com/{name}"] = {
            "name": f"//accesscontextmanager.googleapis.com/{name}",
            "assetType": "accesscontextmanager.googleapis.com/ServicePerimeter",
            "ancestors": list(self.containers[organization]),
            "servicePerimeter": body,
            "updateTime": "2026-01-15T00:00:00Z",
        }
        return name

    # ------------------------------------------------------------------ other APIs

    def add_ids_endpoint(self, project_id: str, zone: str, name: str, network: str = "default",
                         state: str = "READY", severity: str = "INFORMATIONAL") -> None:
        self.ids_endpoints.setdefault(project_id, []).append({
            "name": f"projects/{project_id}/locations/{zone}/endpoints/{name}",
            "createTime": "2025-10-01T00:00:00Z", "updateTime": "2025-10-01T00:00:00Z",
            "network": f"projects/{project_id}/global/networks/{network}",
            "endpointForwardingRule": f"https://www.googleapis.com/compute/v1/projects/{project_id}/regions/"
                                      f"{zone[:-2]}/forwardingRules/ids-fr-{name}",
            "endpointIp": "10.10.0.2", "severity": severity, "state": state, "trafficLogs": False,
        })

    def set_scc_services(self, project_id: str, **states: str) -> None:
        """Effective states by service, e.g. ``event_threat_detection="ENABLED"``."""
        self.scc_services[project_id] = {k.replace("_", "-"): v for k, v in states.items()}

    def add_vulnerability_report(self, project_id: str, zone: str, instance_id: str,
                                 vulnerabilities: list[dict] | None = None, update_time: str = "",
                                 highest_upgradable: str = "") -> None:
        number = self.projects[project_id]["number"]
        report = {
            "name": f"projects/{number}/locations/{zone}/instances/{instance_id}/vulnerabilityReport",
            "vulnerabilities": vulnerabilities or [],
            "updateTime": update_time or "2026-01-14T03:00:00Z",
        }
        if highest_upgradable:
            report["highestUpgradableCveSeverity"] = highest_upgradable
        self.vulnerability_reports.setdefault((project_id, zone), []).append(report)

    def add_directory_user(self, email: str, enrolled: bool, enforced: bool = False, suspended: bool = False) -> None:
        self.directory_users[email.lower()] = {
            "kind": "admin#directory#user", "id": str(int(hashlib.sha256(email.lower().encode()).hexdigest()[:15], 16)),
            "primaryEmail": email,
            "isAdmin": False, "isEnrolledIn2Sv": enrolled, "isEnforcedIn2Sv": enforced, "suspended": suspended,
        }

    def add_user_access_binding(self, organization: str, group_key: str, access_levels: list[str]) -> None:
        number = organization.removeprefix("organizations/")
        bindings = self.user_access_bindings.setdefault(organization, [])
        bindings.append({"name": f"organizations/{number}/gcpUserAccessBindings/b{len(bindings) + 1}",
                         "groupKey": group_key, "accessLevels": access_levels})

    def fail(self, api: str, status: int = 403, reason: str = "IAM_PERMISSION_DENIED", *, message: str = "",
             path_contains: str = "", content_type: str = "") -> None:
        """Answer matching calls of ``api`` (``asset``, ``ids``, ``osconfig`` …) with a Google error."""
        self.failures.append(FailureRule(api, status, reason, message, path_contains, content_type))

    def register_service_account(self, email: str, public_key: Any) -> None:
        self.service_account_keys[email] = public_key

    def number_of(self, project: str) -> str:
        key = project.removeprefix("projects/")
        return self.projects[key]["number"] if key in self.projects else key

    def scope_key(self, scope: str) -> str:
        if scope.startswith("projects/"):
            return f"projects/{self.number_of(scope)}"
        return scope


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


# ---------------------------------------------------------------------- tokens


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verify_jwt(token: str, keys: Mapping[str, Any]) -> dict | None:
    """The claims of an RS256 JWT signed by a registered service-account key, else ``None``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        claims = json.loads(_b64decode(payload_b64))
        key = keys.get(claims.get("iss", ""))
        if key is None:
            return None
        key.verify(_b64decode(signature_b64), f"{header_b64}.{payload_b64}".encode(), padding.PKCS1v15(),
                   hashes.SHA256())
        return claims
    except (ValueError, InvalidSignature, json.JSONDecodeError):
        return None


# ---------------------------------------------------------------------- routing

_ROUTES: tuple[tuple[str, str, re.Pattern], ...] = (
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
_IMPERSONATE = re.compile(r"^/v1/projects/-/serviceAccounts/([^/:]+):generateAccessToken$")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    emulator: GoogleApisEmulator


class _Handler(EmulatorRequestHandler):
    server: _Server

    def _send(self, status: int, body: Any) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)






    def _dispatch(self, method: str) -> None:
        emulator = self.server.emulator
        split = urlsplit(self.path)
        path = unquote(split.path)
        query = parse_qs(split.query, keep_blank_values=True)
        body = self._body()
        status, answer = emulator.handle(method, path, query, body, self.headers.get("Authorization", ""))
        self._send(status, answer)


class GoogleApisEmulator:
    """The HTTP server. Use as a context manager; ``url`` is ``http://127.0.0.1:<port>``."""

    def __init__(self, estate: Estate | None = None, page_size_cap: int = 1000) -> None:
        self.estate = estate if estate is not None else Estate()
        self.page_size_cap = page_size_cap
        self.repeat_page_token: set[str] = set()
        self.requests: list[RecordedRequest] = []
        self.token_requests: list[dict[str, str]] = []
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._listing_cache: dict[tuple, list[dict]] = {}

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> GoogleApisEmulator:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.emulator = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="gcp-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> GoogleApisEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "the emulator is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    def environment(self) -> dict[str, str]:
        """Endpoint overrides that point every API the adapter uses at this emulator."""
        return {api.env_var: self.url for api in ALL_APIS}

    def api_requests(self, api: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if api is None or r.api == api]

    def forget_requests(self) -> None:
        with self._lock:
            self.requests.clear()
            self.token_requests.clear()

    # ------------------------------------------------------------------ credentials

    def service_account_info(self, email: str, project_id: str = "auditor-project") -> dict[str, str]:
        """A service-account key file's content with a fresh RSA key, registered with the estate."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.estate.register_service_account(email, key.public_key())
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        return {
            "type": "service_account", "project_id": project_id, "private_key_id": secrets.token_hex(20),
            "private_key": pem, "client_email": email, "client_id": str(secrets.randbelow(10**20)),
            "auth_uri": f"{self.url}/auth", "token_uri": self.token_uri, "universe_domain": "googleapis.com",
        }

    def issue_token(self, principal: str) -> str:
        token = f"ya29.emulator-{secrets.token_urlsafe(24)}"
        with self._lock:
            self._tokens[token] = principal
        return token

    def _principal(self, authorization: str) -> str | None:
        if not authorization.startswith("Bearer "):
            return None
        token = authorization[len("Bearer "):].strip()
        with self._lock:
            if token in self._tokens:
                return self._tokens[token]
        claims = verify_jwt(token, self.estate.service_account_keys) if token.count(".") == 2 else None
        return claims.get("iss") if claims else None

    # ------------------------------------------------------------------ dispatch

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: bytes,
               authorization: str) -> tuple[int, Any]:
        if method == "POST" and path == "/token":
            return self._token(body)
        principal = self._principal(authorization)
        api, route, match = self._route(path)
        with self._lock:
            self.requests.append(RecordedRequest(method, path, query, principal or "", api))
        if principal is None:
            return 401, google_error(401, "ACCESS_TOKEN_TYPE_UNSUPPORTED",
                                     "Request had invalid authentication credentials. Expected OAuth 2 access "
                                     "token, login cookie or other valid authentication credential.", api)
        impersonate = _IMPERSONATE.match(path)
        if method == "POST" and impersonate:
            return self._generate_access_token(principal, impersonate.group(1))
        if method != "GET":
            return 501, google_error(501, "NOT_IMPLEMENTED", "The emulator serves read-only GET methods.", api)
        if match is None:
            return 404, google_error(404, "NOT_FOUND", f"Method not found: {path}", api)
        failure = self._failure(api, path, query)
        if failure is not None:
            return failure
        status, answer = getattr(self, f"_get_{route}")(match, query)
        if api in self.repeat_page_token and status == 200 and isinstance(answer, dict):
            first = base64.urlsafe_b64encode(b"0").decode().rstrip("=")
            answer["nextPageToken"] = (query.get("pageToken") or [first])[0]  # the page just served, again
        return status, answer

    def _route(self, path: str) -> tuple[str, str, re.Match | None]:
        for api, route, pattern in _ROUTES:
            match = pattern.match(path)
            if match:
                return api, route, match
        return ("iamcredentials" if _IMPERSONATE.match(path) else "unknown"), "", None

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
        start = int(_b64decode((query.get("pageToken") or [""])[0]).decode() or 0) if query.get("pageToken") else 0
        end = start + size
        token = base64.urlsafe_b64encode(str(end).encode()).decode().rstrip("=") if end < len(items) else ""
        return items[start:end], token

    # ------------------------------------------------------------------ token endpoints

    def _token(self, body: bytes) -> tuple[int, Any]:
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        with self._lock:
            self.token_requests.append(form)
        grant = form.get("grant_type", "")
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            claims = verify_jwt(form.get("assertion", ""), self.estate.service_account_keys)
            # google-auth always addresses the assertion to Google's token endpoint, as Google expects.
            if claims is None or claims.get("aud") not in (GOOGLE_TOKEN_URI, self.token_uri):
                return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            principal = claims.get("sub") or claims["iss"]
        elif grant == "refresh_token" and form.get("refresh_token") in self.estate.refresh_tokens:
            principal = self.estate.refresh_tokens[form["refresh_token"]]
        else:
            return 400, {"error": "unsupported_grant_type", "error_description": f"Invalid grant_type: {grant}"}
        return 200, {"access_token": self.issue_token(principal), "expires_in": 3599, "token_type": "Bearer"}

    def _generate_access_token(self, caller: str, target: str) -> tuple[int, Any]:
        if (caller, target) not in self.estate.token_creators:
            return 403, google_error(
                403, "IAM_PERMISSION_DENIED",
                "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
                "iamcredentials",
            )
        expire = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return 200, {"accessToken": self.issue_token(target), "expireTime": expire}

    def _get_allowed(self, match: re.Match, query) -> tuple[int, Any]:
        return 200, {"encodedLocations": "0x0", "locations": []}

    # ------------------------------------------------------------------ Cloud Asset

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

    # ------------------------------------------------------------------ other APIs

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


@dataclass(frozen=True)
class RunningDemo:
    """The emulator serving the sample estate, and the environment that points the adapter at it."""

    emulator: GoogleApisEmulator
    organization: str
    environment: Mapping[str, str]


@contextmanager
def demo_emulator(seed: Callable[[Estate], str]) -> Iterator[RunningDemo]:
    """Run the emulator on an estate seeded by ``seed`` (which returns ``organizations/N``).

    The environment names a throwaway service-account key file (registered with the emulator) and
    every endpoint override; nothing is set in this process — the caller applies it while auditing.
    """
    import os
    import tempfile

    estate = Estate()
    organization = seed(estate)
    with GoogleApisEmulator(estate) as emulator, tempfile.TemporaryDirectory(prefix="gcp-demo-") as folder:
        key_file = os.path.join(folder, "auditor-sa.json")
        with open(key_file, "w", encoding="utf-8") as handle:
            json.dump(emulator.service_account_info(DEMO_AUDITOR), handle)
        yield RunningDemo(emulator, organization,
                          {**emulator.environment(), "GOOGLE_APPLICATION_CREDENTIALS": key_file})


DEMO_AUDITOR = "city-auditor@vendor-audit.iam.gserviceaccount.com"
