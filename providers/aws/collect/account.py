"""One audited account as the collectors see it: cached clients, guarded calls, evidence builders.

Clients are created once per (region, service) and shared by the worker threads (boto3 clients are
thread-safe; creating them is not, hence the lock). Only the most recently used ones are kept, so a
sweep of every region does not hold hundreds of clients at once (work is queued region by region);
an account's clients and session are released once all of its tasks are done (:meth:`AccountContext.close`).
Every request a client sends first takes a token from the (region, service, operation) bucket of
the account's limiter (:mod:`providers.ratelimit`).
Every call goes through :meth:`AccountContext.call` or :meth:`AccountContext.pages`, which turn
botocore errors into :class:`~providers.aws.failures.CallFailed` and answer ``None`` for the error
codes that mean "not configured" (no bucket policy, say).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from auditor.model import Evidence, utc_now
from providers.aws.failures import CallFailed, failure_of
from providers.aws.settings import AwsSettings

PROVIDER = "aws"
GLOBAL = "global"


def plain(value: Any) -> Any:
    """A JSON-compatible copy of an API payload (datetimes as ISO text, bytes dropped)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items() if k != "ResponseMetadata" and not isinstance(v, bytes)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class AccountContext:
    """Shared state of one account's collection (thread-safe)."""

    def __init__(self, account: str, session: Any, settings: AwsSettings, partition: str = "aws") -> None:
        self.account = account
        self.session = session
        self.settings = settings
        self.partition = partition
        self._config = settings.client_config()
        self._clients: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._memo: dict[Any, Any] = {}
        self._memo_locks: dict[Any, threading.Lock] = {}
        self._claimed: set[Any] = set()
        self.limiter = settings.limiter()

    # ------------------------------------------------------------------ clients and calls

    def client(self, service: str, region: str) -> Any:
        key = (region, service)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.session.client(service, region_name=region, config=self._config)
                client.meta.events.register("before-send", functools.partial(self._pace, region, service))
                self._clients[key] = client
                while len(self._clients) > max(1, self.settings.max_clients):
                    self._clients.popitem(last=False)  # threads still using it keep their reference
            else:
                self._clients.move_to_end(key)
            return client

    def close(self) -> None:
        """Release the account's clients, shared values and session once all of its tasks are done.

        Each client refers back to this context (its pacing handler), so without this the clients
        and the session of a finished account would wait for the garbage collector's cycle search.
        """
        with self._lock:
            clients = list(self._clients.values())
            self._clients.clear()
            self._memo.clear()
            self._memo_locks.clear()
            self._claimed.clear()
            self.session = None
        for client in clients:
            close = getattr(client, "close", None)  # its connection pool
            if close is not None:
                close()

    def _pace(self, region: str, service: str, event_name: str = "", **_: Any) -> None:
        """botocore ``before-send`` handler: wait for the request's token (``None``: send it as usual)."""
        self.limiter.acquire((region, service, event_name.rsplit(".", 1)[-1]))

    def call(self, region: str, service: str, operation: str, *, absent: Iterable[str] = (), **params: Any):
        """One call; ``None`` when the error code is one of ``absent`` (the setting does not exist)."""
        from botocore import xform_name

        try:
            response = getattr(self.client(service, region), xform_name(operation))(**params)
        except Exception as error:
            failure = failure_of(service, operation, error)
            if failure is None:
                raise
            if failure.error_code in set(absent):
                return None
            raise CallFailed(failure) from error
        response.pop("ResponseMetadata", None)
        return response

    def pages(self, region: str, service: str, operation: str, result_key: str, **params: Any) -> list[Any]:
        """Every item of a listing, following pagination where the API pages."""
        from botocore import xform_name

        client = self.client(service, region)
        method = xform_name(operation)
        try:
            if client.can_paginate(method):
                return [item for item in client.get_paginator(method).paginate(**params).search(result_key)
                        if item is not None]
            import jmespath

            response = getattr(client, method)(**params)
            found = jmespath.search(result_key, response)
            return list(found or []) if isinstance(found, list) else ([found] if found is not None else [])
        except Exception as error:
            failure = failure_of(service, operation, error)
            if failure is None:
                raise
            raise CallFailed(failure) from error

    def all_pages(self, region: str, service: str, operation: str, **params: Any) -> list[dict[str, Any]]:
        """Every page of a paginated call, whole (for responses with several lists, like IAM's details)."""
        from botocore import xform_name

        client = self.client(service, region)
        try:
            pages = list(client.get_paginator(xform_name(operation)).paginate(**params))
        except Exception as error:
            failure = failure_of(service, operation, error)
            if failure is None:
                raise
            raise CallFailed(failure) from error
        for page in pages:
            page.pop("ResponseMetadata", None)
        return pages

    # ------------------------------------------------------------------ sharing between workers

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Compute a value once per account (e.g. one bucket's lifecycle, read by two collectors)."""
        with self._lock:
            if key in self._memo:
                return self._unwrap(self._memo[key])
            lock = self._memo_locks.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                if key in self._memo:
                    return self._unwrap(self._memo[key])
            try:
                value = ("ok", compute())
            except CallFailed as failed:
                value = ("failed", failed)
            with self._lock:
                self._memo[key] = value
        return self._unwrap(value)

    @staticmethod
    def _unwrap(value: tuple[str, Any]) -> Any:
        if value[0] == "failed":
            raise value[1]
        return value[1]

    def claim(self, key: Any) -> bool:
        """True for the first caller only (a multi-region trail seen from every region is collected once)."""
        with self._lock:
            if key in self._claimed:
                return False
            self._claimed.add(key)
            return True

    # ------------------------------------------------------------------ evidence

    def arn(self, service: str, region: str, resource: str) -> str:
        region_part = "" if region == GLOBAL else region
        return f"arn:{self.partition}:{service}:{region_part}:{self.account}:{resource}"

    def evidence(
        self,
        region: str,
        resource_type: str,
        resource_id: str,
        source: str,
        attributes: Mapping[str, Any],
        *,
        unreadable: Mapping[str, str] | None = None,
        raw: Any = None,
        name: str = "",
    ) -> Evidence:
        return Evidence(
            provider=PROVIDER,
            scope=self.account,
            region=region,
            resource_type=resource_type,
            resource_id=resource_id,
            source=source,
            collected_at=utc_now(),
            attributes=plain(dict(attributes)),
            unreadable=dict(unreadable or {}),
            raw=plain(raw),
            name=name,
        )


def tag_name(tags: Any) -> str:
    """The ``Name`` tag of an EC2-style tag list (``[{"Key": …, "Value": …}]``), or ``""``."""
    for tag in tags or []:
        if tag.get("Key") == "Name":
            return str(tag.get("Value") or "")
    return ""
