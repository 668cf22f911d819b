"""Client-side rate limits: token buckets, one per API scope, shared by every thread that calls it.

Each cloud publishes how fast its read APIs may be called (docs/limits.md, "Request rates"). The
adapters take a token from the bucket of the scope a request counts against before sending it, so
a parallel sweep stays within the published rate instead of running into throttling and waiting
on retries; the SDKs' own retries (botocore adaptive mode, azure-core and google-api-core retry
policies) still answer a throttled request, which can happen when other clients share the quota.

A bucket holds at most ``burst`` tokens and gains ``per_second`` tokens a second. Taking a token
never holds the lock while waiting: a caller reserves its token (the level may go below zero) and
then sleeps for as long as the refill of the deficit takes, so concurrent callers are served in
order at the bucket's rate. Clock and sleep are handed in, so the bound is tested without timing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """A request rate: ``burst`` requests at once, then ``per_second`` on average; ``source`` says whose number."""

    burst: float
    per_second: float
    source: str

    def __post_init__(self) -> None:
        if self.burst < 1 or self.per_second <= 0:
            raise ValueError(f"a rate needs a burst of at least 1 and a positive refill, not {self}")

    @classmethod
    def window(cls, requests: int, seconds: float, source: str) -> Rate:
        """A quota of ``requests`` per ``seconds``, kept in every window of that length, wherever it starts:
        a quarter of the quota may go at once, the rest is spread evenly over the window."""
        burst = max(1, requests // 4)
        return cls(float(burst), (requests - burst) / seconds, source)

    def most_in(self, seconds: float) -> float:
        """The most requests this rate lets through in any span of ``seconds``."""
        return self.burst + self.per_second * seconds


#: Amazon EC2 request-rate throttling for non-mutating actions (Describe*, Get*): a bucket of 100
#: tokens refilled at 20 a second, per API, per account and Region.
EC2_NON_MUTATING = Rate(100, 20, "Amazon EC2 API request throttling: non-mutating actions, 100 / refill 20 per s")
#: Azure Resource Graph: at most 15 queries in every 5-second window per user (each page is a query).
RESOURCE_GRAPH_PER_USER = Rate.window(15, 5, "Azure Resource Graph throttling: 15 queries per 5 s per user")
#: Cloud Asset Inventory ListAssets: 100 requests per minute per consumer project (each page is a request).
CLOUD_ASSET_LIST_ASSETS = Rate.window(100, 60, "Cloud Asset Inventory quota: ListAssets 100 per minute per "
                                               "consumer project")


class TokenBucket:
    """One scope's bucket; thread-safe. ``acquire()`` returns the seconds the caller waited."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = rate.burst
        self._stamp = clock()

    def acquire(self) -> float:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.rate.burst, self._tokens + (now - self._stamp) * self.rate.per_second)
            self._stamp = now
            self._tokens -= 1
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate.per_second
        if wait > 0:
            self._sleep(wait)
        return wait


class Limiter:
    """The buckets of one audit, created on first use: ``rate_of(scope)`` says each scope's rate, or
    ``None`` for a scope without a published rate (its calls are paced by the SDK's adaptive retries)."""

    def __init__(self, rate_of: Callable[[Hashable], Rate | None], clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._rate_of = rate_of
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[Hashable, TokenBucket | None] = {}
        self._lock = threading.Lock()

    def bucket(self, scope: Hashable) -> TokenBucket | None:
        with self._lock:
            if scope not in self._buckets:
                rate = self._rate_of(scope)
                self._buckets[scope] = None if rate is None else TokenBucket(rate, self._clock, self._sleep)
            return self._buckets[scope]

    def acquire(self, scope: Hashable) -> float:
        bucket = self.bucket(scope)
        return 0.0 if bucket is None else bucket.acquire()
