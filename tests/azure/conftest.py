"""Shared test fixtures: start the HTTPS emulator on an estate and audit it with the real SDK clients."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from auditor.checks import resource_types_for, run_checks
from auditor.model import Finding
from auditor.plugins import Collection, CollectRequest
from providers.azure.checks import CHECKS
from providers.azure.collect import collect
from providers.azure.emulator.estate import Estate
from providers.azure.emulator.server import RunningEmulator, running
from providers.azure.settings import Settings


@dataclass(frozen=True)
class Audit:
    collection: Collection
    findings: tuple[Finding, ...]
    emulator: RunningEmulator

    def status(self, check_id: str, name: str) -> str:
        """The status of one check on one resource (by name), failing loudly if absent or ambiguous."""
        found = [f for f in self.findings if f.check_id == check_id and f.resource_name == name]
        seen = [(f.resource_name, f.status.value) for f in self.findings if f.check_id == check_id]
        assert len(found) == 1, f"{check_id} on {name}: {seen}"
        return found[0].status.value

    def finding(self, check_id: str, name: str) -> Finding:
        self.status(check_id, name)
        return next(f for f in self.findings if f.check_id == check_id and f.resource_name == name)

    def of(self, check_id: str) -> list[Finding]:
        return [f for f in self.findings if f.check_id == check_id]


def audit_running(emulator: RunningEmulator, kinds: frozenset[str] | None = None, **options) -> Audit:
    opts = {**emulator.options(), "retries": 0, **options}
    request = CollectRequest(kinds or resource_types_for(CHECKS), opts)
    collection = collect(request, Settings.from_options(opts, environ={}))
    return Audit(collection, tuple(run_checks(CHECKS, collection.evidence, collection.gaps)), emulator)


@contextmanager
def serve(estate: Estate) -> Iterator[RunningEmulator]:
    with running(estate) as emulator:
        yield emulator


def audit(estate: Estate, kinds: frozenset[str] | None = None, **options) -> Audit:
    """Serve the estate, audit it once, stop the emulator."""
    with running(estate) as emulator:
        return audit_running(emulator, kinds, **options)


@pytest.fixture
def estate() -> Estate:
    return Estate(domain="test-city.onmicrosoft.com")
