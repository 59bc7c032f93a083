"""Tests of the verdict model (bot.sentiment) and its shipped weights."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest

from bot.sentiment import Polarity, tokens
from bot.text import sentences

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
REVIEWS = DATA / "pang_lee" / "movie_reviews.zip"
SNIPPETS = DATA / "vader" / "movieReviewSnippets_GroundTruth.txt"

# Measured by scripts/train_verdict.py: 0.910 on reviews, 0.7715 on snippets.
REVIEW_ACCURACY_FLOOR = 0.87
SNIPPET_ACCURACY_FLOOR = 0.73


@pytest.fixture(scope="module")
def model() -> Polarity:
    return Polarity.default()


def test_default_is_loaded_once_from_package_data(model: Polarity) -> None:
    assert Polarity.default() is model
    assert "Pang" in model.metadata["credits"] and "Hutto" in model.metadata["credits"]


def test_tokens_lowercase_negation_and_bigrams() -> None:
    toks = tokens("It ISN'T good, but the acting wasn\u2019t bad!")
    assert "NOT_good" in toks and "good" not in toks
    assert "isn't NOT_good" in toks
    assert "NOT_bad" in toks and "!" in toks
    assert "the acting" in toks
    assert "NOT_but" not in toks  # negation ends at punctuation
    assert "good but" not in toks  # no bigrams across punctuation
    assert tokens("") == []


@pytest.mark.parametrize(
    "text",
    [
        "A gorgeous, witty and deeply moving film.",
        "One of the best movies of the year.",
        "A triumph: smart, funny and beautifully acted.",
    ],
)
def test_positive_sentences(model: Polarity, text: str) -> None:
    assert 0.4 < model.sentence(text) <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "A dull, lifeless mess.",
        "Boring, pointless and badly acted.",
        "I didn't like it.",
    ],
)
def test_negative_sentences(model: Polarity, text: str) -> None:
    assert -1.0 <= model.sentence(text) < -0.3


def test_neutral_sentences(model: Polarity) -> None:
    assert model.sentence("") == 0.0
    assert model.sentence("...") == 0.0
    assert abs(model.sentence("The film runs 120 minutes.")) < 0.4
    assert -1.0 <= model.sentence("x" * 10_000) <= 1.0


def test_documents(model: Polarity) -> None:
    good = (
        "This is a wonderful film. The acting is superb, the script is smart and funny, "
        "and the direction is confident. One of the best movies of the year; highly recommended."
    )
    bad = (
        "This movie is a disaster. The plot is stupid, the acting is awful and the jokes "
        "fall flat. A boring, pointless waste of time. Avoid it."
    )
    assert model.document(good) > 0.8
    assert model.document(bad) < 0.2
    assert model.document("") == 0.5
    assert 0.0 <= model.document("plot " * 5_000) <= 1.0


@pytest.mark.skipif(not REVIEWS.exists(), reason="shared reference data not available")
def test_heldout_review_accuracy(model: Polarity) -> None:
    """Folds 8-9 (cv800-cv999) were never trained on."""
    correct = total = 0
    with zipfile.ZipFile(REVIEWS) as z:
        for name in z.namelist():
            m = re.fullmatch(r"movie_reviews/(pos|neg)/cv(\d{3})_\w+\.txt", name)
            if m and int(m.group(2)) >= 800:
                p = model.document(z.read(name).decode("utf-8", "replace"))
                correct += (p > 0.5) == (m.group(1) == "pos")
                total += 1
    assert total == 400
    assert correct / total >= REVIEW_ACCURACY_FLOOR


@pytest.mark.skipif(not SNIPPETS.exists(), reason="shared reference data not available")
def test_heldout_snippet_bands(model: Polarity) -> None:
    """Three bands on the VADER snippets held out by sha256(id) % 5 == 0."""
    correct = total = 0
    for line in SNIPPETS.read_bytes().decode("utf-8", "replace").split("\r\n"):
        if not line.strip():
            continue
        sid, mean_s, text = line.split("\t")
        if int(hashlib.sha256(sid.encode()).hexdigest(), 16) % 5:
            continue
        mean = float(mean_s)
        truth = -1 if mean < -0.5 else (1 if mean > 0.5 else 0)
        v = model.sentence(text)
        pred = 1 if v > model.mixed else (-1 if v < -model.mixed else 0)
        correct += pred == truth
        total += 1
    assert total > 2000
    assert correct / total >= SNIPPET_ACCURACY_FLOOR


@pytest.mark.skipif(not REVIEWS.exists(), reason="shared reference data not available")
def test_review_scores_as_sentence_and_document_do(model: Polarity) -> None:
    """One tokenising pass gives exactly the per-call scores, whether or not the sentences tile the text."""
    with zipfile.ZipFile(REVIEWS) as z:
        texts = [z.read(n).decode("utf-8", "replace") for n in sorted(z.namelist())[:400] if n.endswith(".txt")]
    texts = [t for raw in texts for t in (raw, " ".join(raw.split()), raw.replace("\n", "\n\n"))]
    texts += ["", "...", 'Not good… Not bad.\n\nIt isn\'t "great". (Or is it?) Worth it!', "One.\nTwo. Three"]
    for text in texts:
        sents = sentences(text)
        assert model.review(sents, text) == ([model.sentence(s) for s in sents], model.document(text))
        assert model.review(sents) == ([model.sentence(s) for s in sents], None)
