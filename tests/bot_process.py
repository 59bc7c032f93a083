"""`reviewbot run` as a real process for the end-to-end tests: its environment, its log, its health endpoint."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ROOT

START_WITHIN = 40.0  # a cold interpreter importing discord.py and slack-bolt on a busy 2-core machine
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+: ")


def free_port() -> int:
    """A loopback port nothing listens on (yet)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bot_env(data_dir: Path, health_port: int, **extra: str) -> dict[str, str]:
    """This environment without bot settings, plus a data dir, the health endpoint on loopback, fast reconnects."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "REVIEWBOT_"))}
    env.update(
        REVIEWBOT_DATA_DIR=str(data_dir),
        REVIEWBOT_HEALTH_HOST="127.0.0.1",
        REVIEWBOT_HEALTH_PORT=str(health_port),
        REVIEWBOT_RECONNECT_INITIAL_DELAY="0.2",
        REVIEWBOT_RECONNECT_MAX_DELAY="0.5",
        **extra,
    )
    return env


def discord_at(port: int) -> dict[str, str]:
    """The settings pointing discord.py at a fake Discord on `port` (there or not)."""
    return {
        "REVIEWBOT_DISCORD_API_BASE_URL": f"http://127.0.0.1:{port}/api/v10",
        "REVIEWBOT_DISCORD_GATEWAY_URL": f"ws://127.0.0.1:{port}/gateway",
    }


class Bot:
    """A running `reviewbot run`: its stderr as it comes, its health endpoint, and stopping it."""

    def __init__(self, proc: asyncio.subprocess.Process, health_port: int) -> None:
        self.proc = proc
        self.health = f"http://127.0.0.1:{health_port}"
        self.lines: list[str] = []
        self._reader = asyncio.ensure_future(self._read())
        self._session = aiohttp.ClientSession()

    async def _read(self) -> None:
        assert self.proc.stderr is not None
        async for raw in self.proc.stderr:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    async def get(self, path: str) -> tuple[int, str]:
        async with self._session.get(self.health + path, timeout=aiohttp.ClientTimeout(total=5)) as resp:
            return resp.status, await resp.text()

    async def readyz(self) -> tuple[int, dict[str, Any]]:
        status, text = await self.get("/readyz")
        return status, json.loads(text)

    async def wait_readyz(
        self, check: Callable[[int, dict[str, Any]], bool], within: float = START_WITHIN
    ) -> dict[str, Any]:
        """Poll /readyz until `check(status, body)`; the last answer in the error otherwise."""
        deadline = time.monotonic() + within
        last: Any = None
        while time.monotonic() < deadline:
            if self.proc.returncode is not None:
                raise AssertionError(f"the bot exited ({self.proc.returncode}):\n{self.log}")
            with contextlib.suppress(aiohttp.ClientError, OSError, TimeoutError):
                status, body = await self.readyz()
                last = (status, body)
                if check(status, body):
                    return body
            await asyncio.sleep(0.1)
        raise AssertionError(f"/readyz never got there; last: {last}\n{self.log}")

    async def metrics(self) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        """/metrics, parsed with prometheus-client's parser: (sample name, labels) -> value."""
        status, text = await self.get("/metrics")
        assert status == 200
        return {
            (s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text)
            for s in family.samples
        }

    async def wait_log(self, pattern: str, within: float = START_WITHIN) -> str:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            for line in self.lines:
                if re.search(pattern, line):
                    return line
            if self.proc.returncode is not None:
                break
            await asyncio.sleep(0.05)
        raise AssertionError(f"no log line matching {pattern!r}:\n{self.log}")

    async def stop(self, sig: signal.Signals = signal.SIGTERM, within: float = 10.0) -> tuple[int, float]:
        """Send `sig`; the exit status and the seconds it took to exit."""
        start = time.monotonic()
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        code = await asyncio.wait_for(self.proc.wait(), within)
        return code, time.monotonic() - start

    async def exited(self, within: float = START_WITHIN) -> int:
        """Wait for the process to end by itself; its exit status."""
        return await asyncio.wait_for(self.proc.wait(), within)

    async def close(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        await asyncio.wait({self._reader}, timeout=5)
        await self._session.close()


def metric(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    """A sample's value (0 when absent, as for a counter never incremented)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


@contextlib.asynccontextmanager
async def running(env: dict[str, str], health_port: int, *args: str) -> AsyncIterator[Bot]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "run", *args,
        cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    bot = Bot(proc, health_port)
    try:
        yield bot
    finally:
        await bot.close()
