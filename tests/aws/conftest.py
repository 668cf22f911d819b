"""The AWS adapter's tests run the real boto3 clients over HTTP against moto's server on 127.0.0.1.

One server per test process (pytest-xdist workers each start their own). Instead of resetting the
server between tests, every test works in an AWS account of its own: moto keys its state by account,
and assuming any role in a fresh account ID yields credentials for that account. Tests therefore never
see each other's resources, and no per-test reset (over a second with the managed IAM policies
loaded) is needed.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

pytest.importorskip("moto")

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.handlers import add_expect_header

from auditor.checks import resource_types_for, run_checks
from auditor.model import Finding
from auditor.plugins import Collection, CollectRequest
from auditor.status import Status
from providers.aws.emulator.server import DUMMY_CREDENTIALS, moto_server
from providers.aws.plugin import AwsProvider
from providers.aws.settings import AwsSettings

TOKYO, OSAKA, VIRGINIA, IRELAND = "ap-northeast-1", "ap-northeast-3", "us-east-1", "eu-west-1"
TEST_CONFIG = Config(retries={"total_max_attempts": 1})
ENVIRONMENT = {"AWS_DEFAULT_REGION": TOKYO, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
UNSET = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE")
_ACCOUNTS = itertools.count(int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0) * 10**6 + 1)


@pytest.fixture(scope="session")
def emulator() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with moto_server() as running:
        yield running.endpoint_url


def _account_id() -> str:
    return f"{200000000000 + next(_ACCOUNTS):012d}"


def credentials_for(endpoint: str, account: str) -> dict[str, str]:
    """Temporary credentials that moto maps to ``account`` (via any role ARN in it)."""
    sts = boto3.client("sts", region_name=TOKYO, endpoint_url=endpoint, config=TEST_CONFIG,
                       aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                       aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    answer = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/test-setup", RoleSessionName="test-setup")
    creds = answer["Credentials"]
    return {"AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"]}


def denied(code: str = "AccessDenied", message: str = "User is not authorized to perform this action") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 403}},
                       "Operation")


@dataclass
class Account:
    """One fresh AWS account on the emulator: seed it with :meth:`client`, audit it with :meth:`audit`."""

    endpoint: str
    account_id: str
    credentials: dict[str, str]
    hooks: list[Callable[[Any], None]] = field(default_factory=list)
    refusals: dict[tuple[str, str], BaseException] = field(default_factory=dict)
    calls: list[tuple[str, str, dict]] = field(default_factory=list)

    def client(self, service: str, region: str = TOKYO) -> Any:
        """A plain (unguarded) client for seeding the estate."""
        client = boto3.client(service, region_name=region, endpoint_url=self.endpoint, config=TEST_CONFIG,
                              **{k.lower(): v for k, v in self.credentials.items()})
        if service == "s3":  # the emulator never answers "100 Continue": do not wait a second for it on each PUT
            client.meta.events.unregister("before-call.s3", add_expect_header)
        return client

    def refuse(self, action: str, error: BaseException | None = None) -> None:
        """Make the adapter's calls to ``service:Operation`` fail as AWS would refuse them."""
        service, operation = action.split(":")
        self.refusals[(service, operation)] = error if error is not None else denied()

    def _instrument(self, session: Any) -> None:
        def before_call(model: Any = None, params: Any = None, **_: Any) -> None:
            service = model.service_model.service_name
            self.calls.append((service, model.name, dict((params or {}).get("body") or {})
                               if isinstance((params or {}).get("body"), dict) else {}))
            error = self.refusals.get((service, model.name))
            if error is not None:
                raise error

        session.events.register("before-call", before_call)
        for hook in self.hooks:
            hook(session)

    def provider(self, **settings: Any) -> AwsProvider:
        return AwsProvider(AwsSettings(max_attempts=1, max_workers=4, session_hook=self._instrument, **settings))

    @contextmanager
    def environment(self) -> Iterator[None]:
        """The standard credential chain of the adapter resolves to this account (environment variables)."""
        values = {**ENVIRONMENT, "AWS_ENDPOINT_URL": self.endpoint, **self.credentials}
        saved = {name: os.environ.get(name) for name in (*values, *UNSET)}
        os.environ.update(values)
        for name in UNSET:
            os.environ.pop(name, None)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def collect(self, regions: tuple[str, ...] | None = (TOKYO,), kinds: frozenset[str] | None = None,
                progress=None, **options: Any) -> Collection:
        provider = self.provider()
        if regions is not None:
            options["regions"] = regions
        wanted = kinds if kinds is not None else resource_types_for(provider.checks())
        with self.environment():
            return provider.collect(CollectRequest(wanted, options, progress))

    def audit(self, regions: tuple[str, ...] | None = (TOKYO,), kinds: frozenset[str] | None = None,
              **options: Any) -> Audit:
        collection = self.collect(regions, kinds, **options)
        provider = self.provider()
        return Audit(collection, run_checks(provider.checks(), collection.evidence, collection.gaps))


@dataclass
class Audit:
    collection: Collection
    findings: list[Finding]

    def of(self, check_id: str) -> list[Finding]:
        return [f for f in self.findings if f.check_id == check_id]

    def statuses(self, check_id: str) -> set[Status]:
        return {f.status for f in self.of(check_id)}

    def one(self, check_id: str, name: str | None = None) -> Finding:
        found = [f for f in self.of(check_id) if name is None or name in (f.resource_name, f.resource_id)]
        assert len(found) == 1, f"{check_id}/{name}: {[(f.resource_name, f.status, f.reason) for f in found]}"
        return found[0]

    def evidence(self, resource_type: str) -> list:
        return [e for e in self.collection.evidence if e.resource_type == resource_type]


def new_account(endpoint: str) -> Account:
    account_id = _account_id()
    return Account(endpoint, account_id, credentials_for(endpoint, account_id))


@pytest.fixture
def account(emulator: str) -> Iterator[Account]:
    """A fresh account; while the test runs, the standard credential chain resolves to it."""
    fresh = new_account(emulator)
    with fresh.environment():
        yield fresh


def policy_document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture(scope="module")
def shared_account(emulator) -> Account:
    return new_account(emulator)


@pytest.fixture
def shared(shared_account) -> Iterator[Account]:
    """One account for the tests that only add uniquely named resources and read only their own (a fresh
    account costs the emulator about a second): refusals, hooks and recorded calls are per test."""
    for account in (shared_account,):
        account.refusals.clear()
        account.hooks.clear()
        account.calls.clear()
    with shared_account.environment():
        yield shared_account
    shared_account.refusals.clear()
    shared_account.hooks.clear()
