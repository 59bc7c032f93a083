"""One contract, two platforms: the same scenarios run over Discord and Slack end to end.

Each scenario drives the real library (discord.py or slack-bolt) through a fake of the platform
on 127.0.0.1 and asserts on what the platform received, as a member would see it.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator

import pytest

from bot.cards import cards
from bot.corpus import load_corpus
from bot.engine import Engine
from bot.models import Film, Intent, Label, Question, Review
from tests.conftest import CORPUS
from tests.contract.driver import Driver, Reply
from tests.fakes.discord_driver import discord_driver
from tests.fakes.slack_driver import slack_driver

LONG_TEXT = "\n\n".join(
    f"Paragraph {n} of The Long Goodbye Tour is thoughtful. "
    + "The performances are warm and the score is lovely. " * 14
    for n in range(14)
)


def _review(who: str, text: str, verdict: Label, rating: str) -> Review:
    return Review(f"dune-tides/{who.lower()}", "dune-tides", text, who, rating, verdict)


# A film club's three reviews of one film: two positive, one negative; Ana and Cleo disagree about the music.
DUNE = Film(
    "dune-tides",
    "Dune Tides",
    2024,
    (
        _review(
            "Ana",
            "Dune Tides is a triumph. The music is magnificent, a thundering wall of drums and choirs that lingers "
            "long after the credits. The story is gripping from the first scene to the last.",
            Label.POSITIVE,
            "9/10",
        ),
        _review(
            "Ben",
            "Dune Tides is a gorgeous epic. The visuals are breathtaking, every dune painted in impossible colour. "
            "The acting is warm and convincing across the whole cast.",
            Label.POSITIVE,
            "4/5",
        ),
        _review(
            "Cleo",
            "Dune Tides is a tedious slog. The music is a loud, monotonous drone that drowns out every scene. "
            "The story makes no sense and the pacing is glacial.",
            Label.NEGATIVE,
            "2/10",
        ),
    ),
)
EXTRA = (
    Film.of("heat-1995", "Heat", 1995, "Heat is a taut, brilliant crime saga. The score hums."),
    Film.of("heat-2013", "Heat", 2013, "Heat is a clumsy, tiresome remake. The acting is flat."),
    Film.of("the-long-goodbye-tour", "The Long Goodbye Tour", None, LONG_TEXT),
    DUNE,
)


@pytest.fixture(scope="module")
def films() -> tuple[Film, ...]:
    return load_corpus(CORPUS).films + EXTRA


@pytest.fixture(params=["discord", "slack"])
async def bot(request: pytest.FixtureRequest, films: tuple[Film, ...]) -> AsyncIterator[Driver]:
    factory = discord_driver if request.param == "discord" else slack_driver
    async with factory(Engine(films)) as driver:
        yield driver


@pytest.fixture(scope="module")
def engine(films: tuple[Film, ...]) -> Engine:
    """An engine of its own, to ask what the console would show."""
    return Engine(films)


def one(replies: list[Reply]) -> Reply:
    assert len(replies) == 1, [r.text[:80] for r in replies]
    return replies[0]


def sections(platform: str, reply: Reply) -> dict[str, str]:
    """The reply's headed sections as the platform shows them: heading -> text under it."""
    if platform == "discord":
        (embed,) = reply.raw["embeds"]
        return {f["name"]: f["value"] for f in embed.get("fields") or []}
    out = {}
    for block in reply.raw["blocks"]:
        text = (block.get("text") or {}).get("text", "") if block["type"] == "section" else ""
        heading, _, body = text.partition("\n")
        if heading.startswith("*") and heading.endswith("*") and body:
            out[unescape(heading[1:-1])] = unescape(body)
    return out


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


async def console_headings(engine: Engine, question: Question) -> list[str]:
    """The headings the console shows for the same question."""
    return [s.heading for card in cards(await engine.answer(question)) for s in card.sections if s.heading]


def pings_nobody(platform: str, reply: Reply) -> bool:
    """Whether the platform would notify anyone for this message."""
    if platform == "discord":
        return not (reply.raw["mention_everyone"] or reply.raw["mentions"] or reply.raw["mention_roles"])
    sent = json.dumps(reply.raw)
    return all(token not in sent for token in ("<!everyone>", "<!channel>", "<!here>", "<@U123>"))


async def test_review_with_a_typo(bot: Driver) -> None:
    reply = one(await bot.command("review", "celestial symphny"))
    assert not reply.ephemeral
    assert "Celestial Symphony" in reply.text and "Positive" in reply.text
    assert "The score, composed by a master of celestial music" in reply.text
    assert reply.buttons == ("Full review", "Verdict")


async def test_verdict_on_a_sequel(bot: Driver) -> None:
    reply = one(await bot.command("verdict", "radiant reflection"))
    assert not reply.ephemeral and "Positive" in reply.text
    assert "builds upon the themes and ideas of the original film" in reply.text


async def test_aspect_question(bot: Driver) -> None:
    reply = one(await bot.command("ask", "how is the soundtrack in radiant reflections?"))
    assert "hauntingly beautiful soundtrack" in reply.text and not reply.ephemeral


async def test_follow_up_in_context(bot: Driver) -> None:
    await bot.command("ask", "how is the music in Celestial Symphony?", channel="c7")
    reply = one(await bot.command("ask", "and the visuals?", channel="c7"))
    assert "The visuals in Celestial Symphony are truly awe-inspiring" in reply.text
    other = one(await bot.mention("and the visuals?", channel="c8"))
    assert "Celestial Symphony are truly awe-inspiring" not in other.text or "Radiant" in other.text


async def test_follow_up_after_a_mention(bot: Driver) -> None:
    first = one(await bot.mention("how's the music in Radiant Reflections?", channel="c9"))
    reply = one(await bot.mention("and the visuals?", channel="c9", after=first))
    assert "The visual effects are nothing short of breathtaking" in reply.text


async def test_ambiguous_title_then_a_suggestion_click(bot: Driver) -> None:
    reply = one(await bot.command("review", "heat"))
    assert reply.ephemeral
    assert reply.buttons == ("Heat (1995)", "Heat (2013)")
    clicked = one(await bot.click(reply, "Heat (2013)"))
    assert "Heat (2013)" in clicked.text and "clumsy, tiresome remake" in clicked.text
    assert not clicked.ephemeral


async def test_not_found_is_private(bot: Driver) -> None:
    reply = one(await bot.command("review", "The Godfather"))
    assert reply.ephemeral and "The Godfather" in reply.text and "don't have a review" in reply.text


async def test_ten_thousand_character_question(bot: Driver) -> None:
    replies = await bot.command("ask", "how is the music " * 600)
    assert len(replies) == 1 and replies[0].text.strip()
    assert "went wrong" not in replies[0].text


async def test_mentions_in_user_text_ping_nobody(bot: Driver) -> None:
    typed = "@everyone <@U123> <!channel> <!everyone> @here"
    reply = one(await bot.command("review", typed))
    assert "@everyone" in reply.text, "the echoed text is shown, not dropped"
    assert pings_nobody(bot.platform, reply)
    answer = one(await bot.mention(f"how is the music in Celestial Symphony? {typed}", channel="c10"))
    assert pings_nobody(bot.platform, answer)


async def test_long_review_is_paginated(bot: Driver, films: tuple[Film, ...]) -> None:
    card = one(await bot.command("review", "the long goodbye tour"))
    pages = await bot.click(card, "Full review")
    assert len(pages) > 1, "a 10,000-character review does not fit one message"
    shown = " ".join(p.text for p in pages).split()
    for paragraph in LONG_TEXT.split("\n\n"):
        assert " ".join(paragraph.split()) in " ".join(shown)


@pytest.mark.parametrize("platform", ["discord", "slack"])
async def test_still_reading_then_answering(platform: str, films: tuple[Film, ...]) -> None:
    """A bot online before its corpus is loaded says so, privately, and answers once loaded."""
    release = threading.Event()

    def slow_corpus() -> tuple[Film, ...]:
        release.wait(10)
        return films

    engine = Engine(None)
    factory = discord_driver if platform == "discord" else slack_driver
    async with factory(engine) as bot:
        loading = asyncio.ensure_future(engine.load(slow_corpus))
        early = one(await bot.command("review", "celestial symphny"))
        assert early.ephemeral and "still reading the reviews" in early.text
        release.set()
        await loading
        reply = one(await bot.command("review", "celestial symphny"))
        assert not reply.ephemeral and "Celestial Symphony" in reply.text


# --- a film with several reviews ------------------------------------------------------------


async def test_three_reviews_aggregate_attributed_highlights_and_the_console_headings(
    bot: Driver, engine: Engine
) -> None:
    reply = one(await bot.command("review", "dune tides"))
    assert not reply.ephemeral
    assert "Dune Tides (2024)" in reply.text and "Positive: 2 of 3 reviews positive" in reply.text
    shown = sections(bot.platform, reply)
    assert list(shown) == await console_headings(engine, Question(Intent.REVIEW, "dune tides"))
    assert "— Ben" in shown["Visuals & effects"] and "breathtaking" in shown["Visuals & effects"]
    consensus = shown["What the reviewers say"]
    assert all(f"— {who}" in consensus for who in ("Ana", "Ben", "Cleo"))
    assert all(line in shown["Reviews (3)"] for line in ("Ana: Positive · 9/10", "Cleo: Negative · 2/10"))
    assert reply.menu == ("Review by Ana", "Review by Ben", "Review by Cleo")
    assert reply.buttons == ("Verdict",)  # one review is read from the menu, not a Full review button


async def test_verdict_of_three_reviews_names_each_reviewer(bot: Driver, engine: Engine) -> None:
    reply = one(await bot.command("verdict", "dune tides"))
    assert not reply.ephemeral and "Positive: 2 of 3 reviews positive" in reply.text
    shown = sections(bot.platform, reply)
    assert list(shown) == await console_headings(engine, Question(Intent.VERDICT, "dune tides"))
    assert (
        "drowns out every scene" in shown["Cleo: Negative · 2/10"] or "makes no sense" in shown["Cleo: Negative · 2/10"]
    )
    assert reply.menu == ("Review by Ana", "Review by Ben", "Review by Cleo") and reply.buttons == ("Review",)


async def test_reading_one_review_from_the_menu(bot: Driver) -> None:
    card = one(await bot.command("review", "dune tides"))
    full = one(await bot.select(card, "Review by Cleo"))
    assert not full.ephemeral
    assert "Dune Tides (2024)" in full.text and "Review by Cleo" in full.text
    assert "Dune Tides is a tedious slog." in full.text and "triumph" not in full.text
    again = one(await bot.select(card, "Review by Ana"))  # the same menu, another pick
    assert "Review by Ana" in again.text and "Dune Tides is a triumph." in again.text


async def test_one_reviewers_review_by_the_option(bot: Driver) -> None:
    full = one(await bot.command("review", "dune tides", reviewer="ben"))
    assert not full.ephemeral
    assert "Review by Ben" in full.text and "Dune Tides is a gorgeous epic." in full.text


async def test_ask_quotes_two_reviewers_who_disagree(bot: Driver) -> None:
    reply = one(await bot.command("ask", "how is the music in Dune Tides?"))
    assert not reply.ephemeral and "The reviewers disagree about this." in reply.text
    shown = sections(bot.platform, reply)
    assert "— Ana" in shown["For"] and "magnificent" in shown["For"]
    assert "— Cleo" in shown["Against"] and "monotonous drone" in shown["Against"]


async def test_a_one_review_film_reads_as_before(bot: Driver, engine: Engine) -> None:
    reply = one(await bot.command("review", "celestial symphony"))
    shown = sections(bot.platform, reply)
    assert list(shown) == await console_headings(engine, Question(Intent.REVIEW, "celestial symphony"))
    assert "Verdict: Positive (99% confident)" in shown and "Music & score" in shown
    assert not any("— " in text for text in shown.values()), "one review: nobody to attribute"
    assert "of 1 reviews" not in reply.text and reply.menu == ()


async def test_did_you_mean_buttons_open_the_film(bot: Driver) -> None:
    reply = one(await bot.command("review", "celestal"))
    assert reply.ephemeral and "Did you mean: Celestial Symphony?" in reply.text
    assert reply.buttons == ("Celestial Symphony",)
    opened = one(await bot.click(reply, "Celestial Symphony"))
    assert not opened.ephemeral and "Verdict: Positive" in opened.text


def title(platform: str, reply: Reply) -> str:
    """The card's title as the platform shows it: the embed title, or the header (after the tone's emoji)."""
    if platform == "discord":
        return str(reply.raw["embeds"][0]["title"])
    header = reply.raw["blocks"][0]
    assert header["type"] == "header"
    text = str(header["text"]["text"])
    return text.split(" ", 1)[1] if text.startswith(":") else text


@pytest.mark.parametrize(
    ("command", "text", "intent"),
    [
        ("review", "dune tides", Intent.REVIEW),
        ("verdict", "radiant reflection", Intent.VERDICT),
        ("ask", "how is the music in Dune Tides?", Intent.ASK),
        ("ask", "how are the costumes?", Intent.ASK),
        ("review", "heat", Intent.REVIEW),
        ("review", "The Godfather", Intent.REVIEW),
        ("help", "", Intent.HELP),
    ],
)
async def test_titles_and_privacy_are_the_consoles(
    bot: Driver, engine: Engine, command: str, text: str, intent: Intent
) -> None:
    (card,) = cards(await engine.answer(Question(intent, text)))
    reply = one(await bot.command(command, text))
    assert title(bot.platform, reply) == card.title
    assert reply.ephemeral == card.private


# --- answers across films (issue 12) -------------------------------------------------------------------------------


async def test_which_film_has_the_best_music_ranks_films_with_a_quote_each(bot: Driver, engine: Engine) -> None:
    reply = one(await bot.command("ask", "which film has the best music?", channel="c20"))
    assert not reply.ephemeral
    assert "Films whose reviews praise the music most:" in reply.text
    shown = sections(bot.platform, reply)
    assert list(shown) == await console_headings(engine, Question(Intent.ASK, "which film has the best music?"))
    assert [h[:3] for h in shown] == ["1. ", "2. ", "3. "][: len(shown)] and len(shown) >= 2
    assert all(body.strip() for body in shown.values()), "each film is quoted"
    labels = [h.split(". ", 1)[1] for h in shown]
    assert reply.buttons == tuple(labels), "a button opens each film's review"
    assert title(bot.platform, reply) == "Films compared"
    opened = one(await bot.click(reply, labels[0], channel="c20"))
    assert labels[0] in opened.text and not opened.ephemeral


async def test_recommend_me_something_gives_films_with_why(bot: Driver, engine: Engine) -> None:
    reply = one(await bot.mention("recommend me something", channel="c21"))
    assert not reply.ephemeral and "Films the reviews rate well:" in reply.text
    shown = sections(bot.platform, reply)
    assert list(shown) == await console_headings(engine, Question(Intent.ASK, "recommend me something"))
    assert len(shown) == 3
    for heading, body in shown.items():
        assert heading[:3] in ("1. ", "2. ", "3. ")
        assert "Positive" in body and "> " in body, body  # the verdict, and a quote why (a block quote)
    assert "Heat (2013)" not in reply.text, "a film its review pans is no recommendation"
    assert len(reply.buttons) == 3 and pings_nobody(bot.platform, reply)


async def test_gibberish_after_a_question_is_not_understood_on_the_platform(bot: Driver) -> None:
    one(await bot.command("ask", "how is the music in Dune Tides?", channel="c22"))
    reply = one(await bot.command("ask", "sdfkjh qwpoeiru", channel="c22"))
    assert reply.ephemeral and "didn't understand" in reply.text and "Dune Tides" not in reply.text
