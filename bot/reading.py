"""What one review says: its verdict, the sentence behind it, a summary and highlights.

A film's reviews are combined in `bot.aggregate`.
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from bot.answers import Quote
from bot.models import Aspect, Film, Label, Review, SequelNote, Verdict
from bot.search import ASPECT_STEMS, LEAD_WORDS, has_contrast, is_concluding
from bot.sentiment import Opinion, Polarity
from bot.text import sentences

POSITIVE_AT = 0.6  # P(positive) at or above this reads as positive
NEGATIVE_AT = 0.4  # at or below this, negative; between, mixed
INFERRED_MAX = 0.99  # a model's reading is never certain
HIGHLIGHT_GROUPS: tuple[tuple[Aspect, ...], ...] = (
    (Aspect.STORY, Aspect.PACING),
    (Aspect.ACTING,),
    (Aspect.VISUALS, Aspect.EFFECTS),
    (Aspect.MUSIC,),
)
_GROUP_STEMS = [frozenset[str]().union(*(ASPECT_STEMS[a] for a in group)) for group in HIGHLIGHT_GROUPS]
_LETTERS = {
    "a+": 1.0, "a": 0.95, "a-": 0.9, "b+": 0.85, "b": 0.8, "b-": 0.72, "c+": 0.62, "c": 0.55,
    "c-": 0.48, "d+": 0.4, "d": 0.35, "d-": 0.3, "e": 0.15, "f": 0.1,
}  # fmt: skip
_BETTER = re.compile(
    r"\b(better than|surpass\w*|outdo\w*|outshines?|improves? (up)?on|superior|exceeds?|tops the)\b", re.I
)
_WORSE = re.compile(
    r"\b(worse than|pales?|falls? short|(does not|doesn'?t|fails to) live up|inferior|not as good|weaker than"
    r"|lesser)\b",
    re.I,
)
_COMPARES = re.compile(
    r"\b(sequel|original|first (film|movie|one|installment)|predecessor|builds? (up)?on|expands? (up)?on|lives? up|"
    r"continuation|franchise)\b",
    re.I,
)


def compares(text: str) -> bool:
    """Whether a sentence compares a film with an original ("the sequel", "the first film", "lives up")."""
    return bool(_COMPARES.search(text))


def parse_rating(rating: str) -> float | None:
    """A rating as a fraction of the best score: `4/5` -> 0.8, `B+` -> 0.85, `85%` -> 0.85."""
    text = rating.strip().lower()
    if text in _LETTERS:
        return _LETTERS[text]
    if stars := re.fullmatch(r"(★+)(☆*)", text):
        return len(stars.group(1)) / (len(stars.group(1)) + len(stars.group(2)) or 5)
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(\d+(?:\.\d+)?)", text):
        num, den = float(m.group(1)), float(m.group(2))
        return num / den if den > 0 and 0 <= num <= den else None
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", text):
        value = float(m.group(1)) / 100
        return value if value <= 1 else None
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)\s*stars?", text):
        value = float(m.group(1)) / 5
        return value if value <= 1 else None
    return None


def label_for(fraction: float) -> Label:
    """The verdict a rating fraction or P(positive) stands for."""
    if fraction >= POSITIVE_AT:
        return Label.POSITIVE
    if fraction <= NEGATIVE_AT:
        return Label.NEGATIVE
    return Label.MIXED


@dataclass(frozen=True, slots=True)
class Reading:
    review: Review
    verdict: Verdict
    summary: tuple[str, ...]  # two or three sentences, in order
    highlights: tuple[Quote, ...]  # one per aspect group the review talks about


@dataclass(frozen=True, slots=True)
class Judgement:
    """A review's verdict, and what its summary and highlights are built from."""

    verdict: Verdict
    texts: Sequence[str]
    polarity: list[float]
    quote_at: int
    opinion: list[float] | None = None  # P(opinion) of each sentence, when asked for


def judge(
    review: Review, texts: Sequence[str], model: Polarity, sequel: bool = False, opinion: Opinion | None = None
) -> Judgement:
    """The verdict of one review (`texts`: its sentences) with its supporting sentence.

    `sequel`: the film is a sequel, so the review's comparison with the original is looked for.
    `opinion`: also work out each sentence's P(opinion), from the features already read for its polarity.
    """
    given = _given(review)
    feats: list[set[str]] | None = [] if opinion is not None else None
    polarity, p = model.review(texts, None if given else review.text, feats)
    label, confidence = given or _inferred(0.5 if p is None else p)
    note = _sequel_note(texts, polarity) if sequel else None
    quote_at = _quote_index(texts, polarity, label, avoid=note.quote if note else None)
    quote = texts[quote_at] if texts else ""
    verdict = Verdict(label, round(confidence, 2), quote, note, stated=given is not None)
    opinions = None if opinion is None or feats is None else [opinion.of_features(f) for f in feats]
    return Judgement(verdict, texts, polarity, quote_at, opinions)


def read(review: Review, judged: Judgement, stems: Sequence[Sequence[str]]) -> Reading:
    """The whole reading of a judged review (`stems`: of each sentence, in order): verdict, summary, highlights."""
    summary = _summary(judged.texts, judged.quote_at)
    highlights = _highlights(review, judged.texts, stems, judged.polarity, avoid=judged.quote_at)
    return Reading(review, judged.verdict, summary, highlights)


def _given(review: Review) -> tuple[Label, float] | None:
    """The verdict the review states, from its front matter or rating."""
    if review.verdict is not None:
        return review.verdict, 1.0
    if review.rating is not None and (fraction := parse_rating(review.rating)) is not None:
        return label_for(fraction), 0.95
    return None


def _inferred(p: float) -> tuple[Label, float]:
    """The verdict and confidence the model's P(positive) stands for."""
    label = label_for(p)
    if label is Label.MIXED:
        return label, 1.0 - abs(p - 0.5) / (POSITIVE_AT - 0.5) * 0.5
    return label, min(max(p, 1 - p), INFERRED_MAX)


def _quote_index(texts: Sequence[str], polarity: Sequence[float], label: Label, avoid: str | None) -> int:
    """The sentence that best supports `label`; not `avoid` (the sequel quote) when another fits."""
    if not texts:
        return 0
    n = len(texts)
    mixed = label is Label.MIXED

    def score(i: int, contrast: bool, concluding: bool) -> float:
        p = polarity[i]
        fit = p if label is Label.POSITIVE else -p if label is Label.NEGATIVE else 0.6 - abs(p)
        if contrast:
            fit += 0.4
        return fit + 0.35 * concluding + 0.15 * (i >= 0.7 * n) - 0.5 * (texts[i] == avoid and n > 1)

    # The cue regexes are slow: test sentences best first by their score with every cue, and stop
    # when that bound cannot beat the best found (ties go to the earlier sentence, as `max` did).
    best: tuple[float, int] | None = None
    for bound in sorted(((score(i, mixed, True), -i) for i in range(n)), reverse=True):
        if best is not None and bound < best:
            break
        i = -bound[1]
        found = (score(i, mixed and has_contrast(texts[i]), is_concluding(texts[i])), -i)
        if best is None or found > best:
            best = found
    return -best[1] if best else 0


def _summary(texts: Sequence[str], quote_at: int) -> tuple[str, ...]:
    if not texts:
        return ()
    picked = {0, quote_at}
    if len(texts) > 3 and sum(len(texts[i]) for i in picked) < 450:
        picked.add(1)
    return tuple(texts[i] for i in sorted(picked)[:3])


def _highlights(
    review: Review, texts: Sequence[str], stems: Sequence[Sequence[str]], polarity: Sequence[float], avoid: int
) -> tuple[Quote, ...]:
    """One sentence per aspect group, each about that group rather than merely mentioning it."""
    about = [(frozenset(s), frozenset(s[:LEAD_WORDS])) for s in stems]  # all stems; those of the first words
    used: set[int] = {avoid}
    out: list[Quote] = []
    for group, wanted in zip(HIGHLIGHT_GROUPS, _GROUP_STEMS, strict=True):
        best: tuple[float, int] | None = None
        for i, (sent, first) in enumerate(about):
            hits = len(sent & wanted)
            if not hits or i in used:
                continue
            others = sum(1 for other in _GROUP_STEMS if other is not wanted and sent & other)
            lead = 0.7 * bool(first & wanted)
            score = min(hits, 3) + lead - 0.6 * others + 1.5 * abs(polarity[i]) - 0.5 * (i == 0)
            if best is None or score > best[0]:
                best = (score, i)
        if best is not None:
            used.add(best[1])
            i = best[1]
            out.append(Quote(texts[i], review.film_id, review.id, review.reviewer, group[0], round(best[0], 3),
                             round(polarity[i], 3)))  # fmt: skip
    return tuple(out)


def _sequel_note(texts: Sequence[str], polarity: Sequence[float]) -> SequelNote | None:
    best: tuple[float, int] | None = None
    for i, text in enumerate(texts):
        cues = len(_COMPARES.findall(text))
        if not cues:
            continue
        explicit = bool(_BETTER.search(text) or _WORSE.search(text))
        score = min(cues, 3) + 1.5 * explicit + abs(polarity[i]) + 0.5 * is_concluding(text)
        if best is None or score > best[0]:
            best = (score, i)
    if best is None:
        return None
    text, p = texts[best[1]], polarity[best[1]]
    if _WORSE.search(text):
        comparison = "worse"
    elif _BETTER.search(text):
        comparison = "better"
    elif p >= 0.2:
        comparison = "as_good"
    elif p <= -0.2:
        comparison = "worse"
    else:
        comparison = "unclear"
    return SequelNote(comparison, text)


_SEQUEL_CODES = ("better", "as_good", "worse", "unclear")
_LABELS = tuple(Label)


class Verdicts:
    """Every review's verdict, worked out once when the corpus is indexed and kept in flat arrays.

    A card of a film with hundreds of reviews needs all their verdicts; reading each again would
    take a millisecond apiece. Per review `r` (numbered film by film, as in `bot.search`): `label`,
    `confidence`, `stated`, the supporting sentence `quote` (its position in the review, -1 for none),
    for a sequel the comparison `sequel` (-1 for none) and its sentence `sequel_quote`, and its `rating`
    as a fraction of the best score (NaN for none). Per sentence (numbered as in `bot.search`): its
    `polarity` (-1..1) and P(`opinion`), which ranking across films and `bot.relevance` need for
    every sentence they weigh, and which cost nothing more here, where the review is read anyway.
    """

    ARRAYS: ClassVar[dict[str, np.dtype[Any]]] = {
        "label": np.dtype(np.int8),
        "confidence": np.dtype(np.float32),
        "stated": np.dtype(np.bool_),
        "quote": np.dtype(np.int32),
        "sequel": np.dtype(np.int8),
        "sequel_quote": np.dtype(np.int32),
        "rating": np.dtype(np.float32),
        "polarity": np.dtype(np.float32),
        "opinion": np.dtype(np.float32),
    }
    PER_SENTENCE: ClassVar[frozenset[str]] = frozenset({"polarity", "opinion"})

    def __init__(self, arrays: dict[str, Any]) -> None:
        self.arrays = arrays
        self._label, self._confidence, self._stated = arrays["label"], arrays["confidence"], arrays["stated"]
        self._quote, self._sequel, self._sequel_quote = arrays["quote"], arrays["sequel"], arrays["sequel_quote"]
        self.rating: Any = arrays["rating"]
        self.polarity: Any = arrays["polarity"]
        self.opinion: Any = arrays["opinion"]
        self.labels: Any = arrays["label"]  # per review: the index of its label in `Label`
        self.quotes: Any = arrays["quote"]

    @classmethod
    def build(cls, films: Sequence[Film], model: Polarity, opinion: Opinion | None = None) -> Verdicts:
        """Judge every review of `films` (about a millisecond each)."""
        opinion = opinion or Opinion.default()
        rows: list[tuple[int, float, bool, int, int, int, float]] = []
        polarity, opinions = array("f"), array("f")  # not lists: 2.4 M floats as objects would be 150 MB
        for film in films:
            for review in film.reviews:
                texts = sentences(review.text)
                judged = judge(review, texts, model, film.is_sequel, opinion)
                v = judged.verdict
                seq, seq_at = -1, -1
                if v.sequel is not None:
                    seq, seq_at = _SEQUEL_CODES.index(v.sequel.compared_to_original), texts.index(v.sequel.quote)
                quote_at = judged.quote_at if texts else -1
                fraction = parse_rating(review.rating) if review.rating else None
                rating = math.nan if fraction is None else fraction
                rows.append((_LABELS.index(v.label), v.confidence, v.stated, quote_at, seq, seq_at, rating))
                polarity.extend(judged.polarity)
                opinions.extend(judged.opinion or ())
        per_review = [k for k in cls.ARRAYS if k not in cls.PER_SENTENCE]
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(per_review)
        arrays = {k: np.array(c, dtype=cls.ARRAYS[k]) for k, c in zip(per_review, columns, strict=True)}
        arrays["polarity"] = np.frombuffer(polarity, dtype=np.float32).copy()
        arrays["opinion"] = np.frombuffer(opinions, dtype=np.float32).copy()
        return cls(arrays)

    def problem(self, sentences_per_review: Any, sentences_total: int | None = None) -> str | None:
        """What is wrong with arrays read back for reviews of these many sentences each, or None."""
        a, n = self.arrays, len(sentences_per_review)
        if any(len(a[k]) != n for k in self.ARRAYS if k not in self.PER_SENTENCE):
            return "the verdicts do not have one entry per review"
        total = int(np.sum(sentences_per_review)) if sentences_total is None else sentences_total
        if any(len(a[k]) != total for k in self.PER_SENTENCE):
            return "the sentence polarities do not have one entry per sentence"
        if total and not (np.all(np.abs(a["polarity"]) <= 1) and np.all((a["opinion"] >= 0) & (a["opinion"] <= 1))):
            return "the sentence polarities or opinions are out of range"
        if n == 0:
            return None
        if not (np.all((a["label"] >= 0) & (a["label"] < len(_LABELS))) and np.all(a["sequel"] >= -1)):
            return "the verdicts hold labels that do not exist"
        if not (np.all(a["sequel"] < len(_SEQUEL_CODES)) and np.all((a["confidence"] >= 0) & (a["confidence"] <= 1))):
            return "the verdicts hold comparisons or confidences that do not exist"
        rating = a["rating"]
        if not np.all(np.isnan(rating) | ((rating >= 0) & (rating <= 1))):
            return "the verdicts hold ratings that are no fraction of the best score"
        quote, seq, seq_quote = a["quote"], a["sequel"], a["sequel_quote"]
        if np.any((quote < -1) | (quote >= sentences_per_review)) or np.any((quote < 0) & (sentences_per_review > 0)):
            return "a verdict quotes a sentence its review does not have"
        if np.any((seq >= 0) & ((seq_quote < 0) | (seq_quote >= sentences_per_review))):
            return "a sequel comparison quotes a sentence its review does not have"
        return None

    def verdict(self, r: int, sentence: Callable[[int], str]) -> Verdict:
        """Review `r`'s verdict; `sentence(i)` is the text of its `i`-th sentence."""
        quote = sentence(int(self._quote[r])) if self._quote[r] >= 0 else ""
        note = None
        if self._sequel[r] >= 0:
            note = SequelNote(_SEQUEL_CODES[int(self._sequel[r])], sentence(int(self._sequel_quote[r])))
        confidence = round(float(self._confidence[r]), 2)
        return Verdict(_LABELS[int(self._label[r])], confidence, quote, note, stated=bool(self._stated[r]))
