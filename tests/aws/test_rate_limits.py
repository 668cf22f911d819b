"""Every request of an AWS collection is paced by the account's limiter, and pacing changes no finding."""

from __future__ import annotations

from auditor.checks import resource_types_for, run_checks
from auditor.plugins import CollectRequest
from providers.aws.settings import published_rate
from providers.ratelimit import EC2_NON_MUTATING, Limiter, Rate
from tests.aws.conftest import OSAKA, TOKYO
from tests.aws.estates import bucket, security_group, volume


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += seconds


class Recording(Limiter):
    """Records every scope asked for; ``shared`` sends them all through one bucket."""

    def __init__(self, rate_of, clock: FakeClock, shared: bool = False) -> None:
        super().__init__(rate_of, clock, clock.sleep)
        self.scopes: list[tuple[str, str, str]] = []
        self.shared = shared

    def acquire(self, scope):
        self.scopes.append(scope)
        return super().acquire(("*", "*", "*") if self.shared else scope)


def _collect(account, limiters: list[Recording], rate_of, clock: FakeClock, shared: bool = False):
    def new_limiter() -> Recording:
        limiters.append(Recording(rate_of, clock, shared))
        return limiters[-1]

    provider = account.provider(new_limiter=new_limiter)
    with account.environment():
        collection = provider.collect(CollectRequest(resource_types_for(provider.checks()),
                                                     {"regions": (TOKYO, OSAKA)}))
    return collection, run_checks(provider.checks(), collection.evidence, collection.gaps)


def test_every_request_takes_a_token_of_its_region_service_and_api(account):
    volume(account, TOKYO, "data", encrypted=False)
    limiters: list[Recording] = []
    _collect(account, limiters, published_rate, FakeClock())
    (limiter,) = limiters
    sent = [(service, op) for service, op, _ in account.calls if (service, op) != ("sts", "GetCallerIdentity")]
    assert sorted((service, op) for _, service, op in limiter.scopes) == sorted(sent)
    assert ("ap-northeast-1", "ec2", "DescribeVolumes") in limiter.scopes
    assert limiter.bucket(("ap-northeast-1", "ec2", "DescribeVolumes")).rate == EC2_NON_MUTATING
    assert limiter.bucket(("ap-northeast-1", "dynamodb", "ListTables")) is None  # paced by adaptive retries


def test_a_tight_rate_slows_the_sweep_but_changes_no_finding_or_gap(account):
    volume(account, TOKYO, "data", encrypted=False)
    security_group(account, "admin", 22)
    bucket(account, "logs-bucket")
    free, tight = FakeClock(), FakeClock()
    _, unpaced = _collect(account, [], lambda scope: None, free)
    collection, paced = _collect(account, [], lambda scope: Rate(1, 2, "test"), tight, shared=True)
    assert free.slept == 0 and tight.slept > 0
    assert not collection.gaps
    key = lambda f: (f.check_id, f.resource_id, f.status, f.reason)  # noqa: E731
    assert sorted(map(key, paced)) == sorted(map(key, unpaced))
