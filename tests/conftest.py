"""Suite-wide fixtures: every test records history in its own temporary store, never the user's."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_history_store(tmp_path_factory, monkeypatch):
    store = tmp_path_factory.mktemp("history") / "history.sqlite"
    monkeypatch.setenv("AUDITOR_STORE", str(store))
    yield store
