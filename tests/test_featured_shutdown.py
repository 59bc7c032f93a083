"""The scheduler at shutdown: a post under way gets the grace time to finish; one that does not is
cancelled and its claim released, so the next holder looks for it before posting (never lost, never twice).
And the scheduler reports what it did, for /metrics."""

from __future__ import annotations

import asyncio

from tests.storage_fixtures import Database, FakeClock
from tests.test_featured import FakePoster, make_scheduler, subscribe, utc


class HangingPoster(FakePoster):
    """Posts (if `post_first`), then never answers."""

    def __init__(self, clock: FakeClock, *, post_first: bool) -> None:
        super().__init__(clock)
        self.post_first = post_first
        self.started = asyncio.Event()

    async def post(self, channel_key: str, film_id: str, marker: str) -> str:
        self.calls += 1
        if self.post_first:
            self._store(channel_key, film_id, marker)
        self.started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_a_post_cut_off_at_shutdown_is_released_then_made_once(db: Database) -> None:
    for post_first in (False, True):
        clock = FakeClock(utc(2026, 1, 15, 9, 30))
        store = await db.open(clock=clock)
        channel = f"c-{post_first}"
        key = await subscribe(store, channel, "09:00", "UTC", utc(2026, 1, 14))
        poster = HangingPoster(clock, post_first=post_first)
        reported: list[str] = []
        scheduler = make_scheduler(store, poster, clock, report=reported.append)
        stop = asyncio.Event()
        running = asyncio.ensure_future(scheduler.run(stop, grace=0.05))
        await asyncio.wait_for(poster.started.wait(), 5)
        stop.set()
        await asyncio.wait_for(running, 5)  # the grace time, then the cut-off: not the post's own timeout
        row = await store.get_post(key, clock.now.date())
        assert row is not None and row.message_id is None and row.lease_expires_at <= clock.now
        assert reported == ["released"]

        again = FakePoster(clock)
        again.posts = list(poster.posts)  # the same channel history
        (outcome,) = await make_scheduler(store, again, clock, report=reported.append).tick(clock.now)
        assert outcome.status == ("recovered" if post_first else "posted")
        assert len(again.posts) == 1, "made once"
        row = await store.get_post(key, clock.now.date())
        assert row is not None and row.message_id == again.posts[0][3]
        assert reported == ["released", outcome.status]


async def test_a_post_that_finishes_within_the_grace_time_is_recorded(db: Database) -> None:
    clock = FakeClock(utc(2026, 1, 15, 9, 30))
    store = await db.open(clock=clock)
    key = await subscribe(store, "1", "09:00", "UTC", utc(2026, 1, 14))
    poster = FakePoster(clock, delay=0.2)
    scheduler = make_scheduler(store, poster, clock)
    stop = asyncio.Event()
    running = asyncio.ensure_future(scheduler.run(stop, grace=5.0))
    for _ in range(500):
        if poster.calls:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(running, 5)
    row = await store.get_post(key, clock.now.date())
    assert row is not None and row.message_id == poster.posts[0][3]


async def test_retries_and_failures_are_reported(db: Database) -> None:
    from bot.featured import PermanentPostError, TransientPostError

    clock = FakeClock(utc(2026, 1, 15, 9, 30))
    store = await db.open(clock=clock)
    await subscribe(store, "1", "09:00", "UTC", utc(2026, 1, 14))
    await subscribe(store, "2", "09:00", "UTC", utc(2026, 1, 14))
    poster = FakePoster(clock)
    poster.script.extend([TransientPostError("502"), PermanentPostError("missing access")])
    reported: list[str] = []
    outcomes = await make_scheduler(store, poster, clock, report=reported.append).tick(clock.now)
    assert sorted(o.status for o in outcomes) == ["failed", "posted"]
    assert sorted(reported) == ["failed", "posted", "retried"]
