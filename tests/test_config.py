"""Config: defaults, environment overrides, and errors that say where and how to fix."""

from __future__ import annotations

import os
import subprocess
import sys
import time
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


# --- hostile and careless config files (issue 9) ----------------------------------------------------------------


def _fails(tmp_path: Path, text: str | bytes, env: dict[str, str] | None = None) -> str:
    path = tmp_path / "c.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ConfigError) as info:
        load_config(path, env=env or {})
    return str(info.value)


def test_an_alias_bomb_is_refused_at_once_with_the_file_and_line(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]  # 10**10 items
    (tmp_path / "c.yaml").write_text("\n".join(lines) + "\n")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "check", "--config", str(tmp_path / "c.yaml")],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and time.monotonic() - started < 20  # an interpreter's start-up, not a hang
    assert "c.yaml:2: not valid YAML: aliases (*name) are not allowed here" in done.stderr
    assert "Traceback" not in done.stderr


def test_deep_nesting_is_a_config_error_not_a_recursion_error(tmp_path: Path) -> None:
    started = time.monotonic()
    message = _fails(tmp_path, "slack:\n  admins: " + "[" * 900 + "]" * 900 + "\n")
    assert "c.yaml:2: not valid YAML: nested more than" in message
    assert time.monotonic() - started < 1.0
    env_message = _fails(tmp_path, "", env={"REVIEWBOT_SLACK_ADMINS": "[" * 900 + "]" * 900})
    assert "REVIEWBOT_SLACK_ADMINS: nested more than" in env_message


def test_a_key_given_twice_names_both_lines(tmp_path: Path) -> None:
    message = _fails(tmp_path, "slack:\n  port: 4000\n  host: 127.0.0.1\n  port: 5000\n")
    assert message.startswith(f"{tmp_path / 'c.yaml'}:4: `slack.port` is given twice (lines 2 and 4)")
    assert "is given twice (lines 1 and 2)" in _fails(tmp_path, "log_level: INFO\nlog_level: DEBUG\n")


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ('data_dir: "\\0"\n', "c.yaml:1: `data_dir` must not contain a NUL character"),
        ('corpus: "x\\0y"\n', "c.yaml:1: `corpus` must not contain a NUL character"),
        ("database:\n  url: postgresql://u:p@h:notaport/db\n", "c.yaml:2: `database.url` is not a database URL"),
        ("database:\n  url: postgresql://u:p@h:99999/db\n", "c.yaml:2: `database.url` has port 99999"),
        ("database:\n  url: postgresql://h:0/db\n", "c.yaml:2: `database.url` has port 0"),
        ("database:\n  url: postgresql:///db\n", "c.yaml:2: `database.url` has no host"),
        ("database:\n  url: mysql://u@h/db\n", "c.yaml:2: `database.url` must be a PostgreSQL URL"),
        ("database:\n  url: sqlitex:///a.db\n", "c.yaml:2: `database.url` must be a PostgreSQL URL"),
        ("database:\n  url: postgresql://u:p@ss@h/db\n", "c.yaml:2: `database.url` has an at sign in the password"),
        ("slack:\n  api_base_url: http://h:port/api/\n", "c.yaml:2: `slack.api_base_url` is not a URL"),
        ("discord:\n  gateway_url: wss:///\n", "c.yaml:2: `discord.gateway_url` has no host"),
        ("slack:\n  host: 'not a host'\n", "c.yaml:2: `slack.host` must be an address to listen on"),
        ("slack:\n  port: !!python/object:os.system x\n", "c.yaml:2: `slack.port` has a value YAML cannot read"),
        ("slack:\n  port: 0x" + "f" * 5000 + "\n", "`slack.port` must be a port number from 1 to 65535, got a number"),
        ("? [a, b]\n: 1\n", "c.yaml:1: a key must be a plain name"),
        (b"slack:\n  port: 1\n\xff\n", "c.yaml:3: not UTF-8 text (byte 0xff)"),
        (b"slack:\n  port: 1\x00\n", "c.yaml:2: not valid YAML: unacceptable character"),
    ],
)
def test_config_that_would_crash_run_fails_at_load(tmp_path: Path, yaml_text: str | bytes, expected: str) -> None:
    assert expected in _fails(tmp_path, yaml_text)


def test_a_sqlite_or_postgres_url_that_loads_is_one_the_store_accepts() -> None:
    from bot.store import _async_url

    for url in ("postgresql://u:p%40ss@db.internal:5432/rb", "postgres://h/db", "postgresql:///db?host=/run/pg",
                "postgresql+asyncpg://[::1]:5432/db", "sqlite:///relative.db", "sqlite:////abs/state.db"):  # fmt: skip
        assert load_config(env={"REVIEWBOT_DATABASE_URL": url}).database.url == url
        assert _async_url(url).startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://"))


def test_a_tilde_in_a_path_setting_is_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "c.yaml").write_text("data_dir: ~/state\ncorpus: ~/reviews\n")
    config = load_config(tmp_path / "c.yaml", env={})
    assert config.data_dir == tmp_path / "home" / "state" and config.corpus == tmp_path / "home" / "reviews"
    assert load_config(env={"REVIEWBOT_DATA_DIR": "~/x"}).data_dir == tmp_path / "home" / "x"


# --- issue 13: environment typos, relative paths, the featured lease, watching the corpus ------------------------


@pytest.mark.parametrize(
    ("name", "closest"),
    [
        ("REVIEWBOT_SLAK_PORT", "REVIEWBOT_SLACK_PORT"),
        ("REVIEWBOT_DATABSE_URL", "REVIEWBOT_DATABASE_URL"),
        ("REVIEWBOT_LOGLEVEL", "REVIEWBOT_LOG_LEVEL"),
        ("reviewbot_corpus", None),  # not REVIEWBOT_*: not ours to judge
    ],
)
def test_an_unknown_reviewbot_variable_is_refused_naming_the_closest(name: str, closest: str | None) -> None:
    if closest is None:
        assert load_config(env={name: "x"}).corpus.name == "corpus"
        return
    with pytest.raises(ConfigError) as info:
        load_config(env={name: "1"})
    assert f"environment variable {name} is not a reviewbot setting. Did you mean {closest}?" in str(info.value)


def test_an_unknown_variable_with_nothing_close_points_at_the_config_file() -> None:
    with pytest.raises(ConfigError, match=r"REVIEWBOT_XYZZY is not a reviewbot setting\. Every setting") as info:
        load_config(env={"REVIEWBOT_XYZZY": "1"})
    assert "config/reviewbot.yaml" in str(info.value)


def test_the_config_path_and_the_test_suites_variables_are_not_settings_but_allowed(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("log_level: DEBUG\n")
    env = {
        "REVIEWBOT_CONFIG": str(tmp_path / "c.yaml"),
        "REVIEWBOT_TEST_DATABASE_URL": "postgresql://u@h/db",
        "REVIEWBOT_SHARED_DATA": "/data",
    }
    assert load_config(env=env).log_level == "DEBUG"


def test_a_typo_in_the_environment_stops_the_cli_with_exit_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVIEWBOT_")}
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "check"],
        capture_output=True, text=True, cwd=ROOT, timeout=60, env={**env, "REVIEWBOT_SLAK_PORT": "1"},
    )  # fmt: skip
    assert done.returncode == 2 and "Did you mean REVIEWBOT_SLACK_PORT?" in done.stderr, done.stderr


def test_relative_paths_in_the_file_are_from_its_folder_and_the_environments_from_the_working_directory(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "etc" / "reviewbot"
    folder.mkdir(parents=True)
    (folder / "c.yaml").write_text("corpus: reviews\ndata_dir: ../../state\n")
    config = load_config(folder / "c.yaml", env={})
    assert config.corpus == folder / "reviews" and config.data_dir == tmp_path / "state"
    from_env = load_config(folder / "c.yaml", env={"REVIEWBOT_CORPUS": "here/reviews"})
    assert from_env.corpus == Path("here/reviews") and not from_env.corpus.is_absolute()
    (folder / "abs.yaml").write_text(f"corpus: {tmp_path / 'x'}\n")
    assert load_config(folder / "abs.yaml", env={}).corpus == tmp_path / "x"
    shipped = load_config(ROOT / "config" / "reviewbot.yaml", env={})
    assert shipped.corpus == ROOT / "corpus" and shipped.data_dir == ROOT / "data", "wherever it is started from"


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("featured:\n  lease_seconds: 120\n", "c.yaml:2: `featured.lease_seconds` must be more than 120"),
        ("featured:\n  lease_seconds: 3601\n", "and at most 3600, got 3601"),
        ("watch:\n  poll_seconds: 0\n", "c.yaml:2: `watch.poll_seconds` must be a number of seconds from 1"),
        ("watch:\n  debounce_ms: 10\n", "c.yaml:2: `watch.debounce_ms` must be a number of milliseconds from 50"),
        ("watch:\n  poll: sometimes\n", "c.yaml:2: `watch.poll` must be true or false"),
    ],
)
def test_lease_and_watch_settings_are_checked(tmp_path: Path, yaml_text: str, expected: str) -> None:
    assert expected in _fails(tmp_path, yaml_text)


def test_lease_and_watch_settings_load(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("featured:\n  lease_seconds: 121\nwatch:\n  enabled: off\n  poll: yes\n")
    config = load_config(tmp_path / "c.yaml", env={"REVIEWBOT_WATCH_POLL_SECONDS": "30"})
    assert config.featured.lease_seconds == 121
    assert (config.watch.enabled, config.watch.poll, config.watch.poll_seconds) == (False, True, 30)
    from bot.featured import Scheduler

    with pytest.raises(ValueError):  # what the check protects: the Scheduler refuses a lease within its retries
        Scheduler(None, None, list, lease_seconds=120)  # type: ignore[arg-type]
