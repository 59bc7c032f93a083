"""A film's reviews taken together: the aggregate verdict, a consensus, highlights and the sequel tally.

Each review is read on its own (`bot.reading`); this module combines the readings the way review
aggregators do: how many reviews liked it (label by share, like a Tomatometer), the mean rating
where reviews give one (like a Metascore), a short consensus quoted from the majority (and the
strongest dissent), and how a sequel's reviews compare it with the original.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.answers import Aggregate, Quote, ReviewVerdict, SequelTally
from bot.models import Label, Review, Verdict
from bot.reading import Reading, label_for, parse_rating

CONSENSUS_MAX = 2  # quotes of the majority in a consensus
DISSENT_SHARE = 0.25  # the strongest dissent is quoted when at least this share of reviews disagrees
SEQUEL_QUOTES = 3


@dataclass(frozen=True, slots=True)
class Judged:
    """A review and its verdict: all a verdict card needs (a `Reading` has more)."""

    review: Review
    verdict: Verdict


def aggregate(readings: Sequence[Judged | Reading]) -> Aggregate:
    """Counts by label, the label they add up to, and the mean rating (0-100) of the rated reviews.

    One review's label is its own; for several, positive counts 1, mixed 0.5 and negative 0, and
    the share is read with the same bands as one review's P(positive).
    """
    counts = {label: 0 for label in Label}
    for r in readings:
        counts[r.verdict.label] += 1
    total = sum(counts.values())
    if total == 1:
        label = readings[0].verdict.label
    elif total:
        label = label_for((counts[Label.POSITIVE] + 0.5 * counts[Label.MIXED]) / total)
    else:
        label = Label.MIXED
    ratings = [f for r in readings if r.review.rating and (f := parse_rating(r.review.rating)) is not None]
    score = round(100 * sum(ratings) / len(ratings)) if ratings else None
    return Aggregate(label, counts[Label.POSITIVE], counts[Label.MIXED], counts[Label.NEGATIVE], score, len(ratings))


def review_verdicts(readings: Sequence[Judged | Reading]) -> tuple[ReviewVerdict, ...]:
    """Each review's line on a card, in corpus order."""
    return tuple(ReviewVerdict(r.review.id, r.review.reviewer, r.verdict, r.review.rating) for r in readings)


def _verdict_quote(r: Judged | Reading) -> Quote:
    review = r.review
    polarity = {Label.POSITIVE: 1.0, Label.MIXED: 0.0, Label.NEGATIVE: -1.0}[r.verdict.label]
    return Quote(r.verdict.quote, review.film_id, review.id, review.reviewer, score=r.verdict.confidence,
                 polarity=polarity)  # fmt: skip


def consensus(readings: Sequence[Judged | Reading], overall: Aggregate) -> tuple[Quote, ...]:
    """The majority's clearest verdict sentences, by different reviewers, and the strongest dissent."""
    majority = sorted((r for r in readings if r.verdict.label is overall.label), key=lambda r: -r.verdict.confidence)
    picked = [_verdict_quote(r) for r in _distinct(majority)[:CONSENSUS_MAX]]
    others = [r for r in readings if r.verdict.label is not overall.label]
    if others and len(others) >= DISSENT_SHARE * len(readings):
        strongest = max(others, key=lambda r: (r.verdict.label is not Label.MIXED, r.verdict.confidence))
        picked.append(_verdict_quote(strongest))
    return tuple(picked)


def _distinct(readings: Sequence[Judged | Reading]) -> list[Judged | Reading]:
    """Readings by different reviewers (anonymous ones count as different), in order."""
    seen: set[str] = set()
    out = []
    for r in readings:
        name = (r.review.reviewer or "").casefold()
        if name and name in seen:
            continue
        seen.add(name)
        out.append(r)
    return out


def sequel_tally(readings: Sequence[Judged | Reading]) -> SequelTally | None:
    """How the reviews that compare the film with the original do so; None when none does."""
    notes = [(r.review, note) for r in readings if (note := r.verdict.sequel) is not None]
    if not notes:
        return None
    counts = {"better": 0, "as_good": 0, "worse": 0, "unclear": 0}
    for _, note in notes:
        counts[note.compared_to_original] += 1
    quotes = tuple(Quote(note.quote, r.film_id, r.id, r.reviewer) for r, note in notes[:SEQUEL_QUOTES])
    return SequelTally(counts["better"], counts["as_good"], counts["worse"], counts["unclear"], quotes)
