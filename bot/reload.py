"""The live corpus: new, changed and removed review files are picked up while the bot runs.

`Reloader.reload()` reads the corpus folder again (through the corpus cache, so only changed files are
parsed) and loads or builds the indexes in a worker thread while the engine goes on answering from the old
ones, then swaps them in at once (`Engine.swap`). A file that loaded before and is broken now keeps its last
good version (`load_corpus(last_good=…)`); the log and the report name its problem.

Three triggers, each replica on its own: `watch(stop)` (file-system events, or polling for network volumes:
`watch.poll`), the admins' `/reload` command (adapters), and SIGHUP (`request`, from a signal handler).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from watchfiles import Change, DefaultFilter, awatch

from bot import messages as msg
from bot.config import WatchConfig
from bot.corpus import Corpus, ReviewFile, load_corpus
from bot.engine import Engine
from bot.errors import CorpusError
from bot.index import Indexes, load_or_build

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)

SHOWN_PROBLEMS = 5  # problems a /reload reply lists; `reviewbot corpus check` lists them all
_RUST_TIMEOUT_MS = 1000  # how long the watcher's thread may take to notice a cancellation


@dataclass(frozen=True, slots=True)
class ReloadReport:
    """What one reload changed, counted in review files."""

    added: int
    changed: int
    removed: int
    problems: tuple[CorpusError, ...]  # every problem of the corpus now (a broken file kept as it was, too)
    reviews: int  # answered from now on
    films: int
    seconds: float
    failed: bool = False  # the reload itself failed (see the log): the bot answers as before

    @property
    def summary(self) -> str:
        """`+3 reviews, 1 changed, 1 removed, 1 problem`, or `no changes`."""
        parts = [
            _count(n, *forms)
            for n, forms in (
                (self.added, msg.RELOAD_ADDED),
                (self.changed, msg.RELOAD_CHANGED),
                (self.removed, msg.RELOAD_REMOVED),
                (len(self.problems), msg.RELOAD_PROBLEMS),
            )
            if n
        ]
        return ", ".join(parts) if parts else msg.RELOAD_NO_CHANGES


def _count(n: int, one: str, many: str) -> str:
    return (one if n == 1 else many).format(n=n)


def describe(report: ReloadReport) -> str:
    """The admin's answer to /reload: what changed, what it answers from now, the first few problems."""
    if report.failed:
        return msg.RELOAD_FAILED
    lines = [msg.RELOAD_DONE.format(summary=report.summary, reviews=report.reviews, films=report.films)]
    lines += [msg.RELOAD_PROBLEM.format(problem=p) for p in report.problems[:SHOWN_PROBLEMS]]
    if len(report.problems) > SHOWN_PROBLEMS:
        lines.append(msg.RELOAD_MORE_PROBLEMS.format(count=len(report.problems) - SHOWN_PROBLEMS))
    return "\n".join(lines)


class Reloader:
    """Loads the corpus into `engine` and keeps it up to date with the folder.

    `cache`: the corpus cache file; `index_dir`: where indexes are persisted (both in data_dir; None: neither).
    Call `reload()` once at start (the first load), run `watch(stop)` alongside the platforms, and hand
    `request` to SIGHUP. Reloads never overlap: one asked for while another runs is done after it, and
    several asked for meanwhile are done once.
    """

    def __init__(
        self,
        engine: Engine,
        corpus_dir: Path,
        cache: Path | None = None,
        index_dir: Path | None = None,
        *,
        config: WatchConfig | None = None,
        on_reload: Callable[[ReloadReport], object] | None = None,
    ) -> None:
        """`on_reload` is told about every reload that swapped the engine's corpus (the metrics)."""
        self.engine = engine
        self._on_reload = on_reload
        self.corpus_dir = corpus_dir
        self.cache = cache
        self.index_dir = index_dir
        self.config = config or WatchConfig()
        self._own = [p.absolute() for p in (cache, index_dir) if p is not None]
        self.last: ReloadReport | None = None  # the latest reload's report
        self._good: dict[str, ReviewFile] = {}  # the files answered from, by source: a broken one keeps its entry
        self._lock = asyncio.Lock()
        self._asked = 0  # reloads asked for
        self._covered = 0  # asked for before the latest reload started, so done by it
        self._pending: set[asyncio.Task[ReloadReport]] = set()

    async def reload(self) -> ReloadReport:
        """Read the corpus folder again and answer from it once its indexes are ready; what changed.

        Never raises for a broken corpus: problems are in the report and the log, good reviews stay.
        """
        self._asked += 1
        asked = self._asked
        async with self._lock:
            if self._covered >= asked and self.last is not None:
                return self.last  # a reload that started after this one was asked for has just finished
            self._covered = self._asked
            start = time.perf_counter()
            try:
                corpus, indexes = await _in_daemon_thread(self._load, dict(self._good))
            except Exception:
                log.exception(
                    "could not reload the corpus %s; answering from the reviews loaded before", self.corpus_dir
                )
                films = self.engine.films
                reviews = sum(len(f.reviews) for f in films)
                failed = ReloadReport(0, 0, 0, (), reviews, len(films), time.perf_counter() - start, True)
                self.last = failed
                return failed
            self.engine.swap(corpus.films, indexes)
            report = self._report(corpus, time.perf_counter() - start)
            self._good = {f.source: f for f in corpus.files}
            self.last = report
            if self._on_reload is not None:
                self._on_reload(report)
            return report

    def _load(self, last_good: dict[str, ReviewFile]) -> tuple[Corpus, Indexes]:
        """The corpus and its indexes (in a worker thread: parsing and indexing take a while)."""
        corpus = load_corpus(self.corpus_dir, self.cache, last_good=last_good)
        return corpus, load_or_build(self.index_dir, corpus.films)

    def _report(self, corpus: Corpus, seconds: float) -> ReloadReport:
        new = {f.source: f for f in corpus.files}
        old = self._good
        added = sum(1 for s in new if s not in old)
        removed = sum(1 for s in old if s not in new)
        changed = sum(1 for s, f in new.items() if s in old and old[s] != f)
        before = {str(p) for p in self.last.problems} if self.last is not None else set()
        fresh = [p for p in corpus.problems if str(p) not in before]  # each problem logged once, not at every reload
        for problem in fresh:
            log.warning("corpus: %s", problem)
        report = ReloadReport(added, changed, removed, corpus.problems, corpus.reviews, len(corpus.films), seconds)
        if self.last is None:
            log.info("answering from %d reviews of %d films (loaded in %.1f s)", report.reviews, report.films, seconds)
        else:
            log.info(
                "reloaded the corpus: %s; answering from %d reviews (%.1f s)", report.summary, report.reviews, seconds
            )
        if fresh:
            log.warning("%d problem(s) in the corpus: run `reviewbot corpus check` for the list", len(corpus.problems))
        if not corpus.files:
            log.warning(
                "no review files in %s yet: files added there are picked up while the bot runs", self.corpus_dir
            )
        return report

    def request(self) -> None:
        """Reload soon, without waiting: for a signal handler (`loop.add_signal_handler(SIGHUP, reloader.request)`)."""
        task = asyncio.get_running_loop().create_task(self.reload(), name="reviewbot-reload")
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def watch(self, stop: asyncio.Event) -> None:
        """Reload after review files change, until `stop` is set.

        File-system events say what changed; with `watch.poll` the folder is looked at every `poll_seconds`
        instead (network volumes such as NFS or SMB, where changes made on other machines send no events), and
        so it is when events cannot be had (the system's limit of watches is reached). A folder that disappears
        is waited for, and read again when it is back. With `watch.enabled` false, returns at once.
        """
        if not self.config.enabled:
            return
        poll = self.config.poll
        missing = False
        while not stop.is_set():
            if not self.corpus_dir.is_dir():
                if not missing:
                    log.warning("corpus folder %s not found; waiting for it to come back", self.corpus_dir)
                missing = True
                await _wait(stop, self.config.poll_seconds)
                continue
            if missing:  # back (a volume mounted again): read what it holds now
                missing = False
                log.info("corpus folder %s is back", self.corpus_dir)
                await self.reload()
            if poll:
                await self._poll(stop)
                continue
            try:
                await self._events(stop)
            except (OSError, RuntimeError) as exc:
                log.warning("cannot watch %s for changes (%s); looking every %d s instead", self.corpus_dir, exc,
                            self.config.poll_seconds)  # fmt: skip
                poll = True

    async def _events(self, stop: asyncio.Event) -> None:
        """Reload on file-system events until `stop`, or until the folder goes away."""
        quiet = self.config.debounce_ms
        async for changes in awatch(
            self.corpus_dir.absolute(),
            watch_filter=self._relevant,
            step=quiet,  # changes are acted on once nothing else changed for this long,
            debounce=max(quiet * 10, 2000),  # or after this long however busy the folder is
            stop_event=stop,
            rust_timeout=_RUST_TIMEOUT_MS,
            force_polling=False,
            ignore_permission_denied=True,
        ):
            if not changes:
                continue
            log.info("%d change(s) in the corpus folder (%s): reloading", len(changes), _example(changes))
            await self.reload()
            if not self.corpus_dir.is_dir():
                return

    async def _poll(self, stop: asyncio.Event) -> None:
        """Reload when a look at the folder (names, sizes, modification times) differs from the last, until `stop`
        or until the folder goes away. Each look runs in a worker thread."""
        seen = await asyncio.to_thread(self._look)
        while not stop.is_set():
            await _wait(stop, self.config.poll_seconds)
            if stop.is_set() or not self.corpus_dir.is_dir():
                return
            now = await asyncio.to_thread(self._look)
            if now != seen:
                seen = now
                log.info("the corpus folder changed: reloading")
                await self.reload()

    def _look(self) -> bytes:
        """A digest of every entry under the corpus folder: its path, size and modification time."""
        digest = hashlib.blake2b(digest_size=16)
        folders = [str(self.corpus_dir)]
        entries: list[str] = []
        while folders:
            folder = folders.pop()
            try:
                with os.scandir(folder) as found:
                    for entry in found:
                        if not self._relevant(Change.modified, os.path.abspath(entry.path)):
                            continue
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                folders.append(entry.path)
                            st = entry.stat()  # a link's target: editing it is a change
                        except OSError:
                            entries.append(f"{entry.path}\0?")
                            continue
                        entries.append(f"{entry.path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}")
            except OSError as exc:
                entries.append(f"{folder}\0{exc.errno}")
        for line in sorted(entries):
            digest.update(os.fsencode(line) + b"\n")
        return digest.digest()

    _default = DefaultFilter()

    def _relevant(self, change: Change, path: str) -> bool:
        """Review files and folders; not editors' swap files, nor reviewbot's own (a data_dir inside the corpus)."""
        if not self._default(change, path):
            return False
        here = Path(path)
        return not any(here == p or p in here.parents for p in self._own)


def _example(changes: set[tuple[Change, str]]) -> str:
    change, path = min(changes, key=lambda c: c[1])
    more = f" and {len(changes) - 1} more" if len(changes) > 1 else ""
    return f"{change.name} {Path(path).name}{more}"


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    """Sleep `seconds`, or less if `stop` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _in_daemon_thread(fn: Callable[[T], R], arg: T) -> R:
    """`fn(arg)` in a daemon thread: a shutdown never waits for a rebuild of a large index to finish
    (`asyncio.to_thread`'s executor threads are joined when the process ends)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[R] = loop.create_future()

    def settle(result: R | None, error: BaseException | None) -> None:
        if done.cancelled():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def work() -> None:
        try:
            result, error = fn(arg), None
        except BaseException as e:  # handed to the awaiting task, which logs it
            result, error = None, e
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name="reviewbot-reload", daemon=True).start()
    return await done
