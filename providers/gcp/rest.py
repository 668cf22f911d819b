"""Plain authorized REST GETs for the few facts Cloud Asset Inventory lacks (IDS, SCC, OS Config …).

A thin layer over :class:`~providers.gcp.readonly.ReadOnlySession`: it builds the URL from the
API's (overridable) base, follows ``nextPageToken`` through a :class:`~providers.paging.PageTrail`
(no repeated token, at most ``AUDITOR_MAX_PAGES`` pages), retries briefly on 429/500/503 up to
``AUDITOR_MAX_ATTEMPTS`` tries, waits ``AUDITOR_CONNECT_TIMEOUT`` / ``AUDITOR_READ_TIMEOUT``, and
turns every error into a :class:`~providers.gcp.failures.Failure` value instead of raising.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from google.api_core import exceptions as core
from google.auth import exceptions as auth

from auditor.network import NetworkLimits
from providers.gcp.apis import Call
from providers.gcp.failures import Failure, failure_from_exception
from providers.paging import ERROR_CODE as PAGING_REFUSED
from providers.paging import PageTrail, PagingRefused

RETRY_STATUSES = frozenset({429, 500, 503})
RETRY_DELAYS = (0.5, 2.0, 4.0)


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
