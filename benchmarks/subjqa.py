"""Real questions over real reviews: SubjQA (Bjerva et al., EMNLP 2020), every question asked about its item.

    python -m benchmarks.subjqa                 # the held-out figures: movies dev
    python -m benchmarks.subjqa --tune          # the tuning domains (books, electronics, grocery,
                                                # restaurants, tripadvisor; dev and test files)
    python -m benchmarks.subjqa --domain books --split dev

For one domain's split, every item (a film for movies) becomes one corpus entry holding all its reviews
(HTML entities unescaped, the trailing ANSWERNOTFOUND marker removed), split into sentences by
`bot.text.sentences`. Rows are grouped by (item, question): a question is *answerable* when any annotator
marked a span, *unanswerable* when every annotator marked ANSWERNOTFOUND. Each method ranks the item's
sentences (all its reviews) and says whether it abstains.

A returned sentence *holds the answer* (`holds`) when, for one of the question's human spans, either
  1. the span's words occur in the sentence as one run (case, punctuation and spacing ignored, so the
     data's tokenised "was n't" matches "wasn't"), or
  2. *most* of the span's content words are in the sentence: more than half of its distinct content
     stems (Snowball stems of words outside scikit-learn's English stop-word list), and at least two.
The rule is the benchmark's own (its stop words are not the bot's).

Figures: hit@1 and hit@3 over answerable questions (the ranking, whether or not the method abstains),
abstention on unanswerable questions, wrong abstention on answerable ones. Methods, all in the same run
over the same sentences: the engine (`Engine.answer`, each item a film opened in a conversation, then the
question asked; its quotes scored, its "the reviews don't talk about that" an abstention), ours
(`bot.relevance` alone, with the domain's `ITEM_WORDS`), the ranking before this work (`SentenceIndex.search`
within the item, abstaining when it finds nothing),
TF-IDF cosine (IDF over the domain's sentences) and BM25 (rank_bm25 Okapi over the item's sentences), each
abstaining when no sentence shares a term, and the rule "no question word occurs in the item".

Data: research data from megagonlabs/SubjQA with no licence file, read in place from ../shared/data and
never redistributed (see benchmarks/data.py).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from benchmarks import data
from bot.text import sentences, words

TUNING = ("books", "electronics", "grocery", "restaurants", "tripadvisor")
# Each domain's words for the reviewed thing itself, as bot.relevance.ITEM_WORDS are a film's: a question made of
# them and asking words only ("How is the book?") is generic.
ITEM_WORDS = {
    "books": "book books novel novels",
    "electronics": "product products item items device devices unit",
    "grocery": "product products item items",
    "restaurants": "restaurant restaurants place",
    "tripadvisor": "hotel hotels place",
}
HELD_OUT = ("movies", "dev")
TARGETS = {"hit@1": ">=0.60", "hit@3": ">=0.75", "abstain": ">=0.60", "wrong abstain": "<=0.10"}
_APOS = re.compile(r"n['’]t\b")
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Case:
    item: str
    question: str
    spans: tuple[str, ...]  # the human answers; empty when every annotator said ANSWERNOTFOUND
    aspect: str = ""  # `query_asp`, the aspect noun it was built around: for analysis and training, never asked
    asked: tuple[int, ...] = ()  # the reviews (positions in the item's review order) the annotators read

    @property
    def answerable(self) -> bool:
        return bool(self.spans)


@dataclass
class Split:
    domain: str
    split: str
    items: dict[str, list[str]]  # item -> its sentences (all its reviews, in review-id order)
    reviews: dict[str, list[str]]  # item -> its review texts
    cases: list[Case]
    positions: dict[str, list[int]] = field(default_factory=dict)  # item -> each sentence's place in its review
    parts: dict[str, list[list[str]]] = field(default_factory=dict)  # item -> its reviews' sentences, in order

    def item_words(self) -> frozenset[str]:
        """The words of this domain for the reviewed thing itself (a film's for movies)."""
        from bot.relevance import ITEM_WORDS as FILM_WORDS

        return frozenset(ITEM_WORDS[self.domain].split()) if self.domain in ITEM_WORDS else FILM_WORDS


def load(domain: str, split: str, folder: Path | None = None, limit: int | None = None) -> Split:
    """One SubjQA file as items (their reviews' sentences) and questions grouped by (item, question).

    `limit`: only the first that many items (in file order), for a quick slice.
    """
    rows = data.subjqa(domain, split, folder)
    if limit is not None:
        keep = set(list(dict.fromkeys(r.item for r in rows))[:limit])
        rows = [r for r in rows if r.item in keep]
    reviews: dict[str, dict[str, str]] = defaultdict(dict)
    spans: dict[tuple[str, str], list[str]] = defaultdict(list)
    aspect: dict[tuple[str, str], str] = {}
    asked: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        reviews[r.item].setdefault(r.review_id, r.review)
        key = (r.item, r.question)
        spans.setdefault(key, [])
        aspect.setdefault(key, r.aspect)
        asked[key].add(r.review_id)
        if r.span and r.span not in spans[key]:
            spans[key].append(r.span)
    # Reviews in review-id order (an arbitrary hash): in file order, the first review of an item is the one its
    # first question was asked about, which would favour whatever a method ranks first on ties.
    texts = {item: [revs[k] for k in sorted(revs)] for item, revs in reviews.items()}
    split_texts = {item: [sentences(t) for t in ts] for item, ts in texts.items()}
    items = {item: [s for ss in parts for s in ss] for item, parts in split_texts.items()}
    positions = {item: [i for ss in parts for i in range(len(ss))] for item, parts in split_texts.items()}
    order = {item: {rid: n for n, rid in enumerate(sorted(revs))} for item, revs in reviews.items()}
    cases = [
        Case(item, q, tuple(sp), aspect[item, q], tuple(sorted(order[item][r] for r in asked[item, q])))
        for (item, q), sp in spans.items()
    ]
    return Split(domain, split, items, texts, cases, positions, split_texts)


# ---- the answer rule ------------------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(_APOS.sub(" nt", text.lower().replace("’", "'")).replace("'", " "))


@cache
def _stemmer() -> Callable[[str], str]:
    import snowballstemmer

    st = snowballstemmer.stemmer("english")
    return cache(st.stemWord)


@cache
def _stop() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"nt", "s"}


def _content(toks: Sequence[str]) -> set[str]:
    stem, stop = _stemmer(), _stop()
    return {stem(t) for t in toks if t not in stop}


def holds(sentence: str, span: str) -> bool:
    """Whether `sentence` holds the human answer `span` (the rule in the module docstring)."""
    s, a = _tokens(sentence), _tokens(span)
    if not a:
        return False
    if f" {' '.join(a)} " in f" {' '.join(s)} ":
        return True
    want = _content(a)
    shared = len(want & _content(s))
    return shared >= 2 and shared * 2 > len(want)


# ---- methods --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    ranking: tuple[int, ...]  # sentence positions within the item, best first (at most 3)
    abstain: bool
    texts: tuple[str, ...] = ()  # the sentences shown, best first, when scored as quoted (the engine's answers)


Method = Callable[[Case], Outcome]


def ours(split: Split) -> Method:
    from bot.relevance import Relevance

    rel = Relevance.default(item_words=split.item_words())
    films = {item: rel.prepare(parts) for item, parts in split.parts.items()}
    df = rel.document_frequencies(films.values())

    def run(case: Case) -> Outcome:
        res = rel.rank(rel.parse(case.question, df=df), films[case.item], k=3)
        return Outcome(tuple(res.order), not res.answerable)

    return run


def engine(split: Split) -> Method:
    """The engine itself: one film per item, with its reviews; the film is opened in a conversation (as a
    member does with /review), then the question is asked there through `Engine.answer`. Its quotes are the
    ranking (at most 3 scored); an `Abstain` ("the reviews of X don't talk about that"), a "which film?"
    or a "not understood" is an abstention."""
    import asyncio

    from benchmarks.quality import _roman, quoted
    from bot.answers import Abstain, Notice
    from bot.engine import Engine
    from bot.models import Film, Intent, Question, Review

    ids = list(split.items)
    films = [
        Film(
            f"i{n}", _roman(n + 1), None, tuple(Review(f"i{n}/{k}", f"i{n}", t) for k, t in enumerate(split.reviews[i]))
        )
        for n, i in enumerate(ids)
    ]
    eng = Engine(films)
    where = {item: f"i{n}" for n, item in enumerate(ids)}
    loop = asyncio.new_event_loop()
    asked = iter(range(10**9))

    async def ask(film_id: str, question: str) -> Outcome:
        conversation = f"subjqa-{next(asked)}"
        await eng.answer(Question(Intent.REVIEW, conversation=conversation, film_id=film_id))
        answer = await eng.answer(Question(Intent.ASK, question, conversation))
        if isinstance(answer, Abstain | Notice):
            return Outcome((), True)
        return Outcome((), False, tuple(q.text for q in quoted(answer))[:3])

    def run(case: Case) -> Outcome:
        return loop.run_until_complete(ask(where[case.item], case.question))

    return run


def search(split: Split) -> Method:
    """The engine's ranking before bot.relevance (`SentenceIndex.search` within the item): one film per item."""
    from bot.models import Film, Review
    from bot.search import SentenceIndex, aspects_in, terms_of
    from bot.sentiment import Opinion

    ids = list(split.items)
    films = [
        Film(f"i{n}", f"Item {n}", None, tuple(Review(f"i{n}/{k}", f"i{n}", t) for k, t in enumerate(split.reviews[i])))
        for n, i in enumerate(ids)
    ]
    index = SentenceIndex(films)
    where = {item: n for n, item in enumerate(ids)}
    model = Opinion.default()
    opinion = np.array([model.probability(index.text(s)) for s in range(index.size)], dtype=np.float32)

    def run(case: Case) -> Outcome:
        f = where[case.item]
        hits = index.search(terms_of(case.question), aspects_in(case.question), film=f, k=3, opinion=opinion)
        if hits:  # as Engine._ask: only the hits within half the top score are shown
            hits = [h for h in hits if h.score >= hits[0].score * 0.5]
        own = {s: n for n, s in enumerate(split.items[case.item])}
        return Outcome(tuple(own.get(h.sentence.text, -1) for h in hits), not hits)

    return run


def _baseline_tokens(text: str) -> list[str]:
    stop = _stop()
    return [w for w in words(text) if w not in stop]


def tfidf(split: Split) -> Method:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(tokenizer=_baseline_tokens, lowercase=False, token_pattern=None)
    vec.fit([s for sents in split.items.values() for s in sents])
    mats = {item: vec.transform(sents) for item, sents in split.items.items()}

    def run(case: Case) -> Outcome:
        sims = (mats[case.item] @ vec.transform([case.question]).T).toarray().ravel()
        order = sorted(range(len(sims)), key=lambda i: (-sims[i], i))[:3]
        return Outcome(tuple(order), not len(sims) or sims.max() <= 0)

    return run


def bm25(split: Split) -> Method:
    from rank_bm25 import BM25Okapi

    models = {item: BM25Okapi([_baseline_tokens(s) or ["_"] for s in sents]) for item, sents in split.items.items()}

    def run(case: Case) -> Outcome:
        scores = models[case.item].get_scores(_baseline_tokens(case.question))
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:3]
        shared = set(_baseline_tokens(case.question)) & {t for s in split.items[case.item] for t in _baseline_tokens(s)}
        return Outcome(tuple(order), not shared)

    return run


def no_word_rule(split: Split) -> Method:
    """Abstain when no content word of the question (the engine's stems and stop words) occurs in the item."""
    from bot.search import terms_of, tokens

    stems = {item: {t for s in sents for t in tokens(s)} for item, sents in split.items.items()}

    def run(case: Case) -> Outcome:
        return Outcome((), not set(terms_of(case.question)) & stems[case.item])

    return run


METHODS: dict[str, Callable[[Split], Method]] = {
    "ours": ours,
    "engine": engine,
    "search (before)": search,
    "TF-IDF": tfidf,
    "BM25": bm25,
    "no-word rule": no_word_rule,
}


# ---- scoring --------------------------------------------------------------------------------------------------


@dataclass
class Scores:
    method: str
    answerable: int = 0
    unanswerable: int = 0
    hit1: int = 0
    hit3: int = 0
    abstained: int = 0  # on unanswerable questions
    wrongly: int = 0  # abstained on answerable ones
    ranks: bool = True

    def rate(self, name: str) -> float:
        value = {
            "hit@1": self.hit1 / max(self.answerable, 1),
            "hit@3": self.hit3 / max(self.answerable, 1),
            "abstain": self.abstained / max(self.unanswerable, 1),
            "wrong abstain": self.wrongly / max(self.answerable, 1),
        }
        return value[name]

    def add(self, other: Scores) -> None:
        for f in ("answerable", "unanswerable", "hit1", "hit3", "abstained", "wrongly"):
            setattr(self, f, getattr(self, f) + getattr(other, f))


def score(split: Split, name: str, method: Method) -> Scores:
    out = Scores(name, ranks=name != "no-word rule")
    for case in split.cases:
        got = method(case)
        sents = split.items[case.item]
        if case.answerable:
            out.answerable += 1
            shown = got.texts or [sents[i] if 0 <= i < len(sents) else "" for i in got.ranking]
            held = [bool(t) and any(holds(t, a) for a in case.spans) for t in shown]
            out.hit1 += bool(held[:1] and held[0])
            out.hit3 += any(held[:3])
            out.wrongly += got.abstain
        else:
            out.unanswerable += 1
            out.abstained += got.abstain
    return out


@dataclass
class Result:
    domain: str
    split: str
    items: int
    sentences: int
    scores: dict[str, Scores] = field(default_factory=dict)
    seconds: float = 0.0


def evaluate(
    domain: str,
    split: str,
    folder: Path | None = None,
    methods: Sequence[str] = tuple(METHODS),
    limit: int | None = None,
) -> Result:
    """Every method's scores on one domain's split (`limit`: its first items only)."""
    t0 = time.perf_counter()
    sp = load(domain, split, folder, limit)
    res = Result(domain, split, len(sp.items), sum(len(s) for s in sp.items.values()))
    for name in methods:
        res.scores[name] = score(sp, name, METHODS[name](sp))
    res.seconds = time.perf_counter() - t0
    return res


def combined(results: Sequence[Result]) -> dict[str, Scores]:
    total: dict[str, Scores] = {}
    for r in results:
        for name, s in r.scores.items():
            total.setdefault(name, Scores(name, ranks=s.ranks)).add(s)
    return total


def table(scores: dict[str, Scores], title: str) -> str:
    head = f"{title:<34}{'hit@1':>8}{'hit@3':>8}{'abstain':>9}{'wrong abst.':>12}"
    rows = [head]
    for name, s in scores.items():
        h1 = f"{s.rate('hit@1') * 100:7.1f}%" if s.ranks else f"{'—':>8}"
        h3 = f"{s.rate('hit@3') * 100:7.1f}%" if s.ranks else f"{'—':>8}"
        rows.append(f"  {name:<32}{h1}{h3}{s.rate('abstain') * 100:8.1f}%{s.rate('wrong abstain') * 100:11.1f}%")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="SubjQA: real questions over real reviews.")
    ap.add_argument("--tune", action="store_true", help="the tuning domains (never movies)")
    ap.add_argument("--domain", help="one domain")
    ap.add_argument("--split", default="dev")
    args = ap.parse_args(argv)
    if args.tune:
        pairs = [(d, s) for d in TUNING for s in ("dev", "test")]
    elif args.domain:
        pairs = [(args.domain, args.split)]
    else:
        pairs = [HELD_OUT]
    results = []
    for d, s in pairs:
        r = evaluate(d, s)
        results.append(r)
        n = next(iter(r.scores.values()))
        print(table(r.scores, f"{d}-{s} ({n.answerable} ans., {n.unanswerable} unans.)"))
        print(f"  ({r.items} items, {r.sentences} sentences, {r.seconds:.1f} s)")
        sys.stdout.flush()
    if len(results) > 1:
        print(table(combined(results), "all of the above"))


if __name__ == "__main__":
    main()
