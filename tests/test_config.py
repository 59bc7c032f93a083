"""Config: defaults, environment overrides, and errors that say where and how to fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_config, load_secrets
from bot.errors import ConfigError
from tests.conftest import ROOT


def test_shipped_config_is_valid_and_matches_defaults() -> None:
    shipped = load_config(ROOT / "config" / "reviewbot.yaml", env={})
    assert shipped.slack.port == 3000 and shipped.discord.guilds == () and shipped.database.url is None


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("slack:\n  port: 4000\n")
    env = {
        "REVIEWBOT_SLACK_PORT": "5000",
        "REVIEWBOT_DATABASE_URL": "postgresql://u@h/db",
        "REVIEWBOT_DISCORD_GUILDS": "[1, 2]",
    }
    config = load_config(tmp_path / "c.yaml", env=env)
    assert (
        config.slack.port == 5000 and config.database.url == "postgresql://u@h/db" and config.discord.guilds == (1, 2)
    )


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("slack:\n  port: 99999\n", "c.yaml:2: `slack.port` must be a port number"),
        ("slack:\n  port: [\n", "c.yaml:3: not valid YAML"),
        ("slack:\n  bot_token: xoxb-1\n", "c.yaml:2: `slack.bot_token` looks like a secret"),
        ("discord:\n  shard_ids: [0]\n", "c.yaml:2: `discord.shard_ids` needs `shard_count`"),
        ("slakc:\n  port: 1\n", "c.yaml:1: unknown key `slakc`"),
        ("discord:\n  message_content: maybe\n", "`discord.message_content` must be true or false"),
        ("slack:\n  commands:\n    review: review\n", "c.yaml:3: `slack.commands.review` must be a slash command"),
        (
            "featured:\n  subscriptions:\n    - {platform: discord, channel: '1', time: '25:00'}\n",
            "`featured.subscriptions[0].time` must be a 24-hour time",
        ),
        ("- just\n- a list\n", "must be `key: value` lines"),
    ],
)
def test_bad_config_names_file_line_and_fix(tmp_path: Path, yaml_text: str, expected: str) -> None:
    (tmp_path / "c.yaml").write_text(yaml_text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "c.yaml", env={})
    assert expected in str(info.value)


def test_bad_env_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="REVIEWBOT_SLACK_PORT"):
        load_config(env={"REVIEWBOT_SLACK_PORT": "abc"})


def test_missing_explicit_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml", env={})


def test_secrets_only_from_environment_and_never_in_repr() -> None:
    secrets = load_secrets({"DISCORD_TOKEN": "abc.def.ghi", "SLACK_BOT_TOKEN": " "})
    assert secrets.discord_token == "abc.def.ghi" and secrets.slack_bot_token is None
    assert "abc.def.ghi" not in repr(secrets)


def test_bad_config_exits_2_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("slack:\n  port: nope\n")
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "review", "x", "--config", str(tmp_path / "c.yaml")],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "c.yaml:2: `slack.port` must be a whole number" in done.stderr and "Traceback" not in done.stderr
