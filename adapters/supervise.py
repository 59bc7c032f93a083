"""Each platform runs, fails and reconnects on its own.

A platform is a `Serve` coroutine: one attempt at connecting and serving. It calls `link.connected()`
once it is up, then `await link.hold(...)` until the process stops (it returns) or the connection
drops (it raises). The `Supervisor` runs every platform's attempts:

- a network failure (refused, DNS, timeouts, 5xx, a dropped socket) is retried after a capped,
  jittered exponential backoff (`Backoff`), one log line per attempt, the traceback only at DEBUG;
- a `Fatal` error (a rejected token, a missing intent) is reported once, with what to do, and that
  platform is marked failed; the others carry on;
- anything else is retried like a network failure, but logged with its traceback (it is a bug).

Each platform's state (starting, connected, reconnecting, failed, stopped) is what `/readyz` shows.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from typing import Any

import aiohttp

log = logging.getLogger("reviewbot.supervise")

# At shutdown, in-flight answers and featured posts get SHUTDOWN_GRACE seconds to finish, then CLOSE_TIMEOUT
# more to give back claims and close connections: what is still running then is cut off. Under Docker's 10 s.
SHUTDOWN_GRACE = 4.0
CLOSE_TIMEOUT = 3.0


class State(StrEnum):
    STARTING = "starting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    FAILED = "failed"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class Backoff:
    """Capped exponential backoff with jitter.

    The n-th consecutive failure waits `initial * 2**(n-1)`, at most `cap`, times a random factor in
    [1 - jitter, 1] (so replicas that lost the same server do not come back in step). A success
    (the platform connected) starts the count again.
    """

    initial: float = 1.0
    cap: float = 60.0
    jitter: float = 0.5

    def delay(self, failures: int, draw: float) -> float:
        """The wait after `failures` consecutive failures (1 or more); `draw` is uniform in [0, 1)."""
        step = min(self.cap, self.initial * 2.0 ** min(max(failures, 1) - 1, 60))
        return step * (1.0 - self.jitter * draw)


class Fatal(Exception):
    """A failure that retrying cannot fix; `str(error)` tells the admin what to do (bot/messages.py)."""


class ConnectionLost(Exception):
    """The platform's connection ended without being asked to."""


@dataclass(frozen=True, slots=True)
class Failure:
    """A failed attempt as the supervisor sees it."""

    what: str  # a few words for the log (never a secret: no request, no payload)
    fatal: bool = False
    expected: bool = True  # a network failure: its traceback is only worth showing at DEBUG


def network_failure(error: BaseException) -> str | None:
    """A network failure in a few words, or None when `error` is not one."""
    if isinstance(error, ConnectionLost):
        return str(error) or "connection lost"
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, aiohttp.ClientResponseError):
        return f"HTTP {error.status}"
    if isinstance(error, aiohttp.ClientConnectorError):
        return f"cannot connect to {error.host}:{error.port} ({_reason(error.os_error)})"
    if isinstance(error, aiohttp.ClientError | OSError):
        return f"{type(error).__name__}: {_reason(error)}" if str(error) else type(error).__name__
    return None


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__


def explain(error: BaseException, transient: Callable[[BaseException], str | None] | None = None) -> Failure:
    """What a failed attempt means: `Fatal`, a network failure (or one `transient` recognises), or a bug."""
    if isinstance(error, Fatal):
        return Failure(str(error), fatal=True)
    what = network_failure(error) or (transient(error) if transient else None)
    if what is not None:
        return Failure(what)
    return Failure(f"unexpected {type(error).__name__}", expected=False)


Serve = Callable[["Link"], Awaitable[None]]


@dataclass
class Platform:
    """One supervised platform and where it stands."""

    name: str
    serve: Serve
    transient: Callable[[BaseException], str | None] | None = None
    state: State = State.STARTING
    failures: int = 0  # consecutive failed attempts
    reconnects: int = 0  # attempts made after a failure
    detail: str = ""  # why it is not connected, in a few words
    since: float = 0.0  # time.time() of the last state change


class Link:
    """What one attempt of a platform tells the supervisor, and how it learns that the process stops."""

    def __init__(self, supervisor: Supervisor, platform: Platform, stop: asyncio.Event) -> None:
        self._supervisor = supervisor
        self._platform = platform
        self.stop = stop
        self.grace = supervisor.grace

    def connected(self) -> None:
        """The platform is up and answering."""
        self._supervisor._connected(self._platform)

    async def hold(self, *watch: asyncio.Future[Any]) -> None:
        """Wait until the process stops (return) or one of `watch` ends (raise its error, or `ConnectionLost`)."""
        await self.until(None, *watch)

    async def until(self, ready: asyncio.Future[Any] | None, *watch: asyncio.Future[Any]) -> bool:
        """Wait until `ready` is done (True) or the process stops (False); if one of `watch` ends
        first, raise its error (or `ConnectionLost`). `ready` is cancelled if it is not done by then."""
        stopper = asyncio.ensure_future(self.stop.wait())
        try:
            waits = {stopper, *watch, *([ready] if ready else [])}
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
            if ready is not None and not ready.done():
                ready.cancel()
        for ended in watch:
            if ended in done:
                if not ended.cancelled() and (error := ended.exception()) is not None:
                    raise error
                raise ConnectionLost("the connection closed")
        if ready is not None and ready in done:
            ready.result()
            return True
        return False


class Supervisor:
    """Runs each platform's attempts with the backoff policy, and keeps each one's state."""

    def __init__(
        self,
        policy: Backoff = Backoff(),
        *,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        draw: Callable[[], float] = random.random,
        on_state: Callable[[str, State], None] | None = None,
        on_reconnect: Callable[[str], None] | None = None,
        grace: float = SHUTDOWN_GRACE,
        close_timeout: float = CLOSE_TIMEOUT,
    ) -> None:
        self.policy = policy
        self.grace = grace
        self.close_timeout = close_timeout
        self.platforms: dict[str, Platform] = {}
        self._sleep = sleep
        self._draw = draw
        self._on_state = on_state or (lambda name, state: None)
        self._on_reconnect = on_reconnect or (lambda name: None)

    def add(self, name: str, serve: Serve, transient: Callable[[BaseException], str | None] | None = None) -> None:
        """Supervise `serve` as platform `name`; `transient` names the platform's own retryable errors."""
        self.platforms[name] = platform = Platform(name, serve, transient)
        self._set(platform, State.STARTING)

    def states(self) -> dict[str, State]:
        return {name: p.state for name, p in self.platforms.items()}

    def status(self) -> dict[str, dict[str, Any]]:
        """Each platform's state for /readyz: state, why (when not connected), since when, reconnects."""
        return {
            name: {
                "state": p.state.value,
                **({"detail": p.detail} if p.detail and p.state is not State.CONNECTED else {}),
                "since": round(p.since, 3),
                "reconnects": p.reconnects,
            }
            for name, p in self.platforms.items()
        }

    @property
    def all_connected(self) -> bool:
        return bool(self.platforms) and all(p.state is State.CONNECTED for p in self.platforms.values())

    @property
    def all_failed(self) -> bool:
        return bool(self.platforms) and all(p.state is State.FAILED for p in self.platforms.values())

    async def run(self, stop: asyncio.Event) -> None:
        """Run every platform until `stop` is set (each then gets `grace` + `close_timeout` seconds to
        finish its work and close), or until none can run (all failed)."""
        tasks = {asyncio.ensure_future(self._keep(p, stop)): p for p in self.platforms.values()}
        stopper = asyncio.ensure_future(stop.wait())
        try:
            pending = set(tasks)
            while pending and not stop.is_set():
                _, pending = await asyncio.wait(pending | {stopper}, return_when=asyncio.FIRST_COMPLETED)
                pending.discard(stopper)
            if pending:
                _, late = await asyncio.wait(pending, timeout=self.grace + self.close_timeout)
                for task in late:
                    log.warning("%s: did not stop in time; cutting it off", tasks[task].name)
                    task.cancel()
                if late:
                    await asyncio.wait(late, timeout=0.5)
        finally:
            stopper.cancel()
            alive = [task for task in tasks if not task.done()]
            for task in alive:
                task.cancel()
            if alive:  # cancelled from outside: cut every platform off, and wait (briefly) for it to close
                await asyncio.wait(alive, timeout=self.close_timeout)

    async def _keep(self, p: Platform, stop: asyncio.Event) -> None:
        """Attempt after attempt of one platform, until the process stops or a fatal error."""
        while not stop.is_set():
            try:
                await p.serve(Link(self, p, stop))
                if stop.is_set():
                    break
                raise ConnectionLost("the connection closed")
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if stop.is_set():
                    log.debug("%s: %s while stopping", p.name, type(error).__name__, exc_info=True)
                    break
                failure = explain(error, p.transient)
                if failure.fatal:
                    p.detail = failure.what
                    self._set(p, State.FAILED)
                    log.error("%s: %s", p.name, failure.what)
                    return
                p.failures += 1
                delay = self.policy.delay(p.failures, self._draw())
                p.detail = failure.what
                self._set(p, State.RECONNECTING)
                shown = not failure.expected or log.isEnabledFor(logging.DEBUG)
                log.log(
                    logging.ERROR if not failure.expected else logging.WARNING,
                    "%s: %s; retrying in %.1f s (attempt %d)",
                    p.name,
                    failure.what,
                    delay,
                    p.failures,
                    exc_info=error if shown else None,
                )
                if await self._wait(stop, delay):
                    break
                p.reconnects += 1
                self._on_reconnect(p.name)
        if p.state is not State.FAILED:
            self._set(p, State.STOPPED)

    async def _wait(self, stop: asyncio.Event, seconds: float) -> bool:
        """Sleep `seconds`; True if the process started stopping meanwhile."""
        sleeper = asyncio.ensure_future(self._sleep(seconds))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            stopper.cancel()
        return stop.is_set()

    def _connected(self, p: Platform) -> None:
        if p.failures:
            log.info("%s: connected again after %d failed attempt(s)", p.name, p.failures)
        else:
            log.info("%s: connected", p.name)
        p.failures = 0  # a success: the next failure waits `initial` again
        p.detail = ""
        self._set(p, State.CONNECTED)

    def _set(self, p: Platform, state: State) -> None:
        p.state = state
        p.since = time.time()
        self._on_state(p.name, state)


class Inflight:
    """Counts the answers being worked on, so a shutdown can let them finish (for a bounded time)."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def count(self) -> int:
        return self._count

    async def __aenter__(self) -> None:
        self._count += 1
        self._idle.clear()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._count -= 1
        if not self._count:
            self._idle.set()

    async def drain(self, within: float) -> bool:
        """Wait until nothing is in flight (True), or `within` seconds (False)."""
        try:
            await asyncio.wait_for(self._idle.wait(), within)
        except TimeoutError:
            log.warning("%d answer(s) still in flight at shutdown", self._count)
            return False
        return True


class Demote(logging.Filter):
    """Turns a library's log records into DEBUG ones: the supervisor already says, in one line, what
    went wrong; the library's own account (often with a traceback) is for debugging."""

    def __init__(self, below: int = logging.CRITICAL + 1) -> None:
        super().__init__()
        self._below = below

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= self._below:
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger().isEnabledFor(logging.DEBUG)


def demote(name: str, below: int = logging.CRITICAL + 1) -> logging.Logger:
    """The logger `name`, its records below `below` shown only at DEBUG."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, Demote) for f in logger.filters):
        logger.addFilter(Demote(below))
    return logger
