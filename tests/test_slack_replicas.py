"""Several replicas of the Slack app on one database: a retried event is answered once, whichever replica it reaches.

Two real Bolt apps (HTTP mode) against one SlackFake, each with its own `Store` on one SQLite file or one
PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.slack_app import create_app, start_http
from bot.config import Secrets, SlackConfig
from bot.engine import Engine
from bot.store import EVENT_MEMORY, SQLITE_FILENAME, Store
from tests.fakes.slack_fake import SlackFake
from tests.storage_fixtures import Database, FakeClock, locked_by_another_process


@asynccontextmanager
async def replicas(fake: SlackFake, engine: Engine, stores: list[Store | None]) -> AsyncIterator[list[str]]:
    """One app per store, each served on its own port; yields their URLs (set `fake.app_url` to pick one)."""
    config = SlackConfig(api_base_url=fake.api_base_url, host="127.0.0.1", port=0)
    secrets = Secrets(slack_bot_token=fake.bot_token, slack_signing_secret=fake.signing_secret)
    async with AsyncExitStack() as stack:
        urls = []
        for store in stores:
            runner = await start_http(create_app(engine, config, secrets, store=store), config)
            stack.push_async_callback(runner.cleanup)
            urls.append(f"http://127.0.0.1:{runner.addresses[0][1]}{config.path}")
        yield urls


def mention(fake: SlackFake, ts: str) -> dict[str, Any]:
    event = {"type": "app_mention", "user": "U1", "text": "<@UBOT> list", "ts": ts, "channel": "C1", "event_ts": ts}
    return fake.event_payload(event)


async def test_a_retry_reaching_another_replica_is_not_answered_twice(db: Database, engine: Engine) -> None:
    async with SlackFake(settle=0.1) as fake:
        stores: list[Store | None] = [await db.open(), await db.open()]
        async with replicas(fake, engine, stores) as (one, two):
            payload = mention(fake, "1700000000.000100")
            fake.app_url = one
            start = len(fake.received)
            await fake.deliver("events_api", payload)
            assert len(await fake.collect(start)) == 1
            fake.app_url = two  # Slack retries the same event; this time it lands on the other replica
            start = len(fake.received)
            retried = await fake.deliver("events_api", payload, retry=1)
            assert retried.status == 200 and retried.acked_in_time
            assert await fake.collect(start, wait=0.8) == [], "answered once across replicas"

            # The same event at both replicas at once (a retry racing the first delivery): one answers.
            racing = mention(fake, "1700000000.000200")
            start = len(fake.received)
            fake.app_url = one
            first = asyncio.create_task(fake.deliver("events_api", racing))
            await asyncio.sleep(0)  # it has read the URL
            fake.app_url = two
            await asyncio.gather(first, fake.deliver("events_api", racing, retry=1))
            assert len(await fake.collect(start, wait=3.0)) == 1

            # A retry of an event no replica took (both were down) is answered.
            start = len(fake.received)
            unseen = await fake.deliver("events_api", mention(fake, "1700000000.000300"), retry=2)
            assert unseen.status == 200 and len(await fake.collect(start)) == 1
            assert all(d.acked_in_time for d in fake.deliveries)


async def test_without_a_shared_store_each_replica_decides_alone(engine: Engine) -> None:
    """What the store fixes: two replicas that share nothing both answer a retry."""
    async with SlackFake(settle=0.1) as fake, replicas(fake, engine, [None, None]) as (one, two):
        payload = mention(fake, "1700000000.000400")
        start = len(fake.received)
        fake.app_url = one
        await fake.deliver("events_api", payload)
        fake.app_url = two
        await fake.deliver("events_api", payload, retry=1)
        assert len(await fake.collect(start, wait=3.0)) == 2


async def test_a_locked_database_delays_the_answer_a_moment_and_never_loses_it(
    tmp_path: Path, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    store = await Store.open(None, tmp_path)
    try:
        async with SlackFake(settle=0.1) as fake, replicas(fake, engine, [store]) as (url,):
            fake.app_url = url
            with locked_by_another_process(tmp_path / SQLITE_FILENAME):
                start = len(fake.received)
                delivery = await fake.deliver("events_api", mention(fake, "1700000000.000500"))
                assert delivery.acked_in_time, f"acked after {delivery.elapsed:.1f} s"
                assert len(await fake.collect(start)) == 1, "answered without the database"
            assert "cannot check event ids in the database" in caplog.text
            start = len(fake.received)
            await fake.deliver("events_api", mention(fake, "1700000000.000600"))
            assert len(await fake.collect(start)) == 1
            assert "the database checks event ids again" in caplog.text
    finally:
        await store.close()


async def test_event_ids_are_remembered_an_hour_then_pruned(db: Database) -> None:
    clock = FakeClock()
    store = await db.open(clock=clock)
    other = await db.open(clock=clock)
    assert await store.first_delivery("Ev1") and not await other.first_delivery("Ev1")
    assert await other.first_delivery("Ev2") and not await store.first_delivery("Ev2")
    clock.advance(seconds=(EVENT_MEMORY + timedelta(minutes=11)).total_seconds())
    assert await store.first_delivery("Ev3")  # and the rows older than an hour go
    assert await store.delivered_count() == 1
    assert await other.first_delivery("Ev1"), "forgotten after EVENT_MEMORY: Slack stopped retrying long ago"
