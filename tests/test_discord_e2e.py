"""Discord end to end: the real discord.py and the adapter against the fake Discord on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import discord
import pytest

from adapters.discord_bot import COLOURS, embed, fit_embed, view_for
from bot import messages
from bot.actions import Button
from bot.answers import Aggregate, Ambiguous, Answer, FullText, Quote, ReviewCard, ReviewVerdict
from bot.cards import Card, cards
from bot.config import DiscordConfig
from bot.engine import Engine
from bot.models import Aspect, Film, Intent, Label, Question, Review, Suggestion, Verdict
from tests.fakes.discord_driver import TOKEN, discord_driver, flatten
from tests.fakes.discord_fake import (
    APP_ID,
    BOT_ID,
    DM_CHANNEL_ID,
    GUILD_IDS,
    INTENT_MESSAGE_CONTENT,
    FakeDiscord,
    FakeInteraction,
    message_problems,
)

NO_MENTIONS = {"parse": []}


def mentions_nobody(allowed: Any) -> bool:
    """`allowed_mentions` that pings no one (replies add `replied_user: false`)."""
    return (
        isinstance(allowed, dict)
        and allowed.get("parse") == []
        and not allowed.get("users")
        and not allowed.get("roles")
        and not allowed.get("replied_user")
    )


def _film(fid: str, title: str, text: str, **kw: Any) -> Film:
    return Film.of(fid, title, kw.pop("year", None), text, **kw)


def club(n: int, *, name: str = "Member") -> Film:
    """A film reviewed by `n` members of a club, every other one liking it."""
    reviews = tuple(
        Review(
            f"club-night/{i:02d}",
            "club-night",
            f"Club Night is {'a joyous, lovely film' if i % 2 else 'a dull, tiresome film'}. Review {i:02d}.",
            f"{name} {i:02d}",
            f"{i % 10}/10",
            Label.POSITIVE if i % 2 else Label.NEGATIVE,
        )
        for i in range(n)
    )
    return Film("club-night", "Club Night", 2022, reviews)


CELESTIAL = _film(
    "celestial-symphony",
    "Celestial Symphony",
    "Celestial Symphony is a soaring, generous space opera and the best sequel in years.\n\n"
    "The music is magnificent: the score swells with choirs and strings that linger long after the credits. "
    "The visuals are breathtaking, every nebula painted in impossible colour.\n\n"
    "The story is simple but moving, and the acting from the whole cast is warm and convincing. "
    "Compared with the original, this sequel is better in every way.",
    is_sequel=True,
    verdict=Label.POSITIVE,
    reviewer="A. Critic",
)
GLOOM = _film(
    "gloomhaven-nights",
    "Gloomhaven Nights",
    "Gloomhaven Nights is a dull, lifeless slog.\n\n"
    "The story makes no sense and the pacing is glacial. The acting is wooden and the music is forgettable noise.\n\n"
    "I cannot recommend it to anyone.",
    verdict=Label.NEGATIVE,
)
MIDDLING = _film(
    "midway-meadows",
    "Midway Meadows",
    "Midway Meadows is a film of halves.\n\n"
    "The visuals are lovely, but the story wanders and the pacing drags in the middle. "
    "The acting is fine. Some will enjoy it; others will be bored.",
    verdict=Label.MIXED,
)
LONG = _film(
    "the-long-goodbye-tapes",
    "The Long Goodbye Tapes",
    "\n\n".join(
        f"Paragraph {n}: the music carries this long, patient film, and the visuals reward attention. " * 6
        for n in range(12)
    ),
    verdict=Label.POSITIVE,
)
TWIN_A = _film("echoes-1999", "Echoes", "Echoes is a quiet, tender drama with fine acting.", year=1999)
TWIN_B = _film("echoes-2021", "Echoes", "Echoes is a loud, empty remake with poor acting.", year=2021)
FILMS = [CELESTIAL, GLOOM, MIDDLING, LONG, TWIN_A, TWIN_B]


def long_title_films(n: int = 60) -> list[Film]:
    words = "Aurora Borealis Chronicles of the Endless Midnight Expedition Beyond the Farthest Silver Horizon"
    return [
        _film(f"saga-{i:02d}", f"Saga {i:02d}: {words} Part {i}", f"Saga {i} is a good film with lovely music.")
        for i in range(n)
    ]


@pytest.fixture
def engine() -> Engine:
    return Engine(FILMS)


class Recording:
    """An engine wrapper that records questions and can slow down or fail answers."""

    def __init__(
        self, inner: Engine, *, delay: float = 0.0, fail: bool = False, canned: dict[str, Answer] | None = None
    ) -> None:
        self.inner = inner
        self.canned = canned or {}
        self.films = inner.films
        self.delay = delay
        self.fail = fail
        self.questions: list[Question] = []

    def film(self, film_id: str) -> Film | None:
        return self.inner.film(film_id)

    def film_for(self, title: str) -> Film | None:
        return self.inner.film_for(title)

    def reviewers(self, film_id: str, prefix: str = "", limit: int = 25) -> list[str]:
        return self.inner.reviewers(film_id, prefix, limit)

    def review(self, review_id: str) -> Any:
        return self.inner.review(review_id)

    def suggest(self, prefix: str, limit: int = 25) -> Any:
        return self.inner.suggest(prefix, limit)

    async def answer(self, question: Question) -> Answer:
        self.questions.append(question)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("secret internal detail /etc/passwd")
        if question.film_id is None and question.text in self.canned:
            return self.canned[question.text]
        return await self.inner.answer(question)


def message_requests(fake: FakeDiscord) -> list[Any]:
    """Every request that created or edited a message with a body."""
    out = []
    for r in fake.requests:
        if r.method == "POST" and r.path.endswith("/callback") and r.body.get("type") in (4, 7):
            out.append(r.body["data"])
        elif r.method in ("POST", "PATCH") and (r.path.startswith("/webhooks/") or r.path.endswith("/messages")):
            out.append(r.body)
    return out


def no_rejections(fake: FakeDiscord) -> None:
    bad = [(r.method, r.path, r.status, r.response) for r in fake.requests if r.status >= 400]
    assert not bad, bad
    assert not [i.rejections for i in fake.interactions.values() if i.rejections]


# --- startup -------------------------------------------------------------------


async def test_startup_syncs_global_commands(engine: Engine) -> None:
    async with discord_driver(engine, DiscordConfig()) as d:
        fake = d.fake
        paths = [(r.method, r.path) for r in fake.requests]
        assert paths[:3] == [
            ("GET", "/users/@me"),
            ("GET", "/oauth2/applications/@me"),
            ("PUT", f"/applications/{APP_ID}/commands"),
        ]
        assert all(r.authorization == f"Bot {TOKEN}" for r in fake.requests)
        commands = {c["name"]: c for c in fake.commands[None]}
        assert set(commands) >= {"review", "verdict", "ask", "help"}
        title, reviewer = commands["review"]["options"]
        assert (title["name"], title["type"], title["required"], title["autocomplete"]) == ("title", 3, True, True)
        assert (reviewer["name"], reviewer["type"], reviewer.get("required", False), reviewer["autocomplete"]) == (
            "reviewer",
            3,
            False,
            True,
        )
        (opt,) = commands["verdict"]["options"]
        assert (opt["name"], opt["type"], opt["required"], opt["autocomplete"]) == ("title", 3, True, True)
        (opt,) = commands["ask"]["options"]
        assert (opt["name"], opt["type"], opt["required"]) == ("question", 3, True)
        assert commands["help"]["options"] == []
        assert all(len(c["description"]) <= 100 for c in commands.values())
        # the gateway URL discord.py built, and what it identified with
        (session,) = fake.sessions
        assert session.query["v"] == "10" and session.query["encoding"] == "json"
        assert session.heartbeats >= 1
        (identify,) = fake.identifies
        assert identify["token"] == TOKEN
        assert not identify["intents"] & INTENT_MESSAGE_CONTENT
        assert d.client.user is not None and d.client.user.id == BOT_ID
        assert d.client.get_guild(GUILD_IDS[0]) is not None
        no_rejections(fake)


async def test_guild_sync_when_guilds_configured(engine: Engine) -> None:
    config = DiscordConfig(guilds=(GUILD_IDS[0],))
    async with discord_driver(engine, config) as d:
        puts = [r.path for r in d.fake.requests if r.method == "PUT"]
        assert puts == [f"/applications/{APP_ID}/guilds/{GUILD_IDS[0]}/commands"]
        assert set(d.fake.command_names(GUILD_IDS[0])) >= {"review", "verdict", "ask", "help"}
        assert None not in d.fake.commands
        replies = await d.command("verdict", "Celestial Symphony")
        assert "Celestial Symphony" in replies[0].text


# --- autocomplete ----------------------------------------------------------------


async def test_autocomplete_respects_limits_with_many_long_titles() -> None:
    films = long_title_films(60)
    assert all(len(f.title) > 100 for f in films)
    async with discord_driver(Engine(films)) as d:
        for typed in ("", "saga", "Saga 1", "aurora"):
            choices = await d.autocomplete("review", typed)
            assert len(choices) <= 25
            assert all(1 <= len(c["name"]) <= 100 and 1 <= len(c["value"]) <= 100 for c in choices)
        choices = await d.autocomplete("verdict", "saga")
        assert len(choices) == 25
        # picking a choice sends its value; the command resolves it to that film
        pick = choices[3]
        replies = await d.command("review", pick["value"])
        assert not replies[0].ephemeral
        assert replies[0].raw["embeds"][0]["title"].startswith(pick["name"][:50])
        no_rejections(d.fake)


async def test_autocomplete_ranks_typo_first(engine: Engine) -> None:
    async with discord_driver(engine) as d:
        choices = await d.autocomplete("review", "celestial symphny")
        assert choices and choices[0]["value"] == "celestial-symphony"
        choices = await d.autocomplete("verdict", "Gloo")
        assert choices[0]["name"] == "Gloomhaven Nights"


# --- rendering -------------------------------------------------------------------


async def test_embed_colour_follows_verdict_and_buttons(engine: Engine) -> None:
    async with discord_driver(engine) as d:
        colours = {}
        for title in ("Celestial Symphony", "Gloomhaven Nights", "Midway Meadows"):
            (reply,) = await d.command("review", title)
            assert not reply.ephemeral
            assert reply.buttons == ("Full review", "Verdict")
            (embed,) = reply.raw["embeds"]
            assert embed["title"] == title
            colours[title] = embed["color"]
        assert colours["Celestial Symphony"] == COLOURS[Label.POSITIVE].value == discord.Colour.green().value
        assert colours["Gloomhaven Nights"] == COLOURS[Label.NEGATIVE].value
        assert colours["Midway Meadows"] == COLOURS[Label.MIXED].value
        (help_reply,) = await d.command("help", "")
        assert help_reply.raw["embeds"][0]["color"] == discord.Colour.blurple().value
        assert "/review" in help_reply.text
        no_rejections(d.fake)


async def test_review_fields_verdict_and_sequel(engine: Engine) -> None:
    async with discord_driver(engine) as d:
        (reply,) = await d.command("verdict", "Celestial Symphony")
        (embed,) = reply.raw["embeds"]
        names = [f["name"] for f in embed["fields"]]
        assert any(n.startswith("Verdict: Positive") for n in names)
        assert any(n.startswith("Sequel:") for n in names)
        assert reply.buttons == ("Full review", "Review")
        (review,) = await d.click(reply, "Review")
        assert review.raw["embeds"][0]["title"] == "Celestial Symphony"
        assert len(review.raw["embeds"][0]["fields"]) >= 2  # aspect highlights + verdict


async def test_full_review_pages_as_followups(engine: Engine) -> None:
    async with discord_driver(engine) as d:
        (card,) = await d.command("review", "The Long Goodbye Tapes")
        pages = await d.click(card, "Full review")
        expected = _pages(await engine.answer(Question(Intent.FULL, film_id=LONG.id)))
        assert len(expected) >= 3 and len(pages) == len(expected)
        assert all(not p.ephemeral for p in pages)
        descriptions = [p.raw["embeds"][0]["description"] for p in pages]
        assert descriptions == list(expected)
        assert pages[-1].raw["embeds"][0]["footer"]["text"] == f"Page {len(expected)} of {len(expected)}"
        # page 1 is the interaction response, the others are follow-ups
        click_id = max(d.fake.interactions)
        assert d.fake.interactions[click_id].callback["type"] == 4
        followups = [r for r in d.fake.requests if r.method == "POST" and r.path.startswith("/webhooks/")]
        assert len(followups) == len(expected) - 1
        no_rejections(d.fake)


def _pages(answer: Answer) -> tuple[str, ...]:
    assert isinstance(answer, FullText)
    return answer.pages


def test_render_truncates_to_every_discord_limit() -> None:
    huge = club(40, name="R" * 3000)
    verdict = Verdict(Label.MIXED, 0.5, "Q" * 3000)
    highlights = tuple(Quote("word " * 400, huge.id, r.id, r.reviewer, Aspect.MUSIC) for r in huge.reviews)
    reviews = tuple(ReviewVerdict(r.id, r.reviewer, verdict, "5/5") for r in huge.reviews)
    answer = ReviewCard(
        Film(huge.id, "T" * 400, 2001, huge.reviews), Aggregate(Label.MIXED, 20, 0, 20), reviews, highlights, highlights
    )
    (card,) = cards(answer)
    shown = embed(card)
    view = view_for(card)
    assert view is not None
    payload = {"embeds": [shown.to_dict()], "components": view.to_components()}
    assert message_problems(payload) == []
    assert shown.title is not None and shown.title.endswith("…")
    assert len(shown.fields) <= 25
    (menu,) = [c for row in payload["components"] for c in row["components"] if c["type"] == 3]
    assert len(menu["options"]) == 25
    full = FullText(huge, huge.reviews[0], ("p" * 5000, "q"))
    assert all(message_problems({"embeds": [embed(c).to_dict()]}) == [] for c in cards(full))
    # a menu takes a row of its own: at most 20 buttons beside it, 25 without
    buttons = tuple(Button("B" * 100, f"rb:review:film-{n}") for n in range(30))
    crowded = view_for(Card("t", (), buttons=buttons, menu=card.menu))
    assert crowded is not None and message_problems({"content": "x", "components": crowded.to_components()}) == []
    assert len(crowded.children) == 21
    only_buttons = view_for(Card("t", (), buttons=buttons))
    assert only_buttons is not None and len(only_buttons.children) == 25
    empty = fit_embed(discord.Embed(title="", description=""))
    assert message_problems({"embeds": [empty.to_dict()]}, edit=True) == []


# --- ephemeral, errors, mentions safety ------------------------------------------


async def test_not_found_and_ambiguous_are_ephemeral(engine: Engine) -> None:
    # The engine's choice between same-title films is its own business: pin an AMBIGUOUS answer.
    suggestions = tuple(Suggestion(f"Echoes ({f.year})", 100.0, f.id) for f in (TWIN_A, TWIN_B))
    ambiguous_answer = Ambiguous("Echoes", suggestions)
    wrapped = Recording(engine, canned={"Echoes": ambiguous_answer})
    async with discord_driver(wrapped) as d:  # type: ignore[arg-type]
        (missing,) = await d.command("review", "Zyxwv Quantum Banana")
        assert missing.ephemeral and missing.buttons == ()
        (ambiguous,) = await d.command("review", "Echoes")
        assert ambiguous.ephemeral
        assert ambiguous.buttons == ("Echoes (1999)", "Echoes (2021)")
        (picked,) = await d.click(ambiguous, "Echoes (2021)")
        assert not picked.ephemeral
        assert picked.raw["embeds"][0]["title"] == "Echoes (2021)"
        no_rejections(d.fake)


async def test_engine_failure_shows_generic_error_only() -> None:
    wrapped = Recording(Engine(FILMS), fail=True)
    async with discord_driver(wrapped) as d:  # type: ignore[arg-type]
        (reply,) = await d.command("review", "Celestial Symphony")
        assert reply.ephemeral
        assert messages.INTERNAL_ERROR in reply.text
        assert "secret" not in json.dumps(reply.raw)


async def test_allowed_mentions_none_everywhere(engine: Engine) -> None:
    config = DiscordConfig(message_content=True)
    async with discord_driver(engine, config) as d:
        await d.command("ask", "@everyone how is the music in Celestial Symphony? <@&123> <@42>")
        await d.command("review", "@everyone @here")
        await d.mention("@everyone what about Gloomhaven Nights")
        bodies = message_requests(d.fake)
        assert len(bodies) >= 3
        assert all(mentions_nobody(b.get("allowed_mentions")) for b in bodies), bodies
        assert len([r for r in d.fake.requests if r.path.endswith("/messages")]) == 1  # the mention reply
        no_rejections(d.fake)


# --- buttons survive restarts ------------------------------------------------------


async def test_button_on_message_from_previous_process(engine: Engine) -> None:
    async with discord_driver(engine) as d:
        # a message this client never sent (as if posted before a restart)
        old = d.fake._new_message(
            {
                "embeds": [{"title": "Gloomhaven Nights"}],
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 2, "label": "Verdict", "custom_id": "rb:verdict:gloomhaven-nights"}
                        ],
                    }
                ],
            },
            channel_id=d.fake.channel_id("c1"),
            guild_id=GUILD_IDS[0],
            author=d.fake.bot_user,
        )
        iid = await d.fake.click(old, "rb:verdict:gloomhaven-nights")
        (reply,) = await d.fake.interaction_replies(iid)
        assert reply.data["embeds"][0]["title"] == "Gloomhaven Nights"
        assert reply.data["embeds"][0]["color"] == COLOURS[Label.NEGATIVE].value
        # a button for a film that is gone: an ephemeral error, not silence
        gone = d.fake._new_message(
            {
                "components": [
                    {
                        "type": 1,
                        "components": [{"type": 2, "style": 2, "label": "Full review", "custom_id": "rb:full:gone"}],
                    }
                ]
            },
            channel_id=d.fake.channel_id("c1"),
            guild_id=GUILD_IDS[0],
            author=d.fake.bot_user,
        )
        (err,) = await d.fake.interaction_replies(await d.fake.click(gone, "rb:full:gone"))
        assert err.ephemeral and messages.UNKNOWN_FILM in flatten(err.data)
        # a button this version no longer knows: an ephemeral hint, not "interaction failed"
        unknown = d.fake._new_message(
            {
                "components": [
                    {"type": 1, "components": [{"type": 2, "style": 2, "label": "Old", "custom_id": "rb:rate:x"}]}
                ]
            },
            channel_id=d.fake.channel_id("c1"),
            guild_id=GUILD_IDS[0],
            author=d.fake.bot_user,
        )
        (stale,) = await d.fake.interaction_replies(await d.fake.click(unknown, "rb:rate:x"))
        assert stale.ephemeral and messages.DISCORD_STALE_ACTION in flatten(stale.data)


# --- mentions and DMs ------------------------------------------------------------------


async def test_mentions_and_dms_with_message_content() -> None:
    wrapped = Recording(Engine(FILMS))
    async with discord_driver(wrapped) as d:  # type: ignore[arg-type]
        assert d.fake.identifies[0]["intents"] & INTENT_MESSAGE_CONTENT
        first = await d.mention("tell me about Celestial Symphony")
        assert first[0].raw["embeds"][0]["title"] == "Celestial Symphony"
        assert first[0].raw["message_reference"]["message_id"]
        follow = await d.mention("and the music?")
        assert "Celestial Symphony" in follow[0].text
        dm = await d.dm("is Gloomhaven Nights any good?")
        assert "Gloomhaven Nights" in dm[0].text
        await d.mention("what about the visuals?", channel="c2")
        keys = [q.conversation for q in wrapped.questions]
        c1, c2 = d.fake.channel_id("c1"), d.fake.channel_id("c2")
        assert keys == [f"discord:{c1}", f"discord:{c1}", f"discord:{DM_CHANNEL_ID}", f"discord:{c2}"]
        assert [q.text for q in wrapped.questions][:2] == ["tell me about Celestial Symphony", "and the music?"]
        assert all(q.intent is Intent.ASK for q in wrapped.questions)
        # messages without a mention, and other bots, are ignored
        before = len(wrapped.questions)
        await d.fake.send_message("chatting about Celestial Symphony", mention_bot=False)
        await d.fake.send_message("tell me about Celestial Symphony", author_bot=True)
        await d.fake.settle(0.2)
        assert len(wrapped.questions) == before
        no_rejections(d.fake)


async def test_mentions_ignored_without_message_content() -> None:
    wrapped = Recording(Engine(FILMS))
    async with discord_driver(wrapped, DiscordConfig()) as d:  # type: ignore[arg-type]
        mid = await d.fake.send_message("tell me about Celestial Symphony")
        await d.fake.send_message("hello", mention_bot=False, dm=True)
        await d.fake.settle(0.2)
        assert wrapped.questions == []
        assert d.fake.replies_after(mid) == []
        assert len(d.fake.undelivered) == 2  # the client did not even ask for message events


# --- sharding ------------------------------------------------------------------------


async def test_auto_sharded_client_connects_every_shard(engine: Engine) -> None:
    config = DiscordConfig(shard_count=2)
    async with discord_driver(engine, config, guild_ids=GUILD_IDS) as d:
        assert isinstance(d.client, discord.AutoShardedClient)
        await d.fake.wait_ready(shards=2)
        assert sorted(tuple(i["shard"]) for i in d.fake.identifies) == [(0, 2), (1, 2)]
        assert {g.id for g in d.client.guilds} == set(GUILD_IDS)
        # the first guild lives on shard 0; serve an interaction through shard 1 too
        d.fake.guild_ids = (GUILD_IDS[1],)
        (reply,) = await d.command("review", "Midway Meadows")
        assert reply.raw["embeds"][0]["title"] == "Midway Meadows"
        assert d.fake.interactions[max(d.fake.interactions)].guild_id == GUILD_IDS[1]


# --- the 3-second deadline ----------------------------------------------------------------


async def test_slow_engine_is_deferred_within_deadline() -> None:
    wrapped = Recording(Engine(FILMS), delay=2.5)
    async with discord_driver(wrapped) as d:  # type: ignore[arg-type]
        started = time.monotonic()
        (reply,) = await d.command("review", "Celestial Symphony")
        inter = d.fake.interactions[max(d.fake.interactions)]
        assert inter.callback is not None and inter.callback["type"] == 5  # deferred, thinking
        assert inter.callback_at is not None and inter.callback_at - inter.dispatched_at < 3.0
        assert not reply.ephemeral and reply.raw["embeds"][0]["title"] == "Celestial Symphony"
        assert reply.buttons == ("Full review", "Verdict")
        edits = [r for r in d.fake.requests if r.method == "PATCH" and r.path.endswith("/messages/@original")]
        assert len(edits) == 1 and edits[0].allowed_mentions == NO_MENTIONS
        assert time.monotonic() - started < 4
        no_rejections(d.fake)


async def test_deferred_error_reaches_only_the_asker() -> None:
    wrapped = Recording(Engine(FILMS), delay=0.4)
    async with discord_driver(wrapped, defer_after=0.1) as d:  # type: ignore[arg-type]
        (missing,) = await d.command("review", "Zyxwv Quantum Banana")
        assert missing.ephemeral
        inter = d.fake.interactions[max(d.fake.interactions)]
        assert inter.callback is not None and inter.callback["type"] == 5
        # the public "thinking…" message was deleted, the answer came as an ephemeral follow-up
        deleted = [r for r in d.fake.requests if r.method == "DELETE" and r.path.endswith("/messages/@original")]
        assert len(deleted) == 1
        assert [m.id for m in d.fake.replies_to(inter.id)] == [int(missing.raw["id"])]
        no_rejections(d.fake)


# --- the fake's own rules --------------------------------------------------------------------


async def test_fake_enforces_message_limits_and_json_content_type() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        url = f"{fake.api_base_url}/channels/{fake.channel_id('c1')}/messages"
        async with http.post(url, json={"content": "x" * 2001}) as resp:
            assert resp.status == 400
            assert resp.headers["Content-Type"] == "application/json"
            assert (await resp.json())["code"] == 50035
        async with http.post(url, json={"content": "x" * 2000}) as resp:
            assert resp.status == 200
        too_many_fields = {"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}
        long_label = {
            "components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "L" * 81, "custom_id": "a"}]}]
        }
        for body in (
            too_many_fields,
            long_label,
            {"embeds": [{"description": "d" * 4001}, {"description": "d" * 2000}]},
        ):
            async with http.post(url, json=body) as resp:
                assert resp.status == 400 and (await resp.json())["code"] == 50035
        async with http.get(f"{fake.api_base_url}/gateway/bot") as resp:
            assert resp.headers["Content-Type"] == "application/json"
            data = await resp.json()
            assert data["url"] == fake.gateway_url and data["shards"] == 1 and "session_start_limit" in data
        assert [r.status for r in fake.requests] == [400, 200, 400, 400, 400, 200]


async def test_fake_rejects_late_callbacks_and_bad_choices() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:

        def interaction(itype: int, age: float) -> FakeInteraction:
            iid = fake.snowflake()
            inter = FakeInteraction(
                iid, f"tok{iid}", itype, fake.channel_id("c1"), GUILD_IDS[0], time.monotonic() - age, {}
            )
            fake.interactions[iid] = inter
            return inter

        late = interaction(2, age=3.1)
        url = f"{fake.api_base_url}/interactions/{late.id}/{late.token}/callback"
        async with http.post(url, json={"type": 4, "data": {"content": "hi"}}) as resp:
            assert resp.status == 404 and (await resp.json())["code"] == 10062
        auto = interaction(4, age=0)
        url = f"{fake.api_base_url}/interactions/{auto.id}/{auto.token}/callback"
        choices = [{"name": f"c{i}", "value": f"v{i}"} for i in range(26)]
        async with http.post(url, json={"type": 8, "data": {"choices": choices}}) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == 50035
        async with http.post(url, json={"type": 8, "data": {"choices": [{"name": "n" * 101, "value": "v"}]}}) as resp:
            assert resp.status == 400
        async with http.post(url, json={"type": 8, "data": {"choices": choices[:25]}}) as resp:
            assert resp.status == 200
        async with http.post(url, json={"type": 8, "data": {"choices": []}}) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == 40060  # already acknowledged
        assert (
            flatten({"content": "a", "embeds": [{"title": "t", "fields": [{"name": "n", "value": "v"}]}]})
            == "a\nt\nn\nv"
        )


# --- several reviews: the review menu and the reviewer option ------------------------------------


async def test_reviewer_autocomplete_follows_the_title_and_fits_the_limits() -> None:
    film = club(40, name="Reviewer with a remarkably long name " * 4)
    async with discord_driver(Engine([*FILMS, film])) as d:
        by_id = await d.autocomplete("review", "", option="reviewer", others={"title": film.id})
        assert len(by_id) == 25
        assert all(1 <= len(c["name"]) <= 100 and 1 <= len(c["value"]) <= 100 for c in by_id)
        typed = await d.autocomplete("review", "reviewer with", option="reviewer", others={"title": "club night"})
        assert [c["name"] for c in typed] == [c["name"] for c in by_id]
        assert await d.autocomplete("review", "zz", option="reviewer", others={"title": film.id}) == []
        assert await d.autocomplete("review", "", option="reviewer", others={"title": "Gloomhaven Nights"}) == []
        assert await d.autocomplete("review", "", option="reviewer") == []  # no title yet
        # a pick opens that reviewer's review, though the names are longer than a choice's value
        assert all(len(n) > 100 for n in [r.reviewer or "" for r in film.reviews])
        (full,) = await d.command("review", film.id, reviewer=by_id[3]["value"])
        assert not full.ephemeral and "Review 03." in full.text
        # and a typed name (any case, a unique start) works too
        (typed_full,) = await d.command("review", "Club Night", reviewer="reviewer with a remarkably long name")
        assert typed_full.ephemeral  # not unique: every member's name starts so
        no_rejections(d.fake)


async def test_unknown_reviewer_is_private_and_names_the_reviewers() -> None:
    async with discord_driver(Engine([*FILMS, club(3)])) as d:
        (missing,) = await d.command("review", "Club Night", reviewer="Nobody")
        assert missing.ephemeral and "has no review by “Nobody”" in missing.text
        assert "Member 00, Member 01, Member 02" in missing.text and missing.buttons == ("Review",)
        (card,) = await d.click(missing, "Review")
        assert not card.ephemeral and card.menu == ("Review by Member 00", "Review by Member 01", "Review by Member 02")


async def test_menu_of_forty_reviews_offers_25_within_the_limits() -> None:
    async with discord_driver(Engine([*FILMS, club(40)])) as d:
        for command in ("review", "verdict"):
            (card,) = await d.command(command, "Club Night")
            assert len(card.menu) == 25 and card.menu[0] == "Review by Member 00"
            (full,) = await d.select(card, "Review by Member 24")
            assert "Review by Member 24" in full.text and "Review 24." in full.text
        no_rejections(d.fake)


def _menu_message(d: Any, values: list[str]) -> Any:
    """A message with a review menu, as if posted before a restart."""
    options = [{"label": f"Review {n}", "value": v} for n, v in enumerate(values)]
    row = {"type": 1, "components": [{"type": 3, "custom_id": "rb:menu:club-night", "options": options}]}
    return d.fake._new_message(
        {"embeds": [{"title": "Club Night (2022)"}], "components": [row]},
        channel_id=d.fake.channel_id("c1"),
        guild_id=GUILD_IDS[0],
        author=d.fake.bot_user,
    )


async def test_menu_on_a_message_from_a_previous_process() -> None:
    async with discord_driver(Engine([*FILMS, club(3)])) as d:
        old = _menu_message(d, ["rb:full:club-night/01", "rb:full:club-night/gone", "rb:verdict:club-night"])
        (full,) = await d.fake.interaction_replies(
            await d.fake.select(old, "rb:menu:club-night", ["rb:full:club-night/01"])
        )
        assert "Review by Member 01" in flatten(full.data) and not full.ephemeral
        (gone,) = await d.fake.interaction_replies(
            await d.fake.select(old, "rb:menu:club-night", ["rb:full:club-night/gone"])
        )
        assert gone.ephemeral and messages.UNKNOWN_FILM in flatten(gone.data)
        (verdict,) = await d.fake.interaction_replies(
            await d.fake.select(old, "rb:menu:club-night", ["rb:verdict:club-night"])
        )
        assert "1 of 3 reviews positive" in flatten(verdict.data)
        no_rejections(d.fake)


async def test_mentions_take_command_words() -> None:
    wrapped = Recording(Engine([*FILMS, club(3)]))
    async with discord_driver(wrapped) as d:  # type: ignore[arg-type]
        (full,) = await d.mention("review Club Night by member 02")
        assert "Review by Member 02" in full.text
        (films,) = await d.mention("list")
        assert "Gloomhaven Nights" in films.text
        assert [q.intent for q in wrapped.questions] == [Intent.REVIEW, Intent.LIST]


async def test_fake_enforces_select_menu_limits() -> None:
    def menu(options: int = 3, **extra: Any) -> dict[str, Any]:
        opts = [{"label": f"o{n}", "value": f"v{n}"} for n in range(options)]
        return {"type": 3, "custom_id": "rb:menu:x", "options": opts, **extra}

    def message(*rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {"content": "x", "components": [{"type": 1, "components": row} for row in rows]}

    button = {"type": 2, "style": 2, "label": "b", "custom_id": "rb:review:x"}
    assert message_problems(message([menu(25)], [button])) == []
    long_option = menu(1)
    long_option["options"][0]["label"] = "L" * 101
    duplicate = menu(2)
    duplicate["options"][1]["value"] = "v0"
    bad = [
        message([menu(26)]),
        message([menu(0)]),
        message([long_option]),
        message([duplicate]),
        message([menu(placeholder="p" * 151)]),
        message([menu(custom_id="c" * 101)]),
        message([{k: v for k, v in menu().items() if k != "custom_id"}]),
        message([menu(), button]),  # a select is alone in its row
        message(
            [menu()],
            [menu(custom_id="rb:menu:y")],
            [button],
            [dict(button, custom_id="a")],
            [dict(button, custom_id="b")],
            [dict(button, custom_id="c")],
        ),
        message([menu(max_values=4)]),
    ]
    for body in bad:
        assert message_problems(body), body
    async with discord_driver(Engine(FILMS)) as d:
        sent = d.fake._new_message(
            message([menu()]), channel_id=d.fake.channel_id("c1"), guild_id=GUILD_IDS[0], author=d.fake.bot_user
        )
        with pytest.raises(AssertionError, match="not options"):
            await d.fake.select(sent, "rb:menu:x", ["v9"])
        with pytest.raises(AssertionError, match="not a button"):
            await d.fake.click(sent, "rb:menu:x")
