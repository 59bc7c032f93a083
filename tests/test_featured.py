"""The featured-review scheduler: schedule maths, rotation and exactly-once posting.

Scheduler tests run on SQLite and real PostgreSQL with an injected clock and fake
posters; the crash tests SIGKILL a real scheduler process mid-post.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time as clock_time
from collections import Counter, deque
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import messages
from bot.config import FeaturedConfig, Subscription
from bot.featured import (
    Outcome,
    PermanentPostError,
    ScheduleError,
    Scheduler,
    TransientPostError,
    apply_config,
    due_date,
    marker,
    pick,
    rotation_order,
    slot_instant,
    validate_time,
    validate_timezone,
)
from bot.store import Store
from tests.featured_worker import FileLogPoster
from tests.storage_fixtures import Database, FakeClock, Sleeps

ROOT = Path(__file__).resolve().parents[1]
PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
FILMS = [f"film-{i:02d}" for i in range(12)]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class FakePoster:
    """An in-memory platform. `script` holds what the next post() calls do:
    an exception to raise, or ("posted-then", exc) to post and still raise."""

    def __init__(self, clock: FakeClock | None = None, delay: float = 0.0) -> None:
        self.clock = clock
        self.delay = delay
        self.posts: list[tuple[str, str, str, str, datetime | None]] = []
        self.calls = 0
        self.lookups = 0
        self.since: list[datetime] = []
        self.script: deque[BaseException | tuple[str, BaseException]] = deque()

    def _store(self, key: str, film: str, tag: str) -> str:
        message_id = f"m{len(self.posts) + 1}"
        when = self.clock() if self.clock else None
        self.posts.append((key, film, tag, message_id, when))
        return message_id

    async def find_existing(self, channel_key: str, marker: str, since: datetime) -> str | None:
        self.lookups += 1
        self.since.append(since)
        for key, _film, tag, message_id, _when in self.posts:
            if key == channel_key and tag == marker:
                return message_id
        return None

    async def post(self, channel_key: str, film_id: str, marker: str) -> str:
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.script:
            step = self.script.popleft()
            if isinstance(step, tuple):
                self._store(channel_key, film_id, marker)
                raise step[1]
            raise step
        return self._store(channel_key, film_id, marker)

    def per_channel_day(self, zone: ZoneInfo | None = None) -> Counter[tuple[str, date]]:
        """How many posts each (channel, local date) got, from the markers' dates."""
        counts: Counter[tuple[str, date]] = Counter()
        for key, _film, _tag, _mid, when in self.posts:
            assert when is not None
            counts[(key, when.astimezone(zone or UTC).date())] += 1
        return counts


def make_scheduler(
    store: Store, poster: object, clock: FakeClock, films: list[str] | None = None, **kw: object
) -> Scheduler:
    corpus = FILMS if films is None else films
    return Scheduler(
        store,
        poster,  # type: ignore[arg-type]
        lambda: corpus,
        clock=clock,
        sleep=kw.pop("sleep", Sleeps(clock)),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


# --- validation ---------------------------------------------------------------------


@pytest.mark.parametrize(("given", "expected"), [("09:00", "09:00"), ("9:05", "09:05"), (" 23:59 ", "23:59")])
def test_validate_time_accepts_24_hour_times(given: str, expected: str) -> None:
    assert validate_time(given) == expected


@pytest.mark.parametrize("bad", ["24:00", "9", "09:60", "9am", "", "09:00:00", "-1:00"])
def test_validate_time_rejects_with_a_clear_message(bad: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        validate_time(bad)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == messages.FEATURED_BAD_TIME.format(value=bad)


def test_validate_timezone() -> None:
    assert validate_timezone("Europe/Paris") == "Europe/Paris"
    assert validate_timezone("america/new_york") == "America/New_York"
    assert validate_timezone("UTC") == "UTC"
    for bad in ["Mars/Olympus", "", "Europe", "../etc/passwd", "+02:00"]:
        with pytest.raises(ScheduleError, match="IANA"):
            validate_timezone(bad)


# --- schedule arithmetic ------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # ordinary days
        (PARIS, date(2026, 1, 15), time(9, 0), utc(2026, 1, 15, 8, 0)),
        (PARIS, date(2026, 7, 15), time(9, 0), utc(2026, 7, 15, 7, 0)),
        # spring forward: 02:30 does not exist -> the first valid instant after (03:00)
        (PARIS, date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 0)),
        (PARIS, date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 0, 30)),
        (NEW_YORK, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 0)),
        (NEW_YORK, date(2026, 3, 8), time(1, 30), utc(2026, 3, 8, 6, 30)),
        # fall back: ambiguous times -> the first occurrence
        (PARIS, date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),
        (PARIS, date(2026, 10, 25), time(1, 30), utc(2026, 10, 24, 23, 30)),
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
        (NEW_YORK, date(2026, 11, 1), time(2, 30), utc(2026, 11, 1, 7, 30)),
    ],
)
def test_slot_instant(zone: ZoneInfo, day: date, at: time, expected: datetime) -> None:
    assert slot_instant(day, at, zone) == expected


def test_due_date_only_today_and_only_after_the_slot() -> None:
    at = time(9, 0)
    assert due_date(at, PARIS, utc(2026, 1, 15, 7, 59)) is None
    assert due_date(at, PARIS, utc(2026, 1, 15, 8, 0)) == date(2026, 1, 15)
    assert due_date(at, PARIS, utc(2026, 1, 15, 22, 59)) == date(2026, 1, 15)
    # 00:30 local the next day: yesterday's slot is never due again
    assert due_date(at, PARIS, utc(2026, 1, 15, 23, 30)) is None
    # a schedule set after today's slot starts tomorrow
    assert due_date(at, PARIS, utc(2026, 1, 15, 12), active_from=utc(2026, 1, 15, 9)) is None
    assert due_date(at, PARIS, utc(2026, 1, 16, 8), active_from=utc(2026, 1, 15, 9)) == date(2026, 1, 16)


def test_marker_is_deterministic_and_fits_a_discord_nonce() -> None:
    one = marker("discord:1", date(2026, 1, 15))
    assert one == marker("discord:1", date(2026, 1, 15))
    assert len(one) == 25 and one.startswith("rb-feat-")
    assert one != marker("discord:1", date(2026, 1, 16))
    assert one != marker("discord:2", date(2026, 1, 15))


# --- rotation -----------------------------------------------------------------------


def run_rotation(key: str, films: list[str], history: list[str], n: int) -> list[str]:
    for _ in range(n):
        history.append(pick(key, films, history))
    return history


def test_rotation_has_no_repeats_until_the_corpus_is_exhausted() -> None:
    history = run_rotation("discord:1", FILMS, [], len(FILMS))
    assert sorted(history) == sorted(FILMS)
    # then it restarts, again without repeats
    run_rotation("discord:1", FILMS, history, len(FILMS))
    assert sorted(history[len(FILMS) :]) == sorted(FILMS)
    assert history[: len(FILMS)] == history[len(FILMS) :]  # same deterministic order


def test_rotation_order_differs_between_channels() -> None:
    orders = {tuple(rotation_order(f"discord:{i}", FILMS)) for i in range(5)}
    assert len(orders) == 5
    assert rotation_order("slack:C1", FILMS) == rotation_order("slack:C1", reversed(FILMS))


def test_new_films_join_the_rotation() -> None:
    history = run_rotation("slack:C1", FILMS, [], 5)
    grown = [*FILMS, "new-a", "new-b"]
    run_rotation("slack:C1", grown, history, len(grown) - 5)
    assert sorted(history) == sorted(grown)  # no repeats, new films included
    # a film added after a full cycle is picked next
    full = run_rotation("discord:9", FILMS, [], len(FILMS))
    assert pick("discord:9", [*FILMS, "late"], full) == "late"


def test_removed_films_are_ignored_and_empty_corpus_raises() -> None:
    history = ["gone", *run_rotation("discord:1", FILMS[:3], [], 2)]
    remaining = set(FILMS[:3]) - set(history)
    assert pick("discord:1", FILMS[:3], history) in remaining
    with pytest.raises(ValueError):
        pick("discord:1", [], [])


# --- scheduler: exactly once --------------------------------------------------------


async def subscribe(store: Store, channel: str, at: str, tz: str, when: datetime, platform: str = "discord") -> str:
    sub = await store.subscribe(platform, channel, at, tz, "tester", when)
    return sub.channel_key


async def test_posts_once_per_day_and_records_history(db: Database) -> None:
    clock = FakeClock(utc(2026, 1, 15, 7, 0))
    store = await db.open(clock=clock)
    key = await subscribe(store, "1", "09:00", "Europe/Paris", clock.now)
    poster = FakePoster(clock)
    scheduler = make_scheduler(store, poster, clock)

    assert await scheduler.tick(clock.now) == []  # 08:00 Paris: not yet
    clock.now = utc(2026, 1, 15, 8, 0)
    [outcome] = await scheduler.tick(clock.now)
    assert outcome == Outcome(key, date(2026, 1, 15), "posted", "m1")
    for minutes in (1, 30, 600):
        assert await scheduler.tick(clock.now + timedelta(minutes=minutes)) == []
    assert await store.history(key) == [poster.posts[0][1]]
    assert poster.posts[0][2] == marker(key, date(2026, 1, 15))
    # a fresh scheduler (a restart) does not post again
    again = make_scheduler(await db.open(clock=clock), poster, clock)
    assert await again.tick(clock.now + timedelta(hours=2)) == []
    assert len(poster.posts) == 1


@pytest.mark.parametrize("channels", [12])
async def test_two_schedulers_firing_at_once_post_once(db: Database, channels: int) -> None:
    clock = FakeClock(utc(2026, 1, 15, 9, 0))
    setup = await db.open(clock=clock)
    for i in range(channels):
        await subscribe(setup, str(i), "09:00", "UTC", utc(2026, 1, 14))
    poster = FakePoster(clock, delay=0.005)
    one = make_scheduler(await db.open(clock=clock), poster, clock, owner="replica-1")
    two = make_scheduler(await db.open(clock=clock), poster, clock, owner="replica-2")

    first, second = await asyncio.gather(one.tick(clock.now), two.tick(clock.now))
    posted = [o for o in first + second if o.status == "posted"]
    assert len(posted) == channels
    assert {o.status for o in first + second} <= {"posted", "busy"}
    await asyncio.gather(one.tick(clock.advance(minutes=30)), two.tick(clock.now))
    assert len(poster.posts) == channels
    assert max(poster.per_channel_day().values()) == 1
    winners = Counter(o.channel_key for o in posted)
    assert set(winners.values()) == {1}


async def test_transient_failures_then_recovery_post_once(db: Database) -> None:
    clock = FakeClock(utc(2026, 1, 15, 9, 0))
    store = await db.open(clock=clock)
    key = await subscribe(store, "1", "09:00", "UTC", utc(2026, 1, 14))
    poster = FakePoster(clock)
    poster.script.extend(
        [
            TransientPostError("500 Internal Server Error"),
            TransientPostError("502 Bad Gateway"),
            TransientPostError("429 Too Many Requests", retry_after=7.5),
        ]
    )
    sleeps = Sleeps(clock)
    scheduler = make_scheduler(store, poster, clock, sleep=sleeps)

    [outcome] = await scheduler.tick(clock.now)
    assert outcome.status == "posted" and outcome.channel_key == key
    assert sleeps.delays == [1.0, 2.0, 7.5]  # exponential backoff, then retry_after
    assert poster.calls == 4 and len(poster.posts) == 1
    assert await store.history(key) == [poster.posts[0][1]]
    assert await scheduler.tick(clock.advance(minutes=5)) == []


async def test_a_500_after_the_message_was_created_is_not_posted_twice(db: Database) -> None:
    clock = FakeClock(utc(2026, 1, 15, 9, 0))
    store = await db.open(clock=clock)
    key = await subscribe(store, "1", "09:00", "UTC", utc(2026, 1, 14))
    poster = FakePoster(clock)
    poster.script.append(("posted-then", TransientPostError("504 Gateway Timeout")))
    scheduler = make_scheduler(store, poster, clock)

    [outcome] = await scheduler.tick(clock.now)
    assert outcome == Outcome(key, date(2026, 1, 15), "recovered", "m1")
    assert poster.calls == 1 and len(poster.posts) == 1
    post = await store.get_post(key, date(2026, 1, 15))
    assert post is not None and post.message_id == "m1"


async def test_long_rate_limit_holds_the_day_off_then_posts_once(db: Database) -> None:
    clock = FakeClock(utc(2026, 1, 15, 9, 0))
    store = await db.open(clock=clock)
    await subscribe(store, "1", "09:00", "UTC", utc(2026, 1, 14))
    poster = FakePoster(clock)
    poster.script.append(TransientPostError("429", retry_after=600))
    scheduler = make_scheduler(store, poster, clock)
    other = make_scheduler(await db.open(clock=clock), poster, clock, owner="replica-2")

    [outcome] = await scheduler.tick(clock.now)
    assert outcome.status == "gave_up"
    [busy] = await other.tick(clock.advance(seconds=300))  # still inside retry_after
    assert busy.status == "busy" and poster.calls == 1
    [done] = await other.tick(clock.advance(seconds=301))
    assert done.status == "posted" and len(poster.posts) == 1
    assert await scheduler.tick(clock.advance(seconds=30)) == []


async def test_giving_up_releases_the_claim_for_a_later_tick(db: Database) -> None:
    clock = FakeClock(utc(2026, 1, 15, 9, 0))
    store = await db.open(clock=clock)
    await subscribe(store, "1", "09:00", "UTC", utc(2026, 1, 14))
    poster = FakePoster(clock)
    poster.script.extend(TransientPostError("503") for _ in range(3))
    scheduler = make_scheduler(store, poster, clock, max_attempts=3)

    [outcome] = await scheduler.tick(clock.now)
    assert outcome.status == "gave_up" and poster.posts == []
    [retry] = await scheduler.tick(clock.advance(seconds=30))
    assert retry.status == "posted" and len(poster.posts) == 1


async def test_permanent_failure_is_not_retried_that_day(db: Database) -> None:
    clock = FakeClock(utc(2026, 1, 15, 9, 0))
    store = await db.open(clock=clock)
    key = await subscribe(store, "1", "09:00", "UTC", utc(2026, 1, 14))
    poster = FakePoster(clock)
    poster.script.append(PermanentPostError("403 Missing Access"))
    scheduler = make_scheduler(store, poster, clock)

    [outcome] = await scheduler.tick(clock.now)
    assert outcome.status == "failed"
    fresh = make_scheduler(await db.open(clock=clock), poster, clock)
    assert await fresh.tick(clock.advance(hours=1)) == []
    assert poster.calls == 1
    post = await store.get_post(key, date(2026, 1, 15))
    assert post is not None and post.error == "403 Missing Access"
    [tomorrow] = await fresh.tick(clock.advance(days=1))
    assert tomorrow.status == "posted"


# --- scheduler: downtime and catch-up -----------------------------------------------


async def test_down_across_posting_time_posts_one_catch_up(db: Database) -> None:
    clock = FakeClock(utc(2026, 1, 15, 7, 59))
    store = await db.open(clock=clock)
    key = await subscribe(store, "1", "09:00", "Europe/Paris", utc(2026, 1, 14))
    poster = FakePoster(clock)
    assert await make_scheduler(store, poster, clock).tick(clock.now) == []
    # down from 08:59 to 14:00 Paris; a new process catches up once
    restarted = make_scheduler(await db.open(clock=clock), poster, clock)
    clock.now = utc(2026, 1, 15, 13, 0)
    [outcome] = await restarted.tick(clock.now)
    assert outcome.status == "posted" and outcome.local_date == date(2026, 1, 15)
    for hours in (1, 5, 9):
        assert await restarted.tick(clock.now + timedelta(hours=hours)) == []
    [tomorrow] = await restarted.tick(utc(2026, 1, 16, 8, 0))
    assert tomorrow.local_date == date(2026, 1, 16)
    assert len(poster.posts) == 2 and await store.history(key) == [p[1] for p in poster.posts]


async def test_down_for_three_days_posts_once_today_and_none_for_missed_days(
    db: Database,
) -> None:
    clock = FakeClock(utc(2026, 1, 15, 8, 0))
    store = await db.open(clock=clock)
    key = await subscribe(store, "1", "09:00", "Europe/Paris", utc(2026, 1, 14))
    poster = FakePoster(clock)
    await make_scheduler(store, poster, clock).tick(clock.now)  # posts the 15th
    clock.now = utc(2026, 1, 18, 19, 0)  # back on the 18th, evening
    restarted = make_scheduler(await db.open(clock=clock), poster, clock)
    outcomes = await restarted.tick(clock.now)
    outcomes += await restarted.tick(clock.advance(seconds=30))
    assert [(o.status, o.local_date) for o in outcomes] == [("posted", date(2026, 1, 18))]
    dates = [await store.get_post(key, date(2026, 1, d)) for d in (15, 16, 17, 18)]
    assert [p is not None and p.message_id is not None for p in dates] == [
        True,
        False,
        False,
        True,
    ]
    assert len(poster.posts) == 2


async def test_subscribing_after_todays_slot_starts_tomorrow(db: Database) -> None:
    clock = FakeClock(utc(2026, 1, 15, 12, 0))
    store = await db.open(clock=clock)
    await subscribe(store, "1", "09:00", "UTC", clock.now)
    poster = FakePoster(clock)
    scheduler = make_scheduler(store, poster, clock)
    assert await scheduler.tick(clock.now) == []
    [outcome] = await scheduler.tick(utc(2026, 1, 16, 9, 0))
    assert outcome.local_date == date(2026, 1, 16)


# --- scheduler: DST -----------------------------------------------------------------

DST_CASES = [
    # zone, transition day, expected UTC post instants for 02:30 and 01:30 that day
    ("Europe/Paris", date(2026, 3, 29), utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 0, 30)),
    ("Europe/Paris", date(2026, 10, 25), utc(2026, 10, 25, 0, 30), utc(2026, 10, 24, 23, 30)),
    ("America/New_York", date(2026, 3, 8), utc(2026, 3, 8, 7, 0), utc(2026, 3, 8, 6, 30)),
    ("America/New_York", date(2026, 11, 1), utc(2026, 11, 1, 7, 30), utc(2026, 11, 1, 5, 30)),
]


@pytest.mark.parametrize(("tz", "day", "at_0230", "at_0130"), DST_CASES, ids=[f"{c[0]}-{c[1]}" for c in DST_CASES])
async def test_dst_transitions_post_exactly_once_each_local_day(
    db: Database, tz: str, day: date, at_0230: datetime, at_0130: datetime
) -> None:
    zone = ZoneInfo(tz)
    start = datetime.combine(day - timedelta(days=1), time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=2), time(0), zone).astimezone(UTC)
    clock = FakeClock(start)
    store = await db.open(clock=clock)
    k0230 = await subscribe(store, "0230", "02:30", tz, start - timedelta(minutes=1))
    k0130 = await subscribe(store, "0130", "01:30", tz, start - timedelta(minutes=1))
    poster = FakePoster(clock)
    scheduler = make_scheduler(store, poster, clock)

    while clock.now < end:  # a tick every 15 minutes across three local days
        await scheduler.tick(clock.now)
        clock.advance(minutes=15)

    days = [day - timedelta(days=1), day, day + timedelta(days=1)]
    counts = poster.per_channel_day(zone)
    for key in (k0230, k0130):
        assert [counts[(key, d)] for d in days] == [1, 1, 1], key
    posted_at = {(p[0], p[4].astimezone(zone).date()): p[4] for p in poster.posts if p[4]}
    assert posted_at[(k0230, day)] == at_0230
    assert posted_at[(k0130, day)] == at_0130
    assert posted_at[(k0130, days[0])] == slot_instant(days[0], time(1, 30), zone)


# --- scheduler: crash between claim and post (real SIGKILL) -------------------------


@pytest.mark.parametrize("mode", ["before-post", "after-post"])
async def test_sigkilled_process_then_restart_posts_once(db: Database, tmp_path: Path, mode: str) -> None:
    now = utc(2026, 1, 15, 9, 0)
    clock = FakeClock(now)
    store = await db.open(clock=clock)
    key = await subscribe(store, "1", "09:00", "UTC", utc(2026, 1, 14))
    log = tmp_path / "platform.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["--url", db.url or "", "--data-dir", str(db.data_dir), "--log", str(log)]
    args += ["--now", now.isoformat(), "--mode", mode, "--films", ",".join(FILMS)]
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.featured_worker",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert worker.stdout is not None
        line = await asyncio.wait_for(worker.stdout.readline(), timeout=20)
    finally:
        worker.kill()  # SIGKILL: no cleanup of any kind, a real crash
        _out, err = await asyncio.wait_for(worker.communicate(), timeout=10)
    assert line.decode().strip() == ("POSTED" if mode == "after-post" else "CLAIMED"), err.decode()
    assert worker.returncode == -signal.SIGKILL

    claimed = await store.get_post(key, now.date())
    assert claimed is not None and claimed.owner == "worker" and claimed.message_id is None
    poster = FileLogPoster(log)
    assert len(poster.entries()) == (1 if mode == "after-post" else 0)

    restarted = make_scheduler(store, poster, clock, owner="restarted")
    [early] = await restarted.tick(clock.advance(seconds=60))  # lease still running
    assert early.status == "busy"
    [outcome] = await restarted.tick(clock.advance(seconds=300))  # lease expired
    assert outcome.status == ("recovered" if mode == "after-post" else "posted")
    assert await restarted.tick(clock.advance(seconds=30)) == []

    entries = poster.entries()
    assert len(entries) == 1
    assert entries[0]["marker"] == marker(key, now.date())
    post = await store.get_post(key, now.date())
    assert post is not None and post.message_id == entries[0]["message_id"]
    assert await store.history(key) == [entries[0]["film"]] == [claimed.film_id]


async def test_two_bot_processes_firing_at_the_same_instant_post_once(db: Database, tmp_path: Path) -> None:
    now = utc(2026, 1, 15, 9, 0)
    store = await db.open(clock=FakeClock(now))
    key = await subscribe(store, "1", "09:00", "UTC", utc(2026, 1, 14))
    log = tmp_path / "platform.jsonl"
    args = ["--url", db.url or "", "--data-dir", str(db.data_dir), "--log", str(log)]
    args += ["--now", now.isoformat(), "--mode", "post", "--films", ",".join(FILMS), "--at", str(clock_time.time() + 4)]
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.featured_worker",
            *args,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    results = [await asyncio.wait_for(w.communicate(), timeout=60) for w in workers]
    assert all(w.returncode == 0 for w in workers), [err.decode() for _, err in results]
    statuses = sorted(" ".join(out.decode().split()[1:]) for out, _ in results)
    assert statuses in (["", "posted"], ["busy", "posted"]), statuses  # the loser finds it claimed or done
    entries = FileLogPoster(log).entries()
    assert len(entries) == 1 and entries[0]["marker"] == marker(key, now.date())


# --- scheduler: rotation, config, platforms, run loop -------------------------------


async def test_scheduler_rotates_without_repeats_and_new_films_join(db: Database) -> None:
    clock = FakeClock(utc(2026, 1, 1, 9, 0))
    store = await db.open(clock=clock)
    corpus = ["a", "b", "c", "d"]
    await subscribe(store, "1", "09:00", "UTC", utc(2025, 12, 31))
    await subscribe(store, "2", "09:00", "UTC", utc(2025, 12, 31))
    poster = FakePoster(clock)
    scheduler = Scheduler(store, poster, lambda: corpus, clock=clock, sleep=Sleeps(clock), owner="s")
    for _ in range(4):
        await scheduler.tick(clock.now)
        clock.advance(days=1)
    corpus.append("e")
    for _ in range(5):
        await scheduler.tick(clock.now)
        clock.advance(days=1)
    by_channel = {key: [p[1] for p in poster.posts if p[0] == key] for key in ("discord:1", "discord:2")}
    for key, films in by_channel.items():
        assert films[:4] == rotation_order(key, ["a", "b", "c", "d"])
        assert films[4] == "e"  # the new film joins before the rotation restarts
        assert films[5:] == rotation_order(key, corpus)[:4]  # restart, all five again
    assert by_channel["discord:1"] != by_channel["discord:2"]


async def test_apply_config_and_platform_filter(db: Database) -> None:
    clock = FakeClock(utc(2026, 1, 15, 8, 0))
    store = await db.open(clock=clock)
    config = FeaturedConfig(
        subscriptions=(
            Subscription("discord", "1", "9:00", "europe/paris"),
            Subscription("slack", "C1", "08:00", "UTC"),
        )
    )
    await apply_config(store, config)
    sub = await store.get_subscription("discord", "1")
    assert sub is not None and (sub.time, sub.timezone, sub.created_by) == (
        "09:00",
        "Europe/Paris",
        "config",
    )
    with pytest.raises(ScheduleError):
        await apply_config(store, FeaturedConfig((Subscription("slack", "C2", "25:00"),)))
    clock.now = utc(2026, 1, 15, 9, 0)  # a later restart re-applies: still due today
    await apply_config(store, config)
    poster = FakePoster(clock)
    discord_only = make_scheduler(store, poster, clock, platforms=["discord"])
    outcomes = await discord_only.tick(clock.now)
    assert [(o.channel_key, o.status) for o in outcomes] == [("discord:1", "posted")]


async def test_invalid_stored_schedule_is_skipped_not_fatal(db: Database) -> None:
    clock = FakeClock(utc(2026, 1, 15, 9, 0))
    store = await db.open(clock=clock)
    await subscribe(store, "bad", "09:00", "Nowhere/City", utc(2026, 1, 14))
    await subscribe(store, "good", "09:00", "UTC", utc(2026, 1, 14))
    poster = FakePoster(clock)
    outcomes = await make_scheduler(store, poster, clock).tick(clock.now)
    assert sorted((o.channel_key, o.status) for o in outcomes) == [
        ("discord:bad", "skipped"),
        ("discord:good", "posted"),
    ]


async def test_run_ticks_until_stopped(db: Database) -> None:
    clock = FakeClock(utc(2026, 1, 15, 8, 58))
    store = await db.open(clock=clock)
    await subscribe(store, "1", "09:00", "UTC", utc(2026, 1, 14))
    poster = FakePoster(clock)
    stop = asyncio.Event()
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds=seconds)
        if len(sleeps) >= 10:
            stop.set()
        await asyncio.sleep(0)

    scheduler = make_scheduler(store, poster, clock, sleep=sleep)
    await asyncio.wait_for(scheduler.run(stop), timeout=10)
    assert sleeps == [30.0] * 10
    assert len(poster.posts) == 1
    assert poster.posts[0][4] == utc(2026, 1, 15, 9, 0)


async def test_the_configured_lease_holds_a_dead_claim_that_long_then_the_post_is_searched_from_the_claim(
    db: Database,
) -> None:
    from bot.config import load_config
    from bot.engine import Engine
    from bot.featured import FeaturedCommands
    from bot.models import Film

    config = load_config(env={"REVIEWBOT_FEATURED_LEASE_SECONDS": "600"})
    claimed = utc(2026, 1, 15, 9, 0)
    clock = FakeClock(claimed)
    store = await db.open(clock=clock)
    await subscribe(store, "1", "09:00", "UTC", utc(2026, 1, 1))
    engine = Engine([Film.of(f, f.title(), None, f"{f} is a fine film.") for f in FILMS])
    commands = FeaturedCommands(store, engine, clock, lease_seconds=config.featured.lease_seconds)
    hangs = FakePoster(clock, delay=3600)
    dying = asyncio.create_task(commands.scheduler(hangs, "discord", clock=clock, owner="dying").tick(claimed))
    await _until(lambda: hangs.calls > 0)
    dying.cancel()  # the replica dies mid-post, holding the claim
    poster = FakePoster(clock)
    other = commands.scheduler(poster, "discord", clock=clock, sleep=Sleeps(clock), owner="other")
    [busy] = await other.tick(clock.advance(seconds=599))
    assert busy.status == "busy", "held off for the configured 600 s, not the default 300"
    [posted] = await other.tick(clock.advance(seconds=2))
    assert posted.status == "posted" and len(poster.posts) == 1
    assert poster.since == [claimed], "the earlier post is searched for from the day's first claim"


async def _until(condition: Callable[[], bool], within: float = 5.0) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - a condition of another task's progress, polled briefly
            await asyncio.sleep(0.01)
