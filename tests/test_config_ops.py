"""The operations settings: `health`, `reconnect` and `log_format`, from the file or REVIEWBOT_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.errors import ConfigError
from tests.conftest import ROOT


def test_defaults_and_the_shipped_file_agree() -> None:
    shipped = load_config(ROOT / "config" / "reviewbot.yaml", env={})
    default = Config()
    for config in (shipped, default):
        assert (config.health.enabled, config.health.host, config.health.port) == (True, "0.0.0.0", 8080)
        assert (config.reconnect.initial_delay, config.reconnect.max_delay) == (1.0, 60.0)
        assert config.log_format == "text"


def test_environment_overrides(tmp_path: Path) -> None:
    env = {
        "REVIEWBOT_HEALTH_PORT": "9100",
        "REVIEWBOT_HEALTH_HOST": "127.0.0.1",
        "REVIEWBOT_HEALTH_ENABLED": "false",
        "REVIEWBOT_RECONNECT_INITIAL_DELAY": "0.5",
        "REVIEWBOT_RECONNECT_MAX_DELAY": "30",
        "REVIEWBOT_LOG_FORMAT": "json",
    }
    config = load_config(None, env=env)
    assert (config.health.enabled, config.health.host, config.health.port) == (False, "127.0.0.1", 9100)
    assert (config.reconnect.initial_delay, config.reconnect.max_delay) == (0.5, 30.0)
    assert isinstance(config.reconnect.max_delay, float) and config.log_format == "json"


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("health:\n  port: 0\n", "c.yaml:2: `health.port` must be a port number from 1 to 65535"),
        ("health:\n  host: 'a b'\n", "c.yaml:2: `health.host` must be an address to listen on"),
        ("reconnect:\n  max_delay: soon\n", "c.yaml:2: `reconnect.max_delay` must be a number, like 1.5"),
        ("reconnect:\n  max_delay: .nan\n", "`reconnect.max_delay` must be a number"),
        ("reconnect:\n  initial_delay: 0\n", "`reconnect.initial_delay` must be more than 0"),
        ("reconnect:\n  initial_delay: 5\n  max_delay: 1\n", "c.yaml:3: `reconnect.max_delay` must be at least"),
        ("log_format: xml\n", "c.yaml:1: `log_format` must be text or json, got 'xml'"),
        ("reconnect:\n  max_delay: true\n", "`reconnect.max_delay` must be a number"),
    ],
)
def test_bad_values_name_file_line_and_fix(tmp_path: Path, yaml_text: str, expected: str) -> None:
    (tmp_path / "c.yaml").write_text(yaml_text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "c.yaml", env={})
    assert expected in str(info.value)
