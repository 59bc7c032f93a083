"""Synthetic corpora for the speed benchmarks: realistic words, any size, reproducible from a seed.

Review sentences are sampled from the Pang & Lee movie reviews (re-cased so the sentence splitter
sees sentence starts); titles are MovieLens titles plus made-up ones built from the words of real
titles and reviews ("The Silent Harbour", "Crimson Tide 3: The Reckoning"), so the title index sees
a realistic spread of words, numbers, subtitles and near-duplicates. Nothing here is random at
import time; every generator takes a seed.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from functools import cache

from benchmarks.data import movie_reviews, movielens
from bot.models import Film, Review

_TOKEN_SPACE = re.compile(r"\s+([.,!?;:)'])|([(])\s+")


def _sentence(line: str) -> str:
    """`the film is n't bad . ` -> `The film isn't bad.`"""
    text = " ".join(line.split())
    text = text.replace(" n't", "n't").replace(" 's", "'s").replace(" 're", "'re").replace(" 've", "'ve")
    text = _TOKEN_SPACE.sub(lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"\bi\b", "I", text)
    m = re.search(r"[a-z]", text)
    return text[: m.start()] + text[m.start()].upper() + text[m.end() :] if m else text


@cache
def review_sentences() -> tuple[str, ...]:
    """About 64,000 real review sentences, one per line of the Pang & Lee reviews."""
    out: list[str] = []
    for text, _, _ in movie_reviews():
        for line in text.splitlines():
            if len(line.split()) >= 4:
                s = _sentence(line)
                out.append(s if s[-1:] in ".!?" else s + ".")
    return tuple(out)


@cache
def _title_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Capitalised words of real titles (weighted by use) and common review nouns/adjectives."""
    counts: Counter[str] = Counter()
    for f in movielens():
        counts.update(w for w in re.findall(r"[A-Za-z][a-z]+", f.title) if len(w) > 2)
    title_words = tuple(w for w, n in counts.most_common(6000))
    review: Counter[str] = Counter()
    for s in review_sentences()[:20000]:
        review.update(w for w in re.findall(r"\b[a-z]{4,12}\b", s))
    return title_words, tuple(w.capitalize() for w, _ in review.most_common(4000))


def titles(n: int, seed: int = 1) -> list[str]:
    """`n` distinct titles: MovieLens first, then synthetic ones."""
    rng = random.Random(seed)
    real = [f.title for f in movielens()]
    out: list[str] = real[:n]
    seen = {t.lower() for t in out}
    title_words, review_words = _title_words()
    pool = title_words * 2 + review_words  # real title words twice as likely

    def word() -> str:
        return rng.choice(pool)

    patterns = (
        lambda: f"{word()} {word()}",
        lambda: f"The {word()} {word()}",
        lambda: f"{word()}",
        lambda: f"The {word()} of {word()}",
        lambda: f"{word()} {word()} {word()}",
        lambda: f"{word()} and the {word()} {word()}",
        lambda: f"{word()} {word()}: {word()} {word()}",
        lambda: f"{word()} {rng.randint(2, 6)}",
        lambda: f"{word()} {word()} {rng.choice(('II', 'III', 'Part 2', '2', '3'))}: The {word()}",
        lambda: f"A {word()} in {word()}",
    )
    weights = (16, 12, 4, 10, 10, 6, 8, 4, 3, 5)
    while len(out) < n:
        title = rng.choices(patterns, weights)[0]()
        if title.lower() not in seen:
            seen.add(title.lower())
            out.append(title)
    return out


def films(n: int, seed: int = 1, sentences_per_review: int = 25, catalogue: list[str] | None = None) -> list[Film]:
    """`n` reviews of about `sentences_per_review` sentences each, in paragraphs, naming their film first."""
    rng = random.Random(seed)
    sents = review_sentences()
    names = catalogue if catalogue is not None else titles(n, seed)
    out: list[Film] = []
    for i in range(n):
        title = names[i % len(names)]
        count = max(3, int(rng.gauss(sentences_per_review, 4)))
        body = [f"{title} is the film under review here."] + [rng.choice(sents) for _ in range(count - 1)]
        paras = [" ".join(body[j : j + 5]) for j in range(0, len(body), 5)]
        year = 1930 + (i * 7919) % 95
        out.append(Film.of(f"f{i}", title, year, "\n\n".join(paras)))
    return out


def films_from_titles(names: list[str]) -> list[Film]:
    """A text-less catalogue (for title resolution and autocomplete at a million titles)."""
    return [Film(f"t{i}", t, None) for i, t in enumerate(names)]


def review_counts(n_reviews: int, n_films: int, seed: int = 1) -> list[int]:
    """How many reviews each of `n_films` films gets, `n_reviews` in all: most films one or a few, some hundreds.

    A long tail like a real critics' corpus: 60% of films get one review, 30% two to five, 9.5% six to
    thirty and 0.5% a hundred to four hundred; then the counts are scaled to add up to `n_reviews`.
    """
    rng = random.Random(seed)
    bands = ((0.6, 1, 1), (0.3, 2, 5), (0.095, 6, 30), (0.005, 100, 400))
    counts: list[int] = []
    for share, lo, hi in bands:
        counts += [rng.randint(lo, hi) for _ in range(max(1, round(share * n_films)))]
    counts = counts[:n_films] + [1] * max(0, n_films - len(counts))
    scale = n_reviews / sum(counts)
    scaled = [max(1, round(c * scale)) for c in counts]
    biggest = sorted(range(len(scaled)), key=lambda j: -scaled[j])[: max(1, len(scaled) // 10)]
    gap, i = n_reviews - sum(scaled), 0
    while gap:  # the rounding's remainder, one review at a time, among the films with most reviews
        j = biggest[i % len(biggest)]
        step = 1 if gap > 0 else -1 if scaled[j] > 1 else 0
        scaled[j] += step
        gap -= step
        i += 1
    rng.shuffle(scaled)
    return scaled


_REVIEWERS = ("Ana", "Ben", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kit", "Lou", "Mae", "Ned", "Oz")


def multi_review_films(n_reviews: int, n_films: int, seed: int = 1, sentences_per_review: int = 25) -> list[Film]:
    """`n_films` films with `n_reviews` reviews between them (`review_counts`), by named reviewers, some rated."""
    rng = random.Random(seed)
    sents = review_sentences()
    names = titles(n_films, seed)
    out: list[Film] = []
    for i, (title, count) in enumerate(zip(names, review_counts(n_reviews, n_films, seed), strict=True)):
        film_id, year = f"f{i}", 1930 + (i * 7919) % 95
        reviews = []
        for k in range(count):
            size = max(3, int(rng.gauss(sentences_per_review, 4)))
            body = [f"{title} is the film under review here."] + [rng.choice(sents) for _ in range(size - 1)]
            text = "\n\n".join(" ".join(body[j : j + 5]) for j in range(0, len(body), 5))
            who = f"{_REVIEWERS[k % len(_REVIEWERS)]} {k // len(_REVIEWERS) + 1}"
            rating = f"{rng.randint(1, 10)}/10" if rng.random() < 0.4 else None
            reviews.append(Review(f"{film_id}/{k + 1}", film_id, text, who, rating))
        out.append(Film(film_id, title, year, tuple(reviews)))
    return out
