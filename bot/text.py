"""Text helpers shared by the corpus, title index and snippet search."""

from __future__ import annotations

import re
import unicodedata

ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "l", "el", "los", "las", "il", "der", "die", "das"})
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
}  # fmt: skip
_ROMAN = {
    "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7",
    "viii": "8", "ix": "9", "x": "10", "xi": "11", "xii": "12",
}  # fmt: skip
_MARKERS = frozenset({"part", "pt", "chapter", "episode", "vol", "volume"})
_NUMBERISH = frozenset(_NUMBER_WORDS) | frozenset(_ROMAN) | _MARKERS
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
_WORD = re.compile(r"[a-z0-9]+")
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
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower().replace("&", " and ").replace("'", "").replace("’", "")


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
    """Folded alphanumeric words."""
    folded = _INITIALISM.sub(lambda m: m.group(0).replace(".", ""), fold(text))
    return _WORD.findall(folded)


def normalise(title: str, keep_article: bool = False) -> str:
    """The comparable form of a title: folded, no punctuation or leading article, numbers as digits."""
    tokens = words(unmove_article(title))
    out: list[str] = []
    numeric = [t.isdigit() or t in _ROMAN or t in _NUMBER_WORDS for t in tokens]
    for i, tok in enumerate(tokens):
        tok = _NUMBER_WORDS.get(tok, tok)
        if tok in _ROMAN and (i > 0 or len(tokens) == 1 or len(tok) > 1):
            tok = _ROMAN[tok]
        if tok in _MARKERS:  # "Part 2", "Chapter Two", "Chapter Part II": the number alone
            rest = [j for j in range(i + 1, len(tokens)) if tokens[j] not in _MARKERS]
            if rest and numeric[rest[0]]:
                continue
        out.append(tok)
    if len(out) > 1 and out[0] in ARTICLES and not keep_article:
        out = out[1:]
    return " ".join(out)


def normalise_words(tokens: list[str]) -> str:
    """`normalise(" ".join(tokens))` for tokens from `words()`; quick unless a token is a number or marker."""
    if any(t.isdigit() or t in _NUMBERISH for t in tokens):
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
