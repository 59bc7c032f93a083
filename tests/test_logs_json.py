"""`log_format: json`: one JSON object per line, the exception only when the record has one, secrets masked."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot import logs
from bot.config import load_config
from bot.errors import ConfigError

PASSWORD = "s3cr3t-Pa55word"


@pytest.fixture(autouse=True)
def root_logger() -> Iterator[None]:
    """`logs.setup` replaces the root logger's handler: put the test runner's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def test_json_lines_carry_time_level_logger_message_and_mask_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    token = "xoxb-1234567890-abcdefghij"
    logs.setup("INFO", [token], "json")
    log = logging.getLogger("reviewbot.test")
    log.info("answering from %d films", 2)
    log.warning("retrying with password=%s and\nthe token %s", PASSWORD, token)
    try:
        raise RuntimeError(f"could not connect to postgresql://u:{PASSWORD}@db/x with {token}")
    except RuntimeError:
        log.exception("database failed")
    log.debug("not shown at INFO")
    lines = capsys.readouterr().err.splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["level"] for e in entries] == ["INFO", "WARNING", "ERROR"]
    assert {e["logger"] for e in entries} == {"reviewbot.test"}
    assert entries[0]["message"] == "answering from 2 films" and entries[0]["time"].endswith("+00:00")
    assert "exception" not in entries[0] and "exception" not in entries[1]
    assert entries[1]["message"] == "retrying with password=*** and\nthe token ***", "a newline stays inside its line"
    assert "Traceback" in entries[2]["exception"] and "postgresql://u:***@db/x" in entries[2]["exception"]
    text = "\n".join(lines)
    assert PASSWORD not in text and token not in text


def test_text_stays_the_default_and_the_format_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert load_config(env={}).log_format == "text"
    assert load_config(env={"REVIEWBOT_LOG_FORMAT": "json"}).log_format == "json"
    with pytest.raises(ConfigError, match="`log_format` must be text or json"):
        load_config(env={"REVIEWBOT_LOG_FORMAT": "xml"})
    logs.setup("INFO", [], "text")
    logging.getLogger("reviewbot.test").info("hello")
    assert capsys.readouterr().err.rstrip().endswith("INFO reviewbot.test: hello")
