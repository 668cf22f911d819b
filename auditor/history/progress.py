"""Collection progress in the history store: what each account / subscription / project yielded, as it completes.

A collection is recorded under its run id (``auditor_collections``) when it starts, and every scope
is written in its own transaction the moment its collection is complete (``auditor_scope_collections``:
the evidence and gaps of that scope, redacted as ``snapshot.json`` is). A run that crashes keeps what
it had, so ``auditor audit --resume RUN_ID`` collects only the rest; the shards of a run group are
merged from these rows by ``auditor report --run-group``.

States: ``running`` (started; a process that was killed stays so), ``complete`` (every wanted scope
collected; ``run`` and ``planned`` say which scopes exist), ``failed`` (stopped by an error, named in
``error``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from auditor.history import schema
from auditor.history.database import read_transaction, write_transaction
from auditor.history.rows import from_db_time, to_db_time
from auditor.history.store import HistoryStore
from auditor.model import RunInfo, in_language, utc_now
from auditor.plugins import ScopeCollection
from auditor.redaction import redact
from auditor.serialize import (
    evidence_from_dict,
    evidence_to_dict,
    gap_from_dict,
    gap_to_dict,
    run_from_dict,
    run_to_dict,
)
from auditor.shards import Shard

RUNNING, COMPLETE, FAILED = "running", "complete", "failed"


@dataclass(frozen=True)
class CollectionRecord:
    """One recorded collection: its run, shard (None for a whole run) and the scopes collected so far."""

    run_id: str
    group: str
    shard: Shard | None
    target: str
    providers: tuple[str, ...]
    status: str
    started_at: datetime
    updated_at: datetime
    run: RunInfo | None = None
    planned: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    error: str = ""  # in English; error_ja in Japanese (empty when it was not recorded)
    scopes: tuple[ScopeCollection, ...] = ()
    options: Mapping[str, Any] | None = None  # the provider options it was collected with (None: not recorded)
    error_ja: str = ""

    def error_in(self, lang: str) -> str:
        """Why the collection stopped, in the reader's language where it was recorded so."""
        return in_language(self.error_ja or self.error, self.error, lang)

    def collected(self) -> set[tuple[str, str]]:
        return {(s.provider, s.scope) for s in self.scopes}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class CollectionLog:
    """Reads and writes collection progress in one history store (handed in)."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store

    def _write(self, run_id: str):
        return write_transaction(self.store.engine, f"collection:{run_id}")

    # ------------------------------------------------------------ writing

    def begin(self, run_id: str, target: str, providers: Sequence[str], started_at: datetime,
              group: str = "", shard: Shard | None = None, options: Mapping[str, Any] | None = None) -> None:
        """Record that the collection of ``run_id`` runs (again, when resumed: earlier scopes are kept), with
        the provider options it collects with (:mod:`auditor.collection_settings`)."""
        table = schema.collections
        now = to_db_time(utc_now())
        with self.store.database_errors(), self._write(run_id) as connection:
            exists = connection.execute(select(table.c.run_id).where(table.c.run_id == run_id)).scalar()
            if exists is None:
                connection.execute(insert(table).values(
                    run_id=run_id, run_group=group, shard_index=shard.index if shard else 0,
                    shard_count=shard.count if shard else 0, target=target, providers_json=_json(list(providers)),
                    status=RUNNING, started_at=to_db_time(started_at), updated_at=now, run_json=None,
                    planned_json=None, error="", error_ja="", options_json=_json(dict(options or {}))))
            else:
                connection.execute(update(table).where(table.c.run_id == run_id).values(
                    status=RUNNING, updated_at=now, error="", error_ja=""))

    def record_scope(self, run_id: str, part: ScopeCollection) -> None:
        """Keep one completed scope (replacing an earlier record of the same scope)."""
        table = schema.scope_collections
        evidence = redact([evidence_to_dict(e) for e in part.evidence])
        gaps = redact([gap_to_dict(g) for g in part.gaps])
        with self.store.database_errors(), self._write(run_id) as connection:
            connection.execute(delete(table).where(table.c.run_id == run_id, table.c.provider == part.provider,
                                                   table.c.scope == part.scope))
            connection.execute(insert(table).values(
                run_id=run_id, provider=part.provider, scope=part.scope, regions_json=_json(list(part.regions)),
                evidence_json=_json(evidence), gaps_json=_json(gaps), collected_at=to_db_time(utc_now())))
            self._touch(connection, run_id)

    def complete(self, run_id: str, run: RunInfo, planned: Mapping[str, Sequence[str]]) -> None:
        """Every wanted scope is in: record the run information and every scope found."""
        self._finish(run_id, status=COMPLETE, run_json=_json(run_to_dict(run)),
                     planned_json=_json({name: list(scopes) for name, scopes in planned.items()}), error="",
                     error_ja="")

    def fail(self, run_id: str, message: str, message_ja: str = "") -> None:
        """The collection stopped: why, in English and (where the cause was worded so) in Japanese."""
        self._finish(run_id, status=FAILED, error=message[:2000], error_ja=message_ja[:2000])

    def _finish(self, run_id: str, **values: Any) -> None:
        table = schema.collections
        with self.store.database_errors(), self._write(run_id) as connection:
            connection.execute(update(table).where(table.c.run_id == run_id).values(
                updated_at=to_db_time(utc_now()), **values))

    def _touch(self, connection: Connection, run_id: str) -> None:
        table = schema.collections
        connection.execute(update(table).where(table.c.run_id == run_id).values(updated_at=to_db_time(utc_now())))

    def forget(self, run_id: str) -> None:
        """Drop the progress of a run that has been saved whole (nothing is left to resume)."""
        with self.store.database_errors(), self._write(run_id) as connection:
            connection.execute(delete(schema.scope_collections).where(schema.scope_collections.c.run_id == run_id))
            connection.execute(delete(schema.collections).where(schema.collections.c.run_id == run_id))

    # ------------------------------------------------------------ reading

    def load(self, run_id: str) -> CollectionRecord | None:
        """The recorded collection of ``run_id`` with its scopes, or None."""
        table = schema.collections
        with self.store.database_errors(), read_transaction(self.store.engine) as connection:
            head = connection.execute(select(table).where(table.c.run_id == run_id)).mappings().first()
            return None if head is None else self._record(connection, head)

    def group(self, group: str) -> list[CollectionRecord]:
        """Every recorded shard of a run group, by shard and start time."""
        table = schema.collections
        query = select(table).where(table.c.run_group == group).order_by(
            table.c.shard_index, table.c.started_at, table.c.run_id)
        with self.store.database_errors(), read_transaction(self.store.engine) as connection:
            return [self._record(connection, head) for head in connection.execute(query).mappings().all()]

    def _record(self, connection: Connection, head: Mapping[str, Any]) -> CollectionRecord:
        table = schema.scope_collections
        query = select(table).where(table.c.run_id == head["run_id"]).order_by(table.c.provider, table.c.scope)
        scopes = tuple(
            ScopeCollection(
                row["provider"], row["scope"],
                tuple(evidence_from_dict(e) for e in json.loads(row["evidence_json"])),
                tuple(gap_from_dict(g) for g in json.loads(row["gaps_json"])),
                tuple(json.loads(row["regions_json"])),
            )
            for row in connection.execute(query).mappings()
        )
        planned = json.loads(head["planned_json"]) if head["planned_json"] else {}
        return CollectionRecord(
            run_id=head["run_id"], group=head["run_group"],
            shard=Shard(head["shard_index"], head["shard_count"]) if head["shard_count"] else None,
            target=head["target"], providers=tuple(json.loads(head["providers_json"])), status=head["status"],
            started_at=from_db_time(head["started_at"]), updated_at=from_db_time(head["updated_at"]),
            run=run_from_dict(json.loads(head["run_json"])) if head["run_json"] else None,
            planned={name: tuple(scopes) for name, scopes in planned.items()}, error=head["error"], scopes=scopes,
            options=json.loads(head["options_json"]) if head["options_json"] else None,
            error_ja=head["error_ja"] or "",
        )
