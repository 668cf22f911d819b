"""Where the store lives: the default SQLite file, --store paths and URLs, AUDITOR_STORE, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import AuditorError
from auditor.history import open_store
from auditor.history.database import default_store_path, resolve_url


def test_default_is_history_sqlite_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("AUDITOR_STORE", raising=False)
    assert default_store_path() == tmp_path / "data" / "auditor" / "history.sqlite"
    with open_store(None) as store:
        assert store.location == str(tmp_path / "data" / "auditor" / "history.sqlite")
    assert (tmp_path / "data" / "auditor" / "history.sqlite").is_file()


def test_environment_and_argument(monkeypatch, tmp_path):
    (tmp_path / "from-env").mkdir()
    monkeypatch.setenv("AUDITOR_STORE", str(tmp_path / "from-env" / "h.sqlite"))
    assert resolve_url(None).database == str(tmp_path / "from-env" / "h.sqlite")
    assert resolve_url(str(tmp_path / "arg.sqlite")).database == str(tmp_path / "arg.sqlite")  # the argument wins
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "x").mkdir()
    assert resolve_url("~/x/h.sqlite").database == str(tmp_path / "x" / "h.sqlite")


def test_urls():
    assert resolve_url("postgresql://u:secret@db.example:5432/audit").drivername == "postgresql+psycopg"
    assert resolve_url("postgresql+psycopg://u@h/d").drivername == "postgresql+psycopg"
    assert resolve_url("sqlite://").database is None
    with pytest.raises(AuditorError, match="Invalid history store URL"):
        resolve_url("not a url://")


def test_sqlite_url_opens_a_new_store_in_an_existing_folder(tmp_path: Path):
    target = tmp_path / "h.sqlite"
    with open_store(f"sqlite:///{target}") as store:
        assert store.runs() == []
    assert target.is_file()


def test_an_unreachable_server_is_one_clear_error_without_the_password():
    with pytest.raises(AuditorError) as raised:
        open_store("postgresql://auditor:s3cret-pw@127.0.0.1:1/history?connect_timeout=2")
    message = raised.value.message("en")
    assert "Cannot use the history store" in message and "127.0.0.1" in message
    assert "s3cret-pw" not in message and "s3cret-pw" not in raised.value.message("ja")


def test_a_missing_driver_is_a_clear_error():
    with pytest.raises(AuditorError, match="missing database driver"):
        open_store("mysql://auditor@127.0.0.1/history")


def test_an_unusable_file_is_a_clear_error(tmp_path: Path):
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"this is not a database" * 100)
    with pytest.raises(AuditorError, match="Cannot use the history store"):
        open_store(str(damaged))
