"""Where a history store lives and how its database is opened safely.

- :func:`resolve_url` turns ``--store`` / ``AUDITOR_STORE`` (an SQLAlchemy URL or a file path) into a
  URL; with neither, the store is ``history.sqlite`` in the user's data directory.
- :func:`create_engine_for` builds the engine. SQLite gets WAL journaling, a busy timeout and
  explicit ``BEGIN`` statements (``BEGIN IMMEDIATE`` for writers), so two processes writing at once
  queue up instead of failing or interleaving.
- :func:`write_transaction` / :func:`read_transaction` open one transaction. On PostgreSQL a writer
  also takes a transaction-scoped advisory lock, so two writers of the same run (or two processes
  migrating the same empty database) run one after the other.
"""

from __future__ import annotations

import math
import os
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from auditor.errors import AuditorError
from auditor.network import NetworkLimits

ENV_VAR = "AUDITOR_STORE"
DEFAULT_FILE = "history.sqlite"
SQLITE_BUSY_TIMEOUT = 60.0  # seconds a writer waits for another writer before giving up
ADVISORY_NAMESPACE = 0x41554449  # "AUDI": first key of PostgreSQL advisory locks taken by the store
_WRITE = "auditor_write"


def default_store_path() -> Path:
    """``history.sqlite`` in the platform's per-user data directory (e.g. ``~/.local/share/auditor``)."""
    return Path(platformdirs.user_data_dir("auditor", appauthor=False)) / DEFAULT_FILE


def resolve_url(url_or_path: str | None, environ: Mapping[str, str] | None = None) -> URL:
    """The database a store uses: the argument, else ``AUDITOR_STORE``, else the default SQLite file.

    A value containing ``://`` is an SQLAlchemy URL (``postgresql://`` means psycopg 3); anything
    else is a path to an SQLite file. Only the default file creates its folder: a store the user
    names must be in an existing folder, so a typo never creates folders; a malformed URL or an
    unknown kind of database is a clear error.
    """
    env = os.environ if environ is None else environ
    value = (url_or_path or "").strip() or env.get(ENV_VAR, "").strip()
    if not value:
        path = default_store_path()
        _ensure_folder(path)
        return _sqlite_file(path)
    if "://" not in value:
        return _sqlite_file(_existing_folder(Path(value).expanduser()))
    try:
        url = make_url(value)
    except (ArgumentError, ValueError) as exc:
        raise AuditorError(
            "raw", ja=f"履歴ストアの URL が不正です: {exc}", en=f"Invalid history store URL: {exc}"
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    try:
        url.get_dialect()
    except NoSuchModuleError:
        raise AuditorError(
            "raw",
            ja=f"履歴ストアの URL の種類 '{url.drivername}' は不明です（例: sqlite:///パス/history.sqlite、"
               "postgresql://ユーザー@ホスト/DB名）。",
            en=f"Unknown kind of database '{url.drivername}' in the history store URL"
               " (for example sqlite:///path/history.sqlite or postgresql://user@host/dbname).",
        ) from None
    except ImportError:
        pass  # a known database whose driver is missing: create_engine_for says so
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        _existing_folder(Path(url.database).expanduser())
    return url


def _sqlite_file(path: Path) -> URL:
    return URL.create("sqlite+pysqlite", database=str(path.resolve()))


def _existing_folder(path: Path) -> Path:
    """``path`` when its folder exists; otherwise a clear error (nothing is created)."""
    if not path.parent.is_dir():
        raise AuditorError(
            "raw",
            ja=f"履歴ストア {path} のフォルダー {path.parent} がありません（--store / AUDITOR_STORE を確認し、"
               "必要なら先にフォルダーを作成してください）。",
            en=f"The folder {path.parent} of the history store {path} does not exist (check --store /"
               " AUDITOR_STORE, or create the folder first).",
        )
    return path


def _ensure_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AuditorError(
            "raw",
            ja=f"履歴ストアのフォルダー {path.parent} を作成できません: {exc.strerror or exc}",
            en=f"Cannot create the history store folder {path.parent}: {exc.strerror or exc}",
        ) from None


def display_url(url: URL) -> str:
    """The URL as shown to people: never with its password."""
    return url.render_as_string(hide_password=True)


def create_engine_for(url: URL) -> Engine:
    """An engine for ``url`` with the settings that make concurrent runs safe."""
    try:
        if url.get_backend_name() == "sqlite":
            _create_private_file(url.database)
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        return create_engine(url, pool_pre_ping=True, connect_args=_server_connect_args(url))
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise AuditorError(
            "raw",
            ja=f"履歴ストア {display_url(url)} を開けません（ドライバがありません）: {exc}",
            en=f"Cannot open history store {display_url(url)} (missing database driver): {exc}",
        ) from None


def _server_connect_args(url: URL) -> dict[str, object]:
    """A database server that does not answer fails after ``AUDITOR_CONNECT_TIMEOUT`` seconds (default
    5), unless the URL sets its own ``connect_timeout``. libpq counts whole seconds, at least 2."""
    if url.get_backend_name() != "postgresql" or "connect_timeout" in url.query:
        return {}
    return {"connect_timeout": max(2, math.ceil(NetworkLimits.from_environ().connect_timeout))}


def _create_private_file(database: str | None) -> None:
    """Create a new SQLite store file readable and writable by its owner only (0600); SQLite gives its
    journal files the same mode. An existing file is left as it is; a file that cannot be created is
    reported by SQLite when the store is opened."""
    if not database or database == ":memory:":
        return
    try:
        os.close(os.open(database, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError:
        return


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let the store emit BEGIN itself (pysqlite's implicit transactions would defer the write lock).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    writer = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def lock_key(name: str) -> int:
    """A stable 31-bit key for an advisory lock named ``name``."""
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF


@contextmanager
def write_transaction(engine: Engine, lock: str) -> Iterator[Connection]:
    """One read-write transaction, committed when the block ends and rolled back on any exception.

    ``lock`` names what is being written (a run id, the schema): writers of the same name wait
    for each other on PostgreSQL; SQLite writers always take the database's single write lock.
    """
    with engine.connect() as connection:
        connection.execution_options(**{_WRITE: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
                    {"namespace": ADVISORY_NAMESPACE, "key": lock_key(lock)},
                )
            yield connection


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction that sees a single consistent state of the database."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection
