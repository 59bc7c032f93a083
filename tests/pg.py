"""A PostgreSQL server for tests: $REVIEWBOT_TEST_DATABASE_URL, or a throwaway cluster.

`start()` returns a `PgServer` (or None when PostgreSQL is unavailable, so tests skip
with `SKIP_REASON`). Without the environment variable it looks for the binaries in
/usr/lib/postgresql/*/bin (or on PATH), runs initdb in a temp dir as a non-root user
(`postgres` via runuser when we are root), starts it on a free localhost port with
durability switched off, and `stop()` removes it. `create_database()` gives each test a
fresh database.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

ENV = "REVIEWBOT_TEST_DATABASE_URL"
SKIP_REASON = "PostgreSQL not available: set REVIEWBOT_TEST_DATABASE_URL or install postgresql"
LOCK_WAIT = 2  # seconds emptying a returned database waits for a lock before dropping it instead


def _dsn(url: str, database: str | None = None) -> str:
    """A plain postgresql:// URL (what asyncpg and Store.open both accept)."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@dataclass
class PgServer:
    """A reachable server; `admin_url` may CREATE/DROP DATABASE."""

    admin_url: str
    datadir: Path | None = None  # set when we started the cluster ourselves
    _run_as: list[str] = field(default_factory=list)
    _bindir: Path | None = None
    _spare: list[str] = field(default_factory=list)

    async def create_database(self) -> str:
        """An empty database for one test; give it back with `drop_database`.

        CREATE DATABASE takes ~0.3 s, so databases are recycled: a returned one has its
        public schema dropped and recreated, which is as good as new and ~50x faster.
        """
        if self._spare:
            return self._spare.pop()
        name = f"rb_test_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect(_dsn(self.admin_url))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return _dsn(self.admin_url, name)

    async def drop_database(self, url: str) -> None:
        """Take back a database from `create_database` (its users closed first): empty it, or drop it if that fails."""
        try:
            conn = await asyncpg.connect(url)
            try:
                await conn.execute(f"SET lock_timeout = '{LOCK_WAIT}s'")  # a session left holding a lock: give up
                await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            finally:
                await conn.close()
        except (OSError, asyncpg.PostgresError):
            await self._drop(make_url(url).database)
        else:
            self._spare.append(url)

    async def drop_spares(self) -> None:
        """Drop the recycled databases (for an external server at session end)."""
        while self._spare:
            await self._drop(make_url(self._spare.pop()).database)

    async def _drop(self, name: str | None) -> None:
        """DROP DATABASE, without FORCE: ending other sessions takes rights over their roles, which a shared
        cluster does not grant (InsufficientPrivilegeError). PostgreSQL waits up to 5 s for the other
        sessions to end; a database still in use then is left behind with a warning, never a teardown error.
        """
        try:
            conn = await asyncpg.connect(_dsn(self.admin_url))
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            finally:
                await conn.close()
        except (OSError, asyncpg.PostgresError) as e:
            warnings.warn(f"test database {name} left behind: {e}", stacklevel=2)

    def stop(self) -> None:
        """Stop and delete a cluster we started; no-op for an external server."""
        if self.datadir is None or self._bindir is None:
            if self._spare:
                asyncio.run(self.drop_spares())
            return
        subprocess.run(
            [
                *self._run_as,
                str(self._bindir / "pg_ctl"),
                "-D",
                str(self.datadir / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.datadir, ignore_errors=True)
        self.datadir = None


def find_bindir() -> Path | None:
    """The newest PostgreSQL bin directory with initdb, pg_ctl and postgres."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for bindir in candidates:
        if all((bindir / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_cluster(bindir: Path) -> PgServer | None:
    run_as: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            return None
        runuser = shutil.which("runuser")
        if runuser is None:
            return None
        run_as = [runuser, "-u", "postgres", "--"]
    tmp = Path(tempfile.mkdtemp(prefix="reviewbot-pg-"))
    try:
        if owner is not None:
            os.chown(tmp, owner.pw_uid, owner.pw_gid)
        os.chmod(tmp, 0o700)
        subprocess.run(
            [
                *run_as,
                str(bindir / "initdb"),
                "-D",
                str(tmp / "data"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            capture_output=True,
            check=True,
        )
        for _ in range(3):  # the free port may be taken before postgres binds it
            port = _free_port()
            options = (
                f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={tmp} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200"
            )
            started = subprocess.run(
                [
                    *run_as,
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(tmp / "data"),
                    "-l",
                    str(tmp / "postgres.log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "30",
                    "start",
                ],
                capture_output=True,
                check=False,
            )
            if started.returncode == 0:
                url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
                return PgServer(url, datadir=tmp, _run_as=run_as, _bindir=bindir)
        raise RuntimeError(
            "could not start a test PostgreSQL cluster: " + (tmp / "postgres.log").read_text(errors="replace")[-2000:]
        )
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def start() -> PgServer | None:
    """A server from the environment, else a throwaway cluster, else None."""
    url = os.environ.get(ENV)
    if url:
        return PgServer(_dsn(url))
    bindir = find_bindir()
    if bindir is None:
        return None
    return _start_cluster(bindir)
