"""The current shape of the history tables, as SQLAlchemy Core tables the store queries.

Every table carries the ``auditor_`` prefix so a shared team database can hold other things too.
The tables are *created* by the ordered steps of :mod:`auditor.history.migrations`, never from
these definitions; a test checks that the migrated database and these definitions agree.

A run is one row of ``auditor_runs``; its findings, gaps, control results, checklists and items
are rows keyed by ``run_id`` with a ``seq`` that keeps the run's own order.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

RUN_ID = String(100)


def _run_ref() -> Column:
    return Column("run_id", RUN_ID, ForeignKey("auditor_runs.run_id", ondelete="CASCADE"), primary_key=True)


schema_migrations = Table(
    "auditor_schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

runs = Table(
    "auditor_runs",
    metadata,
    Column("run_id", RUN_ID, primary_key=True),
    Column("target", String(255), nullable=False, index=True),
    Column("scopes", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False, index=True),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("tool_version", Text, nullable=False),
    Column("demo", Boolean, nullable=False),
    Column("run_json", Text, nullable=False),
)
Index("ix_auditor_runs_target_started", runs.c.target, runs.c.started_at, runs.c.run_id)

findings = Table(
    "auditor_findings",
    metadata,
    _run_ref(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("check_id", Text, nullable=False),
    Column("control_id", Text, nullable=False),
    Column("provider", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("resource_type", Text, nullable=False),
    Column("resource_id", Text, nullable=False),
    Column("resource_name", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("observed_json", Text, nullable=False),
    Column("expected", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("collected_at", DateTime(timezone=True), nullable=False),
    Column("reason_en", Text, nullable=True),
    Column("expected_en", Text, nullable=True),
)

gaps = Table(
    "auditor_gaps",
    metadata,
    _run_ref(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("provider", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("resource_types_json", Text, nullable=False),
    Column("error_code", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("permission", Text, nullable=False),
    Column("collected_at", DateTime(timezone=True), nullable=False),
    Column("message_en", Text, nullable=True),
)

controls = Table(
    "auditor_controls",
    metadata,
    _run_ref(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("control_id", Text, nullable=False),
    Column("provider", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("n_pass", Integer, nullable=False),
    Column("n_fail", Integer, nullable=False),
    Column("n_unknown", Integer, nullable=False),
    Column("n_not_applicable", Integer, nullable=False),
    Column("reason_en", Text, nullable=True),
)

checklists = Table(
    "auditor_checklists",
    metadata,
    _run_ref(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("checklist_id", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("version", Text, nullable=False),
)

items = Table(
    "auditor_items",
    metadata,
    _run_ref(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("checklist_id", Text, nullable=False),
    Column("item_id", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("basis", Text, nullable=False),
    Column("control_ids_json", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("level", Text, nullable=False),
    Column("attestation_json", Text, nullable=True),
    Column("detail_json", Text, nullable=True),
    Column("reason_en", Text, nullable=True),
)

#: One collection in progress or done: a run that can be resumed, or one shard of a run group.
collections = Table(
    "auditor_collections",
    metadata,
    Column("run_id", RUN_ID, primary_key=True),
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
    Column("options_json", Text, nullable=True),
    Column("error_ja", Text, nullable=True),
)

#: What one collection gathered in one scope (redacted evidence and gaps), written as the scope completes.
scope_collections = Table(
    "auditor_scope_collections",
    metadata,
    Column("run_id", RUN_ID, ForeignKey("auditor_collections.run_id", ondelete="CASCADE"), primary_key=True),
    Column("provider", String(50), primary_key=True),
    Column("scope", String(255), primary_key=True),
    Column("regions_json", Text, nullable=False),
    Column("evidence_json", Text, nullable=False),
    Column("gaps_json", Text, nullable=False),
    Column("collected_at", DateTime(timezone=True), nullable=False),
)

#: Child tables of a run, in the order their rows are deleted before the run row.
RUN_CHILDREN = (items, checklists, controls, gaps, findings)
