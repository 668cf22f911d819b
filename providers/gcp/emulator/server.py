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
import json
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from providers.gcp.emulator.estate import Estate
from providers.gcp.emulator.routes import IMPERSONATE, ApiRoutes, b64decode, google_error
from providers.gcp.settings import ALL_APIS
from providers.localhttp import EmulatorRequestHandler

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - an endpoint, not a secret


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    principal: str
    api: str


# ---------------------------------------------------------------------- tokens


def verify_jwt(token: str, keys: Mapping[str, Any]) -> dict | None:
    """The claims of an RS256 JWT signed by a registered service-account key, else ``None``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        claims = json.loads(b64decode(payload_b64))
        key = keys.get(claims.get("iss", ""))
        if key is None:
            return None
        key.verify(b64decode(signature_b64), f"{header_b64}.{payload_b64}".encode(), padding.PKCS1v15(),
                   hashes.SHA256())
        return claims
    except (ValueError, InvalidSignature, json.JSONDecodeError):
        return None


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


class GoogleApisEmulator(ApiRoutes):
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
        impersonate = IMPERSONATE.match(path)
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

    # ------------------------------------------------------------------ Cloud Asset

    # ------------------------------------------------------------------ other APIs
