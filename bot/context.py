"""Follow-up context: the film each conversation last talked about, kept so that it never holds an answer up."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
WAIT = 1.0  # seconds an answer waits at most for a context read or write
PAUSE = 30.0  # seconds a failing or slow store is left alone before it is tried again


class ContextStore(Protocol):
    """Where follow-up context lives: the film each conversation last talked about."""

    async def get(self, key: str) -> str | None: ...

    async def put(self, key: str, film_id: str) -> None: ...


class MemoryContext:
    """Context kept in memory, bounded to the most recent conversations."""

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._data: OrderedDict[str, str] = OrderedDict()

    async def get(self, key: str) -> str | None:
        return self._data.get(key)

    async def put(self, key: str, film_id: str) -> None:
        self._data[key] = film_id
        self._data.move_to_end(key)
        while len(self._data) > self._size:
            self._data.popitem(last=False)


class _Failed:
    """The result of a store call that failed or took too long."""


_FAILED = _Failed()


class GuardedContext:
    """A `ContextStore` in front of one that may be slow or failing (a locked SQLite file, a server that is down).

    A read or write waits at most `wait` seconds; one that takes longer goes on by itself and the answer goes
    out without it. After a failure or a timeout the store is left alone for `pause` seconds, and the context
    this process wrote meanwhile (kept in memory) answers follow-ups. One warning per outage, and one line when
    the store works again. Never raises.
    """

    def __init__(
        self,
        store: ContextStore,
        *,
        wait: float = WAIT,
        pause: float = PAUSE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self._wait = wait
        self._pause = pause
        self._clock = clock
        self._recent = MemoryContext()
        self._resting_until: float | None = None  # set while the store is failing
        self._late: set[asyncio.Future[Any]] = set()  # calls that outlived `wait`, still running

    async def get(self, key: str) -> str | None:
        if not self._resting():
            found = await self._call(self.store.get(key), "read")
            if not isinstance(found, _Failed):
                return found
        return await self._recent.get(key)

    async def put(self, key: str, film_id: str) -> None:
        await self._recent.put(key, film_id)
        if not self._resting():
            await self._call(self.store.put(key, film_id), "write")

    def _resting(self) -> bool:
        return self._resting_until is not None and self._clock() < self._resting_until

    async def _call(self, call: Awaitable[T], what: str) -> T | _Failed:
        task = asyncio.ensure_future(call)
        done, _ = await asyncio.wait({task}, timeout=self._wait)
        if not done:
            self._late.add(task)
            task.add_done_callback(self._forget)
            return self._failed(f"a {what} took more than {self._wait:g} s")
        error = task.exception()
        if error is not None:
            first = (str(error).splitlines() or [""])[0][:200]  # not SQLAlchemy's statement and parameters
            return self._failed(f"{type(error).__name__}: {first}")
        if self._resting_until is not None:
            self._resting_until = None
            log.info("follow-up context: the store answers again")
        return task.result()

    def _failed(self, reason: str) -> _Failed:
        if self._resting_until is None:
            log.warning(
                "follow-up context unavailable (%s); answering without the store for the next %g s",
                reason,
                self._pause,
            )
        self._resting_until = self._clock() + self._pause
        return _FAILED

    def _forget(self, task: asyncio.Future[Any]) -> None:
        self._late.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved, so asyncio does not report it: the timeout was logged already
