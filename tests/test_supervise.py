"""The supervisor: capped, jittered backoff that starts again after a success; one log line per failed
attempt (its traceback only at DEBUG); a fatal error ends one platform and not the others."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import aiohttp
import pytest

from adapters.supervise import Backoff, Fatal, Inflight, Link, State, Supervisor, explain


class Clock:
    """An injected sleep that only records and advances a fake time (no test waits for real)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def until(check: Callable[[], bool]) -> None:
    """Let the supervisor's tasks run until `check()` holds (no real time passes: sleeps are injected)."""
    for _ in range(10_000):
        if check():
            return
        await asyncio.sleep(0)
    raise AssertionError("never happened")


def refused() -> OSError:
    return ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 9)")


class Script:
    """A platform whose attempts follow a script: an exception to raise, "up" (connect, then drop
    when told), or "stay" (connect and serve until the process stops)."""

    def __init__(self, *steps: BaseException | str) -> None:
        self.steps = list(steps)
        self.attempts = 0
        self.drop = asyncio.Event()

    async def __call__(self, link: Link) -> None:
        self.attempts += 1
        step = self.steps.pop(0) if self.steps else "stay"
        if isinstance(step, BaseException):
            raise step
        link.connected()
        if step == "up":
            await link.hold(asyncio.ensure_future(asyncio.sleep(0)))  # the connection ends at once
        else:
            await link.hold()


def test_backoff_doubles_up_to_the_cap_and_jitters_downwards() -> None:
    policy = Backoff(initial=1.0, cap=8.0, jitter=0.5)
    assert [policy.delay(n, 0.0) for n in range(1, 7)] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert [policy.delay(n, 0.999999) for n in (1, 4, 10)] == pytest.approx([0.5, 4.0, 4.0], rel=1e-5)
    assert policy.delay(10_000, 0.3) == pytest.approx(8.0 * 0.85), "no overflow however long it has failed"


async def test_failures_back_off_capped_and_a_success_starts_again() -> None:
    clock = Clock()
    draws = iter([0.0, 0.5, 0.0, 0.0, 0.0, 0.2, 0.0])
    supervisor = Supervisor(Backoff(1.0, 4.0), sleep=clock.sleep, draw=lambda: next(draws))
    script = Script(refused(), refused(), refused(), refused(), "up", refused(), "stay")
    supervisor.add("discord", script)
    stop = asyncio.Event()
    runner = asyncio.ensure_future(supervisor.run(stop))
    for _ in range(200):
        await asyncio.sleep(0)
        if supervisor.states()["discord"] is State.CONNECTED and script.attempts == 7:
            break
    stop.set()
    await asyncio.wait_for(runner, 5)
    # 1, 2 (jittered down to 1.5), 4, then capped at 4; connected: the drop after it is failure 1 again
    # (waits 1), the next one failure 2 (2, jittered down to 1.8).
    assert clock.sleeps == [1.0, 1.5, 4.0, 4.0, 1.0, 1.8]
    assert supervisor.platforms["discord"].reconnects == 6
    assert supervisor.states() == {"discord": State.STOPPED}


async def test_one_warning_line_per_attempt_and_the_traceback_only_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    async def run(level: int) -> list[logging.LogRecord]:
        caplog.clear()
        caplog.set_level(level)
        clock = Clock()
        supervisor = Supervisor(Backoff(1.0, 2.0), sleep=clock.sleep, draw=lambda: 0.0)
        supervisor.add("slack", Script(refused(), aiohttp.ServerDisconnectedError(), TimeoutError(), "stay"))
        stop = asyncio.Event()
        runner = asyncio.ensure_future(supervisor.run(stop))
        await until(lambda: supervisor.states()["slack"] is State.CONNECTED)
        stop.set()
        await runner
        return [r for r in caplog.records if r.name == "reviewbot.supervise"]

    records = await run(logging.INFO)
    lines = [r.getMessage() for r in records]
    assert lines == [
        "slack: ConnectionRefusedError: Connect call failed ('127.0.0.1', 9); retrying in 1.0 s (attempt 1)",
        "slack: ServerDisconnectedError: Server disconnected; retrying in 2.0 s (attempt 2)",
        "slack: timed out; retrying in 2.0 s (attempt 3)",
        "slack: connected again after 3 failed attempt(s)",
    ]
    assert [r.levelname for r in records] == ["WARNING", "WARNING", "WARNING", "INFO"]
    assert not any(r.exc_info for r in records), "no traceback at INFO"

    debug = await run(logging.DEBUG)
    assert [bool(r.exc_info) for r in debug if "retrying" in r.getMessage()] == [True, True, True]


async def test_a_fatal_error_is_reported_once_and_the_other_platform_carries_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    clock = Clock()
    supervisor = Supervisor(Backoff(1.0, 2.0), sleep=clock.sleep, draw=lambda: 0.0)
    rejected = Script(Fatal("Discord rejected the token; make a new one."))
    healthy = Script(refused(), "stay")
    supervisor.add("discord", rejected)
    supervisor.add("slack", healthy)
    stop = asyncio.Event()
    runner = asyncio.ensure_future(supervisor.run(stop))
    await until(lambda: supervisor.states()["slack"] is State.CONNECTED)
    assert supervisor.states() == {"discord": State.FAILED, "slack": State.CONNECTED}
    assert not supervisor.all_failed and not supervisor.all_connected
    status = supervisor.status()
    assert status["discord"]["state"] == "failed" and status["discord"]["detail"].startswith("Discord rejected")
    assert "detail" not in status["slack"]
    stop.set()
    await runner
    assert rejected.attempts == 1, "a fatal error is not retried"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == ["discord: Discord rejected the token; make a new one."]


async def test_run_returns_when_no_platform_can_run() -> None:
    supervisor = Supervisor(sleep=Clock().sleep)
    supervisor.add("discord", Script(Fatal("no")))
    supervisor.add("slack", Script(Fatal("no either")))
    await asyncio.wait_for(supervisor.run(asyncio.Event()), 5)
    assert supervisor.all_failed


async def test_a_bug_is_retried_but_logged_with_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    supervisor = Supervisor(sleep=Clock().sleep, draw=lambda: 0.0)
    supervisor.add("slack", Script(KeyError("oops"), "stay"))
    stop = asyncio.Event()
    runner = asyncio.ensure_future(supervisor.run(stop))
    await until(lambda: supervisor.states()["slack"] is State.CONNECTED)
    stop.set()
    await runner
    (record,) = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert record.levelname == "ERROR" and record.exc_info and "unexpected KeyError" in record.getMessage()


async def test_stopping_during_a_backoff_wait_ends_at_once() -> None:
    forever = asyncio.Event()

    async def never(seconds: float) -> None:
        await forever.wait()

    supervisor = Supervisor(Backoff(60.0, 60.0), sleep=never)
    supervisor.add("discord", Script(refused()))
    stop = asyncio.Event()
    runner = asyncio.ensure_future(supervisor.run(stop))
    await until(lambda: supervisor.states()["discord"] is State.RECONNECTING)
    stop.set()
    await asyncio.wait_for(runner, 1)
    assert supervisor.states() == {"discord": State.STOPPED}


async def test_a_platform_that_does_not_stop_in_time_is_cut_off() -> None:
    async def stubborn(link: Link) -> None:
        link.connected()
        await link.hold()
        await asyncio.sleep(3600)  # ignores the stop: closing hangs

    supervisor = Supervisor(grace=0.05, close_timeout=0.05)
    supervisor.add("discord", stubborn)
    stop = asyncio.Event()
    runner = asyncio.ensure_future(supervisor.run(stop))
    await until(lambda: supervisor.states()["discord"] is State.CONNECTED)
    stop.set()
    await asyncio.wait_for(runner, 2)


@pytest.mark.parametrize(
    ("error", "what", "fatal"),
    [
        (Fatal("do this"), "do this", True),
        (refused(), "ConnectionRefusedError: Connect call failed ('127.0.0.1', 9)", False),
        (TimeoutError(), "timed out", False),
        (OSError(-2, "Name or service not known"), "OSError: Name or service not known", False),
    ],
)
def test_explain(error: BaseException, what: str, fatal: bool) -> None:
    failure = explain(error)
    assert (failure.what, failure.fatal, failure.expected) == (what, fatal, True)


def test_explain_asks_the_platform_about_its_own_errors() -> None:
    class Gone(Exception):
        pass

    platform: Callable[[BaseException], str | None] = lambda e: "HTTP 503" if isinstance(e, Gone) else None  # noqa: E731
    assert explain(Gone(), platform).what == "HTTP 503"
    assert not explain(ValueError(), platform).expected


async def test_inflight_waits_for_answers_being_sent_but_not_forever() -> None:
    inflight = Inflight()
    assert await inflight.drain(0.01)
    release = asyncio.Event()

    async def answer() -> None:
        async with inflight:
            await release.wait()

    task = asyncio.ensure_future(answer())
    await asyncio.sleep(0)
    assert inflight.count == 1
    assert not await inflight.drain(0.01)
    asyncio.get_running_loop().call_later(0.02, release.set)
    assert await inflight.drain(1.0)
    await task
