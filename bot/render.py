"""Plain-text and JSON renderings of an Answer (the console, `--json`, and every fallback text)."""

from __future__ import annotations

from typing import Any

from bot import messages as msg
from bot.models import Answer, Film, Kind, Snippet, Verdict

LIST_MAX = 50


def film_label(film: Film) -> str:
    return f"{film.title} ({film.year})" if film.year else film.title


def quote(text: str) -> str:
    return f"“{text}”"


def verdict_lines(verdict: Verdict) -> list[str]:
    lines = [
        msg.VERDICT_LINE.format(label=msg.VERDICT_WORDS[verdict.label.value], confidence=verdict.confidence),
        quote(verdict.quote),
    ]
    if verdict.sequel is not None:
        comparison = msg.SEQUEL_WORDS[verdict.sequel.compared_to_original]
        lines.append(msg.SEQUEL_LINE.format(comparison=comparison) + " — " + quote(verdict.sequel.quote))
    return lines


def highlight_label(snippet: Snippet) -> str:
    """The heading of a review card's highlight: its aspect group."""
    return msg.HIGHLIGHT_WORDS.get(snippet.aspect.value, "") if snippet.aspect else ""


def plain(answer: Answer, titles: dict[str, str] | None = None) -> str:
    """The whole answer as plain text. `titles` maps film ids to titles for multi-film snippets."""
    kind, film = answer.kind, answer.film
    lines: list[str] = []
    if kind is Kind.REVIEW and film and answer.verdict:
        lines += [film_label(film), ""]
        lines += [answer.summary, ""] if answer.summary else []
        lines += [f"{highlight_label(s)}: {quote(s.text)}" for s in answer.highlights]
        lines += ["", *verdict_lines(answer.verdict)]
        if film.reviewer:
            lines.append(msg.REVIEWED_BY.format(reviewer=film.reviewer))
    elif kind is Kind.VERDICT and film and answer.verdict:
        lines += [film_label(film), *verdict_lines(answer.verdict)]
    elif kind is Kind.ANSWER:
        if answer.text and not answer.snippets:
            return answer.text
        for s in answer.snippets:
            source = "" if film else f" — {(titles or {}).get(s.film_id, s.film_id)}"
            lines.append(f"• {quote(s.text)}{source}")
        if film:
            lines.insert(0, f"{film_label(film)}:")
    elif kind is Kind.LIST:
        lines.append(msg.LIST_HEADER.format(count=len(answer.films)))
        lines += [f"• {film_label(f)}" for f in answer.films[:LIST_MAX]]
        if len(answer.films) > LIST_MAX:
            lines.append(msg.LIST_MORE.format(count=len(answer.films) - LIST_MAX))
    elif kind is Kind.FULL and film:
        for n, page in enumerate(answer.pages, 1):
            lines += [msg.FULL_REVIEW_PAGE.format(title=film_label(film), page=n, pages=len(answer.pages)), page, ""]
    elif kind is Kind.AMBIGUOUS:
        lines.append(answer.text)
        lines += [f"{n}. {s.title}" for n, s in enumerate(answer.suggestions, 1)]
    else:
        return answer.text
    return "\n".join(lines).strip()


def to_json(answer: Answer) -> dict[str, Any]:
    """The stable `--json` object (documented in docs/json.md)."""
    kind = Kind.ANSWER if answer.kind is Kind.ASK else answer.kind
    verdict = None
    if answer.verdict is not None:
        v = answer.verdict
        sequel = (
            None
            if v.sequel is None
            else {"compared_to_original": v.sequel.compared_to_original, "quote": v.sequel.quote}
        )
        verdict = {"label": v.label.value, "confidence": v.confidence, "quote": v.quote, "sequel": sequel}
    film = answer.film
    return {
        "kind": kind.value,
        "film": None if film is None else {"id": film.id, "title": film.title, "year": film.year},
        "film_confidence": None if film is None else answer.film_confidence,
        "verdict": verdict,
        "snippets": [{"text": s.text, "film_id": s.film_id, "score": s.score} for s in answer.snippets],
        "suggestions": [{"title": s.title, "score": s.score} for s in answer.suggestions],
        "summary": answer.summary or None,
        "highlights": [{"aspect": s.aspect.value if s.aspect else None, "text": s.text} for s in answer.highlights],
        "text": answer.text,
    }
