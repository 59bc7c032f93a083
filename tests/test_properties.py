"""Property tests: whatever people type, the engine answers clearly and never raises."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answers import Note, Notice
from bot.engine import Engine
from bot.models import Intent, Question
from bot.render import text as shown

NASTY = st.sampled_from(
    [
        "",
        "   \t\n ",
        "x" * 10_000,
        "\x00\x01\x1b[31m\x7f",
        "🎬🍿🎥" * 50,
        "\u202eemordnilap\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
        "**bold** __under__ `code` ```block``` > quote [link](http://x)",
        "@everyone @here <@123> <@&456> <#789> <!channel> <!everyone>",
        "/review",
        "'; DROP TABLE films; --",
    ]
)
TEXT = st.one_of(NASTY, st.text(max_size=400), st.text(alphabet=st.characters(codec="utf-8"), max_size=50))
INTENTS = st.sampled_from(list(Intent))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(intent=INTENTS, text=TEXT, film_id=st.one_of(st.none(), st.text(max_size=30), st.just("celestial-symphony")))
def test_any_input_gets_a_clear_answer(engine: Engine, intent: Intent, text: str, film_id: str | None) -> None:
    answer = asyncio.run(engine.answer(Question(intent, text, "prop", film_id)))
    words = shown(answer)
    assert words.strip(), "every answer has text to show"
    assert answer != Notice(Note.ERROR), "no internal errors"
    assert "Traceback" not in words
    assert len(words) < 20_000


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=TEXT)
def test_autocomplete_always_fits_the_limits(engine: Engine, prefix: str) -> None:
    got = engine.suggest(prefix)
    assert len(got) <= 25 and all(0 < len(s.title) <= 100 for s in got)
