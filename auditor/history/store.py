"""The history store: every audit run kept with its findings, gaps, controls and checklist items.

``open_store(url_or_path)`` opens (and migrates) the database and returns a :class:`HistoryStore`;
the store object is handed to whoever needs it — there is no module-level engine.

- :meth:`HistoryStore.save_run` writes one run in one transaction: an interrupted save leaves no
  trace, and saving a run id that is already stored replaces it (re-evaluating a snapshot keeps
  the snapshot's run id, and its newest decision is the one kept).
- :meth:`HistoryStore.load_run` gives back a ``RunResult`` equal to the one saved.
- :meth:`HistoryStore.runs` / :meth:`HistoryStore.targets` summarise what is kept, oldest first.
- :meth:`HistoryStore.previous_run` finds the run a new one should be compared with.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, delete, func, insert, or_, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from auditor.errors import AuditorError
from auditor.history import rows, schema
from auditor.history.database import (
    ENV_VAR,
    create_engine_for,
    display_url,
    read_transaction,
    resolve_url,
    write_transaction,
)
from auditor.history.migrations import migrate
from auditor.history.targets import scopes_of, target_of
from auditor.model import RunResult, StatusCounts, utc_now
from auditor.status import Status


@dataclass(frozen=True)
class RunSummary:
    """One stored run with its counts: finding statuses, gaps, and item statuses per checklist."""

    run_id: str
    target: str
    scopes: tuple[str, ...]
    started_at: datetime
    finished_at: datetime
    saved_at: datetime
    tool_version: str
    demo: bool
    findings: StatusCounts
    gaps: int
    items: Mapping[str, Mapping[Status, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class TargetSummary:
    """One audited target: its latest scopes and how many runs are kept."""

    name: str
    scopes: tuple[str, ...]
    runs: int
    first_started_at: datetime
    last_started_at: datetime
    last_run_id: str


def open_store(url_or_path: str | None = None, existing: bool = False) -> HistoryStore:
    """Open the store at ``url_or_path`` (else ``AUDITOR_STORE``, else the default SQLite file).

    The schema is created or upgraded on the way; any problem is one clear :class:`AuditorError`.
    ``existing`` is for commands that only read: an SQLite file the user named must already exist,
    so a mistyped name is an error instead of a new, empty store.
    """
    url = resolve_url(url_or_path)
    if existing and (url_or_path or os.environ.get(ENV_VAR, "").strip()):
        _require_file(url)
    store = HistoryStore(create_engine_for(url), url)
    try:
        with store.database_errors():
            migrate(store.engine)
    except BaseException:
        store.close()
        raise
    return store


def _require_file(url: URL) -> None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    if not Path(url.database).is_file():
        raise AuditorError(
            "raw",
            ja=f"履歴ストア {url.database} がありません（--store / AUDITOR_STORE の名前を確認してください。"
               "監査を実行すると作成されます）。",
            en=f"There is no history store at {url.database} (check the name given with --store / AUDITOR_STORE;"
               " an audit creates it).",
        )


class HistoryStore:
    """Runs kept in one database (any SQLAlchemy URL; SQLite and PostgreSQL are tested)."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine = engine
        self.url = url

    @property
    def location(self) -> str:
        """Where the store is, for messages (a URL never shows its password)."""
        if self.url.get_backend_name() == "sqlite" and self.url.database:
            return self.url.database
        return display_url(self.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def database_errors(self) -> Iterator[None]:
        """Turn a database failure (unreachable server, locked or damaged file) into one clear error."""
        try:
            yield
        except DBAPIError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise AuditorError(
                "raw",
                ja=f"履歴ストア {self.location} を使えません: {detail}",
                en=f"Cannot use the history store {self.location}: {detail}",
            ) from None
        except SQLAlchemyError as exc:
            raise AuditorError(
                "raw",
                ja=f"履歴ストア {self.location} を使えません: {exc}",
                en=f"Cannot use the history store {self.location}: {exc}",
            ) from None

    # ------------------------------------------------------------ writing

    def save_run(self, result: RunResult, target: str | None = None) -> None:
        """Store one run under ``target`` (derived from the run when empty), all or nothing."""
        run_id = result.run.run_id
        name = target_of(result.run, target)
        heads, items = rows.checklist_rows(run_id, result.checklists)
        batches: list[tuple[Table, list[rows.Row]]] = [
            (schema.runs, [rows.run_row(result, name, scopes_of(result.run), utc_now())]),
            (schema.findings, rows.finding_rows(run_id, result.findings)),
            (schema.gaps, rows.gap_rows(run_id, result.gaps)),
            (schema.controls, rows.control_rows(run_id, result.controls)),
            (schema.checklists, heads),
            (schema.items, items),
        ]
        with self.database_errors(), write_transaction(self.engine, f"run:{run_id}") as connection:
            self._delete_run(connection, run_id)
            for table, batch in batches:
                self._insert_batch(connection, table, batch)

    def _insert_batch(self, connection: Connection, table: Table, batch: Sequence[rows.Row]) -> None:
        if batch:
            connection.execute(insert(table), list(batch))

    def _delete_run(self, connection: Connection, run_id: str) -> None:
        for table in schema.RUN_CHILDREN:
            connection.execute(delete(table).where(table.c.run_id == run_id))
        connection.execute(delete(schema.runs).where(schema.runs.c.run_id == run_id))

    def delete_run(self, run_id: str) -> None:
        """Remove one run and everything recorded with it."""
        with self.database_errors():
            run_id = self.resolve_run_id(run_id)
            with write_transaction(self.engine, f"run:{run_id}") as connection:
                self._delete_run(connection, run_id)

    # ------------------------------------------------------------ reading one run

    def load_run(self, run_id: str) -> RunResult:
        """The stored run, equal to what was saved; an unknown id is a clear error."""
        with self.database_errors(), read_transaction(self.engine) as connection:
            head = connection.execute(select(schema.runs).where(schema.runs.c.run_id == run_id)).mappings().first()
            if head is None:
                raise self._unknown_run(run_id)

            def children(table: Table) -> list[Mapping[str, Any]]:
                query = select(table).where(table.c.run_id == run_id).order_by(table.c.seq)
                return list(connection.execute(query).mappings())

            items = [rows.item(r) for r in children(schema.items)]
            return RunResult(
                run=rows.run_info(head),
                findings=tuple(rows.finding(r) for r in children(schema.findings)),
                gaps=tuple(rows.gap(r) for r in children(schema.gaps)),
                controls=tuple(rows.control(r) for r in children(schema.controls)),
                checklists=rows.checklists(children(schema.checklists), items),
            )

    def resolve_run_id(self, reference: str) -> str:
        """A stored run id from a full id or an unambiguous prefix of one."""
        runs = schema.runs
        with self.database_errors(), read_transaction(self.engine) as connection:
            exact = connection.execute(select(runs.c.run_id).where(runs.c.run_id == reference)).scalar()
            if exact is not None:
                return exact
            matches = list(
                connection.execute(
                    select(runs.c.run_id).where(runs.c.run_id.startswith(reference, autoescape=True))
                    .order_by(runs.c.run_id).limit(6)
                ).scalars()
            ) if reference else []
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise self._unknown_run(reference)
        shown = ", ".join(matches[:5])
        raise AuditorError(
            "raw",
            ja=f"実行 ID '{reference}' に当てはまる実行が複数あります（{shown} …）。もっと長く指定してください。",
            en=f"Run id '{reference}' matches several runs ({shown} …). Give more of it.",
        )

    def _unknown_run(self, run_id: str) -> AuditorError:
        return AuditorError(
            "raw",
            ja=f"履歴ストア {self.location} に実行 '{run_id}' はありません（一覧: auditor history）。",
            en=f"No run '{run_id}' in the history store {self.location} (list them with: auditor history).",
        )

    def target_of_run(self, run_id: str) -> str:
        with self.database_errors(), read_transaction(self.engine) as connection:
            name = connection.execute(select(schema.runs.c.target).where(schema.runs.c.run_id == run_id)).scalar()
        if name is None:
            raise self._unknown_run(run_id)
        return name

    # ------------------------------------------------------------ ordering

    def previous_run(self, target: str, before_run_id: str) -> RunResult | None:
        """The latest run of ``target`` before ``before_run_id``, or None when there is none.

        When ``before_run_id`` is not stored yet (the usual case: a run asks for its predecessor
        before it is saved) this is simply the latest stored run of the target.
        """
        runs = schema.runs
        with self.database_errors(), read_transaction(self.engine) as connection:
            started = connection.execute(select(runs.c.started_at).where(runs.c.run_id == before_run_id)).scalar()
            query = select(runs.c.run_id).where(runs.c.target == target, runs.c.run_id != before_run_id)
            if started is not None:
                query = query.where(
                    or_(runs.c.started_at < started, and_(runs.c.started_at == started, runs.c.run_id < before_run_id))
                )
            previous = connection.execute(
                query.order_by(runs.c.started_at.desc(), runs.c.run_id.desc()).limit(1)
            ).scalar()
        return None if previous is None else self.load_run(previous)

    def latest_run_ids(self, target: str, count: int = 2) -> list[str]:
        """The ids of the newest ``count`` runs of a target, oldest first."""
        runs = schema.runs
        with self.database_errors(), read_transaction(self.engine) as connection:
            ids = list(
                connection.execute(
                    select(runs.c.run_id).where(runs.c.target == target)
                    .order_by(runs.c.started_at.desc(), runs.c.run_id.desc()).limit(count)
                ).scalars()
            )
        return ids[::-1]

    def latest_target(self) -> str | None:
        """The target of the most recently started run, or None for an empty store."""
        runs = schema.runs
        with self.database_errors(), read_transaction(self.engine) as connection:
            return connection.execute(
                select(runs.c.target).order_by(runs.c.started_at.desc(), runs.c.run_id.desc()).limit(1)
            ).scalar()

    # ------------------------------------------------------------ summaries

    def runs(self, target: str | None = None) -> list[RunSummary]:
        """Every stored run (of one target, or of all), oldest first, with its counts."""
        runs, findings, items, gaps = schema.runs, schema.findings, schema.items, schema.gaps

        def scoped(query, table: Table):
            query = query.select_from(table.join(runs, table.c.run_id == runs.c.run_id))
            return query if target is None else query.where(runs.c.target == target)

        with self.database_errors(), read_transaction(self.engine) as connection:
            heads = select(runs).order_by(runs.c.started_at, runs.c.run_id)
            if target is not None:
                heads = heads.where(runs.c.target == target)
            head_rows = list(connection.execute(heads).mappings())
            finding_counts: dict[str, Counter[Status]] = defaultdict(Counter)
            for run_id, status, number in connection.execute(
                scoped(select(findings.c.run_id, findings.c.status, func.count()), findings)
                .group_by(findings.c.run_id, findings.c.status)
            ):
                finding_counts[run_id][Status(status)] = number
            item_counts: dict[str, dict[str, Counter[Status]]] = defaultdict(lambda: defaultdict(Counter))
            for run_id, checklist_id, status, number in connection.execute(
                scoped(select(items.c.run_id, items.c.checklist_id, items.c.status, func.count()), items)
                .group_by(items.c.run_id, items.c.checklist_id, items.c.status)
            ):
                item_counts[run_id][checklist_id][Status(status)] = number
            gap_counts = dict(
                connection.execute(scoped(select(gaps.c.run_id, func.count()), gaps).group_by(gaps.c.run_id)).all()
            )
        return [self._summary(row, finding_counts, item_counts, gap_counts) for row in head_rows]

    @staticmethod
    def _summary(row, finding_counts, item_counts, gap_counts) -> RunSummary:
        run_id = row["run_id"]
        counts = finding_counts.get(run_id, Counter())
        info = rows.run_info(row)
        return RunSummary(
            run_id=run_id,
            target=row["target"],
            scopes=rows.scopes(row),
            started_at=info.started_at,
            finished_at=info.finished_at,
            saved_at=rows.from_db_time(row["saved_at"]),
            tool_version=row["tool_version"],
            demo=bool(row["demo"]),
            findings=StatusCounts(
                passed=counts[Status.PASS], failed=counts[Status.FAIL], unknown=counts[Status.UNKNOWN],
                not_applicable=counts[Status.NOT_APPLICABLE],
            ),
            gaps=int(gap_counts.get(run_id, 0)),
            items={
                checklist_id: {s: n for s in Status if (n := item_counts[run_id][checklist_id][s])}
                for checklist_id in sorted(item_counts.get(run_id, {}))
            },
        )

    def targets(self) -> list[TargetSummary]:
        """Every target with runs, by name, with the scopes of its latest run."""
        runs = schema.runs
        grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        with self.database_errors(), read_transaction(self.engine) as connection:
            query = select(runs.c.target, runs.c.run_id, runs.c.started_at, runs.c.scopes)
            for row in connection.execute(query.order_by(runs.c.started_at, runs.c.run_id)).mappings():
                grouped[row["target"]].append(row)
        return [
            TargetSummary(
                name=name,
                scopes=rows.scopes(entries[-1]),
                runs=len(entries),
                first_started_at=rows.from_db_time(entries[0]["started_at"]),
                last_started_at=rows.from_db_time(entries[-1]["started_at"]),
                last_run_id=entries[-1]["run_id"],
            )
            for name, entries in sorted(grouped.items())
        ]
