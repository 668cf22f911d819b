"""Fixtures for the history tests: the estate's catalogue, and stores on SQLite and a real PostgreSQL.

The PostgreSQL cluster is a throwaway one made with ``initdb`` in a temporary folder (as the
``postgres`` user when the tests run as root, since the server refuses to run as root), listening
on a free port of 127.0.0.1 with its socket in that folder; each test gets a database of its own.
Debian's ``postgresql`` package provides the binaries (``/usr/lib/postgresql/*/bin``);
``AUDITOR_TEST_PG_BINDIR`` points elsewhere. Without them the PostgreSQL cases are skipped.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.run import Catalogue, load_catalogue
from tests.history import estate


@pytest.fixture(scope="session")
def installed() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def catalogue(installed: Catalogue) -> Catalogue:
    return estate.catalogue(installed)


def _bindir() -> Path | None:
    candidates: list[Path] = []
    if os.environ.get("AUDITOR_TEST_PG_BINDIR"):
        candidates.append(Path(os.environ["AUDITOR_TEST_PG_BINDIR"]))
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).resolve().parent)
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)
                         if p.parent.name.isdigit() else 0, reverse=True)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class PostgresServer:
    port: int
    user: str = "auditor"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"history_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's 'postgresql' package")
    prefix: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="auditor-pg-"))
    if os.geteuid() == 0:  # the server refuses to run as root: run it as the package's postgres user
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base)
            pytest.skip("running as root and there is no 'postgres' user to run the PostgreSQL server as")
        os.chown(base, account.pw_uid, account.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log = base / "data", base / "server.log"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, *args], cwd=base, capture_output=True, text=True, timeout=120)

    created = run(str(bindir / "initdb"), "-D", str(data), "-U", "auditor", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
    assert created.returncode == 0, created.stderr
    port = 0
    for _attempt in range(5):
        port = _free_port()
        options = (f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        started = run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options,
                      "start")
        if started.returncode == 0:
            break
    else:
        pytest.fail(f"PostgreSQL did not start: {started.stderr}\n{log.read_text() if log.exists() else ''}")
    try:
        yield PostgresServer(port)
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store location on each database."""
    if request.param == "sqlite":
        return str(tmp_path / "history.sqlite")
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()
