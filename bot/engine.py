"""The answer engine: a Question in, an Answer out, whatever the platform.

The engine finds the film (`bot.titles`), reads each of its reviews (`bot.reading`), combines
them (`bot.aggregate`) and finds the sentences that answer a question (`bot.search`). It returns
the typed answers of `bot.answers`; how they look is `bot.cards`' business.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np

from bot import aggregate as agg
from bot import facts, lexicon
from bot import messages as msg
from bot.answers import (
    Abstain,
    Aggregate,
    Ambiguous,
    Answer,
    Comparison,
    Fact,
    FilmList,
    FilmRanking,
    FullText,
    Note,
    NotFound,
    Notice,
    Pick,
    Picks,
    Quote,
    Ranked,
    ReviewCard,
    Snippets,
    VerdictCard,
    film_of,
)
from bot.context import ContextStore, GuardedContext, MemoryContext
from bot.index import Indexes, load_or_build
from bot.intents import (
    Kind,
    Role,
    Route,
    about_films,
    asked_feel,
    asks_about,
    asks_verdict,
    chatter,
    classify,
    commands,
    family,
    genre_words,
    heal,
    own_words,
    past_verdict,
    plainly_asks,
    verdict_subject,
    verdict_thing,
)
from bot.models import Aspect, Film, Intent, Label, Question, Review, Suggestion, Verdict
from bot.passages import IndexRelevance
from bot.picks import Across, Scored
from bot.reading import HIGHLIGHT_GROUPS, Reading, Verdicts, compares, judge, read
from bot.relevance import Relevance
from bot.search import ASPECT_STEMS, Hit, SentenceIndex, aspects_in, terms_of, tokens
from bot.sentiment import Opinion, Polarity
from bot.text import clean, fold, paginate, sentences, stem, without, words
from bot.titles import Outcome, Resolution, TitleIndex, movie_word

log = logging.getLogger(__name__)

TITLE_LIMIT = 200
QUESTION_LIMIT = 500
PAGE_SIZE = 1900  # fits a Discord message (2000) and a Slack section (3000)
PICKS = 3  # films in a ranking or a recommendation
FAMILY_POOL = 24  # sentences ranked for a feel question, before those without a word of its family are dropped
SHORTLIST = 24  # sentences of the whole corpus that `bot.relevance` checks for a question naming no film
_QUESTION_WORDS = frozenset(
    "how hows what whats which is are was were do does did should would could can tell me about any good bad worth "
    "watch watching see seeing verdict recommend think review reviewer summarise summarize like liked".split()
)
_ASPECT_STEMS = frozenset().union(*ASPECT_STEMS.values())
_NAMED_TAIL = re.compile(r"\b(in|of|about|for|from|on)\s+((?:[\"“']?[\w'’:.&-]+\s*){1,8})[?.!\"”']*$", re.I)
_BY_REVIEWER = re.compile(r"^(.+?)\s+(?:by|from)\s+(.{1,80})$", re.I)


# Words a question uses for the film it is about, which are no title: "this movie", "it", "the film".
_NOT_TITLES = frozenset(
    "this that these those it its the a an my your our their his her them him me us you one ones movie movies "
    "film films flick pic picture review sequel original".split()
)
_LEAD_WORDS = frozenset(
    "who whos what whats is was are it the a an in of for does do did how so pls plz please lol thx thanks or not "
    "really actually at all should would could can i we you by".split()
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


def _both_sides(quotes: list[Quote]) -> tuple[tuple[Quote, ...], bool]:
    """The quotes to show, best first: the best three, and when reviewers who liked the film and reviewers who
    did not both talk about it, the best of each side among them (then four at most). Whether sides are shown."""
    good = [q for q in quotes if q.polarity > 0]
    bad = [q for q in quotes if q.polarity < 0]
    if not (good and bad):
        return tuple(quotes[:3]), False
    missing = [side[0] for side in (good, bad) if not any(q in side for q in quotes[:3])]
    shown = quotes[: 4 - len(missing)] + missing if missing else quotes[:3]
    return tuple(sorted(shown, key=quotes.index)), True


def _topic(aspects: tuple[Aspect, ...]) -> str:
    """What a question asked about, in words, for "the reviews don't talk about …"."""
    return " and ".join(msg.ASPECT_WORDS[a.value].lower() for a in aspects)


def preload() -> None:
    """Start reading the shipped models (sentiment, opinion, word vectors) in a daemon thread.

    A start calls this before it reads the corpus: the two overlap, and the engine finds the models read (or
    waits for the thread to finish them) when it first needs them.
    """
    threading.Thread(target=_read_models, name="reviewbot-models", daemon=True).start()


def _read_models() -> None:
    Polarity.default()
    Opinion.default()
    Relevance.default()


class Engine:
    """Answers questions about the films of one loaded corpus."""

    def __init__(
        self,
        films: Iterable[Film] | None,
        *,
        context: ContextStore | None = None,
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
        self._titles: TitleIndex
        self._sentences: SentenceIndex
        self._verdict_table: Verdicts
        self._readings: dict[str, Reading] = {}  # by review id
        self._stems: dict[str, str] = {}  # word -> stem, for the words of the reviews read
        if films is not None:
            films = tuple(films)
            self._use(films, load_or_build(index_dir, films))

    async def load(self, films: Callable[[], Iterable[Film]]) -> None:
        """Read the films and load (or build) their indexes in a worker thread, then answer from them.

        A first start over a large corpus takes minutes; meanwhile the bot is online and says so.
        """

        def work() -> tuple[tuple[Film, ...], Indexes]:
            found = tuple(films())
            return found, load_or_build(self._index_dir, found)

        self._use(*await asyncio.to_thread(work))

    def swap(self, films: Iterable[Film], indexes: Indexes) -> None:
        """Answer from `films` and their `indexes` (built beforehand) from now on.

        One synchronous step on the event loop: an answer in progress finishes on the old corpus or the new
        one, never on a mix. Film ids are stable, so buttons, follow-ups and featured posts carry over.
        """
        self._use(tuple(films), indexes)

    @functools.cached_property
    def _polarity(self) -> Polarity:
        return Polarity.default()

    @functools.cached_property
    def _opinion(self) -> Opinion:
        return Opinion.default()

    @functools.cached_property
    def _relevance(self) -> Relevance:
        return Relevance.default()

    def _use(self, films: tuple[Film, ...], indexes: Indexes) -> None:
        # Everything the engine answers from, replaced together (no await in here: see `swap`).
        self._titles, self._sentences, self._verdict_table = indexes.titles, indexes.sentences, indexes.verdicts
        self._rel = IndexRelevance(self._relevance, indexes.sentences, indexes.verdicts)
        self._across = Across(indexes.sentences, indexes.verdicts, self._rel)
        self._readings = {}  # a review id may now have another text
        self._by_id = {f.id: f for f in films}
        self._index = {f.id: i for i, f in enumerate(films)}
        self._reviews = [(f, r) for f in films for r in f.reviews]  # in the sentence index's order
        self._review_ids = {r.id: n for n, (_, r) in enumerate(self._reviews)}
        self._example = films[0].title if films else "Celestial Symphony"
        self.films = films
        self.ready = True

    def film(self, film_id: str) -> Film | None:
        """The film with this id, if the corpus has it."""
        return self._by_id.get(film_id) if self.ready else None

    def review(self, review_id: str) -> tuple[Film, Review] | None:
        """A review and its film, by the review's id."""
        n = self._review_ids.get(review_id) if self.ready else None
        return None if n is None else self._reviews[n]

    def suggest(self, prefix: str, limit: int = 25) -> list[Suggestion]:
        """Ranked titles for autocomplete: at most `limit` (<= 25), titles <= 100 chars."""
        return self._titles.suggest(prefix, limit) if self.ready else []

    def film_for(self, title: str) -> Film | None:
        """The film a title (or an autocomplete pick: a film id) surely names, else None."""
        if not self.ready:
            return None
        if (film := self._by_id.get(title.strip())) is not None:
            return film
        res = self._titles.resolve(clean(title, TITLE_LIMIT))
        return res.film if res.outcome is Outcome.MATCH else None

    def reviewers(self, film_id: str, prefix: str = "", limit: int = 25) -> list[str]:
        """The named reviewers of a film whose name starts with `prefix` (any case), for autocomplete."""
        film = self.film(film_id)
        if film is None:
            return []
        typed = fold(prefix.strip())
        names = dict.fromkeys(r.reviewer for r in film.reviews if r.reviewer)
        return [n for n in names if fold(n).startswith(typed)][:limit]

    # -- reading reviews

    def reading(self, film: Film, review: Review) -> Reading:
        """The verdict, summary and highlights of one review (computed once)."""
        cached = self._readings.get(review.id)
        if cached is None:
            texts = sentences(review.text)  # as indexed, and cheaper than reading them back from the index
            stems = [tokens(t, self._stems) for t in texts]
            cached = read(review, judge(review, texts, self._polarity, film.is_sequel), stems)
            self._readings[review.id] = cached
        return cached

    def verdict(self, film: Film, review: Review) -> Verdict:
        """The verdict of one review, as worked out when the corpus was indexed."""
        n = self._review_ids[review.id]
        first = self._sentences.review_start(n)
        return self._verdict_table.verdict(n, lambda i: self._sentences.text(first + i))

    def card(self, film: Film, certainty: float = 1.0) -> ReviewCard:
        """The review card of `film`: aggregate verdict, consensus, highlights, its reviews.

        One review is read in full (its summary and highlights); several are combined from their
        verdicts, worked out at index time, and from a search of all their sentences per aspect.
        """
        if len(film.reviews) == 1:
            reading = self.reading(film, film.reviews[0])
            readings: list[Reading] | list[agg.Judged] = [reading]
            overall = agg.aggregate(readings)
            review = reading.review
            consensus = tuple(Quote(s, film.id, review.id, review.reviewer) for s in reading.summary)
            highlights = reading.highlights
        else:
            readings = [agg.Judged(r, self.verdict(film, r)) for r in film.reviews]
            overall = agg.aggregate(readings)
            consensus = agg.consensus(readings, overall)
            highlights = self._highlights(film, readings, overall.label, {q.text for q in consensus})
        tally = agg.sequel_tally(readings) if film.is_sequel else None
        return ReviewCard(film, overall, agg.review_verdicts(readings), consensus, highlights, tally, certainty)

    def _highlights(self, film: Film, judged: list[agg.Judged], side: Label, used: set[str]) -> tuple[Quote, ...]:
        """One sentence per aspect group from across the film's reviews, from the majority's side when it can."""
        label = {j.review.id: j.verdict.label for j in judged}
        out: list[Quote] = []
        for group in HIGHLIGHT_GROUPS:
            at = self._index[film.id]
            hits = self._sentences.search([], group, film=at, k=6, opinion=self._verdict_table.opinion)
            quotes = [q for q in (self._quote(h, stance=False) for h in hits) if q.text not in used]
            if quotes:
                best = next((q for q in quotes if label.get(q.review_id) is side), quotes[0])
                used.add(best.text)
                out.append(replace(best, aspect=group[0]))
        return tuple(out)

    def verdict_card(self, film: Film, certainty: float = 1.0) -> VerdictCard:
        """The aggregate and each review's verdict with its supporting sentence."""
        judged = [agg.Judged(r, self.verdict(film, r)) for r in film.reviews]
        overall = agg.aggregate(judged)
        tally = agg.sequel_tally(judged) if film.is_sequel else None
        return VerdictCard(film, overall, agg.review_verdicts(judged), tally, certainty)

    def full_text(self, film: Film, review: Review) -> FullText:
        return FullText(film, review, tuple(paginate(review.text, PAGE_SIZE)))

    # -- answering

    async def answer(self, question: Question) -> Answer:
        """Answer one question; never raises, whatever the input."""
        try:
            answer = await self._answer(question)
        except Exception:
            log.exception("could not answer a %s question", question.intent.value)
            return Notice(Note.ERROR)
        film = film_of(answer)
        if film is not None and question.conversation:
            try:  # waits a moment at most (GuardedContext)
                await self.context.put(question.conversation, film.id)
            except Exception:
                log.exception("could not save the conversation context")
        return answer

    async def _answer(self, q: Question) -> Answer:
        if q.intent is Intent.HELP:
            return Notice(Note.HELP)
        if not self.ready:
            return Notice(Note.STILL_READING)
        if not self.films:
            return Notice(Note.EMPTY_CORPUS)
        if q.intent is Intent.LIST:
            return FilmList(tuple(sorted(self.films, key=lambda f: f.title.lower())))
        if q.review_id is not None:
            found = self.review(q.review_id)
            if found is None:
                return Notice(Note.UNKNOWN_FILM)
            return self._about(q.intent, found[0], review=found[1])
        if q.film_id is not None:
            film = self.film(q.film_id)
            if film is None:
                return Notice(Note.UNKNOWN_FILM)
            return self._about(q.intent, film, reviewer=q.reviewer)
        if q.intent in (Intent.REVIEW, Intent.VERDICT, Intent.FULL):
            return self._by_title(q)
        return await self._ask(q)

    def _about(
        self,
        intent: Intent,
        film: Film,
        *,
        review: Review | None = None,
        reviewer: str | None = None,
        certainty: float = 1.0,
    ) -> Answer:
        if reviewer:
            review = _by_reviewer(film, reviewer)
            if review is None:
                return NotFound(reviewer, film=film, reviewer=reviewer)
            intent = Intent.FULL
        if intent is Intent.FULL:
            return self.full_text(film, review or film.reviews[0])
        if intent is Intent.VERDICT:
            return self.verdict_card(film, certainty)
        return self.card(film, certainty)

    def _by_title(self, q: Question) -> Answer:
        text = clean(q.text, TITLE_LIMIT)
        if not words(text):
            return Notice(Note.EMPTY_TITLE, self._example)
        reviewer = q.reviewer
        res = self._titles.lookup(text)  # "/review how is celestial symphony" too; "Shrek 2" is not Shrek
        if res.outcome is not Outcome.MATCH and reviewer is None and (m := _BY_REVIEWER.match(text)):
            # "/review dune by ana": a title, then a reviewer of that film
            named = self._titles.lookup(m.group(1))
            if named.outcome is Outcome.MATCH and named.film and _by_reviewer(named.film, m.group(2)):
                res, reviewer = named, m.group(2)
        if res.outcome is not Outcome.MATCH and reviewer is None and asks_verdict(text):
            # "/review is jaws any good?": a verdict asked of the title past the asking words ("is shrek 2 any
            # good?" with only Shrek here still offers Shrek, never answers with it)
            title = verdict_subject(text)
            asked = self._titles.lookup(title) if words(title) else res
            if asked.outcome is Outcome.MATCH and asked.film is not None:
                intent = Intent.VERDICT if q.intent is Intent.REVIEW else q.intent
                return self._about(intent, asked.film, certainty=asked.confidence)
            if asked.suggestions and not res.suggestions:
                return self._unresolved(title, asked)
        if res.outcome is Outcome.MATCH and res.film is not None:
            return self._about(q.intent, res.film, reviewer=reviewer, certainty=res.confidence)
        return self._unresolved(text, res)

    @staticmethod
    def _unresolved(query: str, res: Resolution) -> Answer:
        """The "did you mean" or "I don't have it" answer for a query that names no film for sure."""
        if res.outcome is Outcome.AMBIGUOUS and res.suggestions:
            return Ambiguous(query, res.suggestions)
        return NotFound(query, res.suggestions, related=res.related)

    async def _ask(self, q: Question) -> Answer:
        text = heal(clean(q.text, QUESTION_LIMIT), self._word)  # "is it scarry?" asks if it is scary
        if not words(text):
            return Notice(Note.EMPTY_QUESTION, self._example)
        if chatter(words(text)):  # "oops", "wait what": never pinned on the conversation's film
            return Notice(Note.NOT_UNDERSTOOD, self._example)
        route = classify(text, self._relevance.vectors)  # what kind of answer the words ask for, decided first
        if route.kind is Kind.RECOMMEND:
            return self._recommend(route)
        found: Resolution | None = None
        if route.kind is Kind.RANKING:
            talked = route.alone and q.conversation and await self.context.get(q.conversation)
            if route.named and not talked:
                found = self._titles.find_in(text)
            if not talked and (found is None or found.film is None):
                return self._rank_films(route)
            route = Route(Kind.TOPIC)  # "best scene in jaws?" (or "best scene?" after talk of Jaws) asks of one film
        aspects = aspects_in(text)
        # A question plainly about a title found in it is not also resolved as one whole title (slow
        # when misspelt); a title worded like a question ("What About Bob?") still is.
        asking = plainly_asks(text, bool(aspects)) or route.kind is not Kind.TOPIC
        if found is None and asking:  # found once: a ranking that names a film has looked already
            found = self._titles.find_in(text)
        own = own_words(route)
        if route.kind is Kind.SUITABILITY and (feel := asked_feel(text, self._relevance.vectors)):
            own = own | {feel}  # a feel the vectors know is the question's too: "is the sure thing amusing?"
        if own and (found is None or found.film is None):  # "who directed jaws?": the title past the route's words
            found = self._past(text, own) or found
        film = found.film if found is not None else None
        if film is None or not _framed(text, film):
            whole = self._titles.resolve(text)
            if whole.outcome is Outcome.MATCH and whole.film is not None:
                return self.card(whole.film, whole.confidence)
            if not asking:
                found = self._titles.find_in(text)
                film = found.film
        if film is not None and found is not None and set(words(found.named)) & own_words(route):
            # the title's words are not the question's: "how is the music in A Nightmare on Elm Street?" asks
            # nothing of nightmares, "is Funny Games any good?" nothing of laughs
            again = classify(" ".join(without(words(text), words(found.named))), self._relevance.vectors)
            route = again if again.kind not in (Kind.RECOMMEND, Kind.RANKING) else route
        elif film is not None and found is not None and found.named and route.kind is Kind.TOPIC:
            # the title read as "it": "is heat good?" and "is heat a good film?" ask what "is it good?" does
            as_it = classify(" ".join(without(words(text), words(found.named), ("it",))), self._relevance.vectors)
            route = as_it if as_it.kind is Kind.VERDICT else route
        sure = found.confidence if film is not None and found is not None else 1.0
        title_words = words(film.title) if film else []
        if film is None:
            if found is not None and found.suggestions and found.named:
                return self._unresolved(found.named, found)  # "how is the music in shrek 2?" with only Shrek here
            missing = self._missing_title(text)
            if missing is not None:
                return missing
            if not self._known(text):  # gibberish is not understood, never pinned on the conversation's film
                return Notice(Note.NOT_UNDERSTOOD, self._example)
            if q.conversation and (film_id := await self.context.get(q.conversation)):
                film = self.film(film_id)
                if film is None:  # the film talked about left the corpus (a reload removed its reviews)
                    return Notice(Note.UNKNOWN_FILM)
        named = words(found.named) if film is not None and found is not None else []
        if named and (rest := without(words(text), named)) != words(text):
            # the question without the words that named the film: "is scary movie scary?" still asks how scary
            terms, aspects = terms_of(" ".join(rest)), aspects_in(" ".join(rest))
        else:
            terms = terms_of(text, exclude=title_words)
            if title_words:  # "is the straight story any good?" asks nothing about a story
                aspects = aspects_in(" ".join(w for w in words(text) if w not in set(title_words)))
        if film is None:
            if route.kind in (Kind.SEQUEL, Kind.FACT, Kind.SUITABILITY, Kind.VERDICT):
                return Notice(Note.WHICH_FILM, self._example)
            if (not aspects and not (terms and about_films(text))) or commands(text):  # "order me a pizza?"
                return Notice(Note.NOT_UNDERSTOOD, self._example)
            return self._anywhere(text, terms, aspects)
        if route.kind is Kind.SEQUEL:
            return self._comparison(film, text, sure)
        if route.kind is Kind.FACT and route.role is not None:
            return self._fact(film, route.role, sure)
        if route.kind is Kind.VERDICT and not (set(aspects) & set(aspects_in(past_verdict(text))) - {Aspect.SEQUEL}):
            # "how good is the charger?", "do you like the ending?": a verdict asked of a thing the question
            # names ("the …") and the reviews speak of is answered from what they say of it; else the verdict
            thing = verdict_thing(" ".join(without(words(past_verdict(text)), named or title_words, ("it",))))
            if thing and not aspects_in(thing) and (topic := terms_of(thing, exclude=title_words)):
                said = self._on_topic(film, thing, topic, (), sure)
                if isinstance(said, Snippets):
                    return said
            return self.verdict_card(film, sure)
        if route.kind is Kind.REVIEW and not (asks_about(text) and (aspects or terms)):
            return self.card(film, sure)
        if not (aspects or terms):
            return self.card(film, sure)
        return self._on_topic(film, text, terms, aspects, sure, framed=route.kind is Kind.SUITABILITY)

    def _past(self, text: str, own: frozenset[str]) -> Resolution | None:
        """The film a question names once the words of its kind of question are left out: all of them ("who
        plays the lead in alien?"), else those that start or end it ("who directed star trek: nemesis?")."""
        tokens = words(text)
        keep = [w for w in tokens if w not in own]
        lo, hi = 0, len(tokens)
        while lo < hi and (tokens[lo] in own or tokens[lo] in _LEAD_WORDS):
            lo += 1
        while hi > lo and (tokens[hi - 1] in own or tokens[hi - 1] in _LEAD_WORDS):
            hi -= 1
        tries = [" ".join(keep), *(" ".join(tokens[start:hi]) for start in range(lo, max(lo - 4, 0), -1))]
        for rest in dict.fromkeys(tries):
            found = self._titles.find_in(rest) if rest else None
            if found is not None and found.film is not None:
                return found
        return None

    def _word(self, word: str) -> bool:
        """Whether a folded word is a word as typed: an English one or a title's (never healed as a typo)."""
        return lexicon.rank(word) is not None or self._titles.knows_word(word)

    def _known(self, text: str) -> bool:
        """Whether any word of `text` is a word: an English one, or one of the reviews'."""
        return any(
            lexicon.rank(w) is not None or w in self._relevance.vectors or self._sentences.row(stem(w)) is not None
            for w in words(text)
        )

    def _on_topic(
        self, film: Film, text: str, terms: list[str], aspects: tuple[Aspect, ...], sure: float, framed: bool = False
    ) -> Answer:
        """What `film`'s reviews say about what `text` asks, or that they don't say.

        `bot.relevance` decides whether any sentence answers and ranks them; a question naming one of the
        lexicon's aspects ("how is the music?") is ranked by the sentence index's own aspect ranking, which
        is better on those (docs/quality.md). `framed`: a suitability question, introduced by its topic.
        """
        query = self._rel.parse(text, film.title)
        many = len(film.reviews) > 1
        span = self._sentences.span(self._index[film.id])
        # how a film feels ("is it scary?"): only a sentence with a word of that feel's family answers
        must = family(text, self._relevance.vectors) if framed else frozenset()
        answered = self._rel.rank(query, span, k=FAMILY_POOL if must else 6 if many else 3, also=must)
        topic = query.topic if query.topic != msg.THAT or not aspects else _topic(aspects)
        if query.aspects and not framed:
            # the lexicon's own words count too ("too long" for the pacing, "looks great" for the visuals)
            found = self._snippets(film, terms, aspects, sure)
            named = isinstance(found, Snippets) and found.quotes[0].aspect is not None
            if isinstance(found, Snippets) and (answered.ranking.answerable or named):
                return replace(found, topic=topic)
            return Abstain(film, topic)
        r = answered.ranking
        if must:  # a sentence with a word of the feel's family answers it ("hours" for "is it lengthy?")
            texts = answered.passage.texts
            picked = [
                (i, score) for i, score in zip(r.order, r.scores, strict=True) if must.intersection(words(texts[i]))
            ]
        elif r.answerable:
            picked = [(i, score) for i, score, matched in zip(r.order, r.scores, r.matched, strict=True) if matched]
        else:
            return Abstain(film, topic)
        quotes = [self._quote_at(int(answered.sids[i]), score, stance=many) for i, score in picked][: 6 if many else 3]
        if not quotes:
            return Abstain(film, topic)
        shown, sides = _both_sides(quotes)
        return Snippets(film, shown, topic, sides, sure, films=(film,), framed=framed)

    def _anywhere(self, text: str, terms: list[str], aspects: tuple[Aspect, ...]) -> Answer:
        """A question naming no film: the sentence index's best across the corpus, checked (and, for a topic
        outside the lexicon, ranked) by `bot.relevance` over that shortlist."""
        hits = self._sentences.search(terms, aspects, k=SHORTLIST, opinion=self._verdict_table.opinion)
        query = self._rel.parse(text)
        topic = query.topic if query.topic != msg.THAT or not aspects else _topic(aspects)
        if not hits or not query.terms:
            return self._snippets(None, terms, aspects, 1.0, hits) if hits else Abstain(None, topic)
        sids = np.array(sorted(h.sentence.id for h in hits), dtype=np.int64)
        r = self._rel.relevance.rank(query, self._rel.passage(sids), k=3)
        if not r.answerable:
            return Abstain(None, topic)
        if query.aspects:
            found = self._snippets(None, terms, aspects, 1.0, hits)
            return replace(found, topic=topic) if isinstance(found, Snippets) else found
        quotes = [self._quote_at(int(sids[i]), s, stance=False) for i, s, m in zip(r.order, r.scores, r.matched,
                                                                                    strict=True) if m]  # fmt: skip
        films = tuple(dict.fromkeys(self._by_id[q.film_id] for q in quotes))
        return Snippets(None, tuple(quotes), topic, films=films) if quotes else Abstain(None, topic)

    def _comparison(self, film: Film, text: str, sure: float) -> Answer:
        """ "Is the sequel better than the original?": what the reviews' comparisons add up to (as /verdict)."""
        judged = [agg.Judged(r, self.verdict(film, r)) for r in film.reviews]
        tally = agg.sequel_tally(judged) if film.is_sequel else None
        if tally is not None:
            return Comparison(film, tally, True, sure)
        # not known as a sequel (or its reviews' verdicts compare nothing): what they say of an original, if anything
        said = self._on_topic(film, text, terms_of(text, exclude=words(film.title)), (Aspect.SEQUEL,), sure)
        if isinstance(said, Snippets) and (quotes := tuple(q for q in said.quotes if compares(q.text))):
            return replace(said, quotes=quotes, sides=said.sides and len({q.polarity > 0 for q in quotes}) > 1)
        return Comparison(film, None, film.is_sequel, sure)

    def _fact(self, film: Film, role: Role, sure: float) -> Answer:
        """ "Who directed it?": the name the film's reviews give, with the sentences that give it."""
        span = self._sentences.span(self._index[film.id])
        if len(span) <= 48:
            sids = np.arange(span.start, span.stop, dtype=np.int64)
        else:
            rows = {r for cue in facts.CUES[role] for r in self._sentences.rows_like(cue)}
            parts = [self._sentences.postings(r, span) for r in rows]
            sids = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
        texts = [self._sentences.text(int(sid)) for sid in sids]
        found = facts.names(role, texts, film.title)
        if not found:
            return Abstain(film, msg.FACT_TOPICS[role.value])
        names = facts.best(found)
        top = names[0].split()[-1]
        quotes: list[Quote] = []
        seen: set[str] = set()
        for f in found:
            q = self._quote_at(int(sids[f.sentence]), 1.0, stance=False)
            if top in f.name and q.text not in seen and len(quotes) < 3:
                seen.add(q.text)
                quotes.append(q)
        return Fact(film, role.value, tuple(names[:3]), tuple(quotes), sure)

    def _rank_films(self, route: Route) -> Answer:
        """ "Which film has the best music?": the films whose reviews speak best of it, a quote each."""
        if not route.topic:
            return self._recommend(Route(Kind.RECOMMEND))  # "which film is the best?"
        # an aspect the topic names outright ("the music"), not one it only hints at ("the ending" is no story)
        named = self._rel.parse(route.topic).aspects
        scored = self._across.rank(route.topic, named[0] if named else None, route.worst, PICKS)
        if not scored:
            return Abstain(None, route.topic)
        ranked = []
        for s in scored:
            quote = self._quote_at(s.sentence, s.score, stance=False)
            ranked.append(Ranked(self.films[s.film], s.score, s.mentions, quote))
        return FilmRanking(route.topic, tuple(ranked), route.worst, route.feel)

    def _recommend(self, route: Route) -> Answer:
        """Films the reviews rate well: any, like a film, or of a genre; each with the sentence that says why."""
        if route.like:
            res = self._titles.lookup(clean(route.like, TITLE_LIMIT))
            if res.outcome is not Outcome.MATCH or res.film is None:
                return self._unresolved(route.like, res)
            like = res.film
            texts = [t for r in like.reviews for t in sentences(r.text)]
            skip = {stem(w) for w in words(like.title)}
            scored = self._across.like(self._index[like.id], texts, skip, PICKS)
            return Picks(tuple(self._pick(s) for s in scored), like=like)
        if route.genre:
            scored = self._across.genre(genre_words(route.genre), PICKS)
            if not scored:
                return Abstain(None, msg.GENRE_TOPIC.format(genre=route.genre))
            return Picks(tuple(self._pick(s) for s in scored), genre=route.genre)
        _, best = self._across.goodness()
        picks = [Scored(f, 0.0, 0, self._across.verdict_sentence(int(best[f]))) for f in self._across.rated(PICKS)]
        return Picks(tuple(self._pick(s) for s in picks))

    def _pick(self, s: Scored) -> Pick:
        film = self.films[s.film]
        overall: Aggregate = agg.aggregate([agg.Judged(r, self.verdict(film, r)) for r in film.reviews])
        quote = self._quote_at(s.sentence, s.score, stance=False) if s.sentence >= 0 else None
        return Pick(film, overall, quote)

    def _quote_at(self, sid: int, score: float, stance: bool) -> Quote:
        """Sentence `sid` as a quote of its review; with `stance`, its polarity is its reviewer's side."""
        hit = Hit(self._sentences.sentence(sid), round(score, 3), None)
        return self._quote(hit, stance)

    def _snippets(
        self,
        film: Film | None,
        terms: list[str],
        aspects: tuple[Aspect, ...],
        sure: float,
        found: list[Hit] | None = None,
    ) -> Answer:
        """The sentences the sentence index ranks first (within `film`, or across the corpus), or an abstention."""
        many = film is not None and len(film.reviews) > 1
        if found is not None:  # the corpus-wide search a question naming no film has already made
            hits = found[:3]
        else:
            hits = self._sentences.search(
                terms,
                aspects,
                film=None if film is None else self._index[film.id],
                k=6 if many else 3,
                opinion=self._verdict_table.opinion,
            )
        if hits:
            floor = hits[0].score * 0.5
            hits = [h for h in hits if h.score >= floor]
        topic = _topic(aspects)
        if not hits:
            return Abstain(film, topic)
        shown, sides = _both_sides([self._quote(h, stance=many) for h in hits])
        quoted = (film,) if film else tuple(dict.fromkeys(self._by_id[q.film_id] for q in shown))
        return Snippets(film, shown, topic, sides, sure, films=quoted)

    def _quote(self, hit: Hit, stance: bool) -> Quote:
        """A hit as a quote; with `stance`, its polarity is its reviewer's side (their review's verdict)."""
        film, review = self._reviews[hit.sentence.review]
        polarity = 0.0
        if stance:
            polarity = {Label.POSITIVE: 1.0, Label.NEGATIVE: -1.0}.get(self.verdict(film, review).label, 0.0)
        return Quote(hit.sentence.text, film.id, review.id, review.reviewer, hit.aspect, hit.score, polarity)

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


def _by_reviewer(film: Film, name: str) -> Review | None:
    """The film's review by `name` (any case, accents ignored; a unique prefix will do)."""
    typed = fold(name.strip())
    if not typed:
        return None
    named = [r for r in film.reviews if r.reviewer]
    exact = [r for r in named if fold(r.reviewer or "") == typed]
    if exact:
        return exact[0]
    starts = [r for r in named if fold(r.reviewer or "").startswith(typed)]
    return starts[0] if len({fold(r.reviewer or "") for r in starts}) == 1 else None
