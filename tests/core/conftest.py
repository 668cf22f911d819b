"""Fixtures for core tests: the real control catalogue and checklists with a fake provider."""

from __future__ import annotations

import pytest

from auditor.run import Catalogue, load_catalogue
from tests.core.fake_provider import FakeProvider


@pytest.fixture(scope="session")
def installed() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def fake() -> FakeProvider:
    return FakeProvider()


@pytest.fixture
def catalogue(installed: Catalogue, fake: FakeProvider) -> Catalogue:
    return Catalogue(installed.controls, installed.checklists, {"fake": fake}, {})
