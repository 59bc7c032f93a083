"""Slack featured reviews end to end: /featured and SlackPoster with the real slack-bolt app
against the fake Slack, on SQLite and real PostgreSQL, with an injected clock.

Also the Slack leftovers of issue 3: retried events are not answered twice, and /help shows
the configured command names.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack_app import FEATURED_EVENT_TYPE, SlackPoster, create_app, featured_scheduler, render, run
from bot import messages
from bot.cards import cards
from bot.config import Secrets, SlackCommands, SlackConfig
from bot.engine import Engine
from bot.featured import FeaturedCommands, Scheduler, marker, pick
from bot.models import Film, Intent, Question, Review
from bot.store import Store
from tests.contract.driver import Reply
from tests.fakes.slack_driver import SlackDriver, slack_driver, to_reply
from tests.fakes.slack_fake import SlackFake, buttons_of, menus_of
from tests.storage_fixtures import Database, FakeClock, Sleeps

DAY = date(2026, 1, 15)
KEY = "slack:C1"


def utc(hour: int, minute: int = 0, day: int = 15) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


@asynccontextmanager
async def featured_driver(store: Store, engine: Engine, clock: FakeClock, **options: Any) -> AsyncIterator[SlackDriver]:
    featured = FeaturedCommands(store, engine, clock=clock)
    async with slack_driver(engine, featured=featured, settle=0.1, **options) as driver:
        yield driver


def shown(text: str) -> str:
    """A /featured note as Slack shows it: under the "Featured review" heading."""
    return f"{messages.TITLE_FEATURED}\n{text}"


async def featured(driver: SlackDriver, text: str, *, user: str = "U1", channel: str = "C1") -> Reply:
    """Run /featured (under its configured name) and return its one reply."""
    fake = driver.fake
    received = await fake.slash(driver.commands.featured, text, channel=channel, user=user)
    assert len(received) == 1 and received[0].ok, received
    assert all(d.acked_in_time for d in fake.deliveries)
    return to_reply(received[0])


@asynccontextmanager
async def slack_client() -> AsyncIterator[tuple[SlackFake, AsyncWebClient]]:
    """The fake, and the client of a real app (with slack_sdk's rate-limit retry handler)."""
    async with SlackFake() as fake:
        config = SlackConfig(api_base_url=fake.api_base_url)
        app = create_app(Engine([]), config, Secrets(slack_bot_token=fake.bot_token))
        yield fake, app.client


async def eventually(condition: Callable[[], bool]) -> None:
    """Wait (at most 5 s) until `condition()` holds."""
    for _ in range(100):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def scheduler(store: Store, engine: Engine, client: AsyncWebClient, clock: FakeClock, **options: Any) -> Scheduler:
    commands = FeaturedCommands(store, engine, clock=clock)
    return featured_scheduler(client, commands, clock=clock, sleep=options.pop("sleep", Sleeps(clock)), **options)


async def subscribe(store: Store, channel: str = "C1", at: str = "09:00", tz: str = "UTC") -> None:
    await store.subscribe("slack", channel, at, tz, "tester", utc(0, day=14))


# --- /featured ---------------------------------------------------------------------------


async def test_admins_subscribe_and_regular_users_are_refused(
    store: Store, store_clock: FakeClock, engine: Engine
) -> None:
    async with featured_driver(store, engine, store_clock, admins=("UCONFIG",)) as d:
        d.fake.set_user("UADMIN", is_admin=True)
        d.fake.set_user("UOWNER", is_primary_owner=True)

        refused = await featured(d, "subscribe 09:00 Europe/Paris", user="UREGULAR")
        assert refused.ephemeral and refused.text == shown(messages.FEATURED_ADMINS_ONLY)
        assert await store.get_subscription("slack", "C1") is None

        done = await featured(d, "subscribe 09:00 Europe/Paris", user="UADMIN")
        assert not done.ephemeral and done.raw["response_type"] == "in_channel"
        assert done.text == shown(messages.FEATURED_SUBSCRIBED.format(time="09:00", timezone="Europe/Paris"))
        sub = await store.get_subscription("slack", "C1")
        assert sub is not None and (sub.time, sub.timezone, sub.created_by) == ("09:00", "Europe/Paris", "UADMIN")

        by_config = await featured(d, "subscribe 18:30 america/new_york", user="UCONFIG", channel="C2")
        assert not by_config.ephemeral and "18:30 (America/New_York)" in by_config.text
        assert (await store.get_subscription("slack", "C2")) is not None

        assert (await featured(d, "unsubscribe", user="UREGULAR", channel="C2")).ephemeral
        gone = await featured(d, "unsubscribe", user="UOWNER", channel="C2")
        assert not gone.ephemeral and gone.text == shown(messages.FEATURED_UNSUBSCRIBED)
        assert await store.get_subscription("slack", "C2") is None

        # Config admins need no users.info; answers are cached; status needs no admin check.
        await featured(d, "subscribe 10:00 UTC", user="UADMIN", channel="C3")
        await featured(d, "status", user="UREGULAR")
        asked = [c.payload["user"] for c in d.fake.calls_to("users.info")]
        assert sorted(asked) == ["UADMIN", "UOWNER", "UREGULAR"]


async def test_bad_input_gets_clear_private_errors(store: Store, store_clock: FakeClock, engine: Engine) -> None:
    async with featured_driver(store, engine, store_clock, admins=("U1",)) as d:
        bad_time = await featured(d, "subscribe 25:61 UTC")
        assert bad_time.ephemeral and bad_time.text == shown(messages.FEATURED_BAD_TIME.format(value="25:61"))
        bad_zone = await featured(d, "subscribe 09:00 <!everyone>/Nowhere")
        assert bad_zone.ephemeral and "not a time zone I know" in bad_zone.text
        assert "&lt;!everyone&gt;" in bad_zone.raw["blocks"][1]["text"]["text"]  # echoed, but cannot ping
        usage = await featured(d, "sing")
        assert usage.ephemeral and usage.text == shown(messages.FEATURED_USAGE)
        assert await store.list_subscriptions() == []


async def test_status_and_today(store: Store, store_clock: FakeClock, engine: Engine) -> None:
    async with featured_driver(store, engine, store_clock, admins=("U1",)) as d:
        assert (await featured(d, "")).text == shown(messages.FEATURED_NOT_SUBSCRIBED)
        await featured(d, "subscribe 09:00 Europe/Paris")
        status = await featured(d, "status", user="U2")
        assert status.ephemeral
        assert status.text == shown(
            messages.FEATURED_STATUS.format(time="09:00", timezone="Europe/Paris", next="2026-01-16")
        )

        today = await featured(d, "today", user="U2")
        assert not today.ephemeral and today.raw["response_type"] == "in_channel"
        film = engine.film(pick(KEY, [f.id for f in engine.films], []))
        assert film is not None
        assert today.text.startswith(messages.FEATURED_TODAY.format(title=film.title))
        assert today.buttons == ("Full review", "Verdict")
        # the card is the /review card: the same blocks under the intro line
        assert today.raw["blocks"][1:] == render(cards(engine.card(film)))[0]["blocks"]
        verdict = await d.click(today, "Verdict", channel="C1")
        assert len(verdict) == 1 and "Verdict:" in verdict[0].text


async def test_command_name_is_configurable_and_optional(store: Store, store_clock: FakeClock, engine: Engine) -> None:
    commands = SlackCommands(featured="/film-featured")
    async with featured_driver(store, engine, store_clock, commands=commands) as d:
        usage = await featured(d, "help me")
        assert "/film-featured subscribe HH:MM" in usage.text and "/featured" not in usage.text
        assert shown("This channel has no featured reviews") in (await featured(d, "status")).text
        assert await d.fake.slash("/featured", "status", wait=0.5) == []  # the default name is not registered
    async with slack_driver(engine, settle=0.1) as plain:  # no FeaturedCommands: no command
        assert await plain.fake.slash("/featured", "status", wait=0.5) == []


# --- SlackPoster + Scheduler ---------------------------------------------------------------


async def test_posts_one_card_with_metadata_at_the_due_time(db: Database, engine: Engine) -> None:
    clock = FakeClock(utc(7, 59))
    store = await db.open(clock=clock)
    await subscribe(store, tz="Europe/Paris")
    async with slack_client() as (fake, client):
        featured_posts = scheduler(store, engine, client, clock)
        assert await featured_posts.tick(clock.now) == []  # 08:59 in Paris
        [outcome] = await featured_posts.tick(clock.advance(minutes=1))
        assert outcome.status == "posted" and outcome.local_date == DAY

        [message] = fake.history("C1")
        assert message["ts"] == outcome.message_id
        assert message["metadata"] == {"event_type": FEATURED_EVENT_TYPE, "event_payload": {"marker": marker(KEY, DAY)}}
        post = await store.get_post(KEY, DAY)
        assert post is not None and post.message_id == message["ts"] and post.film_id is not None
        film = engine.film(post.film_id)
        assert film is not None
        assert messages.FEATURED_POST in message["blocks"][0]["text"]["text"]
        assert message["text"] == messages.FEATURED_TODAY.format(title=film.title)
        review = await engine.answer(Question(Intent.REVIEW, text=film.title))
        assert message["blocks"][1:] == render(cards(review))[0]["blocks"]  # the /review card, buttons included
        assert [b["text"]["text"] for b in buttons_of(message)] == ["Full review", "Verdict"]

        for minutes in (1, 30, 600):
            assert await featured_posts.tick(clock.advance(minutes=minutes)) == []
        assert len(fake.history("C1")) == 1 and len(fake.calls_to("chat.postMessage")) == 1


async def test_500s_then_429_then_recovery_post_once(db: Database, engine: Engine) -> None:
    clock = FakeClock(utc(9))
    store = await db.open(clock=clock)
    await subscribe(store)
    async with slack_client() as (fake, client):
        fake.fail_next(channel="C1", times=2, status=500)
        fake.rate_limit_next(channel="C1", retry_after=1)
        sleeps = Sleeps(clock)
        [outcome] = await scheduler(store, engine, client, clock, sleep=sleeps).tick(clock.now)
        assert outcome.status == "posted"
        # The 429 reached the scheduler (slack_sdk's rate-limit handler did not sleep it away).
        assert sleeps.delays == [1.0, 2.0, 1.0]
        assert [c.status for c in fake.calls_to("chat.postMessage")] == [500, 500, 429, 200]
        # checked before every retry: the minutes after the (fake clock's) claim first, then the rest
        assert len(fake.calls_to("conversations.history")) == 3 * 2
        assert [m["ts"] for m in fake.history("C1")] == [outcome.message_id]


async def test_500_after_slack_stored_the_message_is_not_posted_twice(db: Database, engine: Engine) -> None:
    clock = FakeClock(utc(9))
    store = await db.open(clock=clock)
    await subscribe(store)
    async with slack_client() as (fake, client):
        fake.fail_next(channel="C1", status=503, after_write=True)
        [outcome] = await scheduler(store, engine, client, clock).tick(clock.now)
        [message] = fake.history("C1")
        assert outcome.status == "recovered" and outcome.message_id == message["ts"]
        assert len(fake.calls_to("chat.postMessage")) == 1


async def test_permanent_errors_are_not_retried(db: Database, engine: Engine) -> None:
    clock = FakeClock(utc(9))
    store = await db.open(clock=clock)
    await subscribe(store)
    async with slack_client() as (fake, client):
        fake.error_next("not_in_channel", channel="C1")
        [outcome] = await scheduler(store, engine, client, clock).tick(clock.now)
        assert outcome.status == "failed" and outcome.detail == "not_in_channel"
        assert await scheduler(store, engine, client, clock).tick(clock.advance(hours=1)) == []
        assert len(fake.calls_to("chat.postMessage")) == 1 and fake.history("C1") == []


async def test_crash_between_post_and_record_is_recovered_from_metadata(db: Database, engine: Engine) -> None:
    clock = FakeClock(utc(9))
    store = await db.open(clock=clock)
    await subscribe(store)
    async with slack_client() as (fake, client):
        # Yesterday's post and some chatter, so the marker has to be told apart.
        await SlackPoster(client, engine).post(KEY, engine.films[0].id, marker(KEY, date(2026, 1, 14)))
        # The crashed process: claimed, posted, died before recording (lease not renewed).
        film = pick(KEY, [f.id for f in engine.films], await store.history(KEY))
        assert await store.claim(KEY, DAY, "crashed", 300, clock.now, film) is not None
        posted = await SlackPoster(client, engine).post(KEY, film, marker(KEY, DAY))
        for n in range(5):
            await client.chat_postMessage(channel="C1", text=f"chatter {n}")

        restarted = scheduler(await db.open(clock=clock), engine, client, clock, owner="restarted")
        [busy] = await restarted.tick(clock.advance(seconds=60))  # the lease is still running
        assert busy.status == "busy"
        [outcome] = await restarted.tick(clock.advance(seconds=300))
        assert (outcome.status, outcome.message_id) == ("recovered", posted)
        assert await restarted.tick(clock.advance(seconds=30)) == []

        assert len(fake.calls_to("chat.postMessage")) == 2 + 5  # yesterday's, the crashed one, chatter
        history_call = fake.calls_to("conversations.history")[-1]
        assert history_call.http_method == "GET" and history_call.payload["include_all_metadata"] in ("1", "true")
        record = await store.get_post(KEY, DAY)
        assert record is not None and (record.message_id, record.film_id) == (posted, film)


async def test_recovery_finds_the_post_in_a_busy_channel(db: Database, engine: Engine) -> None:
    clock = FakeClock(utc(9))
    store = await db.open(clock=clock)
    await subscribe(store)
    async with slack_client() as (fake, client):
        film = pick(KEY, [f.id for f in engine.films], await store.history(KEY))
        assert await store.claim(KEY, DAY, "crashed", 300, clock.now, film) is not None
        posted = await SlackPoster(client, engine).post(KEY, film, marker(KEY, DAY))
        for n in range(450):  # while the replica that posted was dead, the channel went on talking
            await client.chat_postMessage(channel="C1", text=f"chatter {n}")
        restarted = scheduler(await db.open(clock=clock), engine, client, clock, owner="restarted")
        [outcome] = await restarted.tick(clock.advance(seconds=301))
        assert (outcome.status, outcome.message_id) == ("recovered", posted), "not posted twice"
        assert len(fake.calls_to("chat.postMessage")) == 1 + 450
        pages = fake.calls_to("conversations.history")
        assert all(int(c.payload["limit"]) <= 200 for c in pages) and len(pages) <= 5


async def test_two_schedulers_on_one_database_post_once(db: Database, engine: Engine) -> None:
    clock = FakeClock(utc(9))
    setup = await db.open(clock=clock)
    channels = [f"C{n}" for n in range(1, 5)]
    for channel in channels:
        await subscribe(setup, channel)
    async with slack_client() as (fake, client):
        one = scheduler(await db.open(clock=clock), engine, client, clock, owner="replica-1")
        two = scheduler(await db.open(clock=clock), engine, client, clock, owner="replica-2")
        first, second = await asyncio.gather(one.tick(clock.now), two.tick(clock.now))
        assert sorted(o.status for o in first + second if o.status != "busy") == ["posted"] * len(channels)
        await asyncio.gather(one.tick(clock.advance(minutes=1)), two.tick(clock.now))
        assert [len(fake.history(c)) for c in channels] == [1] * len(channels)


async def test_find_existing_needs_include_all_metadata(engine: Engine) -> None:
    async with slack_client() as (_fake, client):
        poster = SlackPoster(client, engine)
        claimed = datetime.now(UTC)
        ts = await poster.post(KEY, engine.films[0].id, marker(KEY, DAY))
        assert await poster.find_existing(KEY, marker(KEY, DAY), claimed) == ts
        assert await poster.find_existing(KEY, marker(KEY, date(2026, 1, 16)), claimed) is None
        plain = await client.conversations_history(channel="C1")
        assert "metadata" not in plain["messages"][0]  # Slack hides metadata unless asked


# --- buttons, event retries, help -------------------------------------------------------


async def test_button_on_the_featured_post_works(store: Store, store_clock: FakeClock, engine: Engine) -> None:
    store_clock.now = utc(9)
    await subscribe(store)
    async with featured_driver(store, engine, store_clock) as d:
        assert d.app is not None
        [outcome] = await scheduler(store, engine, d.app.client, store_clock).tick(store_clock.now)
        [message] = d.fake.history("C1")
        verdict = buttons_of(message)[1]
        clicked = await d.fake.click(message, verdict["action_id"], channel="C1", wait=5)
        assert len(clicked) == 1 and clicked[0].ok and not clicked[0].ephemeral
        assert "Verdict:" in to_reply(clicked[0]).text
        assert outcome.status == "posted"


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
    async with slack_driver(engine, settle=0.1) as d:
        assert d.app is not None
        await SlackPoster(d.app.client, engine).post(KEY, club.id, marker(KEY, DAY))
        [message] = d.fake.history("C1")
        [menu] = menus_of(message)
        assert [o["text"]["text"] for o in menu["options"]] == ["Review by Ana", "Review by Ben"]
        assert [b["text"]["text"] for b in buttons_of(message)] == ["Verdict"]
        picked = await d.fake.select(message, menu["action_id"], "rb:full:club-night/ben", channel="C1")
        assert len(picked) == 1 and picked[0].ok and not picked[0].ephemeral
        assert "Club Night is a dull, tiresome film. By Ben." in to_reply(picked[0]).text


async def test_retried_event_is_not_answered_twice(engine: Engine) -> None:
    async with slack_driver(engine, settle=0.1) as d:
        fake = d.fake
        ts = "1700000000.000300"
        event = {"type": "app_mention", "user": "U1", "text": "<@UBOT> list", "ts": ts, "channel": "C1", "event_ts": ts}
        payload = fake.event_payload(event)
        start = len(fake.received)
        await fake.deliver("events_api", payload)
        assert len(await fake.collect(start)) == 1
        start = len(fake.received)
        retried = await fake.deliver("events_api", payload, retry=1)
        assert retried.status == 200 and retried.acked_in_time
        assert await fake.collect(start, wait=0.5) == []
        # A retry of an event we never received (we were down) is answered.
        unseen = await fake.deliver("events_api", fake.event_payload(event), retry=2)
        assert unseen.status == 200 and len(await fake.collect(start)) == 1


async def test_help_shows_the_configured_command_names(store: Store, store_clock: FakeClock, engine: Engine) -> None:
    commands = SlackCommands(
        review="/film-review", verdict="/film-verdict", ask="/film-ask", help="/film-help", featured="/film-featured"
    )
    async with featured_driver(store, engine, store_clock, commands=commands) as d:
        [reply] = await d.command("help", "")
        for name in ("/film-review TITLE", "/film-verdict TITLE", "/film-ask QUESTION", "/film-help", "/film-featured"):
            assert name in reply.text
        assert "Mention me with `list`" in reply.text
        assert "/list" not in reply.text and "`/review" not in reply.text
        [mentioned] = await d.mention("help")
        assert mentioned.text == reply.text
    async with slack_driver(engine, settle=0.1) as plain:
        [default] = await plain.command("help", "")
        assert "`/review TITLE`" in default.text and "/featured" not in default.text


async def test_run_serves_featured_and_runs_the_scheduler(store: Store, engine: Engine) -> None:
    await store.subscribe("slack", "C1", "00:00", "UTC", "tester", datetime(2020, 1, 1, tzinfo=UTC))
    async with SlackFake(settle=0.1) as fake:
        fake.mode = "socket"
        config = SlackConfig(api_base_url=fake.api_base_url)
        secrets = Secrets(slack_bot_token=fake.bot_token, slack_app_token=fake.app_token)
        task = asyncio.create_task(run(engine, config, secrets, featured=FeaturedCommands(store, engine)))
        try:
            await fake.wait_connected(wait=5)
            await fake.deliver("slash_commands", fake.slash_payload("/featured", "status"))

            def status() -> list[str]:
                return [to_reply(r).text for r in fake.received if r.via == "response_url"]

            await eventually(lambda: bool(status() and fake.history("C1")))  # the scheduler's first tick
            [text] = status()
            assert "00:00 (UTC)" in text
            [message] = fake.history("C1")
            assert message["metadata"]["event_type"] == FEATURED_EVENT_TYPE
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        assert task.cancelled()
        post = await store.get_post(KEY, datetime.now(UTC).date())
        assert post is not None and post.message_id == message["ts"]
