"""Test databases are given back without ending other roles' sessions (a cluster shared with other clients)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests import pg


def _as(url: str, user: str) -> str:
    return make_url(url).set(username=user).render_as_string(hide_password=False)


@pytest.fixture
async def limited(pg_server: pg.PgServer) -> AsyncIterator[tuple[pg.PgServer, str]]:
    """A PgServer whose admin may create databases but is no superuser, and another login role."""
    suffix = uuid.uuid4().hex[:8]
    admin, other = f"rb_admin_{suffix}", f"rb_other_{suffix}"
    root = await asyncpg.connect(pg_server.admin_url)
    try:
        await root.execute(f'CREATE ROLE "{admin}" LOGIN CREATEDB; CREATE ROLE "{other}" LOGIN')
    except asyncpg.PostgresError as e:  # an external server whose admin may not create roles
        await root.close()
        pytest.skip(f"cannot create test roles: {e}")
    try:
        yield pg.PgServer(_as(pg_server.admin_url, admin)), other
    finally:
        for (name,) in await root.fetch("SELECT datname FROM pg_database d JOIN pg_roles r ON d.datdba = r.oid "
                                        "WHERE r.rolname = $1", admin):  # fmt: skip
            await root.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # as superuser: allowed
        await root.execute(f'DROP ROLE IF EXISTS "{admin}"; DROP ROLE IF EXISTS "{other}"')
        await root.close()


async def test_teardown_never_ends_other_roles_sessions(limited: tuple[pg.PgServer, str]) -> None:
    server, other = limited
    url = await server.create_database()
    await server.drop_database(url)  # emptied and kept for the next test
    elsewhere = await asyncpg.connect(_as(url, other))  # another client of the shared cluster, on that database
    try:
        with pytest.warns(UserWarning, match="left behind: .*is being accessed by other users"):
            await server.drop_spares()  # no InsufficientPrivilegeError: nobody else's session is terminated
        assert await elsewhere.fetchval("SELECT 1") == 1
    finally:
        await elsewhere.close()
    url = await server.create_database()
    await server.drop_database(url)
    await server.drop_spares()  # nobody else on it: dropped, without a warning
    root = await asyncpg.connect(server.admin_url)
    try:
        assert await root.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", make_url(url).database) == 0
    finally:
        await root.close()
