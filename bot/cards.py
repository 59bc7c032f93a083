"""How an answer looks, whatever the platform: one neutral card model that every renderer draws.

`cards(answer)` words an `bot.answers.Answer` as `Card`s (one, or one per page of a full review):
a title, a tone (the verdict's colour), sections of lines under headings, a footer, buttons and a
menu. The console (`plain`), Discord (embeds) and Slack (Block Kit) only lay cards out, so the
three show the same headings and labels. Every word comes from `bot.messages`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot import actions
from bot import messages as msg
from bot.actions import Button
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
    Pick,
    Picks,
    Quote,
    ReviewCard,
    ReviewVerdict,
    SequelTally,
    Snippets,
    VerdictCard,
    is_private,
)
from bot.models import Film, Label, Suggestion, Verdict
from bot.text import shorten

MENU_MAX = 25  # options in one menu (Discord's limit; Slack allows 100)
OPTION_MAX = 75  # characters of an option's label (Slack's limit; Discord allows 100)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a card; `quote` marks a reviewer's own words, `by` who said them."""

    text: str
    quote: bool = False
    by: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """Lines under a heading; the heading is empty for the card's body text."""

    heading: str
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    action_id: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Menu:
    """A select menu: pick one option (a review to read). `action_id` names the menu itself."""

    placeholder: str
    options: tuple[Option, ...]
    action_id: str = ""


@dataclass(frozen=True, slots=True)
class Card:
    """One message as a member sees it, before any platform's layout."""

    title: str
    sections: tuple[Section, ...]
    tone: Label | None = None
    footer: str = ""
    buttons: tuple[Button, ...] = ()
    menu: Menu | None = None
    private: bool = False


def quote_text(text: str) -> str:
    return f"“{text}”"


def verdict_heading(verdict: Verdict) -> str:
    """`Verdict: Positive (99% confident)`."""
    return msg.VERDICT_LINE.format(label=msg.VERDICT_WORDS[verdict.label.value], confidence=verdict.confidence)


def aggregate_line(aggregate: Aggregate) -> str:
    """`Positive: 4 of 5 reviews positive, 1 mixed · average rating 78/100 (3 rated)`."""
    line = msg.AGGREGATE_LINE.format(
        label=msg.VERDICT_WORDS[aggregate.label.value], positive=aggregate.positive, total=aggregate.total
    )
    if aggregate.mixed:
        line += msg.AGGREGATE_MIXED.format(count=aggregate.mixed)
    if aggregate.score is not None:
        line += msg.AGGREGATE_SCORE.format(score=aggregate.score, rated=aggregate.rated)
    return line


def sequel_heading(tally: SequelTally) -> str:
    """`Sequel: as good as the original`, `Sequel: 2 of 3 reviews say it is better than the original`, or, on a
    tie, `Sequel: the reviews disagree: 1 better, 1 not as good`."""
    if tally.total <= 1:
        return msg.SEQUEL_LINE.format(comparison=msg.SEQUEL_WORDS[tally.verdict])
    counts = {"better": tally.better, "as_good": tally.as_good, "worse": tally.worse}
    if tally.verdict == "unclear":
        said = [msg.SEQUEL_SPLIT_PARTS[k].format(n=n) for k, n in counts.items() if n]
        if len(said) > 1:  # "Sequel: the reviews disagree: 1 better, 1 not as good"
            return msg.SEQUEL_SPLIT.format(counts=", ".join(said))
        return msg.SEQUEL_LINE.format(comparison=msg.SEQUEL_WORDS["unclear"])
    return msg.SEQUEL_TALLY.format(
        count=counts[tally.verdict], total=tally.total, comparison=msg.SEQUEL_WORDS[tally.verdict]
    )


def _quote(q: Quote, by: bool) -> Line:
    return Line(q.text, quote=True, by=(q.reviewer or msg.ANONYMOUS) if by else "")


def _stance(r: ReviewVerdict) -> str:
    """`Positive · 9/10` (a rated review), `Positive` (stated), `Positive (87% confident)` (inferred)."""
    label = msg.VERDICT_WORDS[r.verdict.label.value]
    if r.rating:
        return f"{label} · {r.rating}"
    return label if r.verdict.stated else msg.INFERRED.format(label=label, confidence=r.verdict.confidence)


def _review_line(r: ReviewVerdict) -> Line:
    """`Ana: Positive · 9/10`."""
    return Line(msg.REVIEW_LINE.format(reviewer=r.reviewer or msg.ANONYMOUS, verdict=_stance(r)))


def _single_verdict(r: ReviewVerdict) -> list[Section]:
    sections = [Section(verdict_heading(r.verdict), (Line(r.verdict.quote, quote=True),))]
    if r.verdict.sequel is not None:
        note = r.verdict.sequel
        heading = msg.SEQUEL_LINE.format(comparison=msg.SEQUEL_WORDS[note.compared_to_original])
        sections.append(Section(heading, (Line(note.quote, quote=True),)))
    return sections


def _sequel(tally: SequelTally | None, by: bool) -> list[Section]:
    if tally is None or not tally.quotes:
        return []
    return [Section(sequel_heading(tally), tuple(_quote(q, by) for q in tally.quotes[:3]))]


def _footer(film: Film, reviews: Sequence[ReviewVerdict]) -> str:
    if len(reviews) != 1:
        return ""
    review = reviews[0]
    parts = [msg.REVIEWED_BY.format(reviewer=review.reviewer)] if review.reviewer else []
    parts += [msg.RATING.format(rating=review.rating)] if review.rating else []
    return " · ".join(parts)


def _menu(film: Film, reviews: Sequence[ReviewVerdict]) -> Menu | None:
    if len(reviews) < 2:
        return None
    options = tuple(
        Option(
            shorten(msg.REVIEW_OPTION.format(reviewer=r.reviewer or msg.ANONYMOUS), OPTION_MAX),
            actions.full(r.review_id),
            shorten(_stance(r), OPTION_MAX),
        )
        for r in reviews[:MENU_MAX]
    )
    return Menu(msg.REVIEW_MENU, options, actions.menu(film.id))


def _film_buttons(film: Film, reviews: Sequence[ReviewVerdict], other: str) -> tuple[Button, ...]:
    """`Full review` when there is one review (a menu picks one of several), then Verdict or Review."""
    out: list[Button] = []
    if len(reviews) == 1:
        out.append(actions.button(msg.BUTTON_FULL, actions.full(reviews[0].review_id)))
    if other == "verdict":
        out.append(actions.button(msg.BUTTON_VERDICT, actions.verdict(film.id)))
    else:
        out.append(actions.button(msg.BUTTON_REVIEW, actions.review(film.id)))
    return tuple(out)


def _film_card(a: ReviewCard | VerdictCard, sections: Sequence[Section], other: str) -> Card:
    """A review or verdict card: the film's label, tone and footer, its reviews' menu, the other card's button."""
    return Card(
        a.film.label,
        tuple(s for s in sections if s.lines),
        tone=a.aggregate.label,
        footer=_footer(a.film, a.reviews),
        buttons=_film_buttons(a.film, a.reviews, other),
        menu=_menu(a.film, a.reviews),
    )


def _review_card(a: ReviewCard) -> Card:
    many = len(a.reviews) > 1
    sections: list[Section] = []
    if many:
        sections.append(Section("", (Line(aggregate_line(a.aggregate)),)))
        sections.append(Section(msg.CONSENSUS, tuple(_quote(q, True) for q in a.consensus)))
    elif a.consensus:
        sections.append(Section("", (Line(" ".join(q.text for q in a.consensus)),)))
    for q in a.highlights:
        heading = msg.HIGHLIGHT_WORDS.get(q.aspect.value, "") if q.aspect else ""
        sections.append(Section(heading, (_quote(q, many),)))
    if many:
        sections.append(Section(msg.REVIEWS_HEADING.format(count=len(a.reviews)), tuple(map(_review_line, a.reviews))))
        sections += _sequel(a.sequel, True)
    elif a.reviews:
        sections += _single_verdict(a.reviews[0])
    return _film_card(a, sections, "verdict")


def _verdict_card(a: VerdictCard) -> Card:
    if len(a.reviews) == 1:
        sections = _single_verdict(a.reviews[0])
    else:
        sections = [Section("", (Line(aggregate_line(a.aggregate)),))]
        for r in a.reviews:
            heading = msg.REVIEW_LINE.format(reviewer=r.reviewer or msg.ANONYMOUS, verdict=_stance(r))
            sections.append(Section(heading, (Line(r.verdict.quote, quote=True),)))
        sections += _sequel(a.sequel, True)
    return _film_card(a, sections, "review")


def _snippets(a: Snippets) -> Card:
    many = a.film is not None and len(a.film.reviews) > 1
    if a.film is None:  # from several films: name each quote's film
        labels = {f.id: f.label for f in a.films}
        lines = tuple(Line(q.text, quote=True, by=labels.get(q.film_id, "")) for q in a.quotes)
    else:
        lines = tuple(_quote(q, many) for q in a.quotes)
    if a.sides:
        good = tuple(line for line, q in zip(lines, a.quotes, strict=True) if q.polarity >= 0)
        bad = tuple(line for line, q in zip(lines, a.quotes, strict=True) if q.polarity < 0)
        sides = (Section(msg.SIDE_GOOD, good), Section(msg.SIDE_BAD, bad))
        if a.quotes[0].polarity < 0:  # the side of the best quote first
            sides = sides[::-1]
        sections: tuple[Section, ...] = (Section("", (Line(msg.SIDES_NOTE),)), *sides)
    else:
        sections = (Section("", lines),)
    if a.framed and a.topic:
        sections = (Section("", (Line(msg.ON_TOPIC.format(topic=a.topic)),)), *sections)
    title = a.film.label if a.film else msg.TITLE_ANSWER
    buttons: tuple[Button, ...] = ()
    if a.film is not None:
        buttons = (actions.button(msg.BUTTON_REVIEW, actions.review(a.film.id)),
                   actions.button(msg.BUTTON_VERDICT, actions.verdict(a.film.id)))  # fmt: skip
    return Card(title, tuple(s for s in sections if s.lines), buttons=buttons)


def _abstain(a: Abstain) -> Card:
    if a.film is None:
        text = msg.NO_SNIPPETS_ANY.format(topic=a.topic or msg.THAT)
        return Card(msg.TITLE_ANSWER, (Section("", (Line(text),)),))
    words = msg.NO_SNIPPETS_ONE if len(a.film.reviews) == 1 else msg.NO_SNIPPETS
    text = words.format(title=a.film.title, topic=a.topic or msg.THAT)
    buttons = (actions.button(msg.BUTTON_REVIEW, actions.review(a.film.id)),)
    return Card(a.film.label, (Section("", (Line(text),)),), buttons=buttons)


def _film_answer(film: Film, sections: Sequence[Section]) -> Card:
    """A card about one film, with its Review and Verdict buttons."""
    buttons = (actions.button(msg.BUTTON_REVIEW, actions.review(film.id)),
               actions.button(msg.BUTTON_VERDICT, actions.verdict(film.id)))  # fmt: skip
    return Card(film.label, tuple(s for s in sections if s.lines), buttons=buttons)


def _comparison(a: Comparison) -> Card:
    if not a.sequel:
        text = msg.NOT_A_SEQUEL.format(title=a.film.title)
    elif a.tally is None or not a.tally.quotes:
        words = msg.NO_COMPARISON_ONE if len(a.film.reviews) == 1 else msg.NO_COMPARISON
        text = words.format(title=a.film.title)
    else:
        return _film_answer(a.film, _sequel(a.tally, len(a.film.reviews) > 1))
    return _film_answer(a.film, [Section("", (Line(text),))])


def _fact(a: Fact) -> Card:
    names = ", ".join(a.names[:3])
    many = len(a.film.reviews) > 1
    head = Section("", (Line(msg.FACT_LINE.get(a.role, "{names}").format(names=names)),))
    return _film_answer(a.film, [head, Section("", tuple(_quote(q, many) for q in a.quotes))])


def _review_buttons(films: Sequence[Film]) -> tuple[Button, ...]:
    return tuple(actions.button(shorten(f.label, 80), actions.review(f.id)) for f in films[:5])


def _film_ranking(a: FilmRanking) -> Card:
    if a.feel:
        intro = (msg.RANKING_FEEL_WORST if a.worst else msg.RANKING_FEEL).format(topic=a.topic)
    else:
        intro = (msg.RANKING_NOUN_WORST if a.worst else msg.RANKING_NOUN).format(topic=a.topic)
    sections = [Section("", (Line(intro),))]
    for n, r in enumerate(a.films, 1):
        sections.append(Section(msg.RANKED.format(n=n, film=r.film.label), (_quote(r.quote, bool(r.quote.reviewer)),)))
    return Card(msg.TITLE_RANKING, tuple(sections), buttons=_review_buttons([r.film for r in a.films]))


def _pick_line(p: Pick) -> str:
    if p.aggregate.total == 1:
        return msg.PICK_ONE.format(label=msg.VERDICT_WORDS[p.aggregate.label.value])
    return aggregate_line(p.aggregate)


def _picks(a: Picks) -> Card:
    if a.like is not None:
        intro = (msg.PICKS_LIKE if a.picks else msg.NO_PICKS_LIKE).format(title=a.like.label)
    elif a.genre:
        intro = msg.PICKS_GENRE.format(genre=a.genre[:1].upper() + a.genre[1:])
    else:
        intro = msg.PICKS
    sections = [Section("", (Line(intro),))]
    for n, p in enumerate(a.picks, 1):
        lines = [Line(_pick_line(p))] + ([_quote(p.quote, bool(p.quote.reviewer))] if p.quote else [])
        sections.append(Section(msg.RANKED.format(n=n, film=p.film.label), tuple(lines)))
    return Card(msg.TITLE_PICKS, tuple(sections), buttons=_review_buttons([p.film for p in a.picks]))


def _film_list(a: FilmList) -> Card:
    lines = [Line(msg.LIST_HEADER.format(count=len(a.films)))]
    lines += [Line(f"• {f.label}") for f in a.films]
    return Card(msg.TITLE_FILMS, (Section("", tuple(lines)),))


def _full(a: FullText) -> tuple[Card, ...]:
    by = msg.FULL_REVIEW_BY.format(reviewer=a.review.reviewer) if a.review.reviewer else ""
    pages = a.pages or ("",)
    out = []
    for n, page in enumerate(pages, 1):
        footer = msg.PAGE.format(page=n, pages=len(pages)) if len(pages) > 1 else ""
        heading = by if n == 1 else ""
        out.append(Card(a.film.label, (Section(heading, (Line(page),)),), footer=footer))
    return tuple(out)


def _suggestion_buttons(suggestions: Sequence[Suggestion]) -> tuple[Button, ...]:
    return tuple(actions.button(s.title, actions.review(s.film_id)) for s in suggestions[:5])


def _ambiguous(a: Ambiguous) -> Card:
    """Several films fit (which one?), or one does, not surely (did you mean it?)."""
    words = msg.AMBIGUOUS if len(a.suggestions) > 1 else msg.DID_YOU_MEAN
    lines = [Line(words.format(query=shorten(a.query, 80)))]
    lines += [Line(f"{n}. {s.title}") for n, s in enumerate(a.suggestions, 1)]
    title = msg.TITLE_AMBIGUOUS if len(a.suggestions) > 1 else msg.TITLE_DID_YOU_MEAN
    return Card(title, (Section("", tuple(lines)),), buttons=_suggestion_buttons(a.suggestions))


def _not_found(a: NotFound) -> Card:
    query = shorten(a.query, 80)
    if a.film is not None and a.reviewer is not None:
        names = ", ".join(r.reviewer or msg.ANONYMOUS for r in a.film.reviews)
        text = msg.NO_SUCH_REVIEWER.format(reviewer=shorten(a.reviewer, 80), title=a.film.label, reviewers=names)
        buttons = (actions.button(msg.BUTTON_REVIEW, actions.review(a.film.id)),)
        return Card(msg.TITLE_NOT_FOUND, (Section("", (Line(text),)),), buttons=buttons)
    if a.suggestions:
        titles = ", ".join(s.title for s in a.suggestions)
        words = msg.NOT_FOUND_RELATED if a.related else msg.NOT_FOUND_SUGGEST
        text = words.format(query=query, titles=titles)
    else:
        text = msg.NOT_FOUND.format(query=query)
    return Card(msg.TITLE_NOT_FOUND, (Section("", (Line(text),)),), buttons=_suggestion_buttons(a.suggestions))


def _notice(a: Notice, help_text: str | None) -> Card:
    text = help_text if a.note.value == "help" and help_text else msg.NOTICES[a.note.value].format(example=a.example)
    title = msg.TITLE_HELP if a.note.value == "help" else msg.TITLE_ERROR
    return Card(title, (Section("", (Line(text),)),))


def cards(answer: Answer, *, help_text: str | None = None) -> tuple[Card, ...]:
    """The cards that show `answer`: one, or one per page of a full review.

    `help_text` replaces the help text (Slack shows its own command names).
    """
    match answer:
        case ReviewCard():
            out: tuple[Card, ...] = (_review_card(answer),)
        case VerdictCard():
            out = (_verdict_card(answer),)
        case Snippets():
            out = (_snippets(answer),)
        case Abstain():
            out = (_abstain(answer),)
        case Comparison():
            out = (_comparison(answer),)
        case Fact():
            out = (_fact(answer),)
        case FilmRanking():
            out = (_film_ranking(answer),)
        case Picks():
            out = (_picks(answer),)
        case FilmList():
            out = (_film_list(answer),)
        case FullText():
            out = _full(answer)
        case Ambiguous():
            out = (_ambiguous(answer),)
        case NotFound():
            out = (_not_found(answer),)
        case Notice():
            out = (_notice(answer, help_text),)
    if is_private(answer):
        out = tuple(Card(c.title, c.sections, c.tone, c.footer, c.buttons, c.menu, private=True) for c in out)
    return out


def note(text: str, *, title: str = msg.TITLE_ERROR, private: bool = True) -> Card:
    """A short message that is no answer, as a card: an adapter's own error, a /featured reply."""
    return Card(title, (Section("", (Line(text),)),), private=private)


def plain(card: Card) -> str:
    """A card as plain text: the console, `--json`'s `text`, and every platform's fallback text."""
    blocks: list[str] = [card.title] if card.title else []
    for section in card.sections:
        head = [section.heading] if section.heading else []
        blocks.append("\n".join(head + [_plain_line(line) for line in section.lines]))
    if card.footer:
        blocks.append(card.footer)
    return "\n\n".join(b for b in blocks if b).strip()


def _plain_line(line: Line) -> str:
    text = quote_text(line.text) if line.quote else line.text
    return f"{text} — {line.by}" if line.by else text
