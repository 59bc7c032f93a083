"""The structure of a film title: main title, subtitles, sequel number, alternative titles.

`Kill Bill: Vol. 2` is the main title "Kill Bill" with the number 2; `Birdman or (The Unexpected
Virtue of Ignorance)` is "Birdman", also known by the part after "or"; `Twelve Monkeys (a.k.a. 12
Monkeys)` has an alternative title; `Borat: Cultural Learnings of America for ...` is a main title
with a subtitle too long for anyone to type. The title index builds its keys from these parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import lexicon
from bot.text import ARTICLES, normalise, split_year, unmove_article

# Words that join a title's words ("Eternal Sunshine *of* the Spotless Mind") and carry no name.
LINKS = frozenset("of in on to at by or an is it de la le el du vs and for from with into the a as its".split())
LONG_SUBTITLE = 5  # content words: a subtitle this long is an explanation, not what people type
FUNCTION = 150  # the commonest words of English ("do", "time", "again") say little in a subtitle
DISTINCT = 10_000  # a word rarer than this (or not in the lexicon) can name a film ("Bueller", "Strangelove")
_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
_AKA = re.compile(r"^(?:a\.?k\.?a\.?|also known as)\s+", re.I)
# "Birdman or (...)", "Dr. Strangelove or: How I ...", "Frankenstein; or, The Modern Prometheus", "Birdman: Or"
# "Salo, or The 120 Days of Sodom" (but not "Trick or Treat")
_OR = re.compile(r"^(?P<main>.+?)(?:\s*[,:;]\s*or\b[,:]?\s*|\s+or(?:\s*[,:]\s*|\s*$|\s+(?=[(\[])))(?P<alt>.*)$", re.I)
_SEGMENT = re.compile(r":\s+|\s+[-–—]\s+")
_POSSESSIVE = re.compile(r"^(.*?[^\s'’])['’]s?\s+\S", re.I)


@dataclass(frozen=True, slots=True)
class Structure:
    """The parts of one title, as written (not normalised)."""

    main: str  # before the first ":" or " - ", without the part after "or" and parenthesised titles
    subtitles: tuple[str, ...]
    number: str | None  # the sequel number, as digits: "2" for Part II, Vol. 2, Two, "the Second"
    base: str  # the main title without a trailing number, normalised ("toy story" of "Toy Story 2")
    alternatives: tuple[str, ...]  # a.k.a. and parenthesised titles, the part after "or"
    named_before_or: bool  # the main title is the part before an "or" ("Birdman or ...")


def parse(title: str) -> Structure:
    """The parts of `title` (a trailing year in parentheses is ignored)."""
    text, _ = split_year(title.strip())
    alternatives: list[str] = []
    while (m := _PAREN.search(text)) and m.start() > 0:
        alt = _AKA.sub("", m.group(1).strip())
        if alt and not alt.isdigit():
            alternatives.append(unmove_article(alt))
        text = text[: m.start()]
    text = unmove_article(text.strip())
    named_before_or = False
    if (m := _OR.match(text)) and len(m.group("main")) > 1:
        named_before_or = True
        text = m.group("main").strip()
        if alt := m.group("alt").strip(" ,:;()[]"):
            alternatives.append(alt)
    parts = [p.strip() for p in _SEGMENT.split(text) if p.strip()] or [text]
    main, subtitles = parts[0], tuple(parts[1:])
    number = None
    main_words = normalise(main).split()
    base = " ".join(main_words)
    for part in subtitles:  # "Kill Bill: Vol. 2", "Star Wars: Episode IV - A New Hope"
        if (n := normalise(part)).isdigit():
            number = n
            break
    # a small number ending the main title; "District 13", "Apollo 13" are names
    if number is None and len(main_words) > 1 and main_words[-1].isdigit() and int(main_words[-1]) <= 10:
        number, base = main_words[-1], " ".join(main_words[:-1])  # "Toy Story 2", "Rocky IV", "Shrek the Third"
    return Structure(main, subtitles, number, base, tuple(alternatives), named_before_or)


def content_words(text: str) -> list[str]:
    """The normalised words of `text` that say something: not articles, link words or the commonest words."""
    return [
        w
        for w in normalise(text, keep_article=True).split()
        if w not in LINKS and w not in ARTICLES and not w.isdigit() and (lexicon.rank(w) or FUNCTION + 1) > FUNCTION
    ]


def long_subtitle(structure: Structure) -> bool:
    """Whether the subtitles are an explanation too long to type ("Borat: Cultural Learnings of America for
    Make Benefit Glorious Nation of Kazakhstan"), so the main title alone names the film."""
    return sum(len(content_words(p)) for p in structure.subtitles) >= LONG_SUBTITLE


def distinctive(words: list[str]) -> bool:
    """Whether these folded words can name a film on their own: two or more, one of them a rare word."""
    if len(words) < 2 or any(w.isdigit() for w in words):
        return False
    ranks = [lexicon.rank(w) for w in words if w not in LINKS and w not in ARTICLES]
    return any(r is None or r > DISTINCT for r in ranks)


def short_names(main: str) -> list[str]:
    """The distinctive first words of a long main title, as people shorten it.

    Up to a possessive ("Ferris Bueller" of "Ferris Bueller's Day Off") or to the first link word
    ("Eternal Sunshine" of "Eternal Sunshine of the Spotless Mind"), when what is kept is distinctive
    (see `distinctive`) and enough is left out: a word after a possessive, two before a link word
    (the first words of "Ant-Man and the Wasp" or "Weekend at Bernie's II" rather name the first film).
    """
    out: list[str] = []
    cuts: list[tuple[str, int]] = []  # (kept words, how many of the rest must say something)
    if m := _POSSESSIVE.match(main):
        cuts.append((m.group(1), 1))  # a name: "Lee Daniels' The Butler", "Ferris Bueller's Day Off"
    tokens = main.split()
    for i, tok in enumerate(tokens[1:], 1):
        if normalise(tok, keep_article=True) in LINKS:
            cuts.append((" ".join(tokens[:i]), 2))  # "Ant-Man and the Wasp" rather names Ant-Man
            break
    for cut, needed in cuts:
        key = normalise(cut)
        kept = key.split()
        rest = normalise(main).split()[len(kept) :]
        left = [w for w in rest if w not in LINKS and w not in ARTICLES and not w.isdigit()]
        if kept and len(left) >= needed and distinctive(kept) and key not in out:
            out.append(key)
    return out


def collapse_initials(key: str) -> str:
    """A normalised key with runs of single letters joined: "m a s h" -> "mash" (M*A*S*H)."""
    tokens = key.split()
    out: list[str] = []
    run: list[str] = []
    for tok in [*tokens, ""]:
        if len(tok) == 1 and tok.isalpha():
            run.append(tok)
            continue
        out.extend(["".join(run)] if len(run) >= 2 else run)
        run = []
        if tok:
            out.append(tok)
    return " ".join(out)
