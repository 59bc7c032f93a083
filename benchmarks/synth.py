"""Synthetic corpora for the speed benchmarks: realistic words, any size, reproducible from a seed.

Review sentences are sampled from the Pang & Lee movie reviews (re-cased so the sentence splitter
sees sentence starts); titles are MovieLens titles plus made-up ones built from the words of real
titles and reviews ("The Silent Harbour", "Crimson Tide 3: The Reckoning"), so the title index sees
a realistic spread of words, numbers, subtitles and near-duplicates. Nothing here is random at
import time; every generator takes a seed.
"""

from __future__ import annotations

import csv
import random
import re
import zipfile
from collections import Counter
from functools import cache
from pathlib import Path

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


# --- a tiny stand-in for ../shared/data -----------------------------------------------------------------------
# The smoke tests run the benchmarks' machinery on files in the reference layouts, generated here, so that a
# fresh clone without ../shared runs them too. The figures they give say nothing about quality: only the real
# data does (make bench-quality).

_TITLE_WORDS = """Harbour Silent Crimson Winter Garden Empire Shadow River Midnight Glass Iron Golden Broken Hidden
Northern Savage Electric Paper Velvet Stone Desert Ocean Thunder Mirror Echo Lantern Orchard Falcon Canyon Harvest
Scarlet Hollow Ember Raven Meadow Copper Lighthouse Blizzard Cathedral Compass Dagger Frontier Glacier Horizon
Island Jungle Kingdom Labyrinth Monsoon Nebula Oasis Pilgrim Quarry Rampart Sapphire Tempest Tundra Umbrella Valley
Willow Zephyr Anchor Beacon Cinder Dynasty Eclipse Fortress Gambit Heron Inferno Jasmine Kestrel Legacy Marigold
Nomad Obsidian Paragon Quicksilver Riddle Sentinel Thistle Vagabond Warden Alchemist Bandit Cobalt Drifter Emerald
Fjord Gargoyle Highland Ivory Juniper Lagoon Mariner Nightingale Outpost Prairie Rebel Summit Tinker Voyager
Wanderer Arcade Boulevard Carnival Dominion Everest Fable Gallows Hermit Jubilee Keystone Lullaby Monarch Nocturne
Odyssey Parade Requiem Serenade Tapestry Utopia Vertigo Whisper""".split()
_PLACES = "lisbon the coast a mountain village the capital a small town the desert the north the old harbour".split(" ")
_NAMES = "anna marco the old sailor a young widow the detective two brothers a stranger the mayor".split(" ")
_ASPECT_WORDS = {
    "music": ("music", "score", "soundtrack", "songs"),
    "visuals": ("cinematography", "camera work", "lighting", "costumes"),
    "acting": ("acting", "cast", "performances", "lead actress"),
    "story": ("plot", "story", "script", "dialogue"),
    "pacing": ("pacing", "running time"),
    "effects": ("special effects", "stunts", "cgi"),
    "sequel": ("sequel", "follow-up"),
}
_GOOD = "wonderful superb brilliant moving gorgeous delightful masterful terrific charming excellent memorable".split()
_BAD = "awful dull tedious clumsy lifeless terrible boring wooden bland painful forgettable mediocre".split()
_OPINIONS = (
    "the {n} is {a} , and i {v} every minute of it .",
    "frankly , the {n} feels {a} .",
    "i thought the {n} was {a} and {b} .",
    "what a {a} {n} ; it is {b} from start to finish .",
)
_PLOTS = (  # plot summary that names an aspect's words without judging them
    ("music", "a young composer writes a score for the village orchestra ."),
    ("music", "{p} sings old songs in a bar near {l} ."),
    ("visuals", "{p} works as a photographer in {l} ."),
    ("visuals", "a camera crew follows {p} through {l} ."),
    ("acting", "an actress moves to {l} to join a theatre company ."),
    ("acting", "{p} hires a cast of locals to stage a play ."),
    ("story", "{p} writes the script for a school play in {l} ."),
    ("story", "the story begins when {p} arrives in {l} ."),
    ("pacing", "{p} drags the boat onto the beach at {l} ."),
    ("effects", "{p} performs stunts for a film crew in {l} ."),
    ("sequel", "the first one to arrive in {l} is {p} ."),
    ("sequel", "{p} returns to {l} , where the original house still stands ."),
    ("", "{p} travels to {l} to find a missing letter ."),
    ("", "when {p} discovers the truth , everyone in {l} must choose a side ."),
)


def _opinion(rng: random.Random, good: bool, aspect: str | None = None) -> str:
    words = _GOOD if good else _BAD
    noun = rng.choice(_ASPECT_WORDS[aspect or rng.choice(list(_ASPECT_WORDS))])
    verb = rng.choice(("loved", "enjoyed", "savoured")) if good else rng.choice(("hated", "endured", "regretted"))
    a, b = rng.sample(words, 2)
    return rng.choice(_OPINIONS).format(n=noun, a=a, b=b, v=verb)


def _plot(rng: random.Random, aspect: str | None = None) -> str:
    pool = [t for k, t in _PLOTS if aspect is None or k == aspect]
    return rng.choice(pool).format(p=rng.choice(_NAMES), l=rng.choice(_PLACES))


def _sample_titles(rng: random.Random, n: int) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        a, b, c, d = rng.sample(_TITLE_WORDS, 4)
        title = rng.choice((f"{a} {b}", f"The {a} {b}", f"{a} of the {b}", f"{a} {b}: {c} {d}", f"{a} and {b}"))
        if rng.random() < 0.06 and out:
            title = f"{rng.choice(out)} {rng.choice(('2', 'II', 'Part 3'))}"
        if title.lower() not in seen:
            seen.add(title.lower())
            out.append(title)
    return out


def write_sample_data(folder: Path, seed: int = 0) -> Path:
    """Write a small, made-up data set in the layouts benchmarks/data.py reads (a second or less); return `folder`."""
    rng = random.Random(seed)
    (folder / "movielens").mkdir(parents=True, exist_ok=True)
    with (folder / "movielens" / "movies.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["movieId", "title", "genres"])
        for i, title in enumerate(_sample_titles(rng, 600), start=1):
            if title.startswith("The ") and rng.random() < 0.7:
                title = f"{title[4:]}, The"  # MovieLens moves the article
            if rng.random() < 0.05:
                title += f" (a.k.a. {rng.choice(_TITLE_WORDS)} {rng.choice(_TITLE_WORDS)})"
            out.writerow([i, f"{title} ({1930 + i % 90})", "Drama|Comedy"])

    (folder / "pang_lee").mkdir(exist_ok=True)
    with zipfile.ZipFile(folder / "pang_lee" / "movie_reviews.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for number in [*range(0, 1000, 50), *range(800, 1000, 3)]:  # a few per training fold, many held out (8-9)
            for label in ("pos", "neg"):
                good = label == "pos"
                lines = [_plot(rng) for _ in range(5)]
                lines += [_opinion(rng, good if rng.random() < 0.85 else not good) for _ in range(9)]
                rng.shuffle(lines)
                lines.append(f"overall , this is a {rng.choice(_GOOD if good else _BAD)} film .")
                zf.writestr(f"movie_reviews/{label}/cv{number:03d}_{rng.randrange(10**5):05d}.txt", "\n".join(lines))
    with zipfile.ZipFile(folder / "pang_lee" / "subjectivity.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        aspects = [*_ASPECT_WORDS, *([None] * 3)]
        quotes = [_opinion(rng, rng.random() < 0.5, aspects[i % len(aspects)]) for i in range(1200)]
        plots = [_plot(rng, aspects[i % len(aspects)]) for i in range(1200)]
        zf.writestr("subjectivity/quote.tok.gt9.5000", "\n".join(quotes).encode("latin-1"))
        zf.writestr("subjectivity/plot.tok.gt9.5000", "\n".join(plots).encode("latin-1"))

    (folder / "vader").mkdir(exist_ok=True)
    rows = []
    for i in range(1, 1200):
        kind = rng.choice(("good", "bad", "mixed"))
        if kind == "mixed":
            text, mean = f"{_opinion(rng, True)[:-2]}, but {_opinion(rng, False)}", rng.uniform(-0.4, 0.4)
        else:
            text, mean = _opinion(rng, kind == "good"), rng.uniform(1.5, 3.5) * (1 if kind == "good" else -1)
        rows.append(f"{i}_1\t{mean:.3f}\t{text[0].upper()}{text[1:]}")
    (folder / "vader" / "movieReviewSnippets_GroundTruth.txt").write_bytes(("\r\n".join(rows) + "\r\n").encode())
    return folder
