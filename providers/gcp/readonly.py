"""Read-only, provably: every HTTP request the adapter sends to a Google API passes this guard first.

Only ``GET`` is allowed, and a custom method in the path (``…/resource:verb``) must be one of the
read verbs below. The check runs in :meth:`ReadOnlySession.request` — before credentials are
refreshed or anything is sent — and again in the transport adapter's ``send`` for requests that
bypass ``request``. The Cloud Asset client gets the same session through
:func:`read_only_asset_transport`, so its mutating methods (``create_feed``, ``export_assets`` …)
fail before any byte leaves the machine.

Token requests (the OAuth token endpoint, service-account impersonation) are not API calls and do
not pass through this session; they go through :func:`auth_request_session`, which honours
``AUDITOR_GCP_IAMCREDENTIALS_ENDPOINT`` for the IAM Credentials host google-auth talks to.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

import requests
from google.auth.transport.requests import AuthorizedSession, Request
from requests.adapters import HTTPAdapter

from auditor.errors import AuditorError
from auditor.network import NetworkLimits
from providers.gcp.apis import IAM_CREDENTIALS

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
