"""Retrieval anchors a bot author would pick instead of ours: `bm25s` and `tantivy`, over the same sentences.

Both index every sentence of the corpus that `ask` searches, each with its own tokeniser as a user would
set it up (bm25s: `bm25s.tokenize` with English stop words; tantivy: its default text field), and answer
the same questions with their top 3 (a question reaches tantivy as its words only, so no query syntax trips
it). Neither resolves titles, checks answerability or reads verdicts, so they do less than `ask`; they are
the speed a search library gives for free. Each is
optional (`pip install bm25s tantivy`, in the `dev` extra): a missing one is reported, never a failure.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.search import tokens


@dataclass(frozen=True, slots=True)
class Anchor:
    name: str
    build_s: float
    search: Callable[[str], object]  # a question -> its top 3


def bm25s_anchor(docs: Sequence[str]) -> Anchor | str:
    """BM25 (bm25s' default Lucene variant) over `docs`; or why it cannot run."""
    try:
        import bm25s
    except ImportError:
        return "bm25s is not installed (pip install bm25s)"
    t = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(list(docs), stopwords="en", show_progress=False), show_progress=False)
    built = time.perf_counter() - t

    def search(question: str) -> object:
        query = bm25s.tokenize([question], stopwords="en", show_progress=False, return_ids=False)
        return retriever.retrieve(query if query[0] else [["film"]], k=3, show_progress=False)

    return Anchor(f"bm25s {bm25s.__version__} BM25", built, search)


def tantivy_anchor(docs: Sequence[str], folder: str) -> Anchor | str:
    """tantivy's BM25 over `docs`, its index in `folder`; or why it cannot run."""
    try:
        import tantivy
    except ImportError:
        return "tantivy is not installed (pip install tantivy)"
    t = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=False)
    builder.add_unsigned_field("id", stored=True)
    index = tantivy.Index(builder.build(), path=folder)
    writer = index.writer(heap_size=500_000_000, num_threads=1)
    for n, text in enumerate(docs):
        doc = tantivy.Document()
        doc.add_text("body", text)
        doc.add_unsigned("id", n)
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    built = time.perf_counter() - t

    def search(question: str) -> object:
        query = index.parse_query(" ".join(tokens(question)) or "film", ["body"])
        return [searcher.doc(address)["id"] for _, address in searcher.search(query, 3).hits]

    version = str(getattr(tantivy, "__version__", "tantivy")).split(",")[0]  # "tantivy v0.27.0, index_format v7"
    return Anchor(f"{version} BM25", built, search)


def anchors(docs: Sequence[str]) -> tuple[list[Anchor], list[str], tempfile.TemporaryDirectory[str]]:
    """Every anchor that can run over `docs`, the reasons the others cannot, and the folder to clean up."""
    folder = tempfile.TemporaryDirectory(prefix="reviewbot-tantivy-")
    made: list[Anchor] = []
    missing: list[str] = []
    for anchor in (bm25s_anchor(docs), tantivy_anchor(docs, folder.name)):
        if isinstance(anchor, str):
            missing.append(anchor)
        else:
            made.append(anchor)
    return made, missing, folder
