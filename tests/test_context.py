"""Follow-up context never holds an answer up: a locked SQLite file, a hung or failing store."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest

from bot.answers import ReviewCard, Snippets
from bot.context import GuardedContext
from bot.engine import Engine
from bot.models import Film, Intent, Question
from bot.store import SQLITE_FILENAME, Store
from tests.storage_fixtures import locked_by_another_process


def warnings_from_context(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.context" and r.levelno >= logging.WARNING]


async def test_a_locked_sqlite_file_never_holds_an_answer_up(
    seed_films: tuple[Film, ...], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = await Store.open(None, tmp_path)
    engine = Engine(seed_films, context=store)
    try:
        with locked_by_another_process(tmp_path / SQLITE_FILENAME):
            started = time.monotonic()
            first = await engine.answer(Question(Intent.REVIEW, "celestial symphony", "discord:chan:1"))
            follow_up = await engine.answer(Question(Intent.ASK, "and the visuals?", "discord:chan:1"))
            assert time.monotonic() - started < 5  # about a second for the first write; the store waits 30 s
            assert isinstance(first, ReviewCard)
            # answered from what this process remembers while the store is unavailable
            assert isinstance(follow_up, Snippets) and follow_up.film == first.film
            started = time.monotonic()
            for n in range(10):
                a = await engine.answer(Question(Intent.ASK, "how is the music?", f"slack:C{n}"))
                assert isinstance(a, Snippets)
            assert time.monotonic() - started < 5  # the store is left alone for a while: no wait at all
        assert len(warnings_from_context(caplog)) == 1, "one warning per outage, not one per answer"
    finally:
        await store.close()


class FlakyStore:
    """A context store that can hang or fail, and counts its calls."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self.calls = 0
        self.mode = "ok"  # "ok", "hang" or "fail"
        self.unblock = asyncio.Event()

    async def _enter(self) -> None:
        self.calls += 1
        if self.mode == "hang":
            await self.unblock.wait()
        if self.mode == "fail":
            raise ConnectionError("server closed the connection to postgresql://u:pw-Hunter2@db/x")

    async def get(self, key: str) -> str | None:
        await self._enter()
        return self.data.get(key)

    async def put(self, key: str, film_id: str) -> None:
        await self._enter()
        self.data[key] = film_id


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_guarded_context_waits_a_moment_rests_then_tries_again(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.context")
    store, clock = FlakyStore(), Clock()
    guard = GuardedContext(store, wait=0.05, pause=30.0, clock=clock)
    await guard.put("a", "heat")
    assert store.data == {"a": "heat"} and await guard.get("a") == "heat"

    store.mode = "hang"
    started = time.monotonic()
    await guard.put("a", "alien")  # gives up after `wait`; the write goes on by itself
    assert time.monotonic() - started < 1 and await guard.get("a") == "alien"  # from memory, store not asked
    calls = store.calls
    store.mode = "fail"
    for _ in range(5):
        await guard.put("b", "ran")
        assert await guard.get("b") == "ran"
    assert store.calls == calls, "resting: the store is not asked again before `pause` is over"

    clock.now += 31  # the pause is over: the store is tried again, fails, and rests again silently
    assert await guard.get("a") == "alien" and store.calls == calls + 1
    store.mode = "ok"
    store.unblock.set()
    await asyncio.sleep(0)  # the write that outlived `wait` finishes
    assert store.data["a"] == "alien"
    clock.now += 31
    assert await guard.get("b") is None  # the store again: it never got "b" (written while resting)
    assert len(warnings_from_context(caplog)) == 1
    assert any("answers again" in r.getMessage() for r in caplog.records if r.name == "bot.context")
