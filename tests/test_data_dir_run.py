"""`reviewbot run`, the real process, over a data_dir an attacker filled: pickles at the old paths, garbage at the new.

Nothing is unpickled, the bot answers, and the cache and indexes it writes instead are used by the next start.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from bot import corpus as corpus_module
from bot import index as persisted
from bot.corpus import CACHE_NAME, MAGIC, load_corpus
from tests.bot_process import free_port
from tests.conftest import CORPUS, ROOT
from tests.fakes import discord_driver
from tests.fakes.discord_fake import FakeDiscord
from tests.test_data_dir import crafted_pickle

START_WITHIN = 40.0  # a cold interpreter importing discord.py on a busy 2-core machine


async def _run_once(data: Path) -> str:
    """Start `reviewbot run` on Discord, ask one review, stop it; its logs."""
    async with FakeDiscord() as discord:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "REVIEWBOT_"))}
        env.update(
            DISCORD_TOKEN=discord_driver.TOKEN,
            REVIEWBOT_DISCORD_API_BASE_URL=discord.api_base_url,
            REVIEWBOT_DISCORD_GATEWAY_URL=discord.gateway_url,
            REVIEWBOT_DATA_DIR=str(data),
            REVIEWBOT_HEALTH_HOST="127.0.0.1",
            REVIEWBOT_HEALTH_PORT=str(free_port()),
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "adapters.cli", "run",
            cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await discord.wait_ready(within=START_WITHIN)
            await discord.wait_for(lambda: "review" in discord.command_names() or None, START_WITHIN, "commands")
            interaction = await discord.slash("review", {"title": "celestial symphny"})
            (card,) = await discord.interaction_replies(interaction, within=START_WITHIN)
            assert "Celestial Symphony" in discord_driver.flatten(card.data)
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGINT)
            out, err = await asyncio.wait_for(proc.communicate(), 30)
    logs = (out + err).decode()
    assert proc.returncode == 0, logs  # SIGINT: a clean shutdown
    assert "Traceback" not in logs
    return logs


async def test_run_never_unpickles_data_dir_and_rebuilds_what_is_damaged(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    folder = tmp_path / "index" / persisted.fingerprint(load_corpus(CORPUS).films)
    folder.mkdir(parents=True)
    for old in (tmp_path / "corpus-cache.pkl", folder / "titles.pkl"):
        old.write_bytes(crafted_pickle(marker))
    header = json.dumps({"format": corpus_module._cache_format(), "count": "x", "columns": {}}).encode()
    (tmp_path / CACHE_NAME).write_bytes(MAGIC + len(header).to_bytes(8, "little") + header)
    for name in ("titles.json", "start.npy", "post_ids.npy"):
        (folder / name).write_bytes(b"\x93NUMPY garbage")
    logs = await _run_once(tmp_path)
    assert not marker.exists(), "nothing in data_dir was unpickled"
    assert "ignoring the corpus cache" in logs and "ignoring the damaged search index" in logs
    assert (folder / "titles.json").read_bytes().startswith(b"{"), "the index was written again"
    logs = await _run_once(tmp_path)
    assert "ignoring" not in logs and not marker.exists()
