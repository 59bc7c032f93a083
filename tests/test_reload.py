"""The live corpus: `bot.reload.Reloader` over real folders, with the real engine, corpus cache and indexes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot import messages as msg
from bot.answers import Answer, NotFound, Notice, ReviewCard, Snippets, film_of
from bot.config import WatchConfig
from bot.corpus import CACHE_NAME
from bot.engine import Engine
from bot.featured import Scheduler
from bot.models import Intent, Question
from bot.reload import Reloader, ReloadReport, describe
from bot.store import Store
from tests.conftest import write
from tests.test_featured import FakePoster

FAST = WatchConfig(poll_seconds=1, debounce_ms=100)
SOON = 10.0  # seconds a change may take to be answered (it takes well under one)


def review(title: str, text: str, **fields: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in fields.items())
    return f"---\ntitle: {title}\n{extra}---\n{text}\n"


PAPER_MOON = review("Paper Moon", "Paper Moon is a delightful, warm film. The acting is superb and the music swings.")
HEAT = review("Heat", "Heat is a tense, gripping thriller. The visuals are cold and gorgeous.", year="1995")
BROKEN = "---\ntitle: [unclosed\n---\nA review whose front matter is broken.\n"


def reloader(corpus: Path, data: Path, config: WatchConfig = FAST) -> Reloader:
    return Reloader(Engine(None), corpus, data / CACHE_NAME, data / "index", config=config)


async def ask(engine: Engine, text: str, intent: Intent = Intent.REVIEW, conversation: str = "") -> Answer:
    return await engine.answer(Question(intent, text, conversation))


def title_of(answer: Answer) -> str | None:
    film = film_of(answer)
    return film.title if film else None


async def eventually(check: Callable[[], object], within: float = SOON) -> float:
    """Seconds until `check()` is truthy (awaited if it is a coroutine); fails after `within`."""
    start = time.monotonic()
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return time.monotonic() - start
        if time.monotonic() - start > within:
            raise AssertionError(f"not within {within} s")
        await asyncio.sleep(0.05)


def move(source: Path, dest: Path) -> None:
    source.rename(dest)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write(folder, "paper-moon.md", PAPER_MOON)
    return folder


async def test_new_changed_and_removed_files_are_answered_after_a_reload(corpus: Path, tmp_path: Path) -> None:
    r = reloader(corpus, tmp_path / "data")
    first = await r.reload()
    assert (first.added, first.removed, first.problems) == (1, 0, ())
    assert isinstance(await ask(r.engine, "heat"), NotFound)

    write(corpus, "heat.md", HEAT)
    write(corpus, "paper-moon.md", PAPER_MOON.replace("delightful", "charming"))
    report = await r.reload()
    assert (report.added, report.changed, report.removed) == (1, 1, 0) and report.reviews == 2
    assert title_of(await ask(r.engine, "heat")) == "Heat"
    card = await ask(r.engine, "paper moon", Intent.FULL)
    assert "charming" in str(card) and "delightful" not in str(card), "the edited text, not the cached one"

    (corpus / "heat.md").unlink()
    gone = await r.reload()
    assert (gone.added, gone.changed, gone.removed) == (0, 0, 1)
    assert isinstance(await ask(r.engine, "heat"), NotFound)
    assert describe(gone) == msg.RELOAD_DONE.format(summary="1 removed", reviews=1, films=1)
    assert (await r.reload()).summary == msg.RELOAD_NO_CHANGES


async def test_a_file_broken_by_an_edit_keeps_its_last_good_version(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    r = reloader(corpus, tmp_path / "data")
    write(corpus, "heat.md", HEAT)
    await r.reload()
    write(corpus, "heat.md", BROKEN)
    report = await r.reload()
    assert title_of(await ask(r.engine, "heat")) == "Heat", "the good review already loaded stays"
    assert "tense, gripping" in str(await ask(r.engine, "heat", Intent.FULL))
    assert (report.added, report.changed, report.removed, report.reviews) == (0, 0, 0, 2)
    (problem,) = report.problems
    assert problem.path.endswith("heat.md") and problem.line == 2 and "read before" in problem.message
    assert "heat.md:2" in caplog.text and "read before" in caplog.text, "the log names the problem"
    assert report.summary == "1 problem" and "heat.md:2" in describe(report)

    caplog.clear()
    await r.reload()  # still broken: kept again, and not logged again
    assert title_of(await ask(r.engine, "heat")) == "Heat" and "heat.md" not in caplog.text

    write(corpus, "heat.md", HEAT.replace("tense", "taut"))
    fixed = await r.reload()
    assert fixed.problems == () and fixed.changed == 1
    assert "taut" in str(await ask(r.engine, "heat", Intent.FULL))


async def test_a_broken_new_file_is_a_problem_and_the_good_reviews_stay(corpus: Path, tmp_path: Path) -> None:
    r = reloader(corpus, tmp_path / "data")
    await r.reload()
    write(corpus, "new.md", BROKEN)
    write(corpus, "heat.md", HEAT)
    report = await r.reload()
    assert report.summary == "+1 review, 1 problem"
    assert "new.md:2" in str(report.problems[0]) and "read before" not in str(report.problems[0])
    assert {title_of(await ask(r.engine, t)) for t in ("paper moon", "heat")} == {"Paper Moon", "Heat"}


async def test_a_folder_that_disappears_keeps_what_was_loaded(corpus: Path, tmp_path: Path) -> None:
    r = reloader(corpus, tmp_path / "data")
    await r.reload()
    move(corpus, tmp_path / "elsewhere")  # a network volume that dropped out
    report = await r.reload()
    assert report.reviews == 1 and title_of(await ask(r.engine, "paper moon")) == "Paper Moon"
    assert "corpus folder not found" in str(report.problems[0])
    move(tmp_path / "elsewhere", corpus)
    assert (await r.reload()).problems == ()


def many_reviews(folder: Path, n: int) -> None:
    for i in range(n):
        body = " ".join(
            f"Film Number {i:04d} has {word} acting, a {word} story and {word} music in scene {k}."
            for k, word in enumerate(("fine", "dull", "superb", "clumsy", "lovely", "tired", "bold", "thin"))
        )
        write(folder, f"film-{i:04d}.md", review(f"Film Number {i:04d}", body))


async def test_answers_keep_coming_from_the_old_indexes_until_the_new_ones_swap_in(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    many_reviews(corpus, 600)
    r = reloader(corpus, tmp_path / "data")
    await r.reload()
    write(corpus, "heat.md", HEAT)  # and the index of 601 films is built again, in a worker thread
    reloading = asyncio.create_task(r.reload())
    during: list[tuple[Answer, Answer, float]] = []
    while not reloading.done():
        start = time.monotonic()
        old, new = await ask(r.engine, "film number 0007"), await ask(r.engine, "heat")
        during.append((old, new, time.monotonic() - start))
        await asyncio.sleep(0.05)  # as members ask: a loop that never pauses would starve the build of the GIL
    report = await reloading
    assert report.added == 1 and report.reviews == 601
    assert len(during) >= 3, "the engine answered while the new indexes were being built"
    for old, new, seconds in during:
        assert title_of(old) == "Film Number 0007", old  # never "still reading", never an error
        assert isinstance(new, NotFound), "the old corpus until the swap, never half of each"
        assert seconds < 5.0  # not held up by the reload (a generous bound: the machine is shared)
    assert title_of(await ask(r.engine, "heat")) == "Heat"


async def test_follow_ups_and_buttons_carry_over_a_swap_and_a_removed_film_says_so(
    corpus: Path, tmp_path: Path
) -> None:
    write(corpus, "heat.md", HEAT)
    r = reloader(corpus, tmp_path / "data")
    await r.reload()
    await ask(r.engine, "heat", conversation="chan-1")
    await ask(r.engine, "paper moon", conversation="chan-2")
    write(corpus, "extra.md", review("Night Train", "Night Train is a quiet, moving drama."))
    await r.reload()
    follow_up = await ask(r.engine, "and the visuals?", Intent.ASK, "chan-1")
    assert isinstance(follow_up, Snippets) and title_of(follow_up) == "Heat", "film ids are stable"

    (corpus / "heat.md").unlink()
    await r.reload()
    gone = await ask(r.engine, "and the visuals?", Intent.ASK, "chan-1")
    assert isinstance(gone, Notice) and msg.UNKNOWN_FILM == "That film is no longer in the corpus."
    assert gone.note.value == "unknown_film"
    clicked = await r.engine.answer(Question(Intent.REVIEW, film_id="heat-1995"))
    assert isinstance(clicked, Notice) and clicked.note.value == "unknown_film"
    assert title_of(await ask(r.engine, "and the music?", Intent.ASK, "chan-2")) == "Paper Moon"


async def test_reloads_asked_for_meanwhile_are_done_once_after_the_running_one(corpus: Path, tmp_path: Path) -> None:
    r = reloader(corpus, tmp_path / "data")
    await r.reload()
    loads = 0
    real = r._load

    def counted(last_good: dict) -> object:  # type: ignore[type-arg]
        nonlocal loads
        loads += 1
        time.sleep(0.2)
        return real(last_good)

    r._load = counted  # type: ignore[assignment,method-assign]
    write(corpus, "heat.md", HEAT)
    reports = await asyncio.gather(*(r.reload() for _ in range(5)))
    assert loads == 2, "the first, then one for the four that waited"
    assert reports[0].added == 1 and all(isinstance(x, ReloadReport) for x in reports)


async def test_a_reload_that_fails_keeps_the_bot_answering(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    r = reloader(corpus, tmp_path / "data")
    await r.reload()

    def boom(last_good: dict) -> object:  # type: ignore[type-arg]
        raise MemoryError("out of memory")

    r._load = boom  # type: ignore[assignment,method-assign]
    report = await r.reload()
    assert report.failed and describe(report) == msg.RELOAD_FAILED
    assert title_of(await ask(r.engine, "paper moon")) == "Paper Moon"


# --- watching the folder ---------------------------------------------------------------


@contextlib.asynccontextmanager
async def watching(*reloaders: Reloader) -> AsyncIterator[None]:
    """Each reloader watching its folder meanwhile; stopped (within seconds) at the end."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(r.watch(stop)) for r in reloaders]
    try:
        await asyncio.sleep(0.3)  # the watchers are set up
        yield
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 5)


@pytest.mark.parametrize("poll", [False, True], ids=["events", "poll"])
async def test_a_file_dropped_in_is_answered_within_seconds_by_every_replica(tmp_path: Path, poll: bool) -> None:
    corpus = tmp_path / "corpus"
    write(corpus, "paper-moon.md", PAPER_MOON)
    config = WatchConfig(poll=poll, poll_seconds=1, debounce_ms=100)
    replicas = [reloader(corpus, tmp_path / f"data-{n}", config) for n in (1, 2)]  # one folder, two bots
    for r in replicas:
        await r.reload()
    async with watching(*replicas):
        write(corpus, "heat.md", HEAT)
        for r in replicas:
            seconds = await eventually(lambda r=r: _found(r.engine, "heat"))
            assert title_of(await ask(r.engine, "heat")) == "Heat" and seconds < SOON
        (corpus / "paper-moon.md").unlink()
        for r in replicas:
            await eventually(lambda r=r: _not_found(r.engine, "paper moon"))
        write(corpus, "sub/night.md", review("Night Train", "Night Train is a quiet drama."))  # a new folder too
        for r in replicas:
            await eventually(lambda r=r: _found(r.engine, "night train"))


async def _found(engine: Engine, title: str) -> bool:
    return isinstance(await ask(engine, title), ReviewCard)


async def _not_found(engine: Engine, title: str) -> bool:
    return isinstance(await ask(engine, title), NotFound)


async def test_the_watcher_ignores_its_own_data_dir_inside_the_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write(corpus, "paper-moon.md", PAPER_MOON)
    r = reloader(corpus, corpus / "data")  # data_dir inside the corpus folder: its writes are no changes
    await r.reload()
    loads = 0
    real = r._load

    def counted(last_good: dict) -> object:  # type: ignore[type-arg]
        nonlocal loads
        loads += 1
        return real(last_good)

    r._load = counted  # type: ignore[assignment,method-assign]
    async with watching(r):
        write(corpus, "heat.md", HEAT)
        await eventually(lambda: _found(r.engine, "heat"))
        await asyncio.sleep(1.0)  # the reload wrote the cache and the index: no reload follows
        assert loads == 1


async def test_a_missing_folder_is_waited_for_and_read_when_it_comes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    r = reloader(corpus, tmp_path / "data", FAST)
    await r.reload()
    async with watching(r):
        write(corpus, "heat.md", HEAT)
        await eventually(lambda: _found(r.engine, "heat"))


async def test_watch_off_does_nothing(corpus: Path, tmp_path: Path) -> None:
    r = reloader(corpus, tmp_path / "data", WatchConfig(enabled=False))
    await r.reload()
    await asyncio.wait_for(r.watch(asyncio.Event()), 1)  # returns at once
    write(corpus, "heat.md", HEAT)
    r.request()  # what SIGHUP does
    await eventually(lambda: _found(r.engine, "heat"))


# --- featured posts across a swap ----------------------------------------------------------


async def test_the_featured_rotation_follows_the_corpus_and_a_claimed_film_that_left_is_replaced(
    corpus: Path, tmp_path: Path, store: Store
) -> None:
    from datetime import UTC, datetime

    write(corpus, "heat.md", HEAT)
    r = reloader(corpus, tmp_path / "data")
    await r.reload()
    now = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    await store.subscribe("discord", "1", "09:00", "UTC", created_by="test", now=datetime(2026, 1, 1, tzinfo=UTC))
    poster = FakePoster()
    key = "discord:1"
    dead = await store.claim(key, now.date(), "dead-replica", 1, now, film_id="heat-1995")
    assert dead is not None  # a replica claimed Heat for today, then died before posting
    (corpus / "heat.md").unlink()
    await r.reload()
    scheduler = Scheduler(store, poster, lambda: [f.id for f in r.engine.films], clock=lambda: now)
    (outcome,) = await scheduler.tick(now.replace(minute=45))
    assert outcome.status == "posted"
    assert [p[1] for p in poster.posts] == ["paper-moon"], "Heat left the corpus: today's post is another film"
