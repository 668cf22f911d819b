"""The channel to the Google APIs, with the read-only guard wired into it.

Read-only, provably: every HTTP request the adapter sends to a Google API passes the guard first.
Only ``GET`` is allowed, and a custom method in the path (``…/resource:verb``) must be one of the
read verbs below. The check runs in :meth:`ReadOnlySession.request` — before credentials are
refreshed or anything is sent — and again in the transport adapter's ``send`` for requests that
bypass ``request``. The Cloud Asset client gets the same session through
:func:`read_only_asset_transport`, so its mutating methods (``create_feed``, ``export_assets`` …)
fail before any byte leaves the machine.

Token requests (the OAuth token endpoint, service-account impersonation) are not API calls and do
not pass through this session; they go through :func:`auth_request_session`, which honours
``AUDITOR_GCP_IAMCREDENTIALS_ENDPOINT`` for the IAM Credentials host google-auth talks to.

:class:`RestReader` makes the plain authorized REST GETs for the few facts Cloud Asset Inventory
lacks (IDS, SCC, OS Config …) over a :class:`ReadOnlySession`: it builds the URL from the API's
(overridable) base, follows ``nextPageToken`` through a :class:`~providers.paging.PageTrail` (no
repeated token, at most ``AUDITOR_MAX_PAGES`` pages), retries briefly on 429/500/503 up to
``AUDITOR_MAX_ATTEMPTS`` tries, waits ``AUDITOR_CONNECT_TIMEOUT`` / ``AUDITOR_READ_TIMEOUT``, and
turns every error into a :class:`~providers.gcp.failures.Failure` value instead of raising.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from google.api_core import exceptions as core
from google.auth import exceptions as auth
from google.auth.transport.requests import AuthorizedSession, Request
from requests.adapters import HTTPAdapter

from auditor.errors import AuditorError
from auditor.network import NetworkLimits
from providers.gcp.calls import Call
from providers.gcp.failures import Failure, failure_from_exception
from providers.gcp.settings import IAM_CREDENTIALS, RETRY_DELAYS, RETRY_STATUSES
from providers.paging import ERROR_CODE as PAGING_REFUSED
from providers.paging import PageTrail, PagingRefused

READ_METHODS = frozenset({"GET"})
READ_VERBS = frozenset({"searchAllResources", "searchAllIamPolicies"})


class ReadOnlyViolation(AuditorError):
    """A request that could change something was about to be sent; it was refused."""

    def __init__(self, method: str, url: str) -> None:
        super().__init__(
            "raw",
            ja=f"読み取り専用の保護により、変更を伴う可能性のある呼び出しを送信前に拒否しました: {method} {url}",
            en=f"Refused before sending a call that could change something (read-only guard): {method} {url}",
        )
        self.method = method
        self.url = url


def ensure_read_only(method: str, url: str) -> None:
    """Raise :class:`ReadOnlyViolation` unless this is a plain read."""
    if (method or "").upper() not in READ_METHODS:
        raise ReadOnlyViolation(method, url)
    last_segment = unquote(urlsplit(url).path).rsplit("/", 1)[-1]
    if ":" in last_segment and last_segment.rsplit(":", 1)[1] not in READ_VERBS:
        raise ReadOnlyViolation(method, url)


class ReadOnlyAdapter(HTTPAdapter):
    """The transport adapter of a read-only session: checks every prepared request once more."""

    def send(self, request, *args, **kwargs):
        ensure_read_only(request.method, request.url)
        return super().send(request, *args, **kwargs)


class _RedirectingAdapter(HTTPAdapter):
    """Sends requests for one host to an override base URL (endpoint override for google-auth)."""

    def __init__(self, source: str, target: str) -> None:
        super().__init__()
        self._source = source
        self._target = target

    def send(self, request, *args, **kwargs):
        if request.url.startswith(self._source):
            request.url = self._target + request.url[len(self._source):]
        return super().send(request, *args, **kwargs)


class _BoundedRequest(Request):
    """google-auth's request object with the audit's timeouts instead of its two-minute default."""

    def __init__(self, session: requests.Session, timeout: tuple[float, float]) -> None:
        super().__init__(session)
        self._timeout = timeout

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        return super().__call__(url, method=method, body=body, headers=headers, timeout=timeout or self._timeout,
                                **kwargs)


def auth_request_session(environ: Mapping[str, str] | None = None) -> Request:
    """The google-auth request object used for token refreshes and credential look-ups."""
    env = os.environ if environ is None else environ
    session = requests.Session()
    if env.get(IAM_CREDENTIALS.env_var):
        source = f"https://{IAM_CREDENTIALS.host}"
        session.mount(source, _RedirectingAdapter(source, IAM_CREDENTIALS.base_url(env)))
    limits = NetworkLimits.from_environ(env)
    return _BoundedRequest(session, (limits.connect_timeout, limits.read_timeout))


class ReadOnlySession(AuthorizedSession):
    """An authorized ``requests`` session that can only read."""

    def __init__(self, credentials, *args, environ: Mapping[str, str] | None = None, **kwargs) -> None:
        kwargs.setdefault("auth_request", auth_request_session(environ))
        super().__init__(credentials, *args, **kwargs)
        self.mount("https://", ReadOnlyAdapter())
        self.mount("http://", ReadOnlyAdapter())

    def request(self, method, url, *args, **kwargs):
        ensure_read_only(method, url)
        return super().request(method, url, *args, **kwargs)


def read_only_asset_transport(environ: Mapping[str, str] | None = None):
    """A Cloud Asset REST transport class whose HTTP session is a :class:`ReadOnlySession`."""
    from google.cloud.asset_v1.services.asset_service.transports.base import DEFAULT_CLIENT_INFO
    from google.cloud.asset_v1.services.asset_service.transports.rest import AssetServiceRestTransport

    class ReadOnlyAssetServiceRestTransport(AssetServiceRestTransport):
        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            self._session = ReadOnlySession(self._credentials, default_host=self.DEFAULT_HOST, environ=environ)
            # The wrapped methods are keyed by stubs that hold the session: rebuild them for the new one.
            self._prep_wrapped_messages(kwargs.get("client_info") or DEFAULT_CLIENT_INFO)

    return ReadOnlyAssetServiceRestTransport


@dataclass(frozen=True)
class Page:
    items: tuple[dict, ...]
    pages: int


class RestReader:
    """GET one resource or every page of a list from a Google REST API."""

    def __init__(self, session: requests.Session, environ: Mapping[str, str] | None = None) -> None:
        self._session = session
        self._environ = environ
        self._limits = NetworkLimits.from_environ(environ)

    def get(self, call: Call, path: str, params: Mapping[str, Any] | None = None) -> dict | Failure:
        url = f"{call.api.base_url(self._environ)}/{path.lstrip('/')}"
        timeout = (self._limits.connect_timeout, self._limits.read_timeout)
        retries = min(self._limits.retries, len(RETRY_DELAYS))
        for attempt in range(retries + 1):
            try:
                response = self._session.get(url, params=dict(params or {}), timeout=timeout)
            except (requests.RequestException, auth.GoogleAuthError) as error:
                return failure_from_exception(call, error)
            if response.status_code in RETRY_STATUSES and attempt < retries:
                time.sleep(RETRY_DELAYS[attempt])
                continue
            if response.status_code >= 400:
                return failure_from_exception(call, core.from_http_response(response))
            try:
                return response.json()
            except ValueError:
                return Failure(call, response.status_code, "INVALID_RESPONSE", "the answer was not JSON")
        raise AssertionError("unreachable")

    def list(self, call: Call, path: str, items_key: str, params: Mapping[str, Any] | None = None) -> Page | Failure:
        items: list[dict] = []
        query = dict(params or {})
        trail = PageTrail(max_pages=self._limits.max_pages)
        while True:
            answer = self.get(call, path, query)
            if isinstance(answer, Failure):
                return answer
            items.extend(answer.get(items_key) or ())
            token = answer.get("nextPageToken")
            if not token:
                return Page(tuple(items), trail.pages)
            try:
                query["pageToken"] = trail.next_token(str(token))
            except PagingRefused as refused:
                return Failure(call, 0, PAGING_REFUSED, str(refused))
