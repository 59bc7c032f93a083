"""Text helpers shared by the corpus, title index and snippet search."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable

import snowballstemmer

ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "l", "el", "los", "las", "il", "der", "die", "das"})
# Words that judge a film as a whole ("is heat decent?"): they ask for its verdict, and a title is read past them.
JUDGEMENTS = frozenset(
    "decent bad great overrated underrated okay ok terrible awful watchable enjoyable rubbish masterpiece".split()
)
_UNITS = "zero one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMBER_WORDS = {w: str(n) for n, w in enumerate(_UNITS)} | {w: str(n + 10) for n, w in enumerate(_TEENS)}
_NUMBER_WORDS |= {w: str(n * 10 + 20) for n, w in enumerate(_TENS)}
SPELT = {digit: word for word, digit in _NUMBER_WORDS.items()}  # "9" -> "nine": the number words `normalise` reads
_ROMAN = {
    "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10",
    "xi": "11", "xii": "12", "xiii": "13", "xiv": "14", "xv": "15", "xvi": "16", "xvii": "17", "xviii": "18",
    "xix": "19", "xx": "20",
}  # fmt: skip
# "Shrek the Third", "Richard the Second": an ordinal after "the" that ends a title is its number
_ORDINALS = {
    "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7", "eighth": "8",
    "ninth": "9", "tenth": "10",
}  # fmt: skip
# "Hot Shots! Part Deux", "History of the World: Part I": only after a marker
_MARKER_NUMBERS = {"i": "1", "deux": "2", "trois": "3", "dos": "2", "tres": "3"}
_MARKERS = frozenset({"part", "pt", "chapter", "episode", "vol", "volume"})
# "The King and I", "Me and I": a last "I" after these is the word, not part 1
_AFTER_I = frozenset({"and", "am", "or", "me", "myself", "you", "if", "as", "than", "when", "what", "who"})
_NUMBERISH = frozenset(_NUMBER_WORDS) | frozenset(_ROMAN) | frozenset(_ORDINALS) | _MARKERS | {"hundred"}
_MOVED_ARTICLE = re.compile(r"^(.*?),\s*(the|a|an|le|la|les|l'|el|los|las|il|der|die|das)(\s*[:(-].*)?$", re.I)
_YEAR = re.compile(r"\s*\((\d{4})\)\s*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# A sentence ends at . ! ? … before a space and a capital, or with no space between a lower-case word and a
# capitalised one ("a real misnomer.Pocahontas has", "the land.I think": review text often lacks the space).
# "Mr.Smith", "U.S.A." and "3.5" are not broken: the two letters before the stop must be lower case.
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“(\[]?[A-Z0-9])"
    r"|(?:(?<=[a-z]{2}[.!?])|(?<=[a-z]{2}\.\.))(?=[\"“]?(?:[A-Z][a-z]|I\b))"
)
_SEGMENT = re.compile(r":\s+|\s+[-–—]\s+")
_WORD = re.compile(r"[a-z0-9]+")  # the words of folded ASCII text: the fast path of `words` and `search.tokens`
_INITIALISM = re.compile(r"(?<![a-z0-9])(?:[a-z]\.){2,}")


def clean(text: str, limit: int = 500) -> str:
    """User input made safe to process: no control or bidi characters, one line, at most `limit` chars."""
    text = _CONTROL.sub("", text)
    text = " ".join(text.split())
    return text[:limit]


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def fold(text: str) -> str:
    """Lower case, accents removed, `&` spelled out."""
    if text.isascii():
        return text.lower().replace("&", " and ").replace("'", "")
    text = _scripts().strip_combining(unicodedata.normalize("NFKD", text))
    return text.lower().replace("&", " and ").replace("'", "").replace("’", "")


class _Scripts:
    """Unicode marks as regex classes, which `re` lacks; built on the first text that is not ASCII (~20 ms).

    Classes of code points above U+FFFF are kept apart: mixed into one class they make every match
    several times slower, and they are rare (historic scripts, emoji variation selectors).
    """

    def __init__(self) -> None:
        marks: list[int] = []
        combining: list[int] = []
        for c in (*range(0x80, 0x20000), *range(0xE0000, 0xE1000)):  # the planes that have marks
            ch = chr(c)
            if unicodedata.category(ch)[0] == "M":
                marks.append(c)
                if unicodedata.combining(ch):
                    combining.append(c)
        self.combining, self.combining_astral = _classes(combining)
        self.marks, self.marks_astral = _classes(marks)
        self.letters = re.compile(r"[^\W_]+")
        # Marks count as word characters: a Devanagari vowel sign is part of its word, not a break in it.
        self.word = re.compile(rf"(?:[^\W_]|{self.marks.pattern}|{self.marks_astral.pattern})+")

    def strip_combining(self, text: str) -> str:
        text = self.combining.sub("", text)
        return self.combining_astral.sub("", text) if _ASTRAL.search(text) else text

    def words(self, folded: str) -> list[str]:
        if self.marks.search(folded) is None and (not _ASTRAL.search(folded) or not self.marks_astral.search(folded)):
            return self.letters.findall(folded)
        return self.word.findall(folded)


def _classes(codes: list[int]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes matching one of `codes` up to U+FFFF, and one above."""
    low, high = [c for c in codes if c <= 0xFFFF], [c for c in codes if c > 0xFFFF]
    return re.compile(f"[{_ranges(low)}]"), re.compile(f"[{_ranges(high)}]")


def _ranges(codes: list[int]) -> str:
    """Sorted code points as the body of a regex character class."""
    out: list[str] = []
    start = prev = codes[0]
    for c in [*codes[1:], -1]:
        if c != prev + 1:
            out.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
            start = c
        prev = c
    return "".join(out)


_scripts = functools.cache(_Scripts)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def split_year(title: str) -> tuple[str, int | None]:
    """`Heat (1995)` -> (`Heat`, 1995)."""
    m = _YEAR.search(title)
    if not m:
        return title.strip(), None
    return title[: m.start()].strip(), int(m.group(1))


def unmove_article(title: str) -> str:
    """`Godfather: Part II, The` -> `The Godfather: Part II`."""
    m = _MOVED_ARTICLE.match(title.strip())
    if not m:
        return title
    head, article, tail = m.group(1), m.group(2), m.group(3) or ""
    sep = "" if article.endswith("'") else " "
    return f"{article}{sep}{head}{tail}"


def words(text: str) -> list[str]:
    """Folded words: runs of letters and digits of any script (`L.A.` is one word, `la`)."""
    folded = fold(text)
    if "." in folded:
        folded = _INITIALISM.sub(lambda m: m.group(0).replace(".", ""), folded)
    return _WORD.findall(folded) if folded.isascii() else _scripts().words(folded)


def without(tokens: list[str], part: list[str], instead: tuple[str, ...] = ()) -> list[str]:
    """`tokens` without the first run of them that is `part` (a title found in a question), or with `instead` in
    its place; else `tokens`."""
    n = len(part)
    for i in range(len(tokens) - n + 1):
        if n and tokens[i : i + n] == part:
            return [*tokens[:i], *instead, *tokens[i + n :]]
    return tokens


def _numbers_as_digits(tokens: list[str]) -> list[str]:
    """Number words as digits: "twelve" -> 12, "twenty one" -> 21, "one hundred and one" -> 101."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok not in _NUMBER_WORDS:
            out.append(tok)
            i += 1
            continue
        value = int(_NUMBER_WORDS[tok])
        j = i + 1
        if tok in _TENS and j < len(tokens) and tokens[j] in _UNITS[1:]:
            value += int(_NUMBER_WORDS[tokens[j]])
            j += 1
        elif tok in _TEENS and j < len(tokens) and tokens[j] in _TENS:  # "Nineteen Eighty-Four" -> 1984
            year = int(_NUMBER_WORDS[tokens[j]])
            j += 1
            if j < len(tokens) and tokens[j] in _UNITS[1:]:
                year += int(_NUMBER_WORDS[tokens[j]])
                j += 1
            value = value * 100 + year
        if 0 < value < 10 and j < len(tokens) and tokens[j] == "hundred":
            value *= 100
            j += 1
            rest = j + 1 if j + 1 < len(tokens) and tokens[j] == "and" and tokens[j + 1] in _NUMBER_WORDS else j
            if rest < len(tokens) and tokens[rest] in _NUMBER_WORDS:
                tail = _numbers_as_digits(tokens[rest : rest + 2])[0]
                if tail.isdigit() and int(tail) < 100:
                    value += int(tail)
                    j = rest + (2 if int(tail) > 20 and int(tail) % 10 else 1)
        out.append(str(value))
        i = j
    return out


def normalise(title: str, keep_article: bool = False) -> str:
    """The comparable form of a title: folded, no punctuation or leading article, numbers as digits."""
    tokens = words(unmove_article(title))
    if len(tokens) >= 3 and tokens[-2] == "the" and tokens[-1] in _ORDINALS:
        tokens = [*tokens[:-2], _ORDINALS[tokens[-1]]]
    elif len(tokens) >= 2 and tokens[-1] == "i" and tokens[-2] not in _AFTER_I:
        tokens = [*tokens[:-1], "1"]  # "The Human Condition I", "Young Guns I"; not "The King and I"
    numeric = [t.isdigit() or t in _ROMAN or t in _NUMBER_WORDS or t in _MARKER_NUMBERS for t in tokens]
    marked: list[str] = []
    for i, tok in enumerate(tokens):
        if tok in _ROMAN and (i > 0 or len(tokens) == 1 or len(tok) > 1):
            tok = _ROMAN[tok]
        elif tok in _MARKER_NUMBERS and i > 0 and tokens[i - 1] in _MARKERS:
            tok = _MARKER_NUMBERS[tok]
        if tok in _MARKERS:  # "Part 2", "Chapter Two", "Chapter Part II": the number alone
            rest = [j for j in range(i + 1, len(tokens)) if tokens[j] not in _MARKERS]
            if rest and numeric[rest[0]]:
                continue
        marked.append(tok)
    out = _numbers_as_digits(marked)
    if len(out) > 1 and out[0] in ARTICLES and not keep_article:
        out = out[1:]
    return " ".join(out)


def normalise_words(tokens: list[str]) -> str:
    """`normalise(" ".join(tokens))` for tokens from `words()`; quick unless a token is a number or marker."""
    if any(t.isdigit() or t in _NUMBERISH for t in tokens) or (len(tokens) >= 2 and tokens[-1] == "i"):
        return normalise(" ".join(tokens))
    return " ".join(tokens[1:] if len(tokens) > 1 and tokens[0] in ARTICLES else tokens)


def title_parts(title: str) -> list[str]:
    """The segments of a title split at colons and dashes: `Star Wars: Episode IV - A New Hope` gives three."""
    title = unmove_article(split_year(title)[0])
    parts = [p.strip() for p in _SEGMENT.split(title)]
    return [p for p in parts if p] if len(parts) > 1 else []


def sentences(text: str) -> list[str]:
    """Split review text into sentences (paragraph breaks always split)."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        if para:
            out.extend(s.strip() for s in _SENTENCE_END.split(para) if s.strip())
    return out


def stem(word: str) -> str:
    """A light suffix stripper, enough to match `visuals`/`visually`/`visual`."""
    for suffix, repl in (("ies", "y"), ("ally", "al"), ("ly", ""), ("ing", ""), ("ed", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + repl
    if word.endswith("s") and not word.endswith("ss") and len(word) >= 4:
        return word[:-1]
    return word


@functools.cache
def _snowball() -> Callable[[str], str]:
    stemmer: Callable[[str], str] = snowballstemmer.stemmer("english").stemWord
    return stemmer


_STEMS: dict[str, str] = {}  # every word stemmed so far (a corpus's vocabulary: tens of thousands)


def snowball(word: str) -> str:
    """The Snowball (Porter 2) English stem of a lower-case word: "acting" -> "act", "ending" -> "end"."""
    out = _STEMS.get(word)
    if out is None:
        out = _STEMS[word] = _snowball()(word)
    return out


def snowball_all(words: Iterable[str]) -> list[str]:
    """`snowball` of each word, for many words at once."""
    get = _STEMS.get
    return [get(w) or snowball(w) for w in words]


def paginate(text: str, size: int = 1900) -> list[str]:
    """Split `text` into pages of at most `size` chars at paragraph, then sentence, then word breaks."""
    pages: list[str] = []
    current = ""
    pieces: list[str] = []
    for para in re.split(r"\n\s*\n", text.strip()):
        para = para.strip()
        if len(para) <= size:
            pieces.append(para)
            continue
        for sent in sentences(para):
            while len(sent) > size:
                cut = sent.rfind(" ", 0, size) if " " in sent[:size] else size
                cut = cut if cut > 0 else size
                pieces.append(sent[:cut])
                sent = sent[cut:].lstrip()
            pieces.append(sent)
    for piece in pieces:
        joined = f"{current}\n\n{piece}" if current else piece
        if len(joined) <= size:
            current = joined
        else:
            pages.append(current)
            current = piece
    if current:
        pages.append(current)
    return pages
