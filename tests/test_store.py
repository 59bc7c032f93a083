"""The durable store, on SQLite and on real PostgreSQL (every test runs on both)."""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.errors import StorageError
from bot.store import SCHEMA_VERSION, SQLITE_FILENAME, Store, channel_key
from tests.storage_fixtures import Database, FakeClock, locked_by_another_process

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
DAY = date(2026, 1, 15)
KEY = channel_key("discord", "123")


# --- opening and schema -------------------------------------------------------------


async def test_sqlite_is_the_default_under_data_dir(tmp_path: Path) -> None:
    store = await Store.open(None, tmp_path / "nested" / "data")
    try:
        assert store.backend == "sqlite"
        assert (tmp_path / "nested" / "data" / SQLITE_FILENAME).is_file()
    finally:
        await store.close()


async def test_open_creates_the_latest_schema_and_reopens_idempotently(db: Database) -> None:
    first = await db.open()
    assert await first.schema_version() == SCHEMA_VERSION
    await first.close()
    second = await db.open()
    assert await second.schema_version() == SCHEMA_VERSION
    async with second._engine.connect() as conn:
        rows = (await conn.execute(text("SELECT version FROM schema_version"))).all()
    assert [r[0] for r in rows] == [SCHEMA_VERSION]


async def test_upgrade_from_an_older_version_keeps_data(db: Database) -> None:
    old = await db.open(upgrade_to=1)
    assert await old.schema_version() == 1
    await old.subscribe("slack", "C1", "09:00", "Europe/Paris", "U1", T0)
    assert await old.claim(KEY, DAY, "a", 60, T0, "film-1") is not None
    assert await old.record_post(KEY, DAY, "m1", "film-1", T0)
    with pytest.raises(StorageError):  # version 1 had no conversation context
        await old.get_context("conv")
    await old.close()

    new = await db.open()
    assert await new.schema_version() == SCHEMA_VERSION
    sub = await new.get_subscription("slack", "C1")
    assert sub is not None and sub.timezone == "Europe/Paris"
    assert await new.history(KEY) == ["film-1"]
    await new.put("conv", "film-2")
    assert await new.get("conv") == "film-2"


async def test_concurrent_startup_upgrades_once(db: Database) -> None:
    stores = await asyncio.gather(*(db.open() for _ in range(6)))
    for store in stores:
        assert await store.schema_version() == SCHEMA_VERSION
    async with stores[0]._engine.connect() as conn:
        count = (await conn.execute(text("SELECT count(*) FROM schema_version"))).scalar()
    assert count == 1


async def test_a_newer_schema_is_refused(db: Database) -> None:
    store = await db.open()
    async with store._engine.begin() as conn:
        await conn.execute(text("UPDATE schema_version SET version = 99"))
    await store.close()
    with pytest.raises(StorageError, match="newer"):
        await db.open()


async def test_unreachable_or_bad_urls_raise_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        await Store.open("mysql://x@localhost/db", tmp_path)
    with pytest.raises(StorageError):
        await Store.open("not a url", tmp_path)
    with pytest.raises(StorageError):  # nothing listens on port 1
        await Store.open("postgresql://u@127.0.0.1:1/db", tmp_path)


async def test_datetimes_are_utc_aware(store: Store) -> None:
    paris = datetime(2026, 1, 15, 13, 0, tzinfo=UTC).astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    claim = await store.claim(KEY, DAY, "a", 30, paris)
    assert claim is not None
    row = await store.get_post(KEY, DAY)
    assert row is not None
    assert row.lease_expires_at == datetime(2026, 1, 15, 13, 0, 30, tzinfo=UTC)
    assert row.lease_expires_at.utcoffset() == timedelta(0)
    with pytest.raises(StorageError):
        await store.claim(KEY, DAY + timedelta(days=1), "a", 30, datetime(2026, 1, 1))


# --- subscriptions ------------------------------------------------------------------


async def test_subscription_crud(store: Store) -> None:
    sub = await store.subscribe("discord", "42", "09:00", "Europe/Paris", "alice", T0)
    assert sub.channel_key == "discord:42"
    assert (sub.time, sub.timezone, sub.created_by) == ("09:00", "Europe/Paris", "alice")
    assert sub.created_at == sub.active_from == T0
    await store.subscribe("slack", "C9", "18:30", "America/New_York", "bob", T0)
    await store.subscribe("discord", "7", "07:00", "UTC", "carol", T0)

    assert [s.channel for s in await store.list_subscriptions()] == ["42", "7", "C9"]
    assert [s.channel for s in await store.list_subscriptions("slack")] == ["C9"]
    assert await store.get_subscription("discord", "42") == sub
    assert await store.get_subscription("discord", "nope") is None

    assert await store.unsubscribe("discord", "7") is True
    assert await store.unsubscribe("discord", "7") is False
    assert len(await store.list_subscriptions()) == 2


async def test_resubscribing_keeps_active_from_unless_the_schedule_changes(store: Store) -> None:
    await store.subscribe("discord", "42", "09:00", "UTC", "alice", T0)
    later = T0 + timedelta(hours=3)
    same = await store.subscribe("discord", "42", "09:00", "UTC", "config", later)
    assert same.active_from == T0 and same.created_by == "alice"
    changed = await store.subscribe("discord", "42", "10:00", "UTC", "bob", later)
    assert changed.active_from == later and changed.created_at == T0
    assert changed.time == "10:00" and changed.created_by == "bob"


# --- claims -------------------------------------------------------------------------


async def test_claim_is_exclusive_until_the_lease_expires(store: Store) -> None:
    first = await store.claim(KEY, DAY, "a", 60, T0, "film-1")
    assert first is not None and first.attempts == 1 and not first.reclaimed
    assert first.lease_expires_at == T0 + timedelta(seconds=60)
    assert await store.claim(KEY, DAY, "b", 60, T0 + timedelta(seconds=59), "film-2") is None
    # Exactly at expiry it is still held; after it, b takes over and keeps a's film.
    assert await store.claim(KEY, DAY, "b", 60, T0 + timedelta(seconds=60), "film-2") is None
    second = await store.claim(KEY, DAY, "b", 60, T0 + timedelta(seconds=61), "film-2")
    assert second is not None and second.owner == "b" and second.reclaimed
    assert second.attempts == 2 and second.film_id == "film-1"
    # Another day or channel is independent.
    assert await store.claim(KEY, DAY + timedelta(days=1), "a", 60, T0) is not None
    assert await store.claim("slack:C1", DAY, "a", 60, T0) is not None


async def test_no_reclaim_after_a_recorded_post_or_failure(store: Store) -> None:
    claim = await store.claim(KEY, DAY, "a", 60, T0, "film-1")
    assert claim is not None
    assert await store.record_post(KEY, DAY, "m1", "film-1", T0)
    assert await store.claim(KEY, DAY, "b", 60, T0 + timedelta(days=1)) is None
    post = await store.get_post(KEY, DAY)
    assert post is not None and post.done and post.message_id == "m1"

    other = DAY + timedelta(days=1)
    failed = await store.claim(KEY, other, "a", 60, T0)
    assert failed is not None
    await store.mark_failed(failed, "403 Missing Access")
    assert await store.claim(KEY, other, "b", 60, T0 + timedelta(hours=1)) is None
    post = await store.get_post(KEY, other)
    assert post is not None and post.done and post.error == "403 Missing Access"


async def test_renew_and_release(store: Store) -> None:
    claim = await store.claim(KEY, DAY, "a", 60, T0)
    assert claim is not None
    renewed = await store.renew(claim, 60, T0 + timedelta(seconds=50))
    assert renewed is not None
    assert renewed.lease_expires_at == T0 + timedelta(seconds=110)
    assert await store.claim(KEY, DAY, "b", 60, T0 + timedelta(seconds=100)) is None
    await store.release(renewed, T0 + timedelta(seconds=100))
    taken = await store.claim(KEY, DAY, "b", 60, T0 + timedelta(seconds=101))
    assert taken is not None and taken.owner == "b"
    # a has lost it: renewing or releasing its old claim changes nothing.
    assert await store.renew(renewed, 60, T0 + timedelta(seconds=102)) is None
    await store.release(renewed, T0 + timedelta(seconds=102))
    assert await store.claim(KEY, DAY, "c", 60, T0 + timedelta(seconds=103)) is None


async def test_record_post_never_replaces_a_message(store: Store) -> None:
    assert await store.record_post(KEY, DAY, "m1", "film-1", T0)  # no claim needed
    assert not await store.record_post(KEY, DAY, "m2", "film-2", T0)
    post = await store.get_post(KEY, DAY)
    assert post is not None and (post.message_id, post.film_id) == ("m1", "film-1")
    assert post.posted_at == T0


async def test_history_is_posted_films_oldest_first(store: Store) -> None:
    for offset, film in [(2, "c"), (0, "a"), (1, "b")]:
        await store.record_post(KEY, DAY + timedelta(days=offset), f"m-{film}", film, T0)
    await store.claim(KEY, DAY + timedelta(days=3), "a", 60, T0, "d")  # not posted yet
    await store.record_post("slack:other", DAY, "m-x", "x", T0)
    assert await store.history(KEY) == ["a", "b", "c"]
    assert await store.history("discord:none") == []


async def test_concurrent_claims_from_two_stores_have_one_winner(db: Database) -> None:
    one, two = await db.open(), await db.open()
    attempts = [(one if i % 2 else two).claim(KEY, DAY, f"owner-{i}", 60, T0, "film") for i in range(20)]
    claims = await asyncio.gather(*attempts)
    assert len([c for c in claims if c is not None]) == 1


# --- conversation context -----------------------------------------------------------


async def test_context_survives_reopen(db: Database) -> None:
    clock = FakeClock(T0)
    store = await db.open(clock=clock)
    assert await store.get_context("discord:chan:1") is None
    await store.set_context("discord:chan:1", "alien-1979")
    await store.put("slack:C1:thread", "heat-1995")
    await store.put("discord:chan:1", "aliens-1986")  # overwrite
    await store.close()

    again = await db.open()
    assert await again.get("discord:chan:1") == "aliens-1986"
    assert await again.get_context("slack:C1:thread") == "heat-1995"
    assert await again.get("unknown") is None


async def test_context_gives_up_after_a_second_on_a_locked_file_but_claims_wait(tmp_path: Path) -> None:
    store = await Store.open(None, tmp_path)
    try:
        await store.set_context("conv", "heat-1995")
        with locked_by_another_process(tmp_path / SQLITE_FILENAME) as release:
            for call in (store.set_context("conv", "alien-1979"), store.get_context("conv")):
                started = time.monotonic()
                with pytest.raises(StorageError, match="locked"):
                    await call
                assert time.monotonic() - started < 5  # CONTEXT_TIMEOUT (1 s), not the 30 s of featured claims
            claiming = asyncio.create_task(store.claim(KEY, DAY, "a", 60, T0, "film-1"))
            await asyncio.sleep(2.5)
            assert not claiming.done()  # a claim waits its turn...
            release()
            claim = await asyncio.wait_for(claiming, 20)
        assert claim is not None and claim.owner == "a"  # ...and gets it once the other process lets go
        assert await store.get_context("conv") == "heat-1995"
    finally:
        await store.close()


# --- damaged files ------------------------------------------------------------------


def _damaged(kind: str, folder: Path, good: bytes) -> Path:
    folder.mkdir(parents=True)
    content = {"random": random.Random(9).randbytes(8192), "truncated": good[: len(good) // 2]}[kind]
    (folder / SQLITE_FILENAME).write_bytes(content)
    return folder


@pytest.mark.parametrize("kind", ["random", "truncated"])
async def test_a_damaged_sqlite_file_is_a_storage_error_saying_what_to_do(tmp_path: Path, kind: str) -> None:
    good = await Store.open(None, tmp_path / "good")
    for i in range(500):  # a few dozen pages, so that half the file is a truncated database
        await good.set_context(f"conversation-{i:04d}" * 8, "film" * 30)
    await good.close()
    folder = _damaged(kind, tmp_path / kind, (tmp_path / "good" / SQLITE_FILENAME).read_bytes())
    with pytest.raises(StorageError) as info:
        await Store.open(None, folder)
    assert str(folder / SQLITE_FILENAME) in str(info.value) and "move the file aside" in str(info.value)
