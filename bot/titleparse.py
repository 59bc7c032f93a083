"""The structure of a film title: main title, subtitles, sequel number, alternative titles.

`Kill Bill: Vol. 2` is the main title "Kill Bill" with the number 2; `Birdman or (The Unexpected
Virtue of Ignorance)` is "Birdman", also known by the part after "or"; `Twelve Monkeys (a.k.a. 12
Monkeys)` has an alternative title; `Ferris Bueller's Day Off` is also "Ferris Bueller" (its
distinctive first words). The title index builds its keys from these parts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bot import lexicon
from bot.text import ARTICLES, normalise, split_year, unmove_article

# Words that join a title's words ("Eternal Sunshine *of* the Spotless Mind") and carry no name.
LINKS = frozenset("of in on to at by or an is it de la le el du vs and for from with into the a as its".split())
DISTINCT = 10_000  # a word rarer than this (or not in the lexicon) can name a film ("Bueller", "Strangelove")
COMMON = 3_000  # a word this frequent alone may well be another film's title ("Heat", "Texas")
RARE_PHRASE = 6.0  # ... and words together whose rarities (log10 rank) add up to this ("close encounters")
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
    # a small number ending the main title; "District 13", "Apollo 13", "Tell No One" are names
    if number is None and len(main_words) > 1 and main_words[-1].isdigit() and 2 <= int(main_words[-1]) <= 10:
        number, base = main_words[-1], " ".join(main_words[:-1])  # "Toy Story 2", "Rocky IV", "Shrek the Third"
    return Structure(main, subtitles, number, base, tuple(alternatives), named_before_or)


def _rarity(word: str) -> float:
    """How much a folded word says about which film is meant: log10 of its frequency rank (5 when unlisted)."""
    if word.isdigit():
        return 1.0  # "four weddings", "two girls": a number says little
    rank = lexicon.rank(word)
    return 5.0 if rank is None else math.log10(rank)


def common_word(text: str) -> bool:
    """Whether a title part is one common word ("Heat", "American", "Texas"): as likely another film's title."""
    named = [w for w in normalise(text).split() if w not in LINKS and w not in ARTICLES]
    return len(named) == 1 and not named[0].isdigit() and (lexicon.rank(named[0]) or COMMON + 1) <= COMMON


def distinctive(words: list[str]) -> bool:
    """Whether these folded words can name a film on their own: two words or more that say something, one of
    them rare ("ferris bueller", "last tango") or together uncommon enough ("close encounters", "lock stock");
    never one word ("heat") nor common words together ("bad day", "first monday", "things to do")."""
    named = [w for w in words if w not in LINKS and w not in ARTICLES]
    if len(named) < 2:
        return False
    return any(not w.isdigit() and (lexicon.rank(w) or DISTINCT + 1) > DISTINCT for w in named) or (
        sum(map(_rarity, named)) >= RARE_PHRASE
    )


def short_names(main: str) -> list[str]:
    """The distinctive first words of a long main title, as people shorten it.

    Up to a possessive ("Ferris Bueller" of "Ferris Bueller's Day Off") or to a link word ("Eternal
    Sunshine" of "Eternal Sunshine of the Spotless Mind", "Close Encounters" of "... of the Third Kind",
    "Bring Me the Head" of "... of Alfredo Garcia"), when what is kept is distinctive (see `distinctive`)
    and a word that says something is left out (a number left out makes it the name of a series, as in
    "Weekend at Bernie's II"). Whether the short name names this film or the first film
    of its series is the title index's question (a sequel's first words name the first film).
    """
    cuts: list[str] = []
    if m := _POSSESSIVE.match(main):
        cuts.append(m.group(1))  # a name: "Lee Daniels' The Butler", "Ferris Bueller's Day Off"
    tokens = main.split()
    for i, tok in enumerate(tokens[1:], 1):
        if normalise(tok, keep_article=True) in LINKS and normalise(tokens[i - 1], keep_article=True) not in LINKS:
            cuts.append(" ".join(tokens[:i]))
    out: list[str] = []
    whole = normalise(main).split()
    for cut in cuts:
        key = normalise(cut)
        kept = key.split()
        left = [w for w in whole[len(kept) :] if w not in LINKS and w not in ARTICLES and not w.isdigit()]
        if kept and left and distinctive(kept) and key not in out:
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
