"""Durable state: subscriptions, featured-post claims and history, conversation context.

One query layer (SQLAlchemy Core, async) over two backends: an embedded SQLite file
(`reviewbot.sqlite3` under the data dir, the default) and PostgreSQL when
`database.url` names one. The schema is versioned and upgrades itself on `open`.
See docs/storage.md for the claim/lease protocol that makes featured posts exactly-once.

Every datetime in and out of this module is timezone-aware UTC. Methods that write a
timestamp take `now`; when omitted, the injected `clock` is used.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import monotonic, sleep
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    Date,
    DateTime,
    Dialect,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    and_,
    case,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.types import TypeDecorator

from bot import messages
from bot.errors import StorageError

log = logging.getLogger(__name__)

SQLITE_FILENAME = "reviewbot.sqlite3"
SCHEMA_VERSION = 3  # the version this code writes; see _MIGRATIONS
BUSY_TIMEOUT = 30.0  # seconds a featured claim or schedule change waits for another writer
CONTEXT_TIMEOUT = 1.0  # seconds a follow-up context read or write waits: it must never hold an answer up
EVENT_MEMORY = timedelta(hours=1)  # how long a delivered event id is remembered (Slack retries within minutes)
PRUNE_EVERY = timedelta(minutes=10)  # how often a process deletes event ids older than EVENT_MEMORY
_ADVISORY_LOCK_KEY = 0x72657669657762  # "reviewb": serialises schema upgrades on PG


def _system_clock() -> datetime:
    return datetime.now(UTC)


def channel_key(platform: str, channel: str) -> str:
    """The key featured claims and history use for one channel: "platform:channel"."""
    return f"{platform}:{channel}"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both backends (timestamptz on PG, ISO text on SQLite).

    SQLite stores naive UTC text of fixed width, so string comparison orders correctly.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass UTC-aware values")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# --- schema (current version) ---------------------------------------------------------

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("upgraded_at", UTCDateTime, nullable=False),
    CheckConstraint("id = 1", name="schema_version_single_row"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("platform", String(32), primary_key=True),
    Column("channel", String(255), primary_key=True),
    Column("local_time", String(5), nullable=False),  # HH:MM, 24-hour
    Column("timezone", String(64), nullable=False),  # IANA name
    Column("created_by", String(255), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # When the current time/timezone was set: slots before it are never due.
    Column("active_from", UTCDateTime, nullable=False),
)

# One row per (channel, local date): first a claim, then the history entry.
featured_posts = Table(
    "featured_posts",
    metadata,
    Column("channel_key", String(300), nullable=False),
    Column("local_date", Date, nullable=False),
    Column("owner", String(255), nullable=False),
    Column("lease_expires_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("claimed_at", UTCDateTime, nullable=False),
    Column("film_id", String(255)),
    Column("message_id", String(255)),
    Column("posted_at", UTCDateTime),
    Column("error", Text),
    # The uniqueness claims rely on: at most one row per channel and local date.
    PrimaryKeyConstraint("channel_key", "local_date", name="featured_posts_pkey"),
)

conversation_context = Table(
    "conversation_context",
    metadata,
    Column("key", String(500), primary_key=True),
    Column("film_id", String(255), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)


# Platform events already delivered (Slack's event_id): a retry that reaches another replica is dropped there.
delivered_events = Table(
    "delivered_events",
    metadata,
    Column("event_id", String(255), primary_key=True),
    Column("seen_at", UTCDateTime, nullable=False, index=True),
)


# --- migrations -----------------------------------------------------------------------
# Step N upgrades a database at version N-1 to version N. Steps run inside one
# transaction holding the upgrade lock, and are idempotent (checkfirst). A step that
# later alters an existing table must use explicit DDL, not the current Table objects.


def _v1(conn: Connection) -> None:
    subscriptions.create(conn, checkfirst=True)
    featured_posts.create(conn, checkfirst=True)


def _v2(conn: Connection) -> None:
    conversation_context.create(conn, checkfirst=True)


def _v3(conn: Connection) -> None:
    delivered_events.create(conn, checkfirst=True)


_MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1, 2: _v2, 3: _v3}
assert max(_MIGRATIONS) == SCHEMA_VERSION


def _current_version(conn: Connection) -> int:
    row = conn.execute(select(schema_version.c.version)).first()
    return 0 if row is None else int(row[0])


def _upgrade(conn: Connection, target: int, now: datetime) -> tuple[int, int]:
    """Bring the schema to `target` inside the caller's transaction; (from, to)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK_KEY})
    # On SQLite the transaction began with BEGIN IMMEDIATE: we hold the write lock.
    schema_version.create(conn, checkfirst=True)
    found = _current_version(conn)
    if found > SCHEMA_VERSION:
        raise StorageError(
            f"database schema version {found} is newer than this reviewbot supports "
            f"({SCHEMA_VERSION}); upgrade reviewbot"
        )
    for version in range(found + 1, target + 1):
        _MIGRATIONS[version](conn)
    if target > found:
        if found == 0:
            conn.execute(schema_version.insert().values(id=1, version=target, upgraded_at=now))
        else:
            conn.execute(update(schema_version).where(schema_version.c.id == 1).values(version=target, upgraded_at=now))
    return found, max(found, target)


# --- values ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelSubscription:
    """A channel's daily featured-review schedule as stored."""

    platform: str
    channel: str
    time: str  # HH:MM
    timezone: str  # IANA name
    created_by: str
    created_at: datetime
    active_from: datetime

    @property
    def channel_key(self) -> str:
        return channel_key(self.platform, self.channel)


@dataclass(frozen=True, slots=True)
class Claim:
    """The right to post one channel's featured review for one local date.

    `attempts` > 1 means an earlier holder's lease expired without a recorded post: it
    may have posted anyway, so look for its message (posted after `claimed_at`, when the
    day was first claimed) before posting again. `film_id` is the film the first holder
    chose, kept so a re-claim posts the same one.
    """

    channel_key: str
    local_date: date
    owner: str
    lease_expires_at: datetime
    attempts: int
    film_id: str | None
    claimed_at: datetime

    @property
    def reclaimed(self) -> bool:
        return self.attempts > 1


@dataclass(frozen=True, slots=True)
class FeaturedPost:
    """The state of one (channel, local date) row: claimed, posted or failed."""

    channel_key: str
    local_date: date
    owner: str
    lease_expires_at: datetime
    attempts: int
    film_id: str | None
    message_id: str | None
    posted_at: datetime | None
    error: str | None

    @property
    def done(self) -> bool:
        """Nothing more will happen for this day: posted, or failed for good."""
        return self.message_id is not None or self.error is not None


# --- the store ------------------------------------------------------------------------


def url_problem(url: str) -> str | None:
    """What is wrong with a `database.url` (never echoing it: it may hold a password), or None if usable."""
    if any(c.isspace() or not c.isprintable() for c in url):
        return "must not contain spaces or control characters"
    try:
        parsed = make_url(url)
        port = parsed.port  # make_url reads the port as a number
    except (ArgumentError, ValueError):
        return (
            "is not a database URL like postgresql://user:pass@host:5432/db (a port is a number; "
            "percent-encode a password's special characters, e.g. %40 for an at sign, %2F for a slash)"
        )
    backend = parsed.get_backend_name()
    if backend not in ("postgresql", "postgres", "sqlite"):
        return "must be a PostgreSQL URL like postgresql://user:pass@host/db (or leave it out for SQLite)"
    if port is not None and not 1 <= port <= 65535:
        return f"has port {port}: a port is a number from 1 to 65535"
    if backend == "sqlite":
        return "a sqlite:/// URL has no host: write sqlite:///path/to/file.db" if parsed.host else None
    if "@" in (parsed.host or ""):
        return "has an at sign in the password or host: write it as %40 in a password"
    if not parsed.host and not parsed.query.get("host"):
        return "has no host: write postgresql://user:pass@HOST/db"
    return None


def _async_url(url: str) -> str:
    problem = url_problem(url)
    if problem is not None:
        raise StorageError(f"database.url {problem}")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    else:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def _prepare_sqlite(path: Path) -> None:
    """Check that the file is a sound SQLite database, and switch it to WAL.

    A damaged file (random bytes, a truncated copy) raises `StorageError` saying what to do.
    WAL is persistent (readers then never block the writer) and an optimisation: failing to
    switch is logged, not fatal. Changing the journal mode does not wait on the busy handler,
    so when several processes open a new file at once some see "database is locked": retry briefly.
    """
    deadline = monotonic() + 10.0
    while True:
        try:
            with closing(sqlite3.connect(path, timeout=30)) as conn:
                check = conn.execute("PRAGMA quick_check").fetchone()
                if check is None or str(check[0]).lower() != "ok":
                    raise sqlite3.DatabaseError(str(check[0] if check else "integrity check failed"))
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or monotonic() > deadline:
                log.warning("could not switch %s to WAL mode: %s", path, e)
                return
            sleep(0.05)
        except sqlite3.DatabaseError as e:  # not a database, or malformed
            raise StorageError(messages.STORE_SQLITE_DAMAGED.format(path=path, error=e)) from None


def _configure_sqlite(engine: AsyncEngine, busy_ms: int) -> None:
    """Real transactions on SQLite: every transaction takes the write lock up front.

    BEGIN IMMEDIATE makes concurrent writers (two processes on one file) wait for each
    other (up to `busy_ms`) instead of failing mid-transaction, and makes DDL transactional.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_engine(url: str, busy_timeout: float) -> AsyncEngine:
    engine = create_async_engine(url, connect_args={"timeout": busy_timeout})
    _configure_sqlite(engine, int(busy_timeout * 1000))
    return engine


class Store:
    """Async access to reviewbot's durable state. Build with `await Store.open(...)`.

    Database failures raise `StorageError` (the cause is chained). Storage is shared
    safely by several processes; see docs/storage.md.
    """

    def __init__(
        self, engine: AsyncEngine, clock: Callable[[], datetime], context_engine: AsyncEngine | None = None
    ) -> None:
        self._engine = engine
        self._context_engine = context_engine or engine  # SQLite: its own connections, with a short busy timeout
        self._clock = clock
        self._dialect = engine.dialect.name
        self._pruned: datetime | None = None  # when this process last deleted old event ids

    @classmethod
    async def open(
        cls,
        url: str | None,
        data_dir: Path | str,
        *,
        clock: Callable[[], datetime] = _system_clock,
        upgrade_to: int = SCHEMA_VERSION,
    ) -> Store:
        """Connect (PostgreSQL if `url`, else SQLite under `data_dir`) and upgrade the schema.

        `upgrade_to` exists for tests that need an older schema.
        """
        if url:
            engine_url = _async_url(url)
        else:
            path = Path(data_dir)
            try:
                await asyncio.to_thread(path.mkdir, parents=True, exist_ok=True)
            except (OSError, ValueError) as e:
                raise StorageError(f"cannot create data directory {path}: {e}") from e
            engine_url = f"sqlite+aiosqlite:///{path / SQLITE_FILENAME}"
            await asyncio.to_thread(_prepare_sqlite, path / SQLITE_FILENAME)
        try:
            if engine_url.startswith("sqlite"):
                engine, context_engine = (_sqlite_engine(engine_url, t) for t in (BUSY_TIMEOUT, CONTEXT_TIMEOUT))
                store = cls(engine, clock, context_engine)
            else:
                store = cls(create_async_engine(engine_url, pool_pre_ping=True), clock)
        except (SQLAlchemyError, ImportError) as e:
            raise StorageError(f"cannot use database: {e}") from e
        try:
            await store._upgrade(upgrade_to)
        except BaseException:
            await store.close()
            raise
        return store

    async def close(self) -> None:
        """Release every connection."""
        await self._engine.dispose()
        if self._context_engine is not self._engine:
            await self._context_engine.dispose()

    @property
    def backend(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self._dialect

    @asynccontextmanager
    async def _tx(self, *, context: bool = False) -> AsyncIterator[AsyncConnection]:
        """A transaction; `context` ones (follow-up context) give up after `CONTEXT_TIMEOUT`."""
        try:
            async with (self._context_engine if context else self._engine).begin() as conn:
                if context and self._dialect == "postgresql":
                    await conn.execute(text(f"SET LOCAL statement_timeout = {int(CONTEXT_TIMEOUT * 1000)}"))
                yield conn
        except StorageError:
            raise
        except (SQLAlchemyError, OSError, sqlite3.Error) as e:
            raise StorageError(f"database error: {e}") from e

    def _insert(self, table: Table) -> Any:
        """A dialect INSERT supporting on_conflict_do_update/do_nothing on both backends."""
        if self._dialect == "postgresql":
            return pg_dialect.insert(table)
        return sqlite_dialect.insert(table)

    async def _upgrade(self, target: int) -> None:
        now = self._clock()
        try:
            async with self._tx() as conn:
                found, to = await conn.run_sync(_upgrade, target, now)
        except StorageError:
            raise
        except Exception as e:  # e.g. asyncpg's connection errors are OSError subclasses
            raise StorageError(f"cannot open database: {e}") from e
        if to != found:
            log.info("database schema upgraded from version %d to %d", found, to)

    async def schema_version(self) -> int:
        """The schema version the database is at (0 when empty)."""
        async with self._tx() as conn:
            return await conn.run_sync(_current_version)

    # --- subscriptions ----------------------------------------------------------------

    async def subscribe(
        self,
        platform: str,
        channel: str,
        time: str,
        timezone: str,
        created_by: str,
        now: datetime | None = None,
    ) -> ChannelSubscription:
        """Create or change a channel's schedule; values must already be validated.

        Setting the same time and timezone again keeps `active_from`, so a restart that
        re-applies configured subscriptions does not lose today's catch-up post.
        """
        now = now or self._clock()
        t = subscriptions
        ins = self._insert(t).values(
            platform=platform,
            channel=channel,
            local_time=time,
            timezone=timezone,
            created_by=created_by,
            created_at=now,
            active_from=now,
        )
        unchanged = and_(
            t.c.local_time == ins.excluded.local_time,
            t.c.timezone == ins.excluded.timezone,
        )
        stmt = ins.on_conflict_do_update(
            index_elements=[t.c.platform, t.c.channel],
            set_={
                "local_time": ins.excluded.local_time,
                "timezone": ins.excluded.timezone,
                "created_by": case((unchanged, t.c.created_by), else_=ins.excluded.created_by),
                "active_from": case((unchanged, t.c.active_from), else_=ins.excluded.active_from),
            },
        ).returning(*t.c)
        async with self._tx() as conn:
            row = (await conn.execute(stmt)).one()
        return _subscription(row)

    async def unsubscribe(self, platform: str, channel: str) -> bool:
        """Stop a channel's featured posts; False if it had none."""
        t = subscriptions
        stmt = t.delete().where(t.c.platform == platform, t.c.channel == channel)
        async with self._tx() as conn:
            result = await conn.execute(stmt)
        return bool(result.rowcount)

    async def get_subscription(self, platform: str, channel: str) -> ChannelSubscription | None:
        """One channel's schedule, if it has one."""
        t = subscriptions
        stmt = select(t).where(t.c.platform == platform, t.c.channel == channel)
        async with self._tx() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else _subscription(row)

    async def list_subscriptions(self, platform: str | None = None) -> list[ChannelSubscription]:
        """Every schedule (of one platform if given), ordered by platform and channel."""
        t = subscriptions
        stmt = select(t).order_by(t.c.platform, t.c.channel)
        if platform is not None:
            stmt = stmt.where(t.c.platform == platform)
        async with self._tx() as conn:
            rows = (await conn.execute(stmt)).all()
        return [_subscription(r) for r in rows]

    # --- featured claims and history --------------------------------------------------

    async def claim(
        self,
        channel_key: str,
        local_date: date,
        owner: str,
        lease_seconds: float,
        now: datetime,
        film_id: str | None = None,
    ) -> Claim | None:
        """Take the right to post for (channel, local date), or None if someone has it.

        A new row is inserted under the unique constraint; an existing one is taken over
        only if its lease has expired and it has no recorded message or failure. The
        first holder's `film_id` is kept.
        """
        t = featured_posts
        expires = now + timedelta(seconds=lease_seconds)
        ins = self._insert(t).values(
            channel_key=channel_key,
            local_date=local_date,
            owner=owner,
            lease_expires_at=expires,
            attempts=1,
            claimed_at=now,
            film_id=film_id,
        )
        stmt = ins.on_conflict_do_update(
            index_elements=[t.c.channel_key, t.c.local_date],
            set_={
                "owner": ins.excluded.owner,
                "lease_expires_at": ins.excluded.lease_expires_at,
                "attempts": t.c.attempts + 1,
                "film_id": func.coalesce(t.c.film_id, ins.excluded.film_id),
                # claimed_at stays the first claim's: an earlier holder's post is no older
            },
            where=and_(
                t.c.message_id.is_(None),
                t.c.error.is_(None),
                t.c.lease_expires_at < now,
            ),
        ).returning(t.c.owner, t.c.lease_expires_at, t.c.attempts, t.c.film_id, t.c.claimed_at)
        async with self._tx() as conn:
            row = (await conn.execute(stmt)).first()
        if row is None:
            return None
        return Claim(
            channel_key,
            local_date,
            row.owner,
            row.lease_expires_at,
            row.attempts,
            row.film_id,
            row.claimed_at,
        )

    async def renew(self, claim: Claim, lease_seconds: float, now: datetime) -> Claim | None:
        """Extend a claim we still hold; None if it was taken over or is finished."""
        t = featured_posts
        expires = now + timedelta(seconds=lease_seconds)
        stmt = (
            update(t)
            .where(
                t.c.channel_key == claim.channel_key,
                t.c.local_date == claim.local_date,
                t.c.owner == claim.owner,
                t.c.attempts == claim.attempts,
                t.c.message_id.is_(None),
                t.c.error.is_(None),
            )
            .values(lease_expires_at=expires)
        )
        async with self._tx() as conn:
            result = await conn.execute(stmt)
        if not result.rowcount:
            return None
        return Claim(
            claim.channel_key,
            claim.local_date,
            claim.owner,
            expires,
            claim.attempts,
            claim.film_id,
            claim.claimed_at,
        )

    async def release(self, claim: Claim, until: datetime) -> None:
        """Give a claim up: its lease ends at `until` (now, or later to hold others off)."""
        t = featured_posts
        stmt = (
            update(t)
            .where(
                t.c.channel_key == claim.channel_key,
                t.c.local_date == claim.local_date,
                t.c.owner == claim.owner,
                t.c.attempts == claim.attempts,
                t.c.message_id.is_(None),
            )
            .values(lease_expires_at=until)
        )
        async with self._tx() as conn:
            await conn.execute(stmt)

    async def mark_failed(self, claim: Claim, error: str) -> None:
        """Record that this day's post failed for good: nobody retries it."""
        t = featured_posts
        stmt = (
            update(t)
            .where(
                t.c.channel_key == claim.channel_key,
                t.c.local_date == claim.local_date,
                t.c.owner == claim.owner,
                t.c.message_id.is_(None),
            )
            .values(error=error[:2000])
        )
        async with self._tx() as conn:
            await conn.execute(stmt)

    async def record_post(
        self,
        channel_key: str,
        local_date: date,
        message_id: str,
        film_id: str,
        now: datetime | None = None,
    ) -> bool:
        """Record the day's post. False if a (different) message was already recorded.

        Works with or without a prior claim row; a recorded message is never replaced.
        """
        now = now or self._clock()
        t = featured_posts
        ins = self._insert(t).values(
            channel_key=channel_key,
            local_date=local_date,
            owner="",
            lease_expires_at=now,
            attempts=0,
            claimed_at=now,
            film_id=film_id,
            message_id=message_id,
            posted_at=now,
        )
        stmt = ins.on_conflict_do_update(
            index_elements=[t.c.channel_key, t.c.local_date],
            set_={
                "film_id": ins.excluded.film_id,
                "message_id": ins.excluded.message_id,
                "posted_at": ins.excluded.posted_at,
                "error": None,
            },
            where=t.c.message_id.is_(None),
        ).returning(t.c.message_id)
        async with self._tx() as conn:
            row = (await conn.execute(stmt)).first()
        return row is not None

    async def get_post(self, channel_key: str, local_date: date) -> FeaturedPost | None:
        """The claim/post row for (channel, local date), if any."""
        t = featured_posts
        stmt = select(t).where(t.c.channel_key == channel_key, t.c.local_date == local_date)
        async with self._tx() as conn:
            row = (await conn.execute(stmt)).first()
        if row is None:
            return None
        return FeaturedPost(
            channel_key=row.channel_key,
            local_date=row.local_date,
            owner=row.owner,
            lease_expires_at=row.lease_expires_at,
            attempts=row.attempts,
            film_id=row.film_id,
            message_id=row.message_id,
            posted_at=row.posted_at,
            error=row.error,
        )

    async def history(self, channel_key: str) -> list[str]:
        """Film ids posted to this channel, oldest first."""
        t = featured_posts
        stmt = (
            select(t.c.film_id)
            .where(t.c.channel_key == channel_key, t.c.message_id.is_not(None))
            .order_by(t.c.local_date)
        )
        async with self._tx() as conn:
            rows: Sequence[Any] = (await conn.execute(stmt)).all()
        return [str(r.film_id) for r in rows if r.film_id is not None]

    # --- delivered events -------------------------------------------------------------

    async def first_delivery(self, event_id: str, now: datetime | None = None) -> bool:
        """Record that a platform event (Slack's event_id) was taken; False if some replica took it already.

        Insert-if-absent under the primary key, so of two replicas taking one event at once exactly one gets
        True. Waits `CONTEXT_TIMEOUT` at most for the database (it is in the way of an answer), and deletes
        the ids older than `EVENT_MEMORY` every `PRUNE_EVERY`.
        """
        now = now or self._clock()
        t = delivered_events
        stmt = (
            self._insert(t)
            .values(event_id=event_id, seen_at=now)
            .on_conflict_do_nothing(index_elements=[t.c.event_id])
            .returning(t.c.event_id)
        )
        prune = self._pruned is None or now - self._pruned >= PRUNE_EVERY
        async with self._tx(context=True) as conn:
            first = (await conn.execute(stmt)).first() is not None
            if prune:
                await conn.execute(t.delete().where(t.c.seen_at < now - EVENT_MEMORY))
        if prune:
            self._pruned = now
        return first

    async def delivered_count(self) -> int:
        """How many event ids are remembered (tests, and a look at the table's size)."""
        async with self._tx() as conn:
            return int((await conn.execute(select(func.count()).select_from(delivered_events))).scalar_one())

    # --- conversation context ---------------------------------------------------------

    async def get_context(self, key: str) -> str | None:
        """The film a conversation last talked about, if any."""
        t = conversation_context
        async with self._tx(context=True) as conn:
            row = (await conn.execute(select(t.c.film_id).where(t.c.key == key))).first()
        return None if row is None else str(row.film_id)

    async def set_context(self, key: str, film_id: str, now: datetime | None = None) -> None:
        """Remember the film a conversation is about (for follow-ups)."""
        now = now or self._clock()
        t = conversation_context
        ins = self._insert(t).values(key=key, film_id=film_id, updated_at=now)
        stmt = ins.on_conflict_do_update(
            index_elements=[t.c.key],
            set_={
                "film_id": ins.excluded.film_id,
                "updated_at": ins.excluded.updated_at,
            },
        )
        async with self._tx(context=True) as conn:
            await conn.execute(stmt)

    async def get(self, key: str) -> str | None:
        """`ContextStore.get`: same as `get_context`."""
        return await self.get_context(key)

    async def put(self, key: str, film_id: str) -> None:
        """`ContextStore.put`: same as `set_context` at the store's clock."""
        await self.set_context(key, film_id)


def _subscription(row: Any) -> ChannelSubscription:
    return ChannelSubscription(
        platform=row.platform,
        channel=row.channel,
        time=row.local_time,
        timezone=row.timezone,
        created_by=row.created_by,
        created_at=row.created_at,
        active_from=row.active_from,
    )
