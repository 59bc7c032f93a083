"""A scheduler process for the crash tests, plus the file-backed fake poster they share.

    python -m tests.featured_worker --data-dir D [--url U] --log L --now ISO --mode M

Runs one `Scheduler.tick(now)`. In the crash modes the poster blocks forever inside
`post()`, so the test can SIGKILL the process at a known point: mode "before-post" blocks
before writing the post to the log file, "after-post" after (a post the store never hears
about); the process prints CLAIMED or POSTED when it reaches that point. Mode "post" posts
normally and exits; with `--at EPOCH` it first waits until that wall-clock instant, so
several processes fire at once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

from bot.featured import Scheduler
from bot.store import Store


class FileLogPoster:
    """A fake platform whose channel history is a JSON-lines file any process can read."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def entries(self) -> list[dict[str, str]]:
        """Every post made so far, in order."""
        if not self.path.exists():
            return []
        lines = self.path.read_text().splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    async def find_existing(self, channel_key: str, marker: str, since: datetime) -> str | None:
        for entry in self.entries():
            if entry["channel"] == channel_key and entry["marker"] == marker:
                return entry["message_id"]
        return None

    async def post(self, channel_key: str, film_id: str, marker: str) -> str:
        return self._write(channel_key, film_id, marker)

    def _write(self, channel_key: str, film_id: str, marker: str) -> str:
        message_id = f"msg-{uuid.uuid4().hex[:10]}"
        line = json.dumps({"channel": channel_key, "film": film_id, "marker": marker, "message_id": message_id})
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        return message_id


class BlockingPoster(FileLogPoster):
    """Signals on stdout, then hangs inside post() until killed."""

    def __init__(self, path: Path, mode: str) -> None:
        super().__init__(path)
        self.mode = mode

    async def post(self, channel_key: str, film_id: str, marker: str) -> str:
        if self.mode == "after-post":
            self._write(channel_key, film_id, marker)
            print("POSTED", flush=True)
        else:
            print("CLAIMED", flush=True)
        await asyncio.Event().wait()  # block until SIGKILL
        raise AssertionError("unreachable")


async def _main(args: argparse.Namespace) -> None:
    now = datetime.fromisoformat(args.now)
    store = await Store.open(args.url or None, Path(args.data_dir), clock=lambda: now)
    poster = FileLogPoster(Path(args.log)) if args.mode == "post" else BlockingPoster(Path(args.log), args.mode)
    films = args.films.split(",")
    owner = f"worker-{os.getpid()}" if args.mode == "post" else "worker"
    scheduler = Scheduler(store, poster, lambda: films, clock=lambda: now, owner=owner, lease_seconds=300)
    if args.at:
        await asyncio.sleep(max(0.0, args.at - time.time()))
    outcomes = await scheduler.tick(now)
    await store.close()
    print("TICK-RETURNED " + " ".join(o.status for o in outcomes), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--mode", choices=["before-post", "after-post", "post"], required=True)
    parser.add_argument("--at", type=float, default=0.0)
    parser.add_argument("--films", required=True)
    asyncio.run(_main(parser.parse_args()))
    sys.exit(0)
