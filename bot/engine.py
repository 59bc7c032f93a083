"""The answer engine: Question in, Answer out. (Interface; implementation landing.)"""

from __future__ import annotations

from bot.models import Answer, Film, Question, Suggestion


class Engine:
    """Answers questions about the films of one loaded corpus.

    Build with `Engine.from_films(films)` or `await Engine.load(config)`.
    """

    films: tuple[Film, ...]

    def film(self, film_id: str) -> Film | None:
        """The film with this id, if the corpus has it."""
        raise NotImplementedError

    def suggest(self, prefix: str, limit: int = 25) -> list[Suggestion]:
        """Ranked titles for autocomplete: at most `limit` (<= 25), titles <= 100 chars."""
        raise NotImplementedError

    async def answer(self, question: Question) -> Answer:
        """Answer one question; never raises for bad input."""
        raise NotImplementedError
