"""/featured on Discord and the daily post: real discord.py against the fake, real Store on both backends."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import discord
import pytest

from adapters.discord_bot import DiscordPoster, post_error, timezone_choices
from bot import messages
from bot.config import DiscordConfig
from bot.engine import Engine
from bot.featured import FeaturedCommands, PermanentPostError, Scheduler, TransientPostError, marker
from bot.models import Film, Review
from bot.store import Store
from tests.fakes.discord_driver import DiscordDriver, discord_driver, to_reply
from tests.fakes.discord_fake import (
    BOT_ID,
    MANAGE_GUILD,
    MEMBER_PERMISSIONS,
    USER_ID,
    FakeDiscord,
    Recorded,
)
from tests.storage_fixtures import Database, FakeClock, Sleeps

ADMIN = str(int(MEMBER_PERMISSIONS) | MANAGE_GUILD)
MEMBER = MEMBER_PERMISSIONS
START = datetime(2026, 1, 15, 7, 0, tzinfo=UTC)  # 08:00 in Paris
SLOT = datetime(2026, 1, 15, 8, 0, tzinfo=UTC)  # 09:00 in Paris
DAY = date(2026, 1, 15)


def films(engine: Engine) -> list[str]:
    return [f.id for f in engine.films]


def scheduler(store: Store, poster: DiscordPoster, clock: FakeClock, engine: Engine, **kw: object) -> Scheduler:
    return Scheduler(
        store,
        poster,
        lambda: films(engine),
        clock=clock,
        sleep=kw.pop("sleep", Sleeps(clock)),  # type: ignore[arg-type]
        platforms={"discord"},
        **kw,  # type: ignore[arg-type]
    )


def creates(fake: FakeDiscord, channel: str = "c1") -> list[Recorded]:
    path = f"/channels/{fake.channel_id(channel)}/messages"
    return [r for r in fake.requests if r.method == "POST" and r.path == path]


def key(fake: FakeDiscord, channel: str = "c1") -> str:
    return f"discord:{fake.channel_id(channel)}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@contextlib.asynccontextmanager
async def featured_bot(engine: Engine, store: Store, clock: FakeClock) -> AsyncIterator[DiscordDriver]:
    async with discord_driver(engine, DiscordConfig(), featured=FeaturedCommands(store, engine, clock=clock)) as d:
        yield d


# --- commands ------------------------------------------------------------------------


async def test_only_manage_server_subscribes(db: Database, engine: Engine, clock: FakeClock) -> None:
    store = await db.open(clock=clock)
    async with featured_bot(engine, store, clock) as d:
        (group,) = [c for c in d.fake.commands[None] if c["name"] == "featured"]
        assert [o["name"] for o in group["options"]] == ["subscribe", "unsubscribe", "status", "today"]
        assert group["default_member_permissions"] is None  # status/today stay visible to everyone
        assert {"review", "verdict", "ask", "help"} <= set(d.fake.command_names())
        channel = str(d.fake.channel_id("c1"))

        (refused,) = await d.featured("subscribe", {"time": "09:00", "timezone": "Europe/Paris"}, permissions=MEMBER)
        assert refused.ephemeral and messages.FEATURED_ADMINS_ONLY in refused.text
        assert await store.get_subscription("discord", channel) is None

        (done,) = await d.featured("subscribe", {"time": "9:00", "timezone": "europe/paris"}, permissions=ADMIN)
        assert not done.ephemeral
        assert messages.FEATURED_SUBSCRIBED.format(time="09:00", timezone="Europe/Paris") in done.text
        sub = await store.get_subscription("discord", channel)
        assert sub is not None and (sub.time, sub.timezone, sub.created_by) == ("09:00", "Europe/Paris", str(USER_ID))

        (kept,) = await d.featured("unsubscribe", permissions=MEMBER)
        assert kept.ephemeral and messages.FEATURED_ADMINS_ONLY in kept.text
        assert await store.get_subscription("discord", channel) is not None
        (gone,) = await d.featured("unsubscribe", permissions=ADMIN)
        assert not gone.ephemeral and messages.FEATURED_UNSUBSCRIBED in gone.text
        assert await store.list_subscriptions() == []


async def test_bad_time_timezone_and_dms_get_ephemeral_answers(db: Database, engine: Engine, clock: FakeClock) -> None:
    store = await db.open(clock=clock)
    async with featured_bot(engine, store, clock) as d:
        (bad_time,) = await d.featured("subscribe", {"time": "25:61", "timezone": "UTC"}, permissions=ADMIN)
        assert bad_time.ephemeral and messages.FEATURED_BAD_TIME.format(value="25:61") in bad_time.text
        (bad_zone,) = await d.featured("subscribe", {"time": "09:00", "timezone": "Mars/Olympus"}, permissions=ADMIN)
        assert bad_zone.ephemeral and messages.FEATURED_BAD_TIMEZONE.format(value="Mars/Olympus") in bad_zone.text
        (in_dm,) = await d.featured("subscribe", {"time": "09:00", "timezone": "UTC"}, guild=False)
        assert in_dm.ephemeral and messages.DISCORD_FEATURED_GUILD_ONLY in in_dm.text
        (today_dm,) = await d.featured("today", guild=False)
        assert today_dm.ephemeral and today_dm.buttons == ()
        assert await store.list_subscriptions() == []
        assert not [r for r in d.fake.requests if r.status >= 400]


async def test_status_and_today_for_every_member(db: Database, engine: Engine, clock: FakeClock) -> None:
    store = await db.open(clock=clock)
    async with featured_bot(engine, store, clock) as d:
        (none,) = await d.featured("status", permissions=MEMBER)
        assert none.ephemeral and messages.FEATURED_NOT_SUBSCRIBED in none.text
        await d.featured("subscribe", {"time": "09:00", "timezone": "Europe/Paris"}, permissions=ADMIN)
        (status,) = await d.featured("status", permissions=MEMBER)
        assert messages.FEATURED_STATUS.format(time="09:00", timezone="Europe/Paris", next="2026-01-15") in status.text

        (today,) = await d.featured("today", permissions=MEMBER)
        assert not today.ephemeral
        assert today.buttons == ("Full review", "Verdict")
        (embed,) = today.raw["embeds"]
        assert today.raw["content"] == messages.FEATURED_TODAY.format(title=embed["title"])
        assert embed["title"] in {f.title for f in engine.films} and embed["fields"]
        (full, *_) = await d.click(today, "Full review")
        assert full.raw["embeds"][0]["title"] == embed["title"]


async def test_timezone_autocomplete_offers_at_most_25(tmp_path: object, engine: Engine, clock: FakeClock) -> None:
    store = await Store.open(None, tmp_path, clock=clock)  # type: ignore[arg-type]
    try:
        async with featured_bot(engine, store, clock) as d:
            seen: dict[str, list[str]] = {}
            for typed in ("", "paris", "america", "new york", "EUROPE/BER", "zzz"):
                choices = await d.fake.autocomplete("featured subscribe", "timezone", typed)
                assert len(choices) <= 25
                assert all(1 <= len(c["name"]) <= 100 and c["name"] == c["value"] for c in choices)
                seen[typed] = [c["value"] for c in choices]
            assert "UTC" in seen[""] and "Europe/Paris" in seen[""]
            assert seen["paris"][0] == "Europe/Paris"
            assert len(seen["america"]) == 25 and all("America" in n for n in seen["america"])
            assert seen["new york"] == ["America/New_York"]
            assert seen["EUROPE/BER"][0] == "Europe/Berlin"
            assert seen["zzz"] == []
    finally:
        await store.close()
    assert timezone_choices("utc")[0].value == "UTC"


async def test_no_featured_command_without_featured(engine: Engine) -> None:
    async with discord_driver(engine, DiscordConfig()) as d:
        assert "featured" not in d.fake.command_names()


# --- the daily post --------------------------------------------------------------------


async def test_scheduler_posts_the_card_once_at_the_due_time(db: Database, engine: Engine, clock: FakeClock) -> None:
    store = await db.open(clock=clock)
    async with featured_bot(engine, store, clock) as d:
        await d.featured("subscribe", {"time": "09:00", "timezone": "Europe/Paris"}, permissions=ADMIN)
        poster = DiscordPoster(d.client, engine, timeout=2.0)
        sched = scheduler(store, poster, clock, engine)

        assert await sched.tick(clock.advance(minutes=59)) == []  # 08:59 in Paris
        assert d.fake.bot_posts("c1") == []
        clock.now = SLOT
        (outcome,) = await sched.tick(SLOT)
        assert outcome.status == "posted"
        (post,) = d.fake.bot_posts("c1")
        assert outcome.message_id == str(post.id)

        tag = marker(key(d.fake), DAY)
        (request,) = creates(d.fake)
        assert request.body["nonce"] == tag and request.body["enforce_nonce"] is True
        assert request.body["allowed_mentions"]["parse"] == []
        assert "nonce" not in post.data  # as in Discord's history: hence the marker in the footer
        assert post.data["content"] == f"**{messages.FEATURED_POST}**"
        (embed,) = post.data["embeds"]
        assert embed["footer"]["text"].endswith(tag)
        recorded = await store.get_post(key(d.fake), DAY)
        assert recorded is not None and recorded.message_id == str(post.id)
        assert embed["title"] == engine.film(recorded.film_id or "").title  # type: ignore[union-attr]
        assert to_reply(post).buttons == ("Full review", "Verdict")

        assert await sched.tick(clock.advance(minutes=30)) == []
        restarted = scheduler(store, DiscordPoster(d.client, engine), clock, engine)
        assert await restarted.tick(clock.advance(minutes=30)) == []
        assert len(d.fake.bot_posts("c1")) == 1 and len(creates(d.fake)) == 1

        # /featured today now shows the film that was posted
        (today,) = await d.featured("today", permissions=MEMBER)
        assert today.raw["embeds"][0]["title"] == embed["title"]


async def test_500s_and_429s_then_exactly_one_post(db: Database, engine: Engine, clock: FakeClock) -> None:
    store = await db.open(clock=clock)
    async with featured_bot(engine, store, clock) as d:
        await store.subscribe("discord", str(d.fake.channel_id("c1")), "09:00", "Europe/Paris", created_by="t")
        d.fake.fail_creates("c1", 2, status=500)
        d.fake.rate_limit_next_create("c1", retry_after=0.2, via=False)  # Cloudflare-style: discord.py raises
        d.fake.rate_limit_next_create("c1", retry_after=0.2)  # Discord's own: discord.py sleeps and retries
        # discord.py would sleep 1 s and 3 s between the 500s: the poster's timeout cuts that short.
        poster = DiscordPoster(d.client, engine, timeout=0.4)
        sleeps = Sleeps(clock)
        started = time.monotonic()
        clock.now = SLOT
        (outcome,) = await scheduler(store, poster, clock, engine, sleep=sleeps).tick(SLOT)
        assert time.monotonic() - started < 5
        assert outcome.status == "posted"
        assert [r.status for r in creates(d.fake)] == [500, 500, 429, 429, 200]
        assert sleeps.delays == [1.0, 2.0, 1.0]  # backoff, backoff, then Retry-After: 1
        (post,) = d.fake.bot_posts("c1")
        assert {r.body["nonce"] for r in creates(d.fake)} == {marker(key(d.fake), DAY)}
        recorded = await store.get_post(key(d.fake), DAY)
        assert recorded is not None and recorded.message_id == str(post.id)
        assert len([r for r in d.fake.requests if r.method == "GET" and r.path.endswith("/messages")]) == 3


async def test_crash_between_post_and_record_is_recovered(db: Database, engine: Engine, clock: FakeClock) -> None:
    store = await db.open(clock=clock)
    async with featured_bot(engine, store, clock) as d:
        channel_key = key(d.fake)
        await store.subscribe("discord", str(d.fake.channel_id("c1")), "09:00", "Europe/Paris", created_by="t")
        # A replica claims the day and posts, then dies before recording the post.
        film = films(engine)[0]
        claim = await store.claim(channel_key, DAY, "dead-replica", 300, SLOT, film)
        assert claim is not None
        message_id = await DiscordPoster(d.client, engine).post(channel_key, film, marker(channel_key, DAY))
        await d.fake.send_message("nice film", mention_bot=False)  # later traffic does not hide the post

        clock.now = SLOT + timedelta(seconds=301)  # the dead replica's lease has expired
        fresh = scheduler(await db.open(clock=clock), DiscordPoster(d.client, engine), clock, engine)
        (outcome,) = await fresh.tick(clock.now)
        assert (outcome.status, outcome.message_id) == ("recovered", message_id)
        assert len(creates(d.fake)) == 1 and [str(m.id) for m in d.fake.bot_posts("c1")] == [message_id]
        recorded = await store.get_post(channel_key, DAY)
        assert recorded is not None and (recorded.message_id, recorded.film_id) == (message_id, film)
        assert await fresh.tick(clock.advance(minutes=5)) == []


async def test_recovery_finds_the_post_in_a_busy_channel(db: Database, engine: Engine, clock: FakeClock) -> None:
    store = await db.open(clock=clock)
    async with featured_bot(engine, store, clock) as d:
        channel_key = key(d.fake)
        claimed = clock.now = datetime.now(UTC)  # Discord's ids carry the wall clock's time: so does the claim
        # Due today, whatever the time: a subscription at 00:00 set yesterday, in a zone where it is about noon
        # now, so that the five minutes below never cross a local midnight.
        shift = (12 - claimed.hour + 12) % 24 - 12  # hours ahead of UTC, -12..11
        zone = "UTC" if shift == 0 else f"Etc/GMT{-shift:+d}"  # Etc/GMT-3 is three hours ahead of UTC
        day = claimed.astimezone(ZoneInfo(zone)).date()
        await store.subscribe("discord", str(d.fake.channel_id("c1")), "00:00", zone, created_by="t",
                              now=claimed - timedelta(days=1))  # fmt: skip
        film = films(engine)[0]
        assert await store.claim(channel_key, day, "dead-replica", 300, claimed, film) is not None
        for n in range(150):  # a busy channel: the post went out slowly, after a lot of chatter
            await d.fake.send_message(f"chatter {n}", mention_bot=False)
        message_id = await DiscordPoster(d.client, engine).post(channel_key, film, marker(channel_key, day))
        for n in range(80):  # and more after it, while the replica that posted it was dead
            await d.fake.send_message(f"later {n}", mention_bot=False)
        clock.now = claimed + timedelta(seconds=301)
        fresh = scheduler(await db.open(clock=clock), DiscordPoster(d.client, engine), clock, engine)
        (outcome,) = await fresh.tick(clock.now)
        assert (outcome.status, outcome.message_id) == ("recovered", message_id), "not posted twice"
        assert [str(m.id) for m in d.fake.bot_posts("c1")] == [message_id]
        reads = [r for r in d.fake.requests if r.method == "GET" and r.path.endswith("/messages")]
        assert len(reads) == 2, "oldest first from the claim: two pages of 100, not the whole channel"


async def test_two_schedulers_one_database_post_once(db: Database, engine: Engine, clock: FakeClock) -> None:
    store_a, store_b = await db.open(clock=clock), await db.open(clock=clock)
    async with featured_bot(engine, store_a, clock) as d:
        await d.featured("subscribe", {"time": "09:00", "timezone": "Europe/Paris"}, permissions=ADMIN)
        a = scheduler(store_a, DiscordPoster(d.client, engine), clock, engine, owner="replica-a")
        b = scheduler(store_b, DiscordPoster(d.client, engine), clock, engine, owner="replica-b")
        clock.now = SLOT
        results = await asyncio.gather(a.tick(SLOT), b.tick(SLOT))
        statuses = sorted(o.status for r in results for o in r)
        assert statuses in (["busy", "posted"], ["posted"])
        assert len(d.fake.bot_posts("c1")) == 1 and len(creates(d.fake)) == 1
        assert await a.tick(clock.advance(minutes=1)) == [] and await b.tick(clock.now) == []


async def test_button_on_featured_post_answers(engine: Engine) -> None:
    async with discord_driver(engine, DiscordConfig()) as d:
        film = engine.films[0]
        await DiscordPoster(d.client, engine).post(key(d.fake), film.id, marker(key(d.fake), DAY))
        (post,) = d.fake.bot_posts("c1")
        (verdict,) = await d.click(to_reply(post), "Verdict")
        assert not verdict.ephemeral and verdict.raw["embeds"][0]["title"].startswith(film.title)
        assert any(f["name"].startswith("Verdict:") for f in verdict.raw["embeds"][0]["fields"])
        assert verdict.buttons == ("Full review", "Review")


async def test_featured_post_of_a_film_with_several_reviews_has_the_menu(seed_films: tuple[Film, ...]) -> None:
    club = Film(
        "club-night",
        "Club Night",
        2022,
        tuple(
            Review(f"club-night/{who.lower()}", "club-night", f"Club Night is {how}. By {who}.", who)
            for who, how in (("Ana", "a joyous, lovely film"), ("Ben", "a dull, tiresome film"))
        ),
    )
    engine = Engine((*seed_films, club))
    async with discord_driver(engine, DiscordConfig()) as d:
        await DiscordPoster(d.client, engine).post(key(d.fake), club.id, marker(key(d.fake), DAY))
        (post,) = d.fake.bot_posts("c1")
        shown = to_reply(post)
        assert shown.menu == ("Review by Ana", "Review by Ben") and shown.buttons == ("Verdict",)
        assert "of 2 reviews positive" in shown.text and shown.raw["embeds"][0]["footer"]["text"].startswith("rb-feat-")
        (full,) = await d.select(shown, "Review by Ben")
        assert not full.ephemeral and "Club Night is a dull, tiresome film. By Ben." in full.text


# --- the poster on its own -------------------------------------------------------------


async def test_500_after_the_write_is_absorbed_by_the_nonce(engine: Engine) -> None:
    async with discord_driver(engine, DiscordConfig()) as d:
        d.fake.fail_creates("c1", 1, status=500, after_write=True)
        claimed = datetime.now(UTC)
        poster = DiscordPoster(d.client, engine, timeout=None)  # let discord.py retry (after 1 s)
        message_id = await poster.post(key(d.fake), engine.films[0].id, marker(key(d.fake), DAY))
        assert [r.status for r in creates(d.fake)] == [500, 200]
        assert [str(m.id) for m in d.fake.bot_posts("c1")] == [message_id]
        assert await poster.find_existing(key(d.fake), marker(key(d.fake), DAY), claimed) == message_id
        assert await poster.find_existing(key(d.fake), marker(key(d.fake), date(2026, 1, 16)), claimed) is None


async def test_poster_maps_discord_errors(engine: Engine) -> None:
    async with discord_driver(engine, DiscordConfig()) as d:
        poster = DiscordPoster(d.client, engine)
        film, tag = engine.films[0].id, marker(key(d.fake), DAY)
        d.fake.deny_channel("c2")
        with pytest.raises(PermanentPostError, match="Missing Access"):
            await poster.post(key(d.fake, "c2"), film, tag)
        with pytest.raises(PermanentPostError, match="Missing Access"):
            await poster.find_existing(key(d.fake, "c2"), tag, datetime.now(UTC))
        with pytest.raises(PermanentPostError, match="Unknown Channel"):
            await poster.post("discord:1234", film, tag)
        assert await poster.find_existing("discord:1234", tag, datetime.now(UTC)) is None
        with pytest.raises(PermanentPostError, match="no longer in the corpus"):
            await poster.post(key(d.fake), "no-such-film", tag)
        with pytest.raises(PermanentPostError, match="not a Discord channel"):
            await poster.post("slack:C123", film, tag)
        d.fake.fail_creates("c1", 1, status=502)
        with pytest.raises(TransientPostError) as transient:
            await DiscordPoster(d.client, engine, timeout=0.3).post(key(d.fake), film, tag)
        assert transient.value.retry_after is None
        assert d.fake.bot_posts("c1") == []
    limited = post_error(discord.RateLimited(42.0))
    assert isinstance(limited, TransientPostError) and limited.retry_after == 42.0
    assert isinstance(post_error(aiohttp.ClientConnectionError("reset")), TransientPostError)


async def test_fake_history_and_nonces_behave_like_discord() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        cid = fake.channel_id("c1")
        url = f"{fake.api_base_url}/channels/{cid}/messages"
        ids = []
        for n in range(5):
            async with http.post(url, json={"content": f"m{n}", "nonce": f"n{n % 2}", "enforce_nonce": n < 2}) as r:
                assert r.status == 200
                body = await r.json()
                assert body["nonce"] == f"n{n % 2}"
                ids.append(body["id"])
        assert ids[2] != ids[0]  # without enforce_nonce the nonce is not checked
        async with http.post(url, json={"content": "again", "nonce": "n1", "enforce_nonce": True}) as r:
            assert (await r.json())["id"] == ids[1]  # the first message with that nonce, nothing new
        async with http.get(url, params={"limit": "3"}) as r:
            page = await r.json()
            assert [m["id"] for m in page] == ids[::-1][:3] and all("nonce" not in m for m in page)
        async with http.get(url, params={"limit": "2", "before": ids[2]}) as r:
            assert [m["id"] for m in await r.json()] == [ids[1], ids[0]]
        async with http.get(url, params={"limit": "101"}) as r:
            assert r.status == 400
        async with http.post(url, json={"content": "x", "nonce": "n" * 26, "enforce_nonce": True}) as r:
            assert r.status == 400 and (await r.json())["code"] == 50035
        fake.rate_limit_next_create("c1", retry_after=0.2, is_global=True)
        async with http.post(url, json={"content": "limited"}) as r:
            assert r.status == 429 and r.headers["Retry-After"] == "1" and r.headers["Via"] == "1.1 google"
            assert r.headers["X-RateLimit-Global"] == "true" and r.headers["X-RateLimit-Reset-After"] == "0.200"
            assert await r.json() == {"message": "You are being rate limited.", "retry_after": 0.2, "global": True}
        assert len(fake.bot_posts("c1")) == 5
        assert all(m.data["author"]["id"] == str(BOT_ID) for m in fake.bot_posts("c1"))
