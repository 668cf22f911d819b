"""Schema migrations: from an empty database, re-opening, upgrading step by step, racing openers,
and refusing a database written by a newer auditor — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import insert, inspect, select

from auditor.errors import AuditorError
from auditor.history import open_store, schema
from auditor.history.database import create_engine_for, resolve_url
from auditor.history.migrations import MIGRATIONS, Migration, current_version, latest_version, migrate
from auditor.model import utc_now
from tests.history import estate


def applied(store_url: str) -> list[tuple[int, str]]:
    engine = create_engine_for(resolve_url(store_url))
    try:
        with engine.connect() as connection:
            query = select(schema.schema_migrations.c.version, schema.schema_migrations.c.applied_at)
            return [(v, str(at)) for v, at in connection.execute(query.order_by(schema.schema_migrations.c.version))]
    finally:
        engine.dispose()


def test_an_empty_database_is_migrated_to_the_current_shape(store_url):
    with open_store(store_url) as store, store.engine.connect() as connection:
        assert current_version(connection) == latest_version() == len(MIGRATIONS)
        inspector = inspect(connection)
        for table in schema.metadata.sorted_tables:
            columns = {c["name"]: c for c in inspector.get_columns(table.name)}
            assert list(columns) == [c.name for c in table.columns], table.name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, (table.name, column.name)
            primary = inspector.get_pk_constraint(table.name)["constrained_columns"]
            assert primary == [c.name for c in table.primary_key.columns], table.name
            indexes = {tuple(i["column_names"]) for i in inspector.get_indexes(table.name)}
            for index in table.indexes:
                assert tuple(c.name for c in index.columns) in indexes, (table.name, index.name)


def test_reopening_applies_nothing_again(store_url, catalogue):
    with open_store(store_url) as store:
        store.save_run(estate.january(catalogue))
    first = applied(store_url)
    with open_store(store_url) as store:
        assert [s.run_id for s in store.runs()] == ["20260101T030000Z-aaaa0001"]
    assert applied(store_url) == first
    assert [v for v, _ in first] == [m.version for m in MIGRATIONS]


def test_an_older_database_is_upgraded_step_by_step(store_url, catalogue):
    engine = create_engine_for(resolve_url(store_url))
    try:
        assert migrate(engine, MIGRATIONS[:1]) == 1
        with engine.connect() as connection:
            assert "ix_auditor_runs_target_started" not in {i["name"] for i in inspect(connection).get_indexes(
                "auditor_runs")}
    finally:
        engine.dispose()
    with open_store(store_url) as store:
        store.save_run(estate.january(catalogue))
        with store.engine.connect() as connection:
            assert current_version(connection) == len(MIGRATIONS)
            assert "ix_auditor_runs_target_started" in {i["name"] for i in inspect(connection).get_indexes(
                "auditor_runs")}


def test_a_new_step_runs_once_on_an_existing_database(store_url):
    calls: list[int] = []
    extra = Migration(len(MIGRATIONS) + 1, "test step", lambda connection: calls.append(1))
    with open_store(store_url) as store:
        assert migrate(store.engine, (*MIGRATIONS, extra)) == extra.version
        assert migrate(store.engine, (*MIGRATIONS, extra)) == extra.version
    assert calls == [1]


def test_a_failing_step_leaves_the_database_as_it_was(store_url):
    def broken(connection):
        connection.execute(insert(schema.schema_migrations).values(version=-1, description="x", applied_at=utc_now()))
        raise RuntimeError("step failed")

    with open_store(store_url) as store:
        before = applied(store_url)
        with pytest.raises(RuntimeError):
            migrate(store.engine, (*MIGRATIONS, Migration(len(MIGRATIONS) + 1, "broken", broken)))
    assert applied(store_url) == before


def test_racing_openers_migrate_once(store_url):
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_it():
        try:
            barrier.wait(timeout=30)
            open_store(store_url).close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert [v for v, _ in applied(store_url)] == [m.version for m in MIGRATIONS]


def test_a_database_from_a_newer_auditor_is_refused(store_url):
    with open_store(store_url) as store, store.engine.begin() as connection:
        connection.execute(insert(schema.schema_migrations).values(version=99, description="future",
                                                                   applied_at=utc_now()))
    with pytest.raises(AuditorError) as raised:
        open_store(store_url)
    assert "99" in raised.value.message("en") and "Upgrade auditor" in raised.value.message("en")
    assert "新しい" in raised.value.message("ja")


def test_migration_steps_must_be_numbered_in_order(tmp_path):
    engine = create_engine_for(resolve_url(str(tmp_path / "h.sqlite")))
    try:
        with pytest.raises(ValueError, match="in order"):
            migrate(engine, (MIGRATIONS[1], MIGRATIONS[0]))
    finally:
        engine.dispose()
