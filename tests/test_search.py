"""Which sentence answers an aspect question: the one about that aspect, and an opinion rather than a plot."""

from __future__ import annotations

import pytest

from bot.answers import Snippets
from bot.engine import Engine
from bot.models import Aspect, Film, Intent, Question
from bot.search import aspects_in


async def top(text: str, question: str) -> str:
    """The first snippet a user sees when asking `question` about a one-review corpus."""
    film = Film.of("f", "Harbour Lights", 2020, text)
    answer = await Engine([film]).answer(Question(Intent.ASK, f"{question} in Harbour Lights?", "t"))
    assert isinstance(answer, Snippets) and answer.quotes, answer
    return answer.quotes[0].text


async def test_pacing_question_is_not_answered_with_the_plot() -> None:
    text = (
        "The plot is clever, the script crackles and the story is wonderful. The middle hour drags. "
        "The story follows a lighthouse keeper and his daughter."
    )
    assert await top(text, "how is the pacing") == "The middle hour drags."


async def test_a_word_that_merely_looks_like_the_aspect_loses() -> None:
    text = (
        "Look, it is a wonderful, wonderful film and everyone should see it. "
        "The camera lingers on cold blues and harbour fog."
    )
    assert "camera lingers" in await top(text, "how are the visuals")


async def test_an_opinion_about_the_aspect_outranks_a_plot_summary_naming_it() -> None:
    text = (
        "Plot: a retired sailor returns to the harbour town where his brother vanished. "
        "The weather is awful all week. The plot is a tangled, joyless mess that wastes a fine cast."
    )
    assert "tangled, joyless mess" in await top(text, "what does the review say about the plot")


async def test_special_effects_count_where_a_passing_effect_does_not() -> None:
    text = (
        "The jokes land to great comic effect in the first act. "
        "The special effects are cheap and the storm looks like a bathtub."
    )
    assert "special effects are cheap" in await top(text, "how are the special effects")


async def test_a_related_aspect_answers_when_the_asked_one_is_absent() -> None:
    text = "The actors mumble. The CGI storm is astonishing, the best effects work of the year."
    assert "CGI storm" in await top(text, "how are the visuals")


@pytest.mark.parametrize(
    ("question", "aspects"),
    [
        ("how are the visuals", (Aspect.VISUALS,)),
        ("how are the special effects", (Aspect.EFFECTS,)),
        ("does it look good", (Aspect.VISUALS,)),
        ("is it better than the original?", (Aspect.SEQUEL,)),
        ("how long is it", ()),
        ("what's special about it", ()),
    ],
)
def test_words_that_name_an_aspect(question: str, aspects: tuple[Aspect, ...]) -> None:
    assert aspects_in(question) == aspects
