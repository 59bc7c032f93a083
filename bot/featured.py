"""The daily featured review: schedule arithmetic, rotation and a platform-neutral scheduler.

Adapters supply a `Poster` (how to post to one channel and how to find a post by its
idempotency marker); `Scheduler.tick(now)` does the rest, exactly once per channel and
local day across restarts and replicas (see docs/storage.md for the protocol).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import socket
import uuid
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo, available_timezones

from bot import messages
from bot.answers import ReviewCard
from bot.config import LEASE_SECONDS, RETRY_WAIT_MAX, FeaturedConfig
from bot.engine import Engine
from bot.store import ChannelSubscription, Claim, Store, channel_key

log = logging.getLogger(__name__)

MARKER_PREFIX = "rb-feat-"
MARKER_LENGTH = 25  # Discord nonces are at most 25 characters

# --- validation -----------------------------------------------------------------------


class ScheduleError(ValueError):
    """A subscription time or timezone is invalid; `str(error)` is user-facing text."""


_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def validate_time(value: str) -> str:
    """Check a 24-hour "HH:MM" time of day and return it normalised ("9:05" -> "09:05")."""
    match = _TIME_RE.match(value.strip())
    if match is None:
        raise ScheduleError(messages.FEATURED_BAD_TIME.format(value=value))
    return f"{int(match.group(1)):02d}:{match.group(2)}"


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def validate_timezone(value: str) -> str:
    """Check an IANA timezone name and return its canonical spelling ("utc" -> "UTC")."""
    name = _zones().get(value.strip().casefold())
    if name is None:
        raise ScheduleError(messages.FEATURED_BAD_TIMEZONE.format(value=value))
    return name


def parse_time(value: str) -> time:
    """A validated "HH:MM" as a `datetime.time`."""
    hours, minutes = validate_time(value).split(":")
    return time(int(hours), int(minutes))


# --- schedule arithmetic --------------------------------------------------------------


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None, fold=0)


def slot_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of local time `at` on local date `day`.

    A nonexistent local time (spring forward) maps to the first valid instant after it
    (the end of the gap); an ambiguous one (fall back) maps to its first occurrence.
    """
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(first, zone) == naive:
        return first  # exists (fold=0 is the earlier of two occurrences)
    # In a gap: fold=0/1 use the offsets before/after it and land either side of the
    # transition. Find the first instant whose wall time is at or after `naive`.
    second = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    lo, hi = min(first, second), max(first, second)  # wall(lo) < naive <= wall(hi)
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        mid = mid.replace(microsecond=0)
        if mid <= lo:
            break
        if _wall(mid, zone) >= naive:
            hi = mid
        else:
            lo = mid
    return hi


def due_date(at: time, zone: ZoneInfo, now: datetime, active_from: datetime | None = None) -> date | None:
    """The local date whose slot is due at `now`, or None.

    Only today's (local) slot can be due: if the bot was down at posting time it catches
    up later the same local day, never for earlier days. A slot before `active_from`
    (when the schedule was set) is not due.
    """
    today = now.astimezone(zone).date()
    slot = slot_instant(today, at, zone)
    if now < slot:
        return None
    if active_from is not None and slot < active_from:
        return None
    return today


def marker(channel_key: str, local_date: date) -> str:
    """The idempotency marker of a channel's post for one local date (25 chars)."""
    digest = hashlib.sha256(f"{channel_key}|{local_date.isoformat()}".encode()).hexdigest()
    return (MARKER_PREFIX + digest)[:MARKER_LENGTH]


# --- rotation -------------------------------------------------------------------------


def rotation_order(channel_key: str, film_ids: Iterable[str]) -> list[str]:
    """A channel's deterministic film order; differs between channels."""

    def rank(film_id: str) -> tuple[str, str]:
        return hashlib.sha256(f"{channel_key}\0{film_id}".encode()).hexdigest(), film_id

    return sorted(set(film_ids), key=rank)


def pick(channel_key: str, film_ids: Sequence[str], history: Sequence[str]) -> str:
    """The next film for a channel: one it has not had in the current cycle.

    History (oldest first) is split into cycles: a cycle ends when it covers the whole
    current corpus or a film repeats. Films added later are unseen, so they join the
    current cycle; films no longer in the corpus are ignored.
    """
    order = rotation_order(channel_key, film_ids)
    if not order:
        raise ValueError("no films to pick from")
    corpus = set(order)
    cycle: set[str] = set()
    for film in history:
        if film not in corpus:
            continue
        if film in cycle or len(cycle) == len(corpus):
            cycle = set()
        cycle.add(film)
    if len(cycle) == len(corpus):
        cycle = set()
    return next(f for f in order if f not in cycle)


# --- posting --------------------------------------------------------------------------


class TransientPostError(Exception):
    """A post failed in a way that may succeed later (5xx, 429, timeouts)."""

    def __init__(self, message: str = "transient post failure", retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentPostError(Exception):
    """A post cannot succeed (channel gone, no permission): do not retry today."""


class Poster(Protocol):
    """What an adapter provides to post featured reviews."""

    async def find_existing(self, channel_key: str, marker: str, since: datetime) -> str | None:
        """The id of a message in the channel carrying `marker`, if any, searching back to `since` (when the day
        was first claimed: its post cannot be older), however busy the channel (within a sensible bound)."""
        ...

    async def post(self, channel_key: str, film_id: str, marker: str) -> str:
        """Post the film's featured review tagged with `marker`; return the message id.

        Raise `TransientPostError` (with `retry_after` when the platform says) or
        `PermanentPostError`.
        """
        ...


Status = Literal["posted", "recovered", "busy", "failed", "gave_up", "lost", "skipped", "error"]
REPORTED: frozenset[Status] = frozenset({"posted", "recovered", "failed", "gave_up", "lost", "error"})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a tick did for one due subscription."""

    channel_key: str
    local_date: date | None
    status: Status
    message_id: str | None = None
    detail: str = ""


def default_owner() -> str:
    """A claim owner id unique to this process: host:pid:random."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def apply_config(store: Store, config: FeaturedConfig) -> None:
    """Store the subscriptions listed in the config file (created_by "config").

    Re-applying an unchanged subscription keeps its `active_from`, so restarts still
    catch up on today's post. Raises `ScheduleError` for a bad time or timezone.
    """
    for sub in config.subscriptions:
        await store.subscribe(
            sub.platform,
            sub.channel,
            validate_time(sub.time),
            validate_timezone(sub.timezone),
            created_by="config",
        )


class Scheduler:
    """Posts each subscribed channel's featured review once per local day.

    `films` returns the current corpus ids (called each time a film is chosen, so new
    films join the rotation). `clock` and `sleep` are injected for tests. Only
    subscriptions of `platforms` are handled (all when None). `report` is called with each
    outcome worth counting (`REPORTED`, plus "retried" for each retry and "released" for a
    claim given back at shutdown).
    """

    def __init__(
        self,
        store: Store,
        poster: Poster,
        films: Callable[[], Iterable[str]],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        owner: str | None = None,
        platforms: Collection[str] | None = None,
        lease_seconds: float = LEASE_SECONDS,
        interval: float = 30.0,
        max_attempts: int = 6,
        base_backoff: float = 1.0,
        max_backoff: float = RETRY_WAIT_MAX,
        concurrency: int = 8,
        report: Callable[[str], object] | None = None,
    ) -> None:
        if max_backoff * 2 >= lease_seconds:
            raise ValueError("lease_seconds must exceed twice max_backoff")
        self.store = store
        self.poster = poster
        self.owner = owner or default_owner()
        self.interval = interval
        self.lease_seconds = lease_seconds
        self._films = films
        self._clock = clock
        self._sleep = sleep
        self._platforms = None if platforms is None else frozenset(platforms)
        self._max_attempts = max_attempts
        self._base_backoff = base_backoff
        self._max_backoff = max_backoff
        self._semaphore = asyncio.Semaphore(concurrency)
        self._done: set[tuple[str, date]] = set()
        self._report = report or (lambda outcome: None)

    async def tick(self, now: datetime) -> list[Outcome]:
        """Post every due, unposted subscription; one Outcome per subscription acted on."""
        subs = await self.store.list_subscriptions()
        if self._platforms is not None:
            subs = [s for s in subs if s.platform in self._platforms]
        results = await asyncio.gather(*(self._guarded(s, now) for s in subs))
        for outcome in results:
            if outcome is not None and outcome.status in REPORTED:
                self._report(outcome.status)
        if self._done:  # forget finished days older than yesterday (UTC) to bound memory
            horizon = now.date() - timedelta(days=2)
            self._done = {d for d in self._done if d[1] >= horizon}
        return [r for r in results if r is not None]

    async def run(self, stop: asyncio.Event, *, grace: float = 4.0) -> None:
        """Tick every `interval` seconds until `stop` is set; errors are logged, not raised.

        A tick under way when `stop` is set gets `grace` seconds to finish; then it is cancelled,
        and a post it had claimed but not recorded is released (the next holder looks for it
        before posting, so it is neither lost nor made twice).
        """
        while not stop.is_set():
            tick = asyncio.ensure_future(self.tick(self._clock()))
            try:
                await self._wait(stop, None, tick)
                if not tick.done():
                    await asyncio.wait({tick}, timeout=grace)
            finally:
                if not tick.done():
                    tick.cancel()
                await asyncio.gather(tick, return_exceptions=True)
            if not tick.cancelled() and tick.exception() is not None:
                log.error("featured: tick failed", exc_info=tick.exception())
            await self._wait(stop, self.interval)

    async def _wait(self, stop: asyncio.Event, seconds: float | None, job: asyncio.Future[Any] | None = None) -> None:
        """Until `stop` is set, `seconds` have passed or `job` is done, whichever comes first."""
        stopper = asyncio.ensure_future(stop.wait())
        waits: set[asyncio.Future[Any]] = {stopper}
        if seconds is not None:
            waits.add(asyncio.ensure_future(self._sleep(seconds)))
        try:
            await asyncio.wait(waits | ({job} if job else set()), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()

    async def _guarded(self, sub: ChannelSubscription, now: datetime) -> Outcome | None:
        async with self._semaphore:
            try:
                return await self._process(sub, now)
            except Exception as e:
                log.exception("featured: %s failed", sub.channel_key)
                return Outcome(sub.channel_key, None, "error", detail=str(e))

    async def _process(self, sub: ChannelSubscription, now: datetime) -> Outcome | None:
        key = sub.channel_key
        try:
            at = parse_time(sub.time)
            zone = ZoneInfo(validate_timezone(sub.timezone))
        except ScheduleError as e:
            log.warning("featured: %s has an invalid schedule: %s", key, e)
            return Outcome(key, None, "skipped", detail=str(e))
        day = due_date(at, zone, now, sub.active_from)
        if day is None or (key, day) in self._done:
            return None
        existing = await self.store.get_post(key, day)
        if existing is not None and existing.done:
            self._done.add((key, day))
            return None
        if existing is not None and existing.lease_expires_at >= now:
            return Outcome(key, day, "busy", detail=f"claimed by {existing.owner}")
        films = list(self._films())
        if not films:
            log.warning("featured: no films loaded (empty corpus, or still reading it); nothing to post to %s yet", key)
            return Outcome(key, day, "skipped", detail="empty corpus")
        film = pick(key, films, await self.store.history(key))
        claim = await self.store.claim(key, day, self.owner, self.lease_seconds, now, film)
        if claim is None:
            return Outcome(key, day, "busy")
        chosen = claim.film_id or film
        tag = marker(key, day)
        if claim.reclaimed:
            # An earlier holder died (or lost its lease) after claiming: it may have posted.
            found = await self.poster.find_existing(key, tag, claim.claimed_at)
            if found is not None:
                await self.store.record_post(key, day, found, chosen, now)
                self._done.add((key, day))
                log.info("featured: %s %s was already posted (%s)", key, day, found)
                return Outcome(key, day, "recovered", found)
        if chosen not in films:  # the film first chosen left the corpus (a reload) before it was posted
            chosen = film
        return await self._post(claim, chosen, tag)

    async def _post(self, claim: Claim, film: str, tag: str) -> Outcome:
        try:
            return await self._attempts(claim, film, tag)
        except asyncio.CancelledError:
            # Shutting down mid-post: give the claim back at once. The post may have gone out;
            # whoever claims next looks for it by its marker before posting.
            released = asyncio.ensure_future(self.store.release(claim, self._clock()))
            await asyncio.wait({released}, timeout=1.0)
            if released.done() and not released.cancelled() and released.exception() is None:
                log.info("featured: released %s %s at shutdown", claim.channel_key, claim.local_date)
                self._report("released")
            raise

    async def _attempts(self, claim: Claim, film: str, tag: str) -> Outcome:
        key, day = claim.channel_key, claim.local_date
        attempt = 0
        while True:
            attempt += 1
            renewed = await self.store.renew(claim, self.lease_seconds, self._clock())
            if renewed is None:
                return Outcome(key, day, "lost", detail="claim taken over")
            claim = renewed
            try:
                message_id = await self.poster.post(key, film, tag)
                status: Status = "posted"
            except PermanentPostError as e:
                log.error("featured: posting to %s failed for good: %s", key, e)
                await self.store.mark_failed(claim, str(e) or type(e).__name__)
                self._done.add((key, day))
                return Outcome(key, day, "failed", detail=str(e))
            except TransientPostError as e:
                if attempt >= self._max_attempts:
                    log.warning("featured: giving up on %s for now: %s", key, e)
                    await self.store.release(claim, self._clock())
                    return Outcome(key, day, "gave_up", detail=str(e))
                if e.retry_after is not None and e.retry_after > self._max_backoff:
                    # Too long to wait here: hold the day off for everyone until then.
                    until = self._clock() + timedelta(seconds=e.retry_after)
                    await self.store.release(claim, until)
                    return Outcome(key, day, "gave_up", detail=f"retry after {e.retry_after}s")
                delay = self._backoff(attempt, e.retry_after)
                log.info("featured: %s: %s; retrying in %.1fs", key, e, delay)
                self._report("retried")
                await self._sleep(delay)
                # The failed call may have posted after all (e.g. a 500 after the write).
                found = await self.poster.find_existing(key, tag, claim.claimed_at)
                if found is None:
                    continue
                message_id, status = found, "recovered"
            await self.store.record_post(key, day, message_id, film, self._clock())
            self._done.add((key, day))
            log.info("featured: posted %s to %s for %s (%s)", film, key, day, message_id)
            return Outcome(key, day, status, message_id)

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return max(retry_after, 0.0)
        return float(min(self._max_backoff, self._base_backoff * 2 ** (attempt - 1)))


# --- commands -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeaturedReply:
    """What a /featured command shows: text, privately or not, and for `today` the card."""

    text: str
    ephemeral: bool = True
    answer: ReviewCard | None = None


class FeaturedCommands:
    """`/featured subscribe|unsubscribe|status|today`, the same on every platform.

    Adapters check who may change subscriptions (Discord Manage Server, Slack admins) and
    pass `is_admin`; everything else, including every message, is decided here.
    """

    ACTIONS = ("subscribe", "unsubscribe", "status", "today")

    def __init__(
        self,
        store: Store,
        engine: Engine,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        lease_seconds: float = LEASE_SECONDS,
    ):
        """`lease_seconds` (`featured.lease_seconds`): the lease of the schedulers `scheduler` makes."""
        self.store = store
        self.engine = engine
        self.lease_seconds = lease_seconds
        self._clock = clock

    def scheduler(self, poster: Poster, platform: str, **options: Any) -> Scheduler:
        """The `Scheduler` of one platform's subscriptions, posting with `poster` the films of this engine."""
        engine = self.engine
        options.setdefault("lease_seconds", self.lease_seconds)
        return Scheduler(self.store, poster, lambda: [f.id for f in engine.films], platforms={platform}, **options)

    async def run(self, platform: str, channel: str, text: str, *, user: str, is_admin: bool) -> FeaturedReply:
        """Parse a command line such as `subscribe 09:00 Europe/Paris` (Slack) and run it."""
        words = text.split()
        action = words[0].lower() if words else "status"
        if action not in self.ACTIONS:
            return FeaturedReply(messages.FEATURED_USAGE)
        if action == "subscribe":
            if len(words) < 2:
                return FeaturedReply(messages.FEATURED_USAGE)
            zone = words[2] if len(words) > 2 else "UTC"
            return await self.subscribe(platform, channel, words[1], zone, user=user, is_admin=is_admin)
        if action == "unsubscribe":
            return await self.unsubscribe(platform, channel, is_admin=is_admin)
        if action == "today":
            return await self.today(platform, channel)
        return await self.status(platform, channel)

    async def subscribe(
        self, platform: str, channel: str, at: str, timezone: str, *, user: str, is_admin: bool
    ) -> FeaturedReply:
        """Post the featured review in `channel` every day at `at` local time in `timezone`."""
        if not is_admin:
            return FeaturedReply(messages.FEATURED_ADMINS_ONLY)
        try:
            at, timezone = validate_time(at), validate_timezone(timezone)
        except ScheduleError as exc:
            return FeaturedReply(str(exc))
        await self.store.subscribe(platform, channel, at, timezone, created_by=user)
        return FeaturedReply(messages.FEATURED_SUBSCRIBED.format(time=at, timezone=timezone), ephemeral=False)

    async def unsubscribe(self, platform: str, channel: str, *, is_admin: bool) -> FeaturedReply:
        """Stop the channel's featured posts."""
        if not is_admin:
            return FeaturedReply(messages.FEATURED_ADMINS_ONLY)
        if await self.store.unsubscribe(platform, channel):
            return FeaturedReply(messages.FEATURED_UNSUBSCRIBED, ephemeral=False)
        return FeaturedReply(messages.FEATURED_NOT_SUBSCRIBED)

    async def status(self, platform: str, channel: str) -> FeaturedReply:
        """The channel's schedule and when the next post is due."""
        sub = await self.store.get_subscription(platform, channel)
        if sub is None:
            return FeaturedReply(messages.FEATURED_NOT_SUBSCRIBED)
        zone = ZoneInfo(sub.timezone)
        now = self._clock()
        today = now.astimezone(zone).date()
        posted = await self.store.get_post(sub.channel_key, today)
        day = (
            today + timedelta(days=1)
            if (posted and posted.done) or now >= slot_instant(today, parse_time(sub.time), zone)
            else today
        )
        return FeaturedReply(
            messages.FEATURED_STATUS.format(time=sub.time, timezone=sub.timezone, next=day.isoformat())
        )

    async def today(self, platform: str, channel: str) -> FeaturedReply:
        """A preview of the channel's featured review for today (the posted one, once posted)."""
        if not self.engine.ready:
            return FeaturedReply(messages.STILL_READING)
        ids = [f.id for f in self.engine.films]
        if not ids:
            return FeaturedReply(messages.EMPTY_CORPUS)
        key = channel_key(platform, channel)
        sub = await self.store.get_subscription(platform, channel)
        zone = ZoneInfo(sub.timezone) if sub else UTC
        posted = await self.store.get_post(key, self._clock().astimezone(zone).date())
        film = self.engine.film(posted.film_id) if posted and posted.film_id else None
        if film is None:
            film = self.engine.film(pick(key, ids, await self.store.history(key)))
        assert film is not None
        card = self.engine.card(film)
        return FeaturedReply(messages.FEATURED_TODAY.format(title=film.title), ephemeral=False, answer=card)
