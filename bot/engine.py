"""The answer engine: a Question in, an Answer out, whatever the platform."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from bot import lexicon
from bot import messages as msg
from bot.context import ContextStore, GuardedContext, MemoryContext
from bot.index import load_or_build
from bot.models import Answer, Aspect, Film, Kind, Question, Snippet, Suggestion, Verdict
from bot.reading import Reading, judge, read
from bot.render import plain
from bot.search import ASPECT_STEMS, SentenceIndex, aspects_in, terms_of, tokens
from bot.sentiment import Opinion, Polarity
from bot.text import clean, paginate, sentences, shorten, stem, words
from bot.titles import Outcome, Resolution, TitleIndex, movie_word

log = logging.getLogger(__name__)

TITLE_LIMIT = 200
QUESTION_LIMIT = 500
PAGE_SIZE = 1900  # fits a Discord message (2000) and a Slack section (3000)
_VERDICT_INTENT = re.compile(
    r"\b(any good|worth (it|watching|seeing|a watch)|should i (watch|see)|verdict|recommend|is it good|"
    r"did (you|they|the reviewer) like|good or bad|thumbs)\b",
    re.I,
)
_REVIEW_INTENT = re.compile(r"^\W*(review( of)?|tell me about|what about|how about|summari[sz]e)\b", re.I)
_ASKS = re.compile(
    r"^\W*((how|what|which)('s|\s+(is|are|was|were|about|did|do|does|would|should|could))|is|are|was|were|do|does|did"
    r"|should|would|could|can)\b",
    re.I,
)
_QUESTION_WORDS = frozenset(
    "how hows what whats which is are was were do does did should would could can tell me about any good bad worth "
    "watch watching see seeing verdict recommend think review reviewer summarise summarize like liked".split()
)
_ASPECT_STEMS = frozenset().union(*ASPECT_STEMS.values())
_NAMED_TAIL = re.compile(r"\b(in|of|about|for|from|on)\s+((?:[\"“']?[\w'’:.&-]+\s*){1,8})[?.!\"”']*$", re.I)


def _plainly_asks(text: str, aspects: tuple[Aspect, ...]) -> bool:
    """Whether `text` is worded as a question about a film rather than as a title."""
    return bool(_REVIEW_INTENT.search(text) or _VERDICT_INTENT.search(text) or (aspects and _ASKS.match(text)))


# Words a question uses for the film it is about, which are no title: "this movie", "it", "the film".
_NOT_TITLES = frozenset(
    "this that these those it its the a an my your our their his her them him me us you one ones movie movies "
    "film films flick pic picture review sequel original".split()
)
COMMON_WORD = 20_000  # a lower-case word at least this frequent (lexicon rank) is a word, not a title ("kids")


def _may_be_title(tail: str, audience: bool) -> bool:
    """Whether the words a question ends on ("... in Heat Wave?") could be a film's title.

    Not when they are the question's own words: a pronoun or "this movie" (also misspelt, "this movte").
    After "for" (`audience`) the words are more often who the film is for ("is it good for kids?"): a
    title there needs a capital letter or a word that is not a common one.
    """
    named = [w for w in words(tail) if w not in _NOT_TITLES and not movie_word(w)]
    if not named:
        return False
    if audience and tail == tail.lower():
        return any((rank := lexicon.rank(w)) is None or rank > COMMON_WORD for w in named)
    return True


def _framed(text: str, film: Film) -> bool:
    """Whether `text` asks about the film in at least three question words besides its title's."""
    title = set(words(film.title))
    return sum(1 for w in words(text) if w not in title and (w in _QUESTION_WORDS or stem(w) in _ASPECT_STEMS)) >= 3


class Engine:
    """Answers questions about the films of one loaded corpus."""

    def __init__(
        self,
        films: Iterable[Film] | None,
        *,
        context: ContextStore | None = None,
        polarity: Polarity | None = None,
        index_dir: Path | None = None,
    ) -> None:
        """`index_dir`: where to persist the search indexes, so a restart over the same corpus loads them.

        With `films` None the engine starts empty and answers that it is still reading until `load` is done.
        """
        # a given store (a database) is guarded: a slow or failing one never holds an answer up
        self.context: ContextStore = MemoryContext() if context is None else GuardedContext(context)
        self.ready = False
        self.films: tuple[Film, ...] = ()
        self._index_dir = index_dir
        self._polarity = polarity or Polarity.default()
        self._opinion = Opinion.default()
        self._titles: TitleIndex
        self._sentences: SentenceIndex
        self._readings: dict[str, Reading] = {}
        self._verdicts: dict[str, Verdict] = {}  # of films read for a verdict only
        self._stems: dict[str, str] = {}  # word -> stem, for the words of the films read
        if films is not None:
            films = tuple(films)
            self._use(films, load_or_build(index_dir, films))

    async def load(self, films: Callable[[], Iterable[Film]]) -> None:
        """Read the films and load (or build) their indexes in a worker thread, then answer from them.

        A first start over a large corpus takes minutes; meanwhile the bot is online and says so.
        """

        def work() -> tuple[tuple[Film, ...], tuple[TitleIndex, SentenceIndex]]:
            found = tuple(films())
            return found, load_or_build(self._index_dir, found)

        self._use(*await asyncio.to_thread(work))

    def _use(self, films: tuple[Film, ...], indexes: tuple[TitleIndex, SentenceIndex]) -> None:
        self._titles, self._sentences = indexes
        self._by_id = {f.id: f for f in films}
        self._index = {f.id: i for i, f in enumerate(films)}
        self._example = films[0].title if films else "Celestial Symphony"
        self.films = films
        self.ready = True

    @classmethod
    def from_films(cls, films: Iterable[Film], context: ContextStore | None = None) -> Engine:
        """An engine over `films`."""
        return cls(films, context=context)

    def film(self, film_id: str) -> Film | None:
        """The film with this id, if the corpus has it."""
        return self._by_id.get(film_id) if self.ready else None

    def suggest(self, prefix: str, limit: int = 25) -> list[Suggestion]:
        """Ranked titles for autocomplete: at most `limit` (<= 25), titles <= 100 chars."""
        return self._titles.suggest(prefix, limit) if self.ready else []

    def reading(self, film: Film) -> Reading:
        """The verdict, summary and highlights of one review (computed once)."""
        cached = self._readings.get(film.id)
        if cached is None:
            texts = sentences(film.text)  # as indexed, and cheaper than reading them back from the index
            stems = [tokens(t, self._stems) for t in texts]
            cached = read(film, judge(film, texts, self._polarity), stems)
            self._readings[film.id] = cached
            self._verdicts.pop(film.id, None)
        return cached

    def verdict(self, film: Film) -> Verdict:
        """The verdict of one review (computed once; cheaper than a whole `reading`)."""
        if (cached := self._readings.get(film.id)) is not None:
            return cached.verdict
        found = self._verdicts.get(film.id)
        if found is None:
            found = self._verdicts[film.id] = judge(film, sentences(film.text), self._polarity).verdict
        return found

    def card(self, film: Film, confidence: float = 1.0) -> Answer:
        """The review card of `film`: verdict, summary, highlights (`confidence`: how sure `film` is the one meant)."""
        r = self.reading(film)
        return self._done(
            Answer(
                Kind.REVIEW,
                film=film,
                verdict=r.verdict,
                summary=r.summary,
                highlights=r.highlights,
                film_confidence=confidence,
            )
        )

    async def answer(self, question: Question) -> Answer:
        """Answer one question; never raises, whatever the input."""
        try:
            answer = await self._answer(question)
        except Exception:
            log.exception("could not answer a %s question", question.kind.value)
            return Answer(Kind.ERROR, text=msg.INTERNAL_ERROR)
        if answer.film is not None and question.conversation:
            try:  # waits a moment at most (GuardedContext)
                await self.context.put(question.conversation, answer.film.id)
            except Exception:
                log.exception("could not save the conversation context")
        return answer

    async def _answer(self, q: Question) -> Answer:
        if q.kind is Kind.HELP:
            return Answer(Kind.HELP, text=msg.HELP)
        if not self.ready:
            return Answer(Kind.ERROR, text=msg.STILL_READING)
        if not self.films:
            return Answer(Kind.ERROR, text=msg.EMPTY_CORPUS)
        if q.kind is Kind.LIST:
            films = tuple(sorted(self.films, key=lambda f: f.title.lower()))
            return self._done(Answer(Kind.LIST, films=films))
        if q.film_id is not None:
            film = self.film(q.film_id)
            if film is None:
                return Answer(Kind.ERROR, text=msg.UNKNOWN_FILM)
            return self._about(q.kind, film)
        if q.kind in (Kind.REVIEW, Kind.VERDICT, Kind.FULL):
            return self._by_title(q)
        return await self._ask(q)

    def _about(self, kind: Kind, film: Film, confidence: float = 1.0) -> Answer:
        if kind is Kind.FULL:
            pages = tuple(paginate(film.text, PAGE_SIZE))
            return self._done(Answer(Kind.FULL, film=film, pages=pages, film_confidence=confidence))
        if kind is Kind.VERDICT:
            return self._done(Answer(Kind.VERDICT, film=film, verdict=self.verdict(film), film_confidence=confidence))
        return self.card(film, confidence)

    def _by_title(self, q: Question) -> Answer:
        text = clean(q.text, TITLE_LIMIT)
        if not words(text):
            return Answer(Kind.ERROR, text=msg.EMPTY_TITLE.format(example=self._example))
        res = self._titles.lookup(text)  # "/review how is celestial symphony" too; "Shrek 2" is not Shrek
        if res.outcome is Outcome.MATCH and res.film is not None:
            return self._about(q.kind, res.film, res.confidence)
        return self._unresolved(text, res)

    def _unresolved(self, query: str, res: Resolution) -> Answer:
        """The "did you mean" or "I don't have it" answer for a query that names no film for sure."""
        shown = shorten(query, 80)
        suggestions = res.suggestions
        if res.outcome is Outcome.AMBIGUOUS and suggestions:
            text = (msg.AMBIGUOUS if len(suggestions) > 1 else msg.DID_YOU_MEAN).format(query=shown)
            return self._done(Answer(Kind.AMBIGUOUS, text=text, suggestions=suggestions))
        titles = ", ".join(s.title for s in suggestions)
        if suggestions and res.related:
            text = msg.NOT_FOUND_RELATED.format(query=shown, titles=titles)
        elif suggestions:
            text = msg.NOT_FOUND_SUGGEST.format(query=shown, titles=titles)
        else:
            text = msg.NOT_FOUND.format(query=shown)
        return Answer(Kind.NOT_FOUND, text=text, suggestions=suggestions)

    async def _ask(self, q: Question) -> Answer:
        text = clean(q.text, QUESTION_LIMIT)
        if not words(text):
            return Answer(Kind.ERROR, text=msg.EMPTY_QUESTION.format(example=self._example))
        aspects = aspects_in(text)
        # A question plainly about a title found in it is not also resolved as one whole title (slow
        # when misspelt); a title worded like a question ("What About Bob?") still is.
        asking = _plainly_asks(text, aspects)
        found = self._titles.find_in(text) if asking else None
        film = found.film if found is not None else None
        if film is None or not _framed(text, film):
            whole = self._titles.resolve(text)
            if whole.outcome is Outcome.MATCH and whole.film is not None:
                return self.card(whole.film, whole.confidence)
            if not asking:
                found = self._titles.find_in(text)
                film = found.film
        sure = found.confidence if film is not None and found is not None else 1.0
        title_words = words(film.title) if film else []
        if film is None:
            if found is not None and found.suggestions and found.named:
                return self._unresolved(found.named, found)  # "how is the music in shrek 2?" with only Shrek here
            missing = self._missing_title(text)
            if missing is not None:
                return missing
            if q.conversation and (film_id := await self.context.get(q.conversation)):
                film = self.film(film_id)
        terms = terms_of(text, exclude=title_words)
        if film is not None and _VERDICT_INTENT.search(text) and not (set(aspects) - {aspects_in("sequel")[0]}):
            return self._about(Kind.VERDICT, film, sure)
        if film is not None and (_REVIEW_INTENT.search(text) or not (aspects or terms)):
            return self.card(film, sure)
        hits = self._sentences.search(
            terms,
            aspects,
            film=None if film is None else self._index[film.id],
            k=3,
            opinion=self._opinion.probability,
        )
        if hits:
            floor = hits[0].score * 0.5
            hits = [h for h in hits if h.score >= floor]
        snippets = tuple(Snippet(h.sentence.text, self.films[h.sentence.film].id, h.score, h.aspect) for h in hits)
        if not snippets:
            if film is not None:
                topic = " and ".join(msg.ASPECT_WORDS[a.value].lower() for a in aspects) or "that"
                text = msg.NO_SNIPPETS.format(title=film.title, topic=topic)
                return Answer(Kind.ANSWER, film=film, text=text, film_confidence=sure)
            return Answer(Kind.ANSWER, text=msg.NO_SNIPPETS_ANY)
        return self._done(Answer(Kind.ANSWER, film=film, snippets=snippets, film_confidence=sure if film else None))

    def _missing_title(self, text: str) -> Answer | None:
        """A not-found answer when the question names a film the corpus lacks."""
        m = _NAMED_TAIL.search(text)
        if not m:
            return None
        tail = m.group(2).strip(" \"“”'?.!")
        if not _may_be_title(tail, audience=m.group(1).lower() == "for"):
            return None
        terms = terms_of(tail)
        unknown = [t for t in terms if self._sentences.idf(t) == 0.0]
        if not terms or len(unknown) < max(1, len(terms) // 2):
            return None
        if aspects_in(tail):
            return None
        res = self._titles.lookup(tail)
        if res.outcome is Outcome.MATCH:  # a title after all: not a missing one
            return None
        return self._unresolved(tail, replace(res, outcome=Outcome.NOT_FOUND))

    def _done(self, answer: Answer) -> Answer:
        titles = {s.film_id: self._by_id[s.film_id].title for s in answer.snippets} if answer.film is None else None
        return replace(answer, text=plain(answer, titles))
