"""The SubjQA benchmark: its answer rule, its reading of the data's layout, and a slice of the real data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from benchmarks import data, subjqa

COLUMNS = (
    "item_id,domain,nn_mod,nn_asp,query_mod,query_asp,q_review_id,q_reviews_id,question,question_subj_level,"
    "ques_subj_score,is_ques_subjective,review_id,review,human_ans_spans,human_ans_indices,answer_subj_level,"
    "ans_subj_score,is_ans_subjective"
).split(",")
HEAT = (
    "&quot;Heat&quot; follows a crew of thieves in Los Angeles.The detective on their trail never sleeps. "
    "The music is glorious, a low electronic hum that stays with you. The shoot-out downtown is long. ANSWERNOTFOUND"
)
HEAT_2 = "Pacino shouts a lot. De Niro is cool as ice and the cast around them is superb. ANSWERNOTFOUND"
ALIEN = (
    "The crew of a towing ship answers a distress call. It is the most frightening film set in space. ANSWERNOTFOUND"
)


def _row(item: str, question: str, review_id: str, review: str, span: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(item_id=item, domain="movies", question=question, review_id=review_id, review=review,
               human_ans_spans=span)  # fmt: skip
    return row


def _write(folder: Path) -> None:
    rows = [
        _row("heat", "How is the music?", "r1", HEAT, "The music is glorious"),
        _row("heat", "What did you think of the ending?", "r1", HEAT, "ANSWERNOTFOUND"),
        _row("heat", "How is the cast?", "r2", HEAT_2, "the cast around them is superb"),
        _row("heat", "How is the cast?", "r2", HEAT_2, "ANSWERNOTFOUND"),  # a second annotator: still answerable
        _row("alien", "How scary is it?", "r3", ALIEN, "most frightening film set in space"),
    ]
    with (folder / "movies-dev.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)


def test_the_answer_rule() -> None:
    assert subjqa.holds(
        "I was disappointed that there wasn't an overall theme.", "I was disappointed that there was n't"
    )
    assert subjqa.holds("Jodi Picoult's The Storyteller is a fictional account.", "Jodi Picoult 's The Storyteller")
    # most content words: more than half of the span's distinct content stems, and at least two
    assert subjqa.holds("No really, the characters are fabulous and addictive.",
                        "the characters are fabulous and addictive I loved every step")  # fmt: skip
    assert not subjqa.holds("The characters are fabulous.", "the characters are fabulous and addictive I loved every")
    assert not subjqa.holds("The music is fine.", "the music swells in the last act")
    assert not subjqa.holds("Anything at all.", "")


def test_the_layout_is_read_without_the_shared_data(tmp_path: Path) -> None:
    _write(tmp_path)
    sp = subjqa.load("movies", "dev", tmp_path)
    assert len(sp.items) == 2 and len(sp.cases) == 4
    heat = sp.items["heat"]
    assert heat[0] == '"Heat" follows a crew of thieves in Los Angeles.'  # entities unescaped, glued stop split
    assert not any("ANSWERNOTFOUND" in s for s in heat)
    cast = next(c for c in sp.cases if c.question == "How is the cast?")
    assert cast.answerable and cast.spans == ("the cast around them is superb",)
    ending = next(c for c in sp.cases if "ending" in c.question)
    assert not ending.answerable


def test_the_benchmark_scores_every_method(tmp_path: Path) -> None:
    _write(tmp_path)
    res = subjqa.evaluate("movies", "dev", tmp_path)
    assert set(res.scores) == set(subjqa.METHODS)
    ours = res.scores["ours"]
    assert (ours.answerable, ours.unanswerable) == (3, 1)
    assert ours.rate("hit@1") == 1.0  # each answer is the one sentence that has the asked word or a near one
    assert ours.rate("abstain") == 1.0  # nothing in Heat's reviews is about its ending
    through = res.scores["engine"]  # the same questions through Engine.answer: its quotes, its honest noes
    assert (through.answerable, through.unanswerable) == (3, 1)
    assert through.rate("hit@1") == 1.0 and through.rate("abstain") == 1.0 and through.wrongly == 0
    for s in res.scores.values():
        for metric in subjqa.TARGETS:
            assert 0.0 <= s.rate(metric) <= 1.0
    text = subjqa.table(res.scores, "tiny")
    assert "ours" in text and "BM25" in text


@pytest.mark.skipif(not (data.DATA / "subjqa" / "books-dev.csv").exists(), reason="../shared/data/subjqa missing")
def test_a_slice_of_the_real_data() -> None:
    from benchmarks import quality

    res = subjqa.evaluate("books", "dev", limit=25)
    ours = res.scores["ours"]
    assert ours.answerable > 5 and ours.unanswerable > 5
    assert ours.rate("hit@3") >= ours.rate("hit@1") > 0.0
    report = quality.Report()
    quality.bench_subjqa(report, domain="books", split="dev", limit=25)
    names = [f.name for f in report.figures if f.section == "subjqa"]
    assert "books dev: hit@1" in names and "books dev: abstains wrongly (answerable)" in names
    assert all(0.0 <= f.ours <= 1.0 for f in report.figures)


def test_each_domain_has_its_item_words_and_the_asked_review(tmp_path: Path) -> None:
    rows = [
        _row("b1", "How is the book?", "r1", "A slow start. The book is a delight from the middle on.", "a delight"),
        _row("b1", "How is the plot?", "r2", "Nothing happens for a hundred pages. ANSWERNOTFOUND", "ANSWERNOTFOUND"),
    ]
    rows[0]["query_asp"], rows[1]["query_asp"] = "book", "plot"
    with (tmp_path / "books-dev.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    sp = subjqa.load("books", "dev", tmp_path)
    assert "book" in sp.item_words() and "film" not in sp.item_words()
    assert subjqa.load("movies", "dev", _movies(tmp_path)).item_words() >= {"film", "movie"}
    book, plot = sorted(sp.cases, key=lambda c: c.question)
    assert (book.aspect, plot.aspect) == ("book", "plot") and book.asked == (0,) and plot.asked == (1,)
    assert sp.parts["b1"] == [["A slow start.", "The book is a delight from the middle on."],
                              ["Nothing happens for a hundred pages."]]  # fmt: skip
    ours = subjqa.score(sp, "ours", subjqa.ours(sp))
    assert ours.wrongly == 0 and ours.hit1 == 1  # "How is the book?" is generic: answered, by its verdict


def _movies(folder: Path) -> Path:
    _write(folder)
    return folder
