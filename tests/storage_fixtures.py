"""Pytest fixtures giving tests a `Store` on SQLite and on real PostgreSQL.

Load with `pytest_plugins = ["tests.storage_fixtures"]` (or `-p tests.storage_fixtures`).

    db        a `Database` (backend, url, data_dir) parametrised over sqlite/postgres;
              `await db.open(clock=...)` opens Stores on it (closed after the test)
    store     `await db.open()` with a settable clock (`store_clock`)
    pg_server the session's PostgreSQL server (skips the test when there is none)

and `locked_by_another_process(path)`, which holds an SQLite file's write lock from a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.store import Store
from tests import pg

BACKENDS = ["sqlite", "postgres"]


class FakeClock:
    """A settable UTC clock: call it for the time, `.now = ...` or `.advance(...)`."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


class Sleeps:
    """An injected sleep: records each delay and advances the fake clock instead of waiting."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.clock.advance(seconds=seconds)


@dataclass
class Database:
    """One empty database for one test."""

    backend: str  # "sqlite" or "postgres"
    url: str | None  # None for SQLite
    data_dir: Path
    _stores: list[Store] = field(default_factory=list)

    async def open(self, clock: Callable[[], datetime] | None = None, **kwargs: Any) -> Store:
        """Open a Store on this database; it is closed at the end of the test."""
        if clock is not None:
            kwargs["clock"] = clock
        store = await Store.open(self.url, self.data_dir, **kwargs)
        self._stores.append(store)
        return store

    async def close_all(self) -> None:
        for store in self._stores:
            await store.close()
        self._stores.clear()


@pytest.fixture(scope="session")
def _pg_session() -> Iterator[pg.PgServer | None]:
    server = pg.start()
    try:
        yield server
    finally:
        if server is not None:
            server.stop()


@pytest.fixture
def pg_server(_pg_session: pg.PgServer | None) -> pg.PgServer:
    if _pg_session is None:
        pytest.skip(pg.SKIP_REASON)
    return _pg_session


@pytest_asyncio.fixture(params=BACKENDS)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        database = Database("sqlite", None, tmp_path / "data")
        try:
            yield database
        finally:
            await database.close_all()
        return
    server: pg.PgServer = request.getfixturevalue("pg_server")
    url = await server.create_database()
    database = Database("postgres", url, tmp_path / "data")
    try:
        yield database
    finally:
        await database.close_all()
        await server.drop_database(url)


@pytest.fixture
def store_clock() -> FakeClock:
    return FakeClock()


@pytest_asyncio.fixture
async def store(db: Database, store_clock: FakeClock) -> Store:
    return await db.open(clock=store_clock)


_HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()  # until the test closes our stdin
conn.rollback()
"""


@contextmanager
def locked_by_another_process(path: Path) -> Iterator[Callable[[], None]]:
    """Hold `path`'s SQLite write lock (BEGIN EXCLUSIVE) from another process; call the yielded function to let go."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdin is not None
    assert proc.stdout.readline().strip() == "locked"

    def release() -> None:
        if proc.poll() is None and proc.stdin is not None and not proc.stdin.closed:
            proc.stdin.close()
            proc.wait(timeout=10)

    try:
        yield release
    finally:
        release()
