"""Title lookup quality on the MovieLens catalogue: typed queries, absent films, and the baseline."""

from __future__ import annotations

import random
import re
import string
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.models import Film
from bot.text import ARTICLES, normalise, title_parts
from bot.titles import Outcome, TitleIndex

_NUMERALS = [("2", "II", "Part 2", "Part II", "Two"), ("3", "III", "Part 3", "Part III", "Three")]


@dataclass(frozen=True)
class Query:
    text: str
    target: str | None  # film id, or None for a film absent from the catalogue
    category: str


def _typo(text: str, rng: random.Random, n: int) -> str:
    chars = list(text)
    for _ in range(n):
        letters = [i for i, c in enumerate(chars) if c.isalpha()]
        if len(letters) < 2:
            break
        i = rng.choice(letters)
        op = rng.choice(("delete", "insert", "substitute", "transpose"))
        if op == "delete":
            del chars[i]
        elif op == "insert":
            chars.insert(i, rng.choice(string.ascii_lowercase))
        elif op == "substitute":
            chars[i] = rng.choice([c for c in string.ascii_lowercase if c != chars[i].lower()])
        elif i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def _numeral_variant(title: str, rng: random.Random) -> str | None:
    for forms in _NUMERALS:
        for form in sorted(forms, key=len, reverse=True):
            pattern = rf"(?<![\w]){re.escape(form)}(?![\w])"
            if re.search(pattern, title):
                other = rng.choice([f for f in forms if f != form])
                return re.sub(pattern, other, title, count=1)
    return None


def queries(films: list[Film], absent: list[Film], seed: int = 7, per_kind: int = 400) -> list[Query]:
    """Typed queries for present films, by category, plus queries for absent films."""
    rng = random.Random(seed)
    by_norm = Counter(normalise(f.title) for f in films)
    keys = Counter(normalise(p) for f in films for p in [f.title, *title_parts(f.title)])
    unique = [f for f in films if by_norm[normalise(f.title)] == 1]
    out: list[Query] = []

    def add(category: str, pool: list[Film], make: Callable[[Film], str | None]) -> None:
        rng.shuffle(pool)
        made = 0
        for f in pool:
            text = make(f)
            if text and text.strip():
                out.append(Query(text, f.id, category))
                made += 1
                if made >= per_kind:
                    break

    def with_year(f: Film) -> str:
        return f"{f.title} ({f.year})" if f.year else f.title

    long_enough = [f for f in unique if sum(c.isalpha() for c in f.title) >= 6]
    add("one typo", list(long_enough), lambda f: _typo(f.title, rng, 1))
    add("two typos", [f for f in long_enough if len(f.title) >= 10], lambda f: _typo(f.title, rng, 2))
    add("lower case", list(unique), lambda f: f.title.lower())
    add("exact with year", list(films), with_year)

    def article(f: Film) -> str | None:
        first, _, rest = f.title.partition(" ")
        if first.lower() in ARTICLES and rest:
            return rng.choice([rest, f"{rest}, {first}"])
        return None

    add("dropped/moved article", list(unique), article)
    add("dropped year", list(unique), lambda f: f.title)
    add("2 / II / Part 2", list(unique), lambda f: _numeral_variant(f.title, rng))

    def subtitle(f: Film) -> str | None:
        parts = title_parts(f.title)
        return parts[-1] if len(parts) > 1 and keys[normalise(parts[-1])] == 1 and len(parts[-1]) > 3 else None

    def main_title(f: Film) -> str | None:
        parts = title_parts(f.title)
        if len(parts) < 2 or keys[normalise(parts[0])] != 1 or any(normalise(p).isdigit() for p in parts[1:]):
            return None
        return parts[0]

    add("subtitle alone", list(unique), subtitle)
    add("main title only", list(unique), main_title)
    for f in absent:
        # A remake's title alone names the film that is present; with its year it names the absent one.
        text = rng.choice([f.title, f.title.lower(), _typo(f.title, rng, 1)])
        if normalise(f.title) in by_norm:
            text = with_year(f)
        out.append(Query(text, None, "absent (held out)"))
    for title in INVENTED:
        out.append(Query(title, None, "absent (invented)"))
    return out


INVENTED = [
    "The Godfather Part IV", "Toy Story 7", "Celestial Symphony", "Radiant Reflections", "Moonlit Harbor",
    "The Last Lighthouse Keeper", "Paper Lanterns", "Night of the Long Knives II", "Star Trek: Final Frontier 9",
    "Love in the Time of Algorithms", "The Quiet Orchard", "Iron Tide", "Midnight at the Laundromat",
    "Shadows of Tomorrow", "The Glass Archivist", "Return to Ember Falls", "Cloud Cartographers", "Velvet Static",
    "A Winter Without Birds", "The Salt Cathedral",
]  # fmt: skip


@dataclass
class Scores:
    top1: float
    ambiguous: float
    wrong_absent: float
    by_category: dict[str, float]


def score_ours(index: TitleIndex, qs: list[Query]) -> Scores:
    per: dict[str, list[bool]] = defaultdict(list)
    ambiguous = present = wrong = absent = correct = 0
    for q in qs:
        res = index.resolve(q.text)
        if q.target is None:
            absent += 1
            wrong += res.outcome is Outcome.MATCH
            per[q.category].append(res.outcome is not Outcome.MATCH)
        else:
            present += 1
            ok = res.outcome is Outcome.MATCH and res.film is not None and res.film.id == q.target
            correct += ok
            ambiguous += res.outcome is Outcome.AMBIGUOUS
            per[q.category].append(ok)
    return Scores(correct / present, ambiguous / present, wrong / max(absent, 1),
                  {k: sum(v) / len(v) for k, v in per.items()})  # fmt: skip


def baseline_hits(films: list[Film], qs: list[Query]) -> list[tuple[str, float]]:
    """`extractOne(query, titles, scorer=WRatio, processor=default_process)`, as a bot author would write it.

    The titles are processed once up front: the same result as passing the processor, only faster.
    """
    titles = [utils.default_process(f"{f.title} ({f.year})" if f.year else f.title) for f in films]
    out: list[tuple[str, float]] = []
    for q in qs:
        hit = process.extractOne(utils.default_process(q.text), titles, scorer=fuzz.WRatio)
        out.append((films[hit[2]].id, float(hit[1])) if hit else ("", 0.0))
    return out


def score_baseline(qs: list[Query], hits: list[tuple[str, float]], cutoff: float = 0.0) -> Scores:
    """The baseline's figures when answers scoring below `cutoff` count as "not found"."""
    per: dict[str, list[bool]] = defaultdict(list)
    present = correct = absent = wrong = 0
    for q, (film_id, score) in zip(qs, hits, strict=True):
        got = film_id if film_id and score >= cutoff else None
        if q.target is None:
            absent += 1
            wrong += got is not None
            per[q.category].append(got is None)
        else:
            present += 1
            correct += got == q.target
            per[q.category].append(got == q.target)
    return Scores(correct / max(present, 1), 0.0, wrong / max(absent, 1), {k: sum(v) / len(v) for k, v in per.items()})


def split_catalogue(films: list[Film], absent_share: float = 0.03, seed: int = 11) -> tuple[list[Film], list[Film]]:
    """Hold out some films: they are the absent ones people will still ask for."""
    rng = random.Random(seed)
    held = set(rng.sample(range(len(films)), int(len(films) * absent_share)))
    return [f for i, f in enumerate(films) if i not in held], [f for i, f in enumerate(films) if i in held]
