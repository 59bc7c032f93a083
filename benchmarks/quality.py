"""Answer-quality benchmarks: title lookup, verdicts, snippets, SubjQA and the intent test set.

Run with `make bench-quality` (`python -m benchmarks.quality`); `--small` runs the slice the smoke test uses.
The reference data is read in place from ../shared/data (see its README), never copied into the project.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from benchmarks import data
from benchmarks import titles as bt
from bot.answers import (
    Answer,
    Comparison,
    Fact,
    FilmRanking,
    Picks,
    Quote,
    ReviewCard,
    Snippets,
    VerdictCard,
)
from bot.corpus import load_corpus
from bot.engine import Engine
from bot.models import Film, Intent, Question
from bot.sentiment import Polarity
from bot.text import sentences, words
from bot.titles import TitleIndex

CREDITS = (
    "Data: MovieLens ml-latest-small (F. M. Harper & J. A. Konstan, ACM TiiS 2015; GroupLens, research use only); "
    "Pang & Lee movie_reviews v2.0, subjectivity v1.0 (ACL 2004) and sentence polarity v1.0 (ACL 2005), CC BY 4.0; "
    "VADER snippet ratings and analyser (C. J. Hutto & E. Gilbert, ICWSM 2014), MIT; "
    "SubjQA (J. Bjerva, N. Bhutani, B. Golshan, W.-C. Tan & I. Augenstein, EMNLP 2020; research data, no licence "
    "file: benchmarks only, never redistributed); word vectors from GloVe 6B (J. Pennington, R. Socher & C. D. "
    "Manning, EMNLP 2014), PDDL 1.0."
)
REPORT_SEED = 137  # title queries are reported on seed 137 (query and split); the rules were tuned on other seeds
TUNED_ON = (
    "query/split seed pairs 1/3, 2/4 and 3/2; 23/23, 29/29, 41/41, 47/47, 61/5, 83/83 and 101/101 were each looked "
    "at as earlier reports (earlier work: 7/11, 11/5, 13/6, 99, 5)"
)


@dataclass(frozen=True)
class Figure:
    section: str
    name: str
    ours: float
    baseline: float | None
    baseline_name: str
    target: str = ""  # ">=0.97", "<=0.02" or ""
    n: int = 0

    def met(self) -> str:
        if not self.target:
            return ""
        bound = float(self.target[2:])
        ok = self.ours >= bound if self.target.startswith(">=") else self.ours <= bound
        return "yes" if ok else f"no ({(self.ours - bound) * 100:+.1f} pts)"


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, *figs: Figure) -> None:
        self.figures.extend(figs)

    def get(self, section: str, name: str) -> Figure:
        return next(f for f in self.figures if f.section == section and f.name == name)


# ---- title lookup ---------------------------------------------------------------------------------------------


def bench_titles(
    report: Report, *, limit: int | None = None, per_kind: int = 400, seed: int = REPORT_SEED, split: int | None = None
) -> None:
    """Title lookup figures on one query seed (and held-out split seed: by default the query seed)."""
    films = data.movielens()
    if limit is not None:
        films = random.Random(0).sample(films, limit)
    split = seed if split is None else split
    suites = bt.suites(films, seed, split, per_kind)
    ours, base0, base80 = bt.Scores(), bt.Scores(), bt.Scores()
    asked = {template: bt.Scores() for template in bt.QUESTIONS}
    t_ours = t_base = 0.0
    for suite in suites:
        t0 = time.perf_counter()
        index = TitleIndex(suite.films)
        bt.score_ours(index, suite.queries, ours)
        inside = [
            q
            for q in suite.queries
            if (q.target is None and q.category.startswith("absent: franchise")) or q.category in bt.IN_QUESTION
        ]
        for template, scores in asked.items():
            bt.score_ours(index, inside, scores, question=template)
        t_ours += time.perf_counter() - t0
        t0 = time.perf_counter()
        hits = bt.baseline_hits(suite.films, suite.queries)
        bt.score_baseline(suite.queries, hits, 0, base0)
        bt.score_baseline(suite.queries, hits, 80, base80)
        t_base += time.perf_counter() - t0
    report.seconds["titles (ours)"], report.seconds["titles (baseline)"] = t_ours, t_base
    b0, b80 = "WRatio extractOne", "WRatio extractOne, cutoff 80"
    p, p0, p80 = ours.total(True), base0.total(True), base80.total(True)
    a, a80 = ours.total(False), base80.total(False)
    report.add(
        Figure("titles", "top-1 accuracy (present films, typed)", p.share(p.right), p0.share(p0.right), b0,
               ">=0.98", p.n),
        Figure("titles", "top-1 accuracy, baseline cutoff 80", p.share(p.right), p80.share(p80.right), b80, "", p.n),
        Figure("titles", "present film answered with another film", p.share(p.wrong), p80.share(p80.wrong), b80,
               "", p.n),
        Figure("titles", "did you mean (present films)", p.share(p.ambiguous), None, "", "", p.n),
        Figure("titles", "absent film answered with a wrong film (all)", a.share(a.wrong), a80.share(a80.wrong), b80,
               "<=0.01", a.n),
        Figure("titles", "absent with a relative here: relative offered", a.share(a.offered, a.with_relatives),
               base0.total(False).share(base0.total(False).offered, a.with_relatives), "WRatio extractOne's best",
               ">=1.00", a.with_relatives),
    )  # fmt: skip
    for cat, t in ours.by_category.items():
        b = base80.by_category[cat]
        if cat.startswith("absent"):
            report.add(Figure("titles", f"  {cat}: wrong film", t.share(t.wrong), b.share(b.wrong), b80, "<=0.01", t.n))
            if t.with_relatives:
                b0c = base0.by_category[cat]
                report.add(Figure("titles", f"  {cat}: relative offered", t.share(t.offered, t.with_relatives),
                                  b0c.share(b0c.offered, t.with_relatives), "WRatio extractOne's best", ">=1.00",
                                  t.with_relatives))  # fmt: skip
        else:
            report.add(Figure("titles", f"  {cat}", t.share(t.right), b.share(b.right), b80, "", t.n))
    for template, scores in asked.items():
        for cat, t in scores.by_category.items():
            where = f"  in {template!r}, {cat.removeprefix('absent: ')}"
            if cat.startswith("absent"):
                report.add(Figure("titles", f"{where}: wrong film", t.share(t.wrong), None, "", "<=0.01", t.n))
            else:
                report.add(Figure("titles", f"{where}: top-1", t.share(t.right), None, "", "", t.n))
                report.add(Figure("titles", f"{where}: wrong film", t.share(t.wrong), None, "", "", t.n))
    report.notes.append(
        f"Titles: {len(suites[0].films)} MovieLens films in the main catalogue; each franchise set and the remakes "
        f"are a catalogue of their own with one film of every series (or title) missing, asked for as typed; "
        f"'in' a question: the franchise queries and the present films' {' and '.join(bt.IN_QUESTION)} queries put in "
        f"each of {len(bt.QUESTIONS)} questions. Query seed {seed}, held-out split "
        f"seed {split} (reporting seed {REPORT_SEED}: the title rules were tuned on {TUNED_ON}, never on it)."
    )


# ---- verdicts -------------------------------------------------------------------------------------------------


def _accuracy_f1(gold: Sequence[int], pred: Sequence[int]) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return float(accuracy_score(gold, pred)), float(f1_score(gold, pred, average="macro"))


def bench_verdicts(report: Report, *, reviews_limit: int | None = None, snippets_limit: int | None = None) -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from scripts.train_verdict import band, load_vader, our_bands, vader_bands  # the model's own held-out selection

    pol, vs = Polarity.default(), SentimentIntensityAnalyzer()
    t0 = time.perf_counter()
    held = [r for r in data.movie_reviews() if r[2] >= 8]  # folds 8-9: cv800-cv999, not trained on
    if reviews_limit is not None:
        held = random.Random(0).sample(held, reviews_limit)
    gold = [label for _, label, _ in held]
    ours = [int(pol.document(text) >= 0.5) for text, _, _ in held]  # the engine's two-class rule
    vader = [int(vs.polarity_scores(text)["compound"] > 0) for text, _, _ in held]
    (oa, of), (va, vf) = _accuracy_f1(gold, ours), _accuracy_f1(gold, vader)
    base = "VADER compound > 0"
    report.add(
        Figure("verdict", "reviews, 2 classes: accuracy", oa, va, base, ">=0.90", len(held)),
        Figure("verdict", "reviews, 2 classes: macro-F1", of, vf, base, "", len(held)),
    )
    rows = [(mean, text) for _, mean, text, test in load_vader(data.DATA) if test]
    if snippets_limit is not None:
        rows = random.Random(0).sample(rows, snippets_limit)
    gold3 = [band(mean) for mean, _ in rows]
    ours3 = our_bands(pol, [text for _, text in rows])
    vader3 = vader_bands(vs, [text for _, text in rows])
    (oa, of), (va, vf) = _accuracy_f1(gold3, ours3), _accuracy_f1(gold3, vader3)
    base = "VADER compound +-0.05"
    report.add(
        Figure("verdict", "snippets, 3 bands: accuracy", oa, va, base, ">=0.70", len(rows)),
        Figure("verdict", "snippets, 3 bands: macro-F1", of, vf, base, "", len(rows)),
    )
    report.seconds["verdicts"] = time.perf_counter() - t0
    report.notes.append(
        "Verdicts: reviews are movie_reviews folds 8-9 (cv800-cv999; the shipped model trained on folds 0-7), "
        "positive iff document() >= 0.5; snippets are the VADER rows with sha256(id) % 5 == 0 "
        "(scripts/train_verdict.load_vader), bands mean < -0.5 / > 0.5 / else mixed, sentence() with the "
        "model's own neutral band."
    )


# ---- snippets -------------------------------------------------------------------------------------------------

# The labelling rule, written for this benchmark (not the engine's lexicon): a sentence answers an aspect
# question when it matches the aspect's pattern below AND a subjectivity classifier trained on the odd lines of
# Pang & Lee's subjectivity data calls it an opinion (P >= 0.5). The engine's own opinion model trained on the
# even lines only, so the two never share a sentence.
ASPECT_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.I)
    for name, pattern in {
        "music": r"\b(music|musical score|score|scored by|soundtrack|songs?|composer|orchestra\w*|melod(y|ies|ic))\b",
        "visuals": r"\b(cinematograph\w*|photograph\w*|visual(s|ly)?|camera\w*|lighting|imagery|production "
        r"design|set design|costumes?|beautifully shot|looks? (great|gorgeous|stunning|beautiful|terrible))\b",
        "acting": r"\b(acting|actors?|actress(es)?|performances?|performer|cast|miscast|portray\w*)\b",
        "story": r"\b(plot\w*|story|storyline|screenplay|script|narrative|dialogue|twists?)\b",
        "pacing": r"\b(pac(e|ing|ed)|slow-moving|too slow|drags?|dragg(ed|ing)|tedious|boring|running time|overlong"
        r"|too long|brisk|padded)\b",
        "effects": r"\b(special effects|visual effects|effects|cgi|computer[- ]generated|stunts?)\b",
        "sequel": r"\b(sequels?|original (film|movie)|the original|predecessor|first (film|movie|one|installment)"
        r"|follow-up)\b",
    }.items()
}
QUESTIONS = {
    "music": "how is the music in {t}?",
    "visuals": "how is the cinematography in {t}?",
    "acting": "how is the acting in {t}?",
    "story": "what does the review say about the plot of {t}?",
    "pacing": "how is the pacing of {t}?",
    "effects": "how are the special effects in {t}?",
    "sequel": "is {t} better than the original?",
}
_DETOK = [(re.compile(r" ([.,;:!?)'])"), r"\1"), (re.compile(r"\( "), "("), (re.compile(r" n't\b"), "n't")]


def _detok(line: str) -> str:
    """A tokenised, lower-cased Pang & Lee sentence made to read like typed text."""
    line = line.strip()
    for pattern, repl in _DETOK:
        line = pattern.sub(repl, line)
    line = re.sub(r"\bi\b", "I", line)
    return line[:1].upper() + line[1:]


def _review_text(raw: str) -> str:
    """A movie_reviews file (one sentence a line) as paragraphs of four sentences."""
    lines = [_detok(x) for x in raw.splitlines() if x.strip()]
    return "\n\n".join(" ".join(lines[i : i + 4]) for i in range(0, len(lines), 4))


class Subjectivity:
    """Opinion vs plot-summary classifier (TF-IDF + logistic regression) on half the subjectivity data."""

    def __init__(self, subj: list[str], obj: list[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self._vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        x = self._vec.fit_transform(subj + obj)
        self._clf = LogisticRegression(C=4.0, max_iter=2000).fit(x, [1] * len(subj) + [0] * len(obj))

    def p(self, texts: Sequence[str]) -> list[float]:
        return [float(v) for v in self._clf.predict_proba(self._vec.transform([t.lower() for t in texts]))[:, 1]]


def _tfidf_top(question: str, title: str, cands: Sequence[str]) -> int:
    """Baseline: the sentence with the highest TF-IDF cosine to the question's words (title words removed)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    skip = set(words(title))
    q = " ".join(w for w in words(question) if w not in skip)
    vec = TfidfVectorizer(stop_words="english").fit([*cands, q])
    sims = (vec.transform(cands) @ vec.transform([q]).T).toarray().ravel()
    return int(sims.argmax())


@dataclass
class _Case:
    film: Film
    aspect: str
    answers: frozenset[str]  # sentence texts that answer the question
    sents: list[str]


def quoted(answer: Answer) -> list[Quote]:
    """The sentences an answer quotes, in the order a member reads them."""
    match answer:
        case Snippets() | Fact():
            return list(answer.quotes)
        case Comparison():
            return list(answer.tally.quotes) if answer.tally else []
        case ReviewCard():
            return [*answer.consensus, *answer.highlights]
        case VerdictCard():
            return [Quote(r.verdict.quote, answer.film.id, r.review_id, r.reviewer) for r in answer.reviews]
        case FilmRanking():
            return [r.quote for r in answer.films]
        case Picks():
            return [p.quote for p in answer.picks if p.quote]
    return []


def _ask_all(engine: Engine, cases: list[_Case]) -> tuple[float, float]:
    """(ours, TF-IDF baseline) top-1: how often the first sentence quoted is an answer sentence."""

    async def run() -> list[bool]:
        out = []
        for n, case in enumerate(cases):
            q = QUESTIONS[case.aspect].format(t=case.film.title)
            got = quoted(await engine.answer(Question(Intent.ASK, q, f"bench-{n}")))
            top = got[0].text if got and got[0].film_id == case.film.id else None
            out.append(top in case.answers)
        return out

    ours = asyncio.run(run())
    base = []
    for case in cases:
        q = QUESTIONS[case.aspect].format(t=case.film.title)
        base.append(case.sents[_tfidf_top(q, case.film.title, case.sents)] in case.answers)
    return sum(ours) / max(len(ours), 1), sum(base) / max(len(base), 1)


def _relevance_top(films: Sequence[Film], cases: list[_Case]) -> float:
    """Top-1 of the same questions ranked by `bot.relevance` within the named film (the engine is not changed)."""
    from bot.relevance import Relevance

    rel = Relevance.default()
    passages = {f.id: rel.prepare([sentences(r.text) for r in f.reviews]) for f in films}
    df = rel.document_frequencies(passages.values())
    hits = []
    for case in cases:
        query = rel.parse(QUESTIONS[case.aspect].format(t=case.film.title), case.film.title, df)
        got = rel.rank(query, passages[case.film.id], k=1)
        hits.append(bool(got.order) and case.sents[got.order[0]] in case.answers)
    return sum(hits) / max(len(hits), 1)


def _cases(films: Sequence[Film], subj: Subjectivity) -> list[_Case]:
    out = []
    for film in films:
        sents = sentences(film.reviews[0].text)
        p = subj.p(sents)
        for aspect, pattern in ASPECT_PATTERNS.items():
            answers = frozenset(s for s, ps in zip(sents, p, strict=True) if pattern.search(s) and ps >= 0.5)
            if answers:
                out.append(_Case(film, aspect, answers, sents))
    return out


def _generated_titles(n: int, rng: random.Random) -> list[str]:
    """Real-looking titles for the constructed corpus: MovieLens titles of 2+ words, no digits (a number would make
    the title a sequel of another)."""
    seen: set[str] = set()
    pool = []
    for f in data.movielens():
        key = " ".join(words(f.title))
        if len(key.split()) >= 2 and not re.search(r"\d", key) and key not in seen:
            seen.add(key)
            pool.append(f.title)
    return rng.sample(pool, min(n, len(pool)))


Trials = list[tuple[str, str, list[str]]]  # (aspect, an opinion sentence, two plot sentences)


def snippet_labeller(rng: random.Random, trials_per_aspect: int = 40) -> tuple[Trials, Subjectivity, float]:
    """The opinion-vs-plot trials, the labeller trained on the odd lines left over, and its accuracy."""
    quotes, plots = data.subjectivity()
    # The engine's opinion model trained on the even lines (scripts/train_opinion.py). The opinion-vs-plot
    # trials below come from the odd lines, and this benchmark's labeller trains on the odd lines left over,
    # so the engine and the labeller never share data and the trials are held out from both.
    odd_q, odd_p = quotes[1::2], plots[1::2]
    trials: list[tuple[str, str, list[str]]] = []
    for aspect, pattern in ASPECT_PATTERNS.items():
        s_pool = [s for s in odd_q if pattern.search(s)]
        o_pool = [s for s in odd_p if pattern.search(s)]
        rng.shuffle(s_pool)
        rng.shuffle(o_pool)
        for i in range(min(trials_per_aspect, len(s_pool), len(o_pool) // 2)):
            trials.append((aspect, s_pool[i], [o_pool[2 * i], o_pool[2 * i + 1]]))
    used = {s for _, subj_line, objs in trials for s in (subj_line, *objs)}
    subj = Subjectivity([s for s in odd_q if s not in used], [s for s in odd_p if s not in used])
    held_p = subj.p(quotes[0::2][:500] + plots[0::2][:500])  # lines the labeller never saw
    subj_acc = (sum(v >= 0.5 for v in held_p[:500]) + sum(v < 0.5 for v in held_p[500:])) / 1000
    return trials, subj, subj_acc


def pang_lee_films(
    rng: random.Random, subj: Subjectivity, *, tune: bool, reviews: int = 200
) -> tuple[list[Film], list[_Case]]:
    """Pang & Lee reviews with generated titles (400 of folds 0-7 when tuning, else `reviews` of folds 8-9)."""
    held = [r for r in data.movie_reviews() if (r[2] < 8 if tune else r[2] >= 8)]
    picked = rng.sample(held, min(400 if tune else reviews, len(held)))
    titles = _generated_titles(len(picked), rng)
    films = [Film.of(f"pl{n}", t, None, _review_text(text)) for n, (t, (text, _, _)) in
             enumerate(zip(titles, picked, strict=True))]  # fmt: skip
    return films, _cases(films, subj)


def bench_snippets(report: Report, *, reviews: int = 200, trials_per_aspect: int = 40, tune: bool = False) -> None:
    """Snippet quality; `tune` asks about 400 reviews of folds 0-7, the set the ranking weights were tuned on."""
    t0 = time.perf_counter()
    rng = random.Random(3)
    trials, subj, subj_acc = snippet_labeller(rng, trials_per_aspect)

    # 1. the bundled corpus
    bundled = list(load_corpus(data.ROOT / "corpus").films)
    cases = _cases(bundled, subj)
    ours, base = _ask_all(Engine(bundled), cases)
    report.add(Figure("snippets", "bundled corpus: top snippet answers", ours, base, "TF-IDF cosine", ">=0.90",
                      len(cases)))  # fmt: skip

    # 2. held-out Pang & Lee reviews with generated titles
    films, cases = pang_lee_films(rng, subj, tune=tune, reviews=reviews)
    ours, base = _ask_all(Engine(films), cases)
    name = "Pang & Lee tuning folds 0-7" if tune else "Pang & Lee reviews"
    report.add(Figure("snippets", f"{name}: top snippet answers", ours, base, "TF-IDF cosine", ">=0.90",
                      len(cases)))  # fmt: skip
    report.add(Figure("snippets", f"{name}: top snippet, bot.relevance ranker", _relevance_top(films, cases), ours,
                      "the engine's ranking", ">=0.90", len(cases)))  # fmt: skip
    per_aspect: dict[str, list[_Case]] = defaultdict(list)
    for c in cases:
        per_aspect[c.aspect].append(c)

    # 3. opinion beats plot summary: one subjective and two objective sentences on the same aspect
    mixed_films, mixed_cases = [], []
    for n, (aspect, subj_line, objs) in enumerate(trials):
        opinion = _detok(subj_line)
        sents = [opinion, *(_detok(o) for o in objs)]
        rng.shuffle(sents)
        film = Film.of(f"mix{n}", f"Trial Picture {_roman(n + 1)}", None, "\n\n".join(sents))
        mixed_films.append(film)
        mixed_cases.append(_Case(film, aspect, frozenset({opinion}), sents))
    ours, base = _ask_all(Engine(mixed_films), mixed_cases)
    report.add(Figure("snippets", "opinion outranks plot summary (1 of 3)", ours, base, "TF-IDF cosine", "",
                      len(mixed_cases)))  # fmt: skip
    report.seconds["snippets"] = time.perf_counter() - t0
    sizes = ", ".join(f"{a} {len(v)}" for a, v in per_aspect.items())
    report.notes.append(
        f"Snippets: a sentence answers an aspect question iff it matches this benchmark's own aspect pattern "
        f"(benchmarks/quality.py ASPECT_PATTERNS) and a subjectivity classifier trained on the odd lines of Pang & "
        f"Lee's subjectivity data (accuracy {subj_acc:.3f} on even lines) calls it an opinion; the engine's opinion "
        f"model trained on the even lines only. Questions are asked through "
        f"Engine.answer with the film named; the top snippet must be an answer sentence of that film. Pang & Lee "
        f"set: {len(films)} reviews from folds {'0-7' if tune else '8-9'} with MovieLens titles, questions per "
        f"aspect: {sizes}; the ranking weights in bot/search.py were tuned on 400 reviews of folds 0-7 (--tune). "
        f"Opinion-vs-plot: one subjective and two objective odd-line sentences, none seen by the engine or the "
        f"labeller, all matching the asked aspect (chance 1/3)."
    )


def _roman(n: int) -> str:
    """Distinct, digit-free trial titles: 1 -> 'a', 27 -> 'ba' (letters, so no sequel numbers)."""
    out = ""
    while True:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
        if n == 0:
            return "Zeta " + out.capitalize()


# ---- real questions (SubjQA) ----------------------------------------------------------------------------------


def bench_subjqa(report: Report, *, domain: str = "movies", split: str = "dev", limit: int | None = None) -> None:
    """SubjQA: hit@1/@3, abstention and wrong abstention of bot.relevance beside the same run's baselines.

    The report figures are movies dev, the held-out set (benchmarks/subjqa.py); `--small` runs a slice of a
    tuning domain instead, so a quick run never looks at the held-out questions.
    """
    from benchmarks import subjqa

    if not (data.DATA / "subjqa" / f"{domain}-{split}.csv").exists():
        report.notes.append(f"SubjQA: {data.DATA / 'subjqa'} not found, section skipped.")
        return
    t0 = time.perf_counter()
    res = subjqa.evaluate(domain, split, limit=limit)
    ours = res.scores["engine"]
    name = f"{domain} {split}"
    rows = [
        ("hit@1", ("TF-IDF", "BM25", "ours", "search (before)")),
        ("hit@3", ("TF-IDF", "BM25", "ours", "search (before)")),
        ("abstain", ("no-word rule", "TF-IDF", "ours")),
        ("wrong abstain", ("no-word rule", "TF-IDF", "ours")),
    ]
    labels = {"hit@1": "hit@1", "hit@3": "hit@3", "abstain": "abstains (unanswerable)",
              "wrong abstain": "abstains wrongly (answerable)"}  # fmt: skip
    names = {"ours": "bot.relevance alone", "search (before)": "SentenceIndex.search (before)"}
    for metric, bases in rows:
        n = ours.answerable if metric != "abstain" else ours.unanswerable
        for i, b in enumerate(bases):
            label = f"{name}: {labels[metric]}" if i == 0 else f"  vs {names.get(b, b)}"
            report.add(Figure("subjqa", label, ours.rate(metric), res.scores[b].rate(metric), names.get(b, b),
                              subjqa.TARGETS[metric] if i == 0 else "", n))  # fmt: skip
    report.seconds["subjqa"] = time.perf_counter() - t0
    report.notes.append(
        f"SubjQA (Bjerva et al., EMNLP 2020; research data, no licence, benchmarks only): {name}, {res.items} items, "
        f"{res.sentences} sentences, {ours.answerable} answerable and {ours.unanswerable} unanswerable questions; "
        "ours is Engine.answer (each item a film opened in a conversation, then the question asked; its quotes "
        "scored, its honest no an abstention), ranking with bot.relevance, whose weights were fitted on the other "
        "five domains (benchmarks/subjqa.py has the rules)."
    )


# ---- the intent test set ---------------------------------------------------------------------------------------


def bench_intents(report: Report) -> None:
    """The intent test set (benchmarks/intents.py): per intent, the share of questions answered as expected, on
    the part tuned on (seed and phrasings), on the held-out part (another seed and phrasings, written after the
    tuning), on the fresh part (a third seed and phrasings, written before any run, since read), on the fourth,
    the fifth and the sixth (each written after the round before it, before its first run; all since read)."""
    from benchmarks import intents

    if not (data.DATA / "pang_lee" / "movie_reviews.zip").exists():
        report.notes.append(f"Intents: {data.DATA / 'pang_lee'} not found, section skipped.")
        return
    t0 = time.perf_counter()
    for part, (seed, phrasing) in intents.PARTS.items():
        res = intents.evaluate(intents.build(seed, phrasing=phrasing))
        for intent in intents.INTENTS:
            report.add(Figure("intents", f"{part}: {intent}", res.rate(intent), None, "", "", res.total[intent]))
        passed, total = sum(res.passed.values()), sum(res.total.values())
        report.add(Figure("intents", f"{part}: all", passed / max(total, 1), None, "", "", total))
    report.seconds["intents"] = time.perf_counter() - t0
    report.notes.append(
        "Intents: the questions of benchmarks/intents.py (comparison with the original, suitability and feel, "
        "ranking across films, recommendation, facts, worth watching, not understood), each checked for the kind "
        "of answer, the film and what its quote must hold, over a corpus of Pang & Lee reviews with MovieLens "
        f"titles and planted sentences; tuned on seed {intents.TUNING_SEED} with the tuning phrasings, held out: "
        f"seed {intents.HELD_OUT_SEED} with phrasings written after the tuning (since read and fixed against); fresh: "
        f"seed {intents.FRESH_SEED} with a new user's phrasings, written before the engine was run on them (since "
        f"read); fourth: seed {intents.FOURTH_SEED}, phrasings written after the fresh part was fixed, before their "
        f"first run (52.4 % then); fifth: seed {intents.FIFTH_SEED}, written after the fourth was fixed (67.6 % on its "
        f"first run); sixth: seed {intents.SIXTH_SEED}, written after the fifth was fixed (60.8 % on its first run; "
        "docs/quality.md)."
    )


# ---- report ---------------------------------------------------------------------------------------------------


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _ratio(f: Figure) -> str:
    if f.baseline is None:
        return "—"
    if f.baseline == 0:
        return "∞" if f.ours > 0 else "—"
    return f"{f.ours / f.baseline:.2f}×"


def render(report: Report, markdown: bool) -> str:
    head = ("section", "figure", "n", "ours", "baseline", "ratio", "target", "met", "baseline is")
    rows = [
        (f.section, f.name, str(f.n), _fmt(f.ours), _fmt(f.baseline), _ratio(f), f.target, f.met(), f.baseline_name)
        for f in report.figures
    ]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in [head, *rows])


def run(small: bool = False, tune: bool = False, titles: tuple[int, int] | None = None) -> Report:
    """The figures; `titles` = (query seed, split seed): the title section alone, on those seeds."""
    report = Report()
    steps: list[Callable[[Report], None]]
    if titles is not None:
        steps = [lambda r: bench_titles(r, seed=titles[0], split=titles[1])]
    elif tune:
        steps = [lambda r: bench_snippets(r, tune=True)]
    elif small:
        steps = [
            lambda r: bench_titles(r, limit=400, per_kind=25),
            lambda r: bench_verdicts(r, reviews_limit=50, snippets_limit=200),
            lambda r: bench_snippets(r, reviews=50, trials_per_aspect=5),
            lambda r: bench_subjqa(r, domain="books", split="dev", limit=30),
            bench_intents,
        ]
    else:
        steps = [bench_titles, bench_verdicts, bench_snippets, bench_subjqa, bench_intents]
    for step in steps:
        step(report)
    return report


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Answer-quality benchmarks (titles, verdicts, snippets).")
    ap.add_argument("--small", action="store_true", help="a quick slice (the smoke test's size)")
    ap.add_argument("--tune", action="store_true", help="snippets on the folds the ranking weights were tuned on")
    ap.add_argument(
        "--titles", type=int, nargs=2, metavar=("SEED", "SPLIT"), help="only the title figures, on these seeds"
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    print("reviewbot answer-quality benchmarks")
    print(CREDITS)
    print()
    report = run(small=args.small, tune=args.tune, titles=args.titles)
    print(render(report, markdown=False))
    print()
    for note in report.notes:
        print("- " + note)
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    print(f"- Time: {timing}; total {time.perf_counter() - t0:.1f} s.")
    print()
    print("Markdown (for the README):")
    print()
    print(render(report, markdown=True))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
