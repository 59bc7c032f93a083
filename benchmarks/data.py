"""Loaders for the reference data in ../shared/data (never copied into the project).

Credits: MovieLens ml-latest-small (F. Maxwell Harper and Joseph A. Konstan, 2015, GroupLens;
research use), Pang & Lee sentence polarity, subjectivity and movie review data (ACL 2004/2005,
CC BY 4.0), VADER (Hutto & Gilbert, ICWSM 2014, MIT), SubjQA (Bjerva, Bhutani, Golshan, Tan and
Augenstein, EMNLP 2020; megagonlabs/SubjQA, research data with no licence file: benchmarks only,
never redistributed).
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bot.models import Film
from bot.text import split_year, unmove_article

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("REVIEWBOT_SHARED_DATA", ROOT.parent / "shared" / "data"))
_ALT = re.compile(r"\s*\(([^()]*)\)\s*$")


def require(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(f"reference data not found: {path} (set REVIEWBOT_SHARED_DATA to the shared/data folder)")
    return path


def movielens() -> list[Film]:
    """The 9,742 MovieLens titles as corpus entries: moved articles restored, alternate titles as aliases."""
    films: list[Film] = []
    with require(DATA / "movielens" / "movies.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            title, year = split_year(row["title"].strip())
            aliases: list[str] = []
            while (m := _ALT.search(title)) and m.start() > 0:
                alt = re.sub(r"^a\.k\.a\.\s*", "", m.group(1).strip())
                if alt:
                    aliases.append(unmove_article(alt))
                title = title[: m.start()]
            films.append(Film(f"ml{row['movieId']}", unmove_article(title.strip()), year, aliases=tuple(aliases)))
    return films


def movie_reviews() -> list[tuple[str, int, int]]:
    """Pang & Lee full reviews as (text, label 1=pos 0=neg, fold 0-9 from the cvNNN prefix)."""
    out: list[tuple[str, int, int]] = []
    with zipfile.ZipFile(require(DATA / "pang_lee" / "movie_reviews.zip")) as zf:
        for name in sorted(zf.namelist()):
            m = re.search(r"/(pos|neg)/cv(\d{3})_", name)
            if m:
                text = zf.read(name).decode("utf-8", "replace")
                out.append((text, int(m.group(1) == "pos"), int(m.group(2)) // 100))
    return out


def vader_snippets() -> list[tuple[str, str, float]]:
    """VADER's movie snippets as (id, text, mean human rating -4..+4)."""
    out: list[tuple[str, str, float]] = []
    raw = require(DATA / "vader" / "movieReviewSnippets_GroundTruth.txt").read_bytes().decode("utf-8", "replace")
    for line in raw.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            try:
                out.append((parts[0], parts[2].strip(), float(parts[1])))
            except ValueError:
                continue
    return out


def subjectivity() -> tuple[list[str], list[str]]:
    """Pang & Lee subjectivity data: (subjective opinion sentences, objective plot sentences)."""
    with zipfile.ZipFile(require(DATA / "pang_lee" / "subjectivity.zip")) as zf:
        names = zf.namelist()

        def read(word: str) -> list[str]:
            name = next(n for n in names if word in n.lower() and not n.endswith("/"))
            return io.TextIOWrapper(zf.open(name), encoding="latin-1").read().splitlines()

        return read("quote"), read("plot")


SUBJQA_DOMAINS = ("books", "electronics", "grocery", "movies", "restaurants", "tripadvisor")
NOT_FOUND = "ANSWERNOTFOUND"


@dataclass(frozen=True, slots=True)
class SubjQARow:
    """One annotated row of SubjQA: a question about an item, asked of one of its reviews."""

    item: str
    question: str
    review_id: str
    review: str  # HTML entities unescaped, without the trailing ANSWERNOTFOUND marker
    span: str | None  # the annotator's answer span (unescaped), None for ANSWERNOTFOUND
    aspect: str = ""  # `query_asp`: the aspect noun the question was built around (for analysis and training only)


def subjqa(domain: str, split: str, folder: Path | None = None) -> list[SubjQARow]:
    """The rows of one SubjQA file (`movies-dev.csv`, ...), read in place from `folder` (default ../shared)."""
    path = require((folder or DATA / "subjqa") / f"{domain}-{split}.csv")
    out: list[SubjQARow] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            review = row["review"].rstrip()
            if review.endswith(NOT_FOUND):
                review = review[: -len(NOT_FOUND)].rstrip()
            span = row["human_ans_spans"].strip()
            out.append(
                SubjQARow(
                    item=row["item_id"],
                    question=html.unescape(row["question"]).strip(),
                    review_id=row["review_id"],
                    review=html.unescape(review),
                    span=None if span == NOT_FOUND or not span else html.unescape(span),
                    aspect=row.get("query_asp", "").strip().lower(),
                )
            )
    return out
