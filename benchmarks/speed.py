"""Speed at scale: index build, warm restart, memory, and latency of resolution, autocomplete, ask and review.

`python -m benchmarks.speed` (`make bench-speed`) measures synthetic corpora of 10,000 and 100,000
reviews and a 1,000,000-title catalogue (benchmarks/synth.py), and, in the same run, the baselines a
bot author would reach for: rapidfuzz `extractOne` over every title, `difflib.get_close_matches`, and
`rank_bm25` over the review sentences. Baselines are slow at these sizes, so they run on a sample of
queries; every figure says how many queries it used. Each stage runs in a forked child, so its peak
RSS is its own; a stage's warm restart runs in a new Python process, as a restart does in life.
`--reviews 200 --titles 2000` gives a quick run (the test suite's smoke test).
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import gc
import json
import multiprocessing
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process, utils

from benchmarks import anchors, synth
from benchmarks.titles import _typo
from bot.corpus import load_corpus
from bot.engine import Engine, preload
from bot.models import Film, Intent, Question
from bot.search import tokens
from bot.text import sentences
from bot.titles import TitleIndex

TARGET_MS = 10.0  # p99 of ask (at 100k reviews), resolution and autocomplete (at 1M titles)
TARGET_RESTART_S = 2.0
TARGET_RSS_MB = 1536.0
ASK_TEMPLATES = (
    "how is the music in {t}",
    "is {t} any good?",
    "what about the acting in {t}",
    "how are the visuals in {t}?",
    "tell me about the story of {t}",
)
FREE_QUESTIONS = (
    "which film has the best acting?",
    "which film has the best music?",
    "is the dragon scary",
    "great performances by the cast",
    "a twist ending that works",
    "is it too long and boring",
    "sequel better than the original",
    "special effects and cgi",
    "beautiful cinematography",
    "funny jokes and a clever script",
)


@dataclass
class Figure:
    name: str
    p50_ms: float
    p99_ms: float
    queries: int


@dataclass
class Stage:
    name: str
    values: dict[str, float] = field(default_factory=dict)  # build_s, restart_s, rss_mb, …
    figures: list[Figure] = field(default_factory=list)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[Any], object], items: Iterable[Any]) -> list[float]:
    """Milliseconds per call of `fn` on each item."""
    out: list[float] = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - t) * 1000)
    return out


def figure(name: str, ms: list[float]) -> Figure:
    ordered = sorted(ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return Figure(name, statistics.median(ordered), p99, len(ordered))


def _typed_titles(films: list[Film], n: int, rng: random.Random) -> list[str]:
    """What people type: exact, lower case, or with a typo."""
    out = []
    for f in rng.sample(films, min(n, len(films))):
        kind = rng.random()
        out.append(f.title if kind < 0.4 else f.title.lower() if kind < 0.6 else _typo(f.title, rng, 1))
    return out


def _write_corpus(films: list[Film], root: Path) -> None:
    """Every review as a Markdown file, a hundred to a folder, dated an hour back.

    A corpus that has not just been written, as a restart meets it in life: the corpus cache skips
    files modified in the last few seconds.
    """
    then = time.time() - 3600
    reviews = [(film, review) for film in films for review in film.reviews]
    for n, (film, review) in enumerate(reviews):
        folder = root / f"{n // 100:04d}"
        if n % 100 == 0:
            folder.mkdir(parents=True)
        head = f"---\ntitle: {json.dumps(film.title)}\n" + (f"year: {film.year}\n" if film.year else "")
        head += f"reviewer: {json.dumps(review.reviewer)}\n" if review.reviewer else ""
        head += f"rating: {review.rating}\n" if review.rating else ""
        path = folder / f"{n:06d}.md"
        path.write_text(head + "---\n\n" + review.text + "\n", encoding="utf-8")
        os.utime(path, (then, then))


def start(root: Path, cache: Path, index: Path) -> dict[str, float]:
    """Start an engine as `reviewbot run` does (the corpus, then its indexes); what it took, in seconds.

    CPU time too: on a shared machine the wall clock also counts the other processes' turns.
    """
    t, cpu = time.perf_counter(), time.process_time()
    preload()  # as `reviewbot run` does: the models are read while the corpus is
    films = list(load_corpus(root, cache).films)
    loaded = time.perf_counter()
    Engine(films, index_dir=index)
    end = time.perf_counter()
    return {"corpus_s": loaded - t, "index_s": end - loaded, "s": end - t, "cpu_s": time.process_time() - cpu}


def _restart(root: Path, cache: Path, index: Path) -> dict[str, float]:
    """`start` in a new Python process (imports not counted), with that process's peak RSS."""
    code = "import json, sys; from benchmarks import speed; print(json.dumps(speed.restart_main(sys.argv[1:])))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(root), str(cache), str(index)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    values: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return values


def restart_main(args: list[str]) -> dict[str, float]:
    """The new process's side of `_restart`."""
    root, cache, index = map(Path, args)
    return {**start(root, cache, index), "rss_mb": _own_peak_mb()}


def _own_peak_mb() -> float:
    """This program's peak RSS: ru_maxrss would also count the benchmark's, inherited through fork and exec."""
    status = Path("/proc/self/status")
    for line in status.read_text().splitlines() if status.exists() else ():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return _rss_mb()


def reviews_stage(n: int, films_count: int | None, queries: int, bm25_queries: int, bm25_sentences: int) -> Stage:
    """`n` reviews, one per film, or over `films_count` films (some with one review, some with hundreds)."""
    rng = random.Random(n)
    if films_count is None:
        stage = Stage(f"{n:,} reviews")
        generated = synth.films(n, seed=5)
    else:
        stage = Stage(f"{n:,} reviews of {films_count:,} films")
        generated = synth.multi_review_films(n, films_count, seed=5)
        stage.values["most_reviews"] = float(max(len(f.reviews) for f in generated))
    sample = [r for f in generated[:1000] for r in f.reviews]
    stage.values["sentences"] = float(sum(len(sentences(r.text)) for r in sample) / len(sample) * n)
    with tempfile.TemporaryDirectory() as tmp:
        root, cache, index = Path(tmp) / "corpus", Path(tmp) / "corpus-cache.bin", Path(tmp) / "index"
        _write_corpus(generated, root)
        del generated
        gc.collect()
        # As `reviewbot run` starts: parse the review files and build the indexes (first start), then
        # in a new process, as in life, take the reviews from the corpus cache and load the persisted
        # indexes (restart). The queries run on a third load, in this process.
        for key, value in start(root, cache, index).items():
            stage.values[f"first_{key}"] = value
        gc.collect()
        for key, value in _restart(root, cache, index).items():
            stage.values[f"restart_{key}"] = value
        films = list(load_corpus(root, cache).films)
        engine = Engine(films, index_dir=index)
        loop = asyncio.new_event_loop()

        def answer(q: Question) -> object:
            return loop.run_until_complete(engine.answer(q))

        titles = _typed_titles(films, queries, rng)
        asks = [rng.choice(ASK_TEMPLATES).format(t=t) for t in titles[: queries // 2]]
        asks += [rng.choice(FREE_QUESTIONS) for _ in range(queries - len(asks))]
        rng.shuffle(asks)
        answer(Question(Intent.ASK, "warm up"))
        stage.figures.append(
            figure("ask", timed(answer, [Question(Intent.ASK, q, f"c{i}") for i, q in enumerate(asks)]))
        )
        reviews = [Question(Intent.REVIEW, t) for t in _typed_titles(films, queries, random.Random(n + 1))]
        stage.figures.append(figure("review (first time for each film)", timed(answer, reviews)))
        stage.values["rss_mb"] = max(_rss_mb(), stage.values["restart_rss_mb"])
        loop.close()
    if bm25_queries:
        stage.figures.append(_bm25(films, asks, bm25_queries, bm25_sentences))
        stage.figures.extend(_anchors(films, asks, bm25_queries * 10))
    return stage


def _anchors(films: list[Film], asks: list[str], queries: int) -> list[Figure]:
    """bm25s and tantivy over every sentence `ask` searches (benchmarks/anchors.py); a missing one is named."""
    docs = [s for f in films for review in f.reviews for s in sentences(review.text)]
    made, missing, folder = anchors.anchors(docs)
    del docs
    with folder:
        out = [figure(f"baseline {a.name} ({a.build_s:,.0f} s to index)", timed(a.search, asks[:queries]))
               for a in made]  # fmt: skip
    for why in missing:
        print(f"  retrieval anchor left out: {why}", file=sys.stderr, flush=True)
    return out


def _bm25(films: list[Film], asks: list[str], queries: int, cap: int) -> Figure:
    from rank_bm25 import BM25Okapi

    docs: list[list[str]] = []
    for f in films:
        docs.extend(tokens(s) for f_review in f.reviews for s in sentences(f_review.text))
        if len(docs) >= cap:
            break
    docs = docs[:cap]
    bm25 = BM25Okapi(docs)
    ms = timed(lambda q: bm25.get_top_n(tokens(q), docs, 3), asks[:queries])
    return figure(f"baseline rank_bm25 BM25Okapi ({min(cap, len(docs)):,} sentences)", ms)


def titles_stage(n: int, queries: int, baseline_queries: int, difflib_queries: int) -> Stage:
    rng = random.Random(n)
    stage = Stage(f"{n:,} titles")
    films = synth.films_from_titles(synth.titles(n, seed=2))
    gc.collect()
    t = time.perf_counter()
    index = TitleIndex(films)
    index.resolve("warm up")  # lazily computed tables are part of the build
    stage.values["build_s"] = time.perf_counter() - t
    typed = _typed_titles(films, queries, rng)
    stage.figures.append(figure("title resolution", timed(index.lookup, typed)))  # what /review does
    keystrokes = [t[:i] for t in typed[: max(1, queries // 10)] for i in range(1, len(t) + 1)]
    stage.figures.append(figure("autocomplete (per keystroke)", timed(index.suggest, keystrokes)))
    stage.values["rss_mb"] = _rss_mb()
    names = [f.title for f in films]
    processed = [utils.default_process(t) for t in names]  # once, not per query: the baseline at its best
    fig = figure(
        "baseline rapidfuzz extractOne WRatio",
        timed(
            lambda q: process.extractOne(utils.default_process(q), processed, scorer=fuzz.WRatio),
            typed[:baseline_queries],
        ),
    )
    stage.figures.append(fig)
    stage.figures.append(
        figure(
            "baseline difflib.get_close_matches",
            timed(lambda q: difflib.get_close_matches(q, names, 3), typed[:difflib_queries]),
        )
    )
    return stage


def _in_child(fn: Callable[..., Stage], *args: Any) -> Stage:
    """Run one stage in a forked child, so that its peak RSS and garbage are its own."""
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        return pool.apply(fn, args)


Workload = int | tuple[int, int]  # n reviews, one per film; or (n reviews, over so many films)


def run(reviews: list[Workload], titles: int, queries: int, baseline_queries: int, fork: bool = True) -> list[Stage]:
    call = _in_child if fork else (lambda fn, *a: fn(*a))
    stages = []
    for load in reviews:
        n, films = (load, None) if isinstance(load, int) else load
        stages.append(call(reviews_stage, n, films, queries, baseline_queries, 1_000_000))
        print(f"  {stages[-1].name}: done", file=sys.stderr, flush=True)
    if titles:
        stages.append(call(titles_stage, titles, queries, baseline_queries, max(1, baseline_queries // 4)))
    return stages


def report(stages: list[Stage], largest: str, titles: int) -> list[str]:
    """The figures of every stage, then the targets (of the stage named `largest`, and of the titles stage)."""
    lines = []
    for s in stages:
        vals = "  ".join(f"{k} {v:,.2f}" for k, v in s.values.items())
        lines.append(f"\n## {s.name}   {vals}")
        ours = {f.name: f for f in s.figures if not f.name.startswith("baseline")}
        lines.append(f"{'':46} {'p50 ms':>10} {'p99 ms':>10} {'queries':>8}  baseline p50 / ours")
        for f in s.figures:
            ref = ours.get("ask") or ours.get("title resolution")
            times = f.p50_ms / ref.p50_ms if ref else 0.0
            ratio = f"  {times:,.{1 if times >= 10 else 2}f}x ours" if ref and f.name.startswith("baseline") else ""
            lines.append(f"{f.name:46} {f.p50_ms:10.3f} {f.p99_ms:10.3f} {f.queries:8}{ratio}")
    lines.append("\n## targets")
    for s in stages:
        get = {f.name: f for f in s.figures}
        if s.name == largest:
            lines.append(_target("ask p99 (ms)", get["ask"].p99_ms, TARGET_MS))
            lines.append(_target("warm restart (s)", s.values["restart_s"], TARGET_RESTART_S))
            lines.append(_target("  its CPU time (s)", s.values["restart_cpu_s"], TARGET_RESTART_S))
            lines.append(_target("  of which the corpus (s)", s.values["restart_corpus_s"], TARGET_RESTART_S))
            lines.append(_target("  of which the indexes (s)", s.values["restart_index_s"], TARGET_RESTART_S))
            lines.append(_target("peak RSS (MB)", s.values["rss_mb"], TARGET_RSS_MB))
        if s.name == f"{titles:,} titles":
            lines.append(_target("title resolution p99 (ms)", get["title resolution"].p99_ms, TARGET_MS))
            lines.append(_target("autocomplete p99 (ms)", get["autocomplete (per keystroke)"].p99_ms, TARGET_MS))
    return lines


def _target(name: str, value: float, limit: float) -> str:
    met = "met" if value <= limit else "NOT met"
    return f"{name:28} {value:10.2f}  target <= {limit:g}: {met} ({(1 - value / limit) * 100:+.0f}% margin)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--reviews",
        nargs="+",
        default=["10000", "100000/25000"],
        help="workloads: N reviews, one per film, or N/F: N reviews over F films (default: 10000 100000/25000)",
    )
    ap.add_argument("--titles", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000, help="per figure; a p99 of 300 would be the third slowest")
    ap.add_argument("--baseline-queries", type=int, default=20)
    args = ap.parse_args(argv)
    t = time.perf_counter()
    print("# reviewbot speed benchmark", flush=True)
    loads: list[Workload] = [
        (int(a), int(b)) if "/" in spec else int(spec) for spec in args.reviews for a, _, b in [spec.partition("/")]
    ]
    stages = run(loads, args.titles, args.queries, args.baseline_queries)
    reviews_stages = [s for s in stages if not s.name.endswith(" titles")]
    largest = max(reviews_stages, key=lambda s: s.values["sentences"]).name if reviews_stages else ""
    print("\n".join(report(stages, largest, args.titles)))
    print(f"\nwhole run: {time.perf_counter() - t:,.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
