"""Versioned schema migrations of the history store: an ordered list of steps and the runner.

The database records every applied step in ``auditor_schema_migrations`` (version, description,
time). :func:`migrate` applies the missing steps in order inside one write transaction, so a
database is never left half-migrated, and two processes opening the same empty database migrate it
once. A database written by a newer auditor (a version this code does not know) is refused rather
than guessed at.

Each step builds its own tables: a step, once released, never changes (the current shape the store
queries lives in :mod:`auditor.history.schema`; a test checks that the two agree). To change the
schema, append a step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    inspect,
    select,
    text,
)

from auditor.errors import AuditorError
from auditor.history.database import read_transaction, write_transaction
from auditor.history.schema import schema_migrations
from auditor.model import utc_now

SCHEMA_LOCK = "auditor-schema"


@dataclass(frozen=True)
class Migration:
    """One schema step: ``apply`` runs inside the migration transaction."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _initial_tables(connection: Connection) -> None:
    meta = MetaData()

    def run_ref() -> Column:
        return Column("run_id", String(100), ForeignKey("auditor_runs.run_id", ondelete="CASCADE"), primary_key=True)

    def seq() -> Column:
        return Column("seq", Integer, primary_key=True, autoincrement=False)

    def texts(*names: str) -> list[Column]:
        return [Column(name, Text, nullable=False) for name in names]

    Table(
        "auditor_runs", meta,
        Column("run_id", String(100), primary_key=True),
        Column("target", String(255), nullable=False, index=True),
        Column("scopes", Text, nullable=False),
        Column("started_at", DateTime(timezone=True), nullable=False, index=True),
        Column("finished_at", DateTime(timezone=True), nullable=False),
        Column("saved_at", DateTime(timezone=True), nullable=False),
        Column("tool_version", Text, nullable=False),
        Column("demo", Boolean, nullable=False),
        Column("run_json", Text, nullable=False),
    )
    Table(
        "auditor_findings", meta, run_ref(), seq(),
        *texts("check_id", "control_id", "provider", "scope", "region", "resource_type", "resource_id"),
        *texts("resource_name"),
        Column("status", String(20), nullable=False),
        *texts("reason", "observed_json", "expected", "source"),
        Column("collected_at", DateTime(timezone=True), nullable=False),
    )
    Table(
        "auditor_gaps", meta, run_ref(), seq(),
        *texts("provider", "scope", "region", "source", "resource_types_json", "error_code", "message", "permission"),
        Column("collected_at", DateTime(timezone=True), nullable=False),
    )
    Table(
        "auditor_controls", meta, run_ref(), seq(),
        *texts("control_id", "provider"),
        Column("status", String(20), nullable=False),
        *texts("reason"),
        *[Column(name, Integer, nullable=False) for name in ("n_pass", "n_fail", "n_unknown", "n_not_applicable")],
    )
    Table("auditor_checklists", meta, run_ref(), seq(), *texts("checklist_id", "title", "version"))
    Table(
        "auditor_items", meta, run_ref(), seq(),
        *texts("checklist_id", "item_id"),
        Column("status", String(20), nullable=False),
        *texts("basis", "control_ids_json", "reason", "level"),
        Column("attestation_json", Text, nullable=True),
    )
    meta.create_all(connection)


def _target_time_index(connection: Connection) -> None:
    runs = Table("auditor_runs", MetaData(), autoload_with=connection)
    Index("ix_auditor_runs_target_started", runs.c.target, runs.c.started_at, runs.c.run_id).create(connection)


def _item_detail(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE auditor_items ADD COLUMN detail_json TEXT"))


def _english_reasons(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE auditor_controls ADD COLUMN reason_en TEXT"))
    connection.execute(text("ALTER TABLE auditor_items ADD COLUMN reason_en TEXT"))
    connection.execute(text("ALTER TABLE auditor_findings ADD COLUMN reason_en TEXT"))
    connection.execute(text("ALTER TABLE auditor_findings ADD COLUMN expected_en TEXT"))


def _english_gap_messages(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE auditor_gaps ADD COLUMN message_en TEXT"))


def _collection_progress(connection: Connection) -> None:
    meta = MetaData()
    Table(
        "auditor_collections", meta,
        Column("run_id", String(100), primary_key=True),
        Column("run_group", String(100), nullable=False, index=True),
        Column("shard_index", Integer, nullable=False),
        Column("shard_count", Integer, nullable=False),
        Column("target", String(255), nullable=False),
        Column("providers_json", Text, nullable=False),
        Column("status", String(20), nullable=False),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("run_json", Text, nullable=True),
        Column("planned_json", Text, nullable=True),
        Column("error", Text, nullable=False),
    )
    Table(
        "auditor_scope_collections", meta,
        Column("run_id", String(100), ForeignKey("auditor_collections.run_id", ondelete="CASCADE"), primary_key=True),
        Column("provider", String(50), primary_key=True),
        Column("scope", String(255), primary_key=True),
        Column("regions_json", Text, nullable=False),
        Column("evidence_json", Text, nullable=False),
        Column("gaps_json", Text, nullable=False),
        Column("collected_at", DateTime(timezone=True), nullable=False),
    )
    meta.create_all(connection)


def _collection_options(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE auditor_collections ADD COLUMN options_json TEXT"))


def _collection_error_ja(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE auditor_collections ADD COLUMN error_ja TEXT"))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "runs, findings, gaps, control results, checklists and items", _initial_tables),
    Migration(2, "index runs by target and time (history listings, previous run)", _target_time_index),
    Migration(3, "item detail: qualifier, written exemption and automated verdict", _item_detail),
    Migration(4, "collection progress per scope: resumable runs and shards of a run group", _collection_progress),
    Migration(5, "English reasons of findings, control results and items", _english_reasons),
    Migration(6, "English of the gap messages the tool words itself", _english_gap_messages),
    Migration(7, "the provider options each collection was made with", _collection_options),
    Migration(8, "the Japanese of the error that stopped a collection", _collection_error_ja),
)


def latest_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    return migrations[-1].version if migrations else 0


def _check_order(migrations: Sequence[Migration]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migration versions must be 1, 2, 3, … in order, not {versions}")


def current_version(connection: Connection) -> int:
    """The highest applied step, 0 for a database the store has never touched."""
    if not inspect(connection).has_table(schema_migrations.name):
        return 0
    return connection.execute(select(func.max(schema_migrations.c.version))).scalar() or 0


def migrate(engine: Engine, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database up to the newest step; return the version it is at."""
    _check_order(migrations)
    known = latest_version(migrations)
    with read_transaction(engine) as connection:
        version = current_version(connection)
    _refuse_newer(version, known)
    if version == known:
        return version
    with write_transaction(engine, SCHEMA_LOCK) as connection:
        schema_migrations.create(connection, checkfirst=True)
        version = current_version(connection)  # another process may have migrated meanwhile
        _refuse_newer(version, known)
        for migration in migrations[version:]:
            migration.apply(connection)
            connection.execute(
                insert(schema_migrations).values(
                    version=migration.version, description=migration.description, applied_at=utc_now()
                )
            )
    return known


def _refuse_newer(version: int, known: int) -> None:
    if version > known:
        raise AuditorError(
            "raw",
            ja=f"履歴ストアのスキーマ版 {version} はこの auditor（対応版 {known}）より新しいものです。"
               "auditor を更新してください。",
            en=f"The history store has schema version {version}, newer than this auditor understands ({known}). "
               "Upgrade auditor.",
        )
