"""An answer as plain text (the console, every fallback text) and as the `--json` object (docs/json.md)."""

from __future__ import annotations

from typing import Any

from bot.answers import (
    Abstain,
    Aggregate,
    Ambiguous,
    Answer,
    Comparison,
    Fact,
    FilmList,
    FilmRanking,
    FullText,
    NotFound,
    Notice,
    Picks,
    Quote,
    ReviewCard,
    ReviewVerdict,
    SequelTally,
    Snippets,
    VerdictCard,
    film_of,
)
from bot.cards import cards, plain
from bot.models import Film, Verdict

JSON_VERSION = 3


def text(answer: Answer) -> str:
    """The whole answer as plain text: its cards, one after another."""
    return "\n\n".join(plain(c) for c in cards(answer))


def _kind(answer: Answer) -> str:
    match answer:
        case ReviewCard():
            return "review"
        case VerdictCard():
            return "verdict"
        case Snippets() | Abstain():
            return "answer"
        case Comparison():
            return "comparison"
        case Fact():
            return "fact"
        case FilmRanking():
            return "ranking"
        case Picks():
            return "picks"
        case FilmList():
            return "list"
        case FullText():
            return "full"
        case Ambiguous():
            return "ambiguous"
        case NotFound():
            return "not_found"
        case Notice():
            return "help" if answer.note.value == "help" else "error"


def _film(film: Film | None) -> dict[str, Any] | None:
    if film is None:
        return None
    return {"id": film.id, "title": film.title, "year": film.year, "aliases": list(film.aliases),
            "sequel_of": film.sequel_of, "reviews": len(film.reviews)}  # fmt: skip


def _verdict(v: Verdict) -> dict[str, Any]:
    sequel = (
        None if v.sequel is None else {"compared_to_original": v.sequel.compared_to_original, "quote": v.sequel.quote}
    )
    return {"label": v.label.value, "confidence": v.confidence, "quote": v.quote, "stated": v.stated, "sequel": sequel}


def _quote(q: Quote) -> dict[str, Any]:
    return {"text": q.text, "film_id": q.film_id, "review_id": q.review_id, "reviewer": q.reviewer,
            "aspect": q.aspect.value if q.aspect else None, "score": q.score}  # fmt: skip


def _review(r: ReviewVerdict) -> dict[str, Any]:
    return {"id": r.review_id, "reviewer": r.reviewer, "rating": r.rating, "verdict": _verdict(r.verdict)}


def _aggregate(a: Aggregate) -> dict[str, Any]:
    return {"label": a.label.value, "positive": a.positive, "mixed": a.mixed, "negative": a.negative,
            "total": a.total, "score": a.score, "rated": a.rated}  # fmt: skip


def _sequel(t: SequelTally | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"compared_to_original": t.verdict, "better": t.better, "as_good": t.as_good, "worse": t.worse,
            "unclear": t.unclear, "quotes": [_quote(q) for q in t.quotes]}  # fmt: skip


def to_json(answer: Answer) -> dict[str, Any]:
    """The `--json` object, version 3 (docs/json.md says what changed from versions 1 and 2)."""
    film = film_of(answer)
    out: dict[str, Any] = {
        "version": JSON_VERSION,
        "kind": _kind(answer),
        "film": _film(film),
        "certainty": getattr(answer, "certainty", None) if film is not None else None,
        "aggregate": None,
        "reviews": [],
        "verdict": None,
        "sequel": None,
        "summary": None,
        "consensus": [],
        "highlights": [],
        "snippets": [],
        "topic": None,
        "sides": False,
        "suggestions": [],
        "related": False,
        "review": None,
        "pages": [],
        "films": [],
        "framed": False,
        "is_sequel": None,
        "role": None,
        "names": [],
        "ranking": [],
        "picks": [],
        "like": None,
        "genre": None,
        "worst": False,
        "notice": None,
        "text": text(answer),
    }
    if isinstance(answer, ReviewCard | VerdictCard):
        out["aggregate"] = _aggregate(answer.aggregate)
        out["reviews"] = [_review(r) for r in answer.reviews]
        out["sequel"] = _sequel(answer.sequel)
        if answer.reviews:  # version 1's one verdict: the single review's, or the most confident of the majority
            majority = [r for r in answer.reviews if r.verdict.label is answer.aggregate.label] or list(answer.reviews)
            out["verdict"] = _verdict(max(majority, key=lambda r: r.verdict.confidence).verdict)
    if isinstance(answer, ReviewCard):
        out["consensus"] = [_quote(q) for q in answer.consensus]
        out["summary"] = " ".join(q.text for q in answer.consensus) or None
        out["highlights"] = [_quote(q) for q in answer.highlights]
    elif isinstance(answer, Snippets):
        out["snippets"] = [_quote(q) for q in answer.quotes]
        out["topic"], out["sides"], out["framed"] = answer.topic or None, answer.sides, answer.framed
    elif isinstance(answer, Comparison):
        out["sequel"] = _sequel(answer.tally)
        out["is_sequel"] = answer.sequel
    elif isinstance(answer, Fact):
        out["role"], out["names"] = answer.role, list(answer.names)
        out["snippets"] = [_quote(q) for q in answer.quotes]
    elif isinstance(answer, FilmRanking):
        out["topic"], out["worst"] = answer.topic, answer.worst
        out["ranking"] = [{"film": _film(r.film), "score": r.score, "mentions": r.mentions, "quote": _quote(r.quote)}
                          for r in answer.films]  # fmt: skip
        out["films"] = [_film(r.film) for r in answer.films]
    elif isinstance(answer, Picks):
        out["picks"] = [{"film": _film(p.film), "aggregate": _aggregate(p.aggregate),
                         "quote": _quote(p.quote) if p.quote else None} for p in answer.picks]  # fmt: skip
        out["films"] = [_film(p.film) for p in answer.picks]
        out["like"], out["genre"] = _film(answer.like), answer.genre or None
    elif isinstance(answer, Abstain):
        out["topic"] = answer.topic or None
    elif isinstance(answer, Ambiguous | NotFound):
        out["suggestions"] = [{"title": s.title, "score": s.score, "film_id": s.film_id} for s in answer.suggestions]
        out["related"] = isinstance(answer, NotFound) and answer.related
    elif isinstance(answer, FullText):
        out["review"] = {"id": answer.review.id, "reviewer": answer.review.reviewer}
        out["pages"] = list(answer.pages)
    elif isinstance(answer, FilmList):
        out["films"] = [_film(f) for f in answer.films]
    elif isinstance(answer, Notice):
        out["notice"] = answer.note.value
    return out
