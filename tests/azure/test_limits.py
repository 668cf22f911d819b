"""Limits against the emulator. Paging: a ``nextLink`` back to the same page, a ``nextLink`` to another
host, a Resource Graph ``$skipToken`` that repeats and a list longer than the page limit each end
that listing with a gap (its checks UNKNOWN with the cause), after a bounded number of requests.
Timeouts: a silent ARM endpoint or authority ends the audit promptly with a timeout message."""

from __future__ import annotations

import time

import pytest

from auditor.checks import run_checks
from auditor.errors import AuditorError
from auditor.plugins import CollectRequest
from auditor.status import Status
from providers.azure import facts
from providers.azure import kinds as k
from providers.azure.checks import CHECKS
from providers.azure.collect import collect
from providers.azure.emulator.server import running
from providers.azure.settings import Settings
from tests.endpoints import silent_endpoint

from .conftest import audit_running


def _refusals(collection) -> list:
    return [g for g in collection.gaps if g.error_code == "PagingRefused"]


def _backed_up_vms(estate, count: int = 3):
    sid = estate.subscription("paging")
    vms = [estate.virtual_machine(sid, "rg", f"vm{n}") for n in range(count)]
    estate.recovery_vault(sid, "rg", "rsv", protect=tuple(vms))
    return sid


def test_a_next_link_to_the_same_page_is_followed_once(estate):
    _backed_up_vms(estate)
    with running(estate) as emulator:
        emulator.faults.next_link, emulator.faults.on_path = "self", "/backupprotecteditems"
        result = audit_running(emulator, frozenset({k.VM}))
        requests = [p for _, p in emulator.traffic.lines if p.endswith("/backupProtectedItems")]
    assert len(requests) == 1
    (refused,) = _refusals(result.collection)
    assert "repeats one already followed" in refused.message and refused.source.endswith("backupProtectedItems")
    backups = result.of("azure.vm.backup")
    assert len(backups) == 3 and {f.status for f in backups} == {Status.UNKNOWN}
    assert all("PagingRefused" in f.reason for f in backups)


def test_a_next_link_to_another_host_is_not_followed(estate):
    for n in range(2):
        estate.user(f"admin{n}", roles=(facts.GLOBAL_ADMIN_ROLE_ID,))
    with running(estate) as emulator:
        emulator.faults.next_link, emulator.faults.on_path = "foreign", "/userregistrationdetails"
        result = audit_running(emulator, frozenset({k.ADMIN}))
        requests = [p for _, p in emulator.traffic.lines if p.endswith("/userRegistrationDetails")]
    assert len(requests) == 1
    (refused,) = _refusals(result.collection)
    assert "https://collector.example.net" in refused.message and emulator.url in refused.message
    assert not [e for e in result.collection.evidence if e.resource_type == k.ADMIN]
    mfa = result.of("azure.entra.admin_mfa_registered")
    assert mfa and {f.status for f in mfa} == {Status.UNKNOWN}


def test_a_repeated_skip_token_ends_the_query(estate):
    sid = estate.subscription("disks")
    for n in range(3):
        estate.managed_disk(sid, "rg", f"disk-{n}", zone=None)
    with running(estate) as emulator:
        emulator.faults.repeat_skip_token = True
        result = audit_running(emulator, frozenset({k.DISK}))
        queries = emulator.traffic.counts["resourcegraph"]
    assert queries <= 4  # two pages for each of the two queries, then refused
    assert _refusals(result.collection)
    assert not [e for e in result.collection.evidence if e.resource_type == k.DISK]
    disks = [f for f in result.findings if f.resource_type == k.DISK]
    assert disks and {f.status for f in disks} == {Status.UNKNOWN}


def test_a_list_longer_than_the_page_limit_is_a_gap(estate):
    estate.arm_page_size = 2
    _backed_up_vms(estate, count=5)
    with running(estate) as emulator:
        options = {**emulator.options(), "retries": 0}
        settings = Settings.from_options(options, environ={"AUDITOR_MAX_PAGES": "2"})
        collection = collect(CollectRequest(frozenset({k.VM}), options), settings)
        requests = [p for _, p in emulator.traffic.lines if p.endswith("/backupProtectedItems")]
    assert len(requests) == 2
    (refused,) = _refusals(collection)
    assert "limit of 2 pages" in refused.message
    findings = run_checks(CHECKS, collection.evidence, collection.gaps)
    assert {f.status for f in findings if f.check_id == "azure.vm.backup"} == {Status.UNKNOWN}


@pytest.mark.parametrize("endpoint, words", [("arm_endpoint", "Cannot list subscriptions"),
                                             ("authority_host", "Cannot reach the Azure authority")])
def test_a_silent_endpoint_is_reported_after_one_timeout(estate, endpoint, words):
    estate.subscription("quiet")
    limits = {"AUDITOR_CONNECT_TIMEOUT": "1", "AUDITOR_READ_TIMEOUT": "1", "AUDITOR_MAX_ATTEMPTS": "5"}
    with running(estate) as emulator, silent_endpoint() as port:
        options = {**emulator.options(), endpoint: f"https://127.0.0.1:{port}"}
        started = time.monotonic()
        with pytest.raises(AuditorError) as raised:
            collect(CollectRequest(frozenset({k.VM}), options), Settings.from_options(options, environ=limits))
        elapsed = time.monotonic() - started
    message = raised.value.message("en")
    assert words in message and "timed out" in message
    assert "Cannot authenticate" not in message  # a silent network is not a credential problem
    assert elapsed < 4, f"took {elapsed:.1f} s"


def test_timeouts_and_retries_follow_the_network_limits():
    defaults = Settings.from_options({}, environ={})
    assert defaults.transport == {"connection_timeout": 5.0, "read_timeout": 20.0, "retry_total": 2}
    assert defaults.credential_transport["retry_read"] == 0
    tuned = Settings.from_options({}, environ={"AUDITOR_READ_TIMEOUT": "40", "AUDITOR_MAX_ATTEMPTS": "1"})
    assert tuned.read_timeout == 40 and tuned.retries == 0
