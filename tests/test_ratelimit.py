"""The token buckets bound the request rate: checked on a fake clock, never by timing."""

from __future__ import annotations

import threading

import pytest

from providers.ratelimit import (
    CLOUD_ASSET_LIST_ASSETS,
    EC2_NON_MUTATING,
    RESOURCE_GRAPH_PER_USER,
    Limiter,
    Rate,
    TokenBucket,
)


class FakeClock:
    """Time that moves only when a caller sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def send_times(rate: Rate, requests: int, clock: FakeClock) -> list[float]:
    bucket = TokenBucket(rate, clock, clock.sleep)
    sent = []
    for _ in range(requests):
        bucket.acquire()
        sent.append(clock())
    return sent


def most_in_any_window(times: list[float], seconds: float) -> int:
    return max(sum(1 for t in times if start <= t < start + seconds) for start in times)


@pytest.mark.parametrize(("rate", "window", "quota"), [
    (RESOURCE_GRAPH_PER_USER, 5, 15),
    (CLOUD_ASSET_LIST_ASSETS, 60, 100),
    (EC2_NON_MUTATING, 1, 100 + 20),
])
def test_no_window_sees_more_than_the_published_quota(rate: Rate, window: float, quota: int) -> None:
    times = send_times(rate, 600, FakeClock())
    assert most_in_any_window(times, window) <= quota
    assert most_in_any_window(times, window) <= rate.most_in(window)


def test_the_burst_goes_at_once_and_the_rest_at_the_refill_rate() -> None:
    clock = FakeClock()
    times = send_times(Rate(10, 2, "test"), 30, clock)
    assert times[:10] == [1000.0] * 10
    assert clock.slept == pytest.approx([0.5] * 20)
    assert times[-1] == pytest.approx(1000.0 + 20 * 0.5)


def test_an_idle_bucket_refills_up_to_its_burst_only() -> None:
    clock = FakeClock()
    bucket = TokenBucket(Rate(5, 1, "test"), clock, clock.sleep)
    for _ in range(5):
        assert bucket.acquire() == 0
    clock.now += 3600
    waits = [bucket.acquire() for _ in range(7)]
    assert waits[:5] == [0] * 5
    assert waits[5:] == pytest.approx([1.0, 1.0])  # each caller sleeps its own turn off


def test_threads_share_one_bucket_and_wait_in_turn() -> None:
    """Frozen time: the n-th request beyond the burst must wait n / rate, whichever thread sends it."""
    clock = FakeClock()
    waits: list[float] = []
    clock.sleep = waits.append  # record only: time does not move
    bucket = TokenBucket(Rate(4, 8, "test"), clock, clock.sleep)
    threads = [threading.Thread(target=bucket.acquire) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == pytest.approx([n / 8 for n in range(1, 37)])


def test_the_limiter_keeps_one_bucket_per_scope_and_none_without_a_rate() -> None:
    clock = FakeClock()
    asked: list[tuple] = []

    def rate_of(scope):
        asked.append(scope)
        return Rate(1, 1, "test") if scope[1] == "ec2" else None

    limiter = Limiter(rate_of, clock, clock.sleep)
    for _ in range(3):
        limiter.acquire(("ap-northeast-1", "ec2", "DescribeVolumes"))
        limiter.acquire(("ap-northeast-1", "s3", "GetBucketPolicy"))
    limiter.acquire(("ap-northeast-3", "ec2", "DescribeVolumes"))
    assert asked == [("ap-northeast-1", "ec2", "DescribeVolumes"), ("ap-northeast-1", "s3", "GetBucketPolicy"),
                     ("ap-northeast-3", "ec2", "DescribeVolumes")]
    assert clock.slept == pytest.approx([1.0, 1.0])  # the other region's bucket is full


def test_a_window_quota_keeps_a_quarter_for_the_burst() -> None:
    rate = Rate.window(15, 5, "test")
    assert (rate.burst, rate.per_second) == (3, pytest.approx(12 / 5))
    assert rate.most_in(5) == pytest.approx(15)
    with pytest.raises(ValueError):
        Rate(0, 1, "test")
