"""The live corpus at size: how long a reload takes, how soon a dropped file is answered, what answers cost meanwhile.

`python -m benchmarks.reload --files 2000 [--poll]` writes that many review files to a temporary folder, loads
them with `bot.reload.Reloader` (corpus cache and indexes in the folder's data dir), reloads with nothing
changed, then watches the folder, drops one file in and keeps asking two questions until the new film is
answered. Every reload rebuilds the whole index in a worker thread; the old one answers meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.answers import ReviewCard
from bot.config import WatchConfig
from bot.corpus import CACHE_NAME, SETTLE_NS
from bot.engine import Engine
from bot.models import Intent, Question
from bot.reload import Reloader

WORDS = ("fine", "dull", "superb", "clumsy", "lovely", "tired", "bold", "thin")


def write_files(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    for i in range(n):
        body = " ".join(f"Film Number {i:05d} has {w} acting, a {w} story and {w} music in scene {k}."
                        for k, w in enumerate(WORDS))  # fmt: skip
        (folder / f"film-{i:05d}.md").write_text(f"---\ntitle: Film Number {i:05d}\n---\n{body}\n")


async def measure(files: int, poll: bool) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="reviewbot-reload-"))
    corpus = tmp / "corpus"
    write_files(corpus, files)
    await asyncio.sleep(SETTLE_NS / 1e9 + 0.5)  # old enough for the corpus cache, as files in a real corpus are
    config = WatchConfig(poll=poll, poll_seconds=2)
    reloader = Reloader(Engine(None), corpus, tmp / CACHE_NAME, tmp / "index", config=config)
    for what in ("first load (parse, build and save the index)", "reload, nothing changed"):
        start = time.perf_counter()
        await reloader.reload()
        print(f"{files} files, {what}: {time.perf_counter() - start:.2f} s")
    stop = asyncio.Event()
    watcher = asyncio.create_task(reloader.watch(stop))
    await asyncio.sleep(1.0)
    (corpus / "heat.md").write_text("---\ntitle: Heat\nyear: 1995\n---\nHeat is a tense, gripping thriller.\n")
    dropped = time.perf_counter()
    latencies: list[float] = []
    while True:
        for question in (Question(Intent.REVIEW, "heat"), Question(Intent.ASK, "how is the music in film number 7?")):
            start = time.perf_counter()
            await reloader.engine.answer(question)
            latencies.append(time.perf_counter() - start)
        if isinstance(await reloader.engine.answer(Question(Intent.REVIEW, "heat")), ReviewCard):
            break
        await asyncio.sleep(0.01)
    seconds = time.perf_counter() - dropped
    assert reloader.last is not None
    print(
        f"{'poll every 2 s' if poll else 'file-system events'}: the dropped file was answered after {seconds:.2f} s "
        f"(the reload itself {reloader.last.seconds:.2f} s); {len(latencies)} answers meanwhile, "
        f"median {statistics.median(latencies) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms"
    )
    stop.set()
    await watcher


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--poll", action="store_true", help="poll the folder instead of file-system events")
    args = parser.parse_args()
    asyncio.run(measure(args.files, args.poll))


if __name__ == "__main__":
    main()
