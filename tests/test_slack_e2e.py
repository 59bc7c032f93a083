"""Slack end to end: the real slack-bolt AsyncApp against the fake Slack on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack_app import create_app, escape, render, run, start_http
from bot import messages
from bot.actions import Button
from bot.answers import Aggregate, Ambiguous, Answer, FullText, Quote, ReviewCard, ReviewVerdict
from bot.cards import Card, Menu, Option, cards
from bot.config import Secrets, SlackCommands, SlackConfig
from bot.engine import Engine
from bot.errors import ConfigError
from bot.models import Aspect, Film, Intent, Label, Question, Review, SequelNote, Suggestion, Verdict
from tests.fakes.slack_driver import SlackDriver, slack_driver, to_reply
from tests.fakes.slack_fake import SlackFake, check_message, sign


def _paragraphs(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


ORIGINAL = _paragraphs(
    "Radiant Reflections is a luminous fantasy about a young painter who discovers that her mirrors open onto "
    "other worlds.",
    "The story is inventive and warm, and the acting from the lead is superb. "
    "The music swells at all the right moments.",
    "The pacing sags a little in the middle, but the visuals are gorgeous and the ending is deeply moving. "
    "A wonderful film.",
)

SEQUEL = _paragraphs(
    "Celestial Symphony picks up right where the first film left off, diving deeper into the mystical world of "
    "celestial beings.",
    "The sequel is a visual feast, with breathtaking imagery and stunning special effects. The story is thinner "
    "than the original, though, and the pacing drags.",
    "The acting remains strong and the music is a triumph. Overall it is not as good as the original, but still "
    "an enjoyable ride.",
)

PINGS = _paragraphs(
    "Mentions & Mischief is a comedy about a chat bot that shouts <!everyone> at the worst moment.",
    "Its hero, <@U1>, spends the film trying to undo a <!channel> ping & apologise. The acting is delightful and "
    "the story is clever.",
    "A charming, silly film about modern manners.",
)


def club(n: int = 3) -> Film:
    """A film reviewed by `n` club members, every other one liking it."""
    reviews = tuple(
        Review(
            f"club-night/m{i:02d}",
            "club-night",
            f"Club Night is {'a joyous, lovely film' if i % 2 else 'a dull, tiresome film'}. Review {i:02d}.",
            f"Member {i:02d}",
            verdict=Label.POSITIVE if i % 2 else Label.NEGATIVE,
        )
        for i in range(n)
    )
    return Film("club-night", "Club Night", 2022, reviews)


def corpus() -> list[Film]:
    return [
        Film.of("radiant-reflections", "Radiant Reflections", 2021, ORIGINAL),
        Film.of(
            "celestial-symphony", "Celestial Symphony", None, SEQUEL, is_sequel=True, sequel_of="radiant-reflections"
        ),
        Film.of("mentions-mischief", "Mentions & Mischief", 2020, PINGS),
    ]


def long_film(paragraphs: int = 36) -> Film:
    text = "\n\n".join(
        f"Marker{n:03d}: " + ("The long review goes on about the story and the acting & the music. " * 20).strip()
        for n in range(paragraphs)
    )
    return Film.of("endless-epic", "Endless Epic", 1999, text)


class SlowEngine:
    """The real engine, answering after `delay` seconds."""

    def __init__(self, engine: Engine, delay: float) -> None:
        self.engine = engine
        self.delay = delay
        self.films = engine.films

    def film(self, film_id: str) -> Film | None:
        return self.engine.film(film_id)

    async def answer(self, question: Question) -> Answer:
        await asyncio.sleep(self.delay)
        return await self.engine.answer(question)


class BrokenEngine:
    films: tuple[Film, ...] = ()

    async def answer(self, question: Question) -> Answer:
        raise RuntimeError("database password is hunter2")


@pytest.fixture
async def driver() -> AsyncIterator[SlackDriver]:
    async with slack_driver(Engine(corpus())) as d:
        yield d


def all_mrkdwn(payload: dict[str, Any]) -> list[str]:
    """Every string Slack parses for mentions: top-level text and every mrkdwn text object."""
    found = [str(payload.get("text", ""))]

    def walk(obj: Any) -> None:
        if isinstance(obj, dict):
            if obj.get("type") == "mrkdwn":
                found.append(str(obj.get("text", "")))
            for value in obj.values():
                walk(value)
        elif isinstance(obj, list):
            for value in obj:
                walk(value)

    walk(payload.get("blocks", []))
    return found


# --- HTTP mode: signatures and acks ---------------------------------------------------


async def test_signature_good_bad_and_stale(driver: SlackDriver) -> None:
    fake = driver.fake
    form = "application/x-www-form-urlencoded"
    body = urlencode(fake.slash_payload("/help", "")).encode()

    bad = await fake.post_signed(body, form, signature="v0=" + "0" * 64)
    assert bad.status == 401
    wrong_secret = await fake.post_signed(body, form, signature=sign("not-the-secret", int(time.time()), body))
    assert wrong_secret.status == 401
    stale_ts = int(time.time()) - 6 * 60
    stale = await fake.post_signed(body, form, timestamp=stale_ts, signature=sign(fake.signing_secret, stale_ts, body))
    assert stale.status == 401
    tampered = await fake.post_signed(
        body + b"&x=1", form, timestamp=stale_ts + 6 * 60, signature=sign(fake.signing_secret, stale_ts + 360, body)
    )
    assert tampered.status == 401
    assert await fake.collect(0, wait=0.3) == []  # nothing answered a forged request

    start = len(fake.received)
    good = await fake.post_signed(body, form)
    assert good.status == 200
    replies = await fake.collect(start)
    assert len(replies) == 1 and replies[0].ok
    assert not replies[0].ephemeral


GARBAGE = {  # body, content type: what a scanner, a fuzzer or a broken proxy sends to the Slack port
    "binary": (bytes(range(256)) * 4, "application/x-www-form-urlencoded"),
    "payload not JSON": (b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
    "truncated JSON": (b'{"type": "event_callback", "event": {"type": "app_mention", "text": "hi', "application/json"),
    "JSON array": (b'[{"type": "event_callback"}, 2, 3]', "application/json"),
    "payload array": (b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
    "JSON in a form": (b'{"type": "url_verification"', "application/x-www-form-urlencoded"),
}
MARKER = "garbage-body-marker-7f3a"  # in every body below; it must never reach the log


@pytest.mark.parametrize("name", list(GARBAGE))
async def test_garbage_is_refused_before_parsing_401_unsigned_400_signed_one_log_line(
    driver: SlackDriver, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = driver.fake
    body, content_type = GARBAGE[name]
    body = body.replace(b"hi", MARKER.encode()) + (b"&x=" + MARKER.encode() if b"payload=" in body else b"")
    cases = [
        ({"signature": ""}, 401),  # unsigned
        ({"signature": "v0=" + "0" * 64}, 401),  # badly signed
        ({"signature": "v0=x", "extra_headers": {"X-Slack-Request-Timestamp": "not-a-time"}}, 401),
        ({}, 400),  # signed with the real secret, but not a Slack payload
    ]
    for overrides, status in cases:
        caplog.clear()
        delivery = await fake.post_signed(body, content_type, **overrides)  # type: ignore[arg-type]
        assert delivery.status == status, (overrides, delivery.body)
        lines = [r for r in caplog.records if r.name.startswith(("adapters", "reviewbot", "slack_bolt", "aiohttp"))]
        assert len(lines) == 1, [r.getMessage() for r in lines]
        assert lines[0].exc_info is None and "Traceback" not in caplog.text
        assert MARKER not in caplog.text and "\\x00" not in caplog.text
    assert await fake.collect(0, wait=0.2) == []  # nothing was answered
    good = await fake.deliver("slash_commands", fake.slash_payload("/help", ""))
    assert good.status == 200  # and the app still works


async def test_bolt_never_logs_a_request_body(driver: SlackDriver, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    from slack_bolt.middleware.request_verification.async_request_verification import AsyncRequestVerification

    app = driver.app
    assert app is not None
    bolt_check = next(m for m in app._async_middleware_list if isinstance(m, AsyncRequestVerification))
    bolt_check._debug_log_error("v0=" + "1" * 64, "1", f"token=xoxb-secret&text={MARKER}")  # its invalid-signature line
    assert "Invalid request signature detected" in caplog.text and MARKER not in caplog.text
    fake = driver.fake
    body = json.dumps({"type": "nobody_handles_this", "x": MARKER}).encode()
    unhandled = await fake.post_signed(body, "application/json")
    assert unhandled.status == 404 and "Unhandled request" in caplog.text and MARKER not in caplog.text


async def test_ack_within_3s_with_slow_engine_then_answer_via_response_url() -> None:
    engine = SlowEngine(Engine(corpus()), delay=3.5)
    async with slack_driver(engine) as d, naive_bolt_app(delay=3.5) as naive:
        fake = d.fake
        start = len(fake.received)
        ours, theirs = await asyncio.gather(
            fake.deliver("slash_commands", fake.slash_payload("/review", "Celestial Symphony")),
            naive.deliver("slash_commands", naive.slash_payload("/review", "Celestial Symphony")),
        )
        assert ours.status == 200
        assert ours.acked_in_time, f"ack took {ours.elapsed:.2f}s"
        assert ours.body == ""  # a bare ack: nothing posted in the channel by the ack itself
        # The Bolt pitfall this guards against: process_before_response=True answers 200, but too late.
        assert theirs.status == 200 and not theirs.acked_in_time
        replies = await fake.collect(start, wait=8.0)
        assert [r.via for r in replies] == ["response_url"]
        reply = to_reply(replies[0])
        assert "Celestial Symphony" in reply.text
        assert not reply.ephemeral


@asynccontextmanager
async def naive_bolt_app(delay: float) -> AsyncIterator[SlackFake]:
    """A plain Bolt app with process_before_response=True whose /review work takes `delay` s before ack."""
    async with SlackFake() as fake:
        client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_base_url)
        app = AsyncApp(client=client, signing_secret=fake.signing_secret, process_before_response=True)

        @app.command("/review")
        async def review(ack: Any) -> None:
            await asyncio.sleep(delay)
            await ack()

        runner = await start_http(app, SlackConfig(host="127.0.0.1", port=0))
        try:
            fake.app_url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
            yield fake
        finally:
            await runner.cleanup()


async def test_configurable_command_names() -> None:
    commands = SlackCommands(review="/film-review", verdict="/film-verdict", ask="/film-ask", help="/film-help")
    async with slack_driver(Engine(corpus()), commands=commands) as d:
        replies = await d.command("review", "Radiant Reflections")
        assert len(replies) == 1 and "Radiant Reflections" in replies[0].text
        assert (await d.fake.slash("/film-verdict", "Radiant Reflections"))[0].ok
        assert await d.fake.slash("/review", "Radiant Reflections", wait=0.5) == []  # old name not registered
        help_replies = await d.fake.slash("/film-help", "")
        assert len(help_replies) == 1 and help_replies[0].ok


# --- rendering and limits ----------------------------------------------------------------


async def test_list_of_60_films_fits_block_kit() -> None:
    films = [Film.of(f"film-{n:02d}", f"Film Number {n:02d}", 1950 + n, ORIGINAL) for n in range(60)]
    async with slack_driver(Engine(films)) as d:
        replies = await d.mention("list")
        assert len(replies) == 1
        raw = replies[0].raw
        assert len(raw["blocks"]) <= 50
        assert check_message(raw) is None
        assert all(f"Film Number {n:02d}" in replies[0].text for n in range(60))
        assert d.fake.rejected == []


async def test_very_long_review_full_pages_within_limits() -> None:
    film = long_film()
    engine = Engine([*corpus(), film])
    full_text = await engine.answer(Question(Intent.FULL, text="Endless Epic"))
    assert isinstance(full_text, FullText)
    pages = full_text.pages
    assert len(pages) > 5  # more pages than one response_url accepts
    async with slack_driver(engine) as d:
        review = await d.command("review", "Endless Epic")
        assert len(review) == 1 and "Full review" in review[0].buttons
        full = await d.click(review[0], "Full review")
        assert 1 <= len(full) <= 5  # a response_url takes at most five messages
        shown = "\n".join(r.text for r in full)
        assert all(f"Marker{n:03d}" in shown for n in range(36))
        assert all(not r.ephemeral for r in full)

        posted = await d.mention("full Endless Epic")  # chat.postMessage: one message per page
        assert len(posted) == len(pages)
        assert all(r.raw["channel"] == "c1" for r in posted)
        assert "Marker035" in posted[-1].text
        assert d.fake.rejected == []


def test_renderer_clamps_oversized_answers() -> None:
    reviews = tuple(Review(f"x/{n}", "x", "", "<!here> " * 50 + str(n)) for n in range(150))
    film = Film("x", "T" * 400, None, reviews)
    verdict = Verdict(Label.MIXED, 0.5, "q" * 5000, SequelNote("worse", "<!here> " * 1000))
    quotes = tuple(Quote("h" * 4000, "x", r.id, r.reviewer, Aspect.MUSIC) for r in reviews[:30])
    huge = ReviewCard(
        film,
        Aggregate(Label.MIXED, 75, 0, 75),
        tuple(ReviewVerdict(r.id, r.reviewer, verdict) for r in reviews),
        quotes,
        quotes,
    )
    many = Ambiguous("Which?", tuple(Suggestion("S" * 200 + str(n), 1.0, f"id{n}") for n in range(40)))
    full = FullText(film, reviews[0], tuple("p" * 1900 for _ in range(400)))
    for answer in (huge, many, full):
        for message in render(cards(answer)):
            assert check_message(message) is None, type(answer).__name__
            assert len(message["blocks"]) <= 50
            assert all("<!" not in text for text in all_mrkdwn(message))  # plain_text is never parsed
    (card,) = render(cards(huge))
    (actions,) = [b for b in card["blocks"] if b["type"] == "actions"]
    assert actions["elements"][0]["type"] == "static_select" and len(actions["elements"][0]["options"]) == 25
    buttons = tuple(Button("B" * 100, f"rb:review:film-{n}") for n in range(30))
    menu = Menu("p" * 200, tuple(Option("o" * 100, f"rb:full:x/{n}", "d" * 100) for n in range(120)), "rb:menu:x")
    (crowded,) = render([Card("t", (), buttons=buttons, menu=menu)])
    assert check_message(crowded) is None
    (elements,) = [b["elements"] for b in crowded["blocks"] if b["type"] == "actions"]
    assert len(elements) == 25 and len(elements[0]["options"]) == 100
    assert len(render(cards(full), max_messages=5)) <= 5
    assert len(render(cards(full))) == 400


# --- escaping -----------------------------------------------------------------------------


async def test_user_text_is_escaped_and_cannot_ping(driver: SlackDriver) -> None:
    replies = await driver.command("review", "<!everyone> & <@U1> <!channel>")
    assert len(replies) == 1
    raw = replies[0].raw
    assert replies[0].ephemeral
    assert "&lt;!everyone&gt; &amp; &lt;@U1&gt; &lt;!channel&gt;" in json.dumps(raw)
    for text in all_mrkdwn(raw):
        assert "<!" not in text and "<@" not in text
    assert "<!everyone> & <@U1>" in replies[0].text  # displayed literally, as Slack would


async def test_corpus_text_is_escaped(driver: SlackDriver) -> None:
    replies = await driver.mention("full Mentions & Mischief")
    assert replies and "&lt;!everyone&gt;" in json.dumps([r.raw for r in replies])
    for reply in replies:
        for text in all_mrkdwn(reply.raw):
            assert "<!" not in text and "<@" not in text
    assert "shouts <!everyone> at" in "\n".join(r.text for r in replies)


def test_escape() -> None:
    assert escape("a & <b> <!everyone>") == "a &amp; &lt;b&gt; &lt;!everyone&gt;"


# --- ephemeral vs in_channel, errors --------------------------------------------------------


async def test_errors_are_ephemeral_and_answers_in_channel(driver: SlackDriver) -> None:
    missing = await driver.command("review", "")
    assert len(missing) == 1 and missing[0].ephemeral
    unknown = await driver.command("review", "Totally Unknown Picture Xyzzy")
    assert len(unknown) == 1 and unknown[0].ephemeral

    review = await driver.command("review", "Celestial Symphony")
    assert len(review) == 1 and not review[0].ephemeral
    assert review[0].raw["response_type"] == "in_channel"
    assert review[0].buttons == ("Full review", "Verdict")
    header = review[0].raw["blocks"][0]
    assert header["type"] == "header" and header["text"]["text"] == ":large_green_circle: Celestial Symphony"

    verdict = await driver.click(review[0], "Verdict")
    assert len(verdict) == 1 and not verdict[0].ephemeral
    assert "Verdict:" in verdict[0].text
    assert verdict[0].buttons == ("Full review", "Review")
    assert "original" in verdict[0].text  # a sequel: compared with the original

    ask = await driver.command("ask", "how is the music in Radiant Reflections?")
    assert len(ask) == 1 and not ask[0].ephemeral


async def test_engine_failure_shows_generic_error_and_hides_details(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with slack_driver(BrokenEngine()) as d:
        replies = await d.command("ask", "anything?")
        assert len(replies) == 1
        assert replies[0].ephemeral
        assert replies[0].text == f"{messages.TITLE_ERROR}\n{messages.INTERNAL_ERROR}"
        assert "hunter2" not in json.dumps(replies[0].raw)
        mention = await d.mention("anything?")
        assert len(mention) == 1 and d.fake.received[-1].via == "chat.postEphemeral"
        assert "hunter2" not in mention[0].text
        secrets = (d.fake.bot_token, d.fake.signing_secret)
    assert "engine failed" in caplog.text
    assert not any(s in caplog.text for s in secrets)


# --- mentions and DMs ---------------------------------------------------------------------------


async def test_a_top_level_mention_is_answered_in_a_thread_and_its_follow_up_keeps_the_film(
    driver: SlackDriver,
) -> None:
    fake = driver.fake
    mention = "1700000000.000100"
    (answer,) = await fake.mention("review Radiant Reflections", channel="C2", ts=mention)
    assert answer.via == "chat.postMessage" and answer.payload["channel"] == "C2"
    assert answer.payload["thread_ts"] == mention, "answered in a thread under the mention"
    # Another film at the channel's top level (its own thread) must not leak into the first thread.
    (other,) = await fake.mention("review Celestial Symphony", channel="C2")
    assert other.payload["thread_ts"] != mention

    (follow_up,) = await fake.mention("and the visuals?", channel="C2", thread_ts=mention)
    assert follow_up.payload["thread_ts"] == mention
    shown = to_reply(follow_up).text
    assert "Radiant Reflections" in shown and "Celestial Symphony" not in shown, shown
    (verdict,) = await fake.mention("is it worth watching?", channel="C2", thread_ts=mention)
    assert verdict.payload["thread_ts"] == mention and "Radiant Reflections" in to_reply(verdict).text
    # A click on the threaded answer asks in the same conversation.
    (clicked,) = await driver.click(to_reply(answer), "Verdict", channel="C2")
    assert "Radiant Reflections" in clicked.text

    (error,) = await fake.mention("review Nothing Like This Exists Qqq", channel="C2", ts="1700000000.000200")
    assert error.via == "chat.postEphemeral" and error.payload["user"] == fake.user_id
    assert error.payload["thread_ts"] == "1700000000.000200", "shown to the asker in the mention's thread"
    assert fake.rejected == []


async def test_a_mention_in_a_thread_is_answered_in_that_thread(driver: SlackDriver) -> None:
    thread = "1700000000.000300"
    (threaded,) = await driver.fake.mention("review Celestial Symphony", channel="C2", thread_ts=thread)
    assert threaded.payload["thread_ts"] == thread
    (follow_up,) = await driver.fake.mention("is it worth watching?", channel="C2", thread_ts=thread)
    assert follow_up.payload["thread_ts"] == thread and "Celestial Symphony" in to_reply(follow_up).text


async def test_a_dm_is_answered_in_the_dm_not_in_a_thread(driver: SlackDriver) -> None:
    (first,) = await driver.fake.dm("review Celestial Symphony", channel="D7")
    assert first.payload.get("thread_ts") is None
    (follow_up,) = await driver.fake.dm("and the music?", channel="D7")
    assert follow_up.payload.get("thread_ts") is None and "Celestial Symphony" in to_reply(follow_up).text


async def test_dm_answered(driver: SlackDriver) -> None:
    replies = await driver.fake.dm("review Celestial Symphony", channel="D42")
    assert len(replies) == 1
    assert replies[0].via == "chat.postMessage" and replies[0].payload["channel"] == "D42"
    assert "Celestial Symphony" in to_reply(replies[0]).text


async def test_bot_and_subtype_messages_ignored(driver: SlackDriver) -> None:
    fake = driver.fake
    start = len(fake.received)
    await fake.deliver("events_api", fake.event_payload(_im("review Celestial Symphony", user="UBOT")))
    await fake.deliver("events_api", fake.event_payload(_im("review Celestial Symphony", bot_id="BOTHER")))
    await fake.deliver("events_api", fake.event_payload(_im("review Celestial Symphony", subtype="message_changed")))
    await fake.deliver("events_api", fake.event_payload(_im("review Celestial Symphony", channel_type="channel")))
    real = await fake.dm("review Radiant Reflections", channel="D9")
    assert [r.payload["channel"] for r in fake.received[start:]] == ["D9"]
    assert len(real) == 1


def _im(text: str, **extra: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "message",
        "channel": "D1",
        "user": "U1",
        "text": text,
        "ts": "1700000000.000200",
        "event_ts": "1700000000.000200",
        "channel_type": "im",
    }
    if "bot_id" in extra:
        event.pop("user")
    event.update(extra)
    return event


# --- Socket Mode -------------------------------------------------------------------------------------


async def test_socket_mode_end_to_end() -> None:
    async with SlackFake() as fake:
        fake.mode = "socket"
        config = SlackConfig(api_base_url=fake.api_base_url)
        secrets = Secrets(slack_bot_token=fake.bot_token, slack_app_token=fake.app_token)
        engine = SlowEngine(Engine([*corpus(), club()]), delay=0.5)
        task = asyncio.create_task(run(engine, config, secrets))
        try:
            await fake.wait_connected(wait=5)
            assert fake.calls_to("apps.connections.open")[0].token == fake.app_token

            start = len(fake.received)
            ack = await fake.deliver("slash_commands", fake.slash_payload("/review", "Celestial Symphony"))
            assert ack.status == 200 and ack.elapsed < 0.5  # acked before the slow engine answered
            replies = await fake.collect(start)
            assert len(replies) == 1 and replies[0].via == "response_url"
            review = to_reply(replies[0])
            assert "Celestial Symphony" in review.text and not review.ephemeral

            clicked = await fake.click(review.raw, "rb:verdict:celestial-symphony")
            assert len(clicked) == 1 and "Verdict:" in to_reply(clicked[0]).text

            mention = await fake.mention("review Radiant Reflections", channel="C7")
            assert len(mention) == 1 and mention[0].payload["channel"] == "C7"

            [card] = await fake.slash("/verdict", "Club Night")
            picked = await fake.select(card.payload, "rb:menu:club-night", "rb:full:club-night/m01")
            assert len(picked) == 1 and "Review by Member 01" in to_reply(picked[0]).text
            assert all(d.status == 200 for d in fake.deliveries)
            assert fake.rejected == []
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task


# --- several reviews ------------------------------------------------------------------------------


async def test_mentions_read_one_review_and_offer_the_menu() -> None:
    async with slack_driver(Engine([*corpus(), club(40)])) as d:
        [card] = await d.mention("review Club Night", channel="C3")
        assert card.raw["channel"] == "C3" and len(card.menu) == 25  # a menu offers the first 25
        [full] = await d.select(card, "Review by Member 24", channel="C3")
        assert "Review by Member 24" in full.text and "Review 24." in full.text
        [by_name] = await d.mention("full club night by member 07")
        assert "Review by Member 07" in by_name.text
        [by_command] = await d.command("review", "Club Night by Member 03")
        assert "Review by Member 03" in by_command.text and "Review 03." in by_command.text
        assert d.fake.rejected == []


async def test_did_you_mean_on_a_mention_is_private_and_a_click_opens_the_film(driver: SlackDriver) -> None:
    fake = driver.fake
    [suggested] = await fake.mention("review celestal", channel="C4")
    assert suggested.via == "chat.postEphemeral" and suggested.payload["user"] == fake.user_id
    reply = to_reply(suggested)
    assert "Did you mean: Celestial Symphony?" in reply.text and reply.buttons == ("Celestial Symphony",)
    [opened] = await driver.click(reply, "Celestial Symphony", channel="C4")  # on an ephemeral message
    assert not opened.ephemeral and "Celestial Symphony" in opened.text and opened.buttons == ("Full review", "Verdict")


# --- the fake's own enforcement ------------------------------------------------------------------------


async def test_fake_enforces_slack_limits() -> None:
    async with SlackFake() as fake:
        client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_base_url)
        section = {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}

        async def error_of(**kwargs: Any) -> str:
            with pytest.raises(SlackApiError) as info:
                await client.chat_postMessage(channel="C1", **kwargs)
            return str(info.value.response["error"])

        assert await error_of(text="x", blocks=[section] * 51) == "invalid_blocks"
        ok = await client.chat_postMessage(channel="C1", text="x", blocks=[section] * 50)
        assert ok["ok"]
        long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
        assert await error_of(text="x", blocks=[long_section]) == "invalid_blocks"
        assert await error_of(text="x" * 40001) == "msg_too_long"
        button = {"type": "button", "text": {"type": "plain_text", "text": "b" * 76}, "action_id": "a"}
        assert await error_of(text="x", blocks=[{"type": "actions", "elements": [button]}]) == "invalid_blocks"
        header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
        assert await error_of(text="x", blocks=[header]) == "invalid_blocks"

        def select(options: int = 2, **extra: Any) -> dict[str, Any]:
            opts = [{"text": {"type": "plain_text", "text": f"o{n}"}, "value": f"v{n}"} for n in range(options)]
            return {"type": "static_select", "action_id": "m", "options": opts, **extra}

        def actions(*elements: dict[str, Any]) -> list[dict[str, Any]]:
            return [{"type": "actions", "elements": list(elements)}]

        fine = select(100, placeholder={"type": "plain_text", "text": "p" * 150})
        assert (await client.chat_postMessage(channel="C1", text="x", blocks=actions(fine)))["ok"]
        long_text, long_value, long_description, mrkdwn_text = select(1), select(1), select(1), select(1)
        long_text["options"][0]["text"]["text"] = "t" * 76
        long_value["options"][0]["value"] = "v" * 151
        long_description["options"][0]["description"] = {"type": "plain_text", "text": "d" * 76}
        mrkdwn_text["options"][0]["text"]["type"] = "mrkdwn"
        buttons = [dict(button, text={"type": "plain_text", "text": "b"}, action_id=f"b{n}") for n in range(25)]
        for bad in (
            select(101),
            select(0),
            long_text,
            long_value,
            long_description,
            mrkdwn_text,
            select(placeholder={"type": "plain_text", "text": "p" * 151}),
            select(action_id="a" * 256),
            select(initial_option={"text": {"type": "plain_text", "text": "zz"}, "value": "zz"}),
        ):
            assert await error_of(text="x", blocks=actions(bad)) == "invalid_blocks", bad
        assert await error_of(text="x", blocks=actions(select(), *buttons)) == "invalid_blocks"  # 26 elements

        bad = AsyncWebClient(token="xoxb-wrong", base_url=fake.api_base_url)
        with pytest.raises(SlackApiError) as info:
            await bad.auth_test()
        assert info.value.response["error"] == "invalid_auth"
        assert len(fake.rejected) == 15

        # response_url: limits, and at most five uses
        from slack_sdk.webhook.async_client import AsyncWebhookClient

        hook = AsyncWebhookClient(fake.new_response_url())
        assert (await hook.send(text="x", blocks=[section] * 51)).status_code == 400
        for _ in range(5):
            assert (await hook.send(text="x")).status_code == 200
        assert (await hook.send(text="x")).status_code == 404


async def test_http_mode_needs_signing_secret_and_never_accepts_an_empty_one() -> None:
    engine = Engine(corpus())
    with pytest.raises(ConfigError):
        await run(engine, SlackConfig(), Secrets(slack_bot_token="xoxb-x"))
    with pytest.raises(ConfigError):
        create_app(engine, SlackConfig(), Secrets())
    async with SlackFake() as fake:
        config = SlackConfig(api_base_url=fake.api_base_url, host="127.0.0.1", port=0)
        app = create_app(engine, config, Secrets(slack_bot_token=fake.bot_token))  # no signing secret
        runner = await start_http(app, config)
        try:
            fake.app_url = f"http://127.0.0.1:{runner.addresses[0][1]}{config.path}"
            fake.signing_secret = ""
            delivery = await fake.deliver("slash_commands", fake.slash_payload("/help", ""))
            assert delivery.status == 401
        finally:
            await runner.cleanup()
