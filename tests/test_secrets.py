"""No password or token in any message or log line, however it got there (in-process `reviewbot`)."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters import cli
from bot import logs
from tests.conftest import CORPUS, ROOT

PASSWORD = "pw-Hunter2-Swordfish"  # distinctive: it can only appear by leaking


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """No platform or reviewbot variables from the outer environment; the root logger restored afterwards."""
    for name in list(os.environ):
        if name.startswith(("DISCORD_", "SLACK_", "REVIEWBOT_")):
            monkeypatch.delenv(name)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield monkeypatch
    root.handlers[:], root.level = handlers, level


def reviewbot(*args: str) -> int:
    return cli.main([*args, "--config", str(ROOT / "config" / "reviewbot.yaml"), "--corpus", str(CORPUS)])


@pytest.mark.parametrize(
    "url",
    [
        f"{{postgresql://u:{PASSWORD}@h/db",  # not YAML: the value is quoted back
        f"postgresql://u:{PASSWORD}@h:notaport/db",
        f"postgresql://u:{PASSWORD}@h:99999/db",
        f"mysql://u:{PASSWORD}@h/db",
        f"[postgresql://u:{PASSWORD}@h/db]",  # a list, not text
        f"postgresql://u:{PASSWORD}@ss@h/db",  # a raw @ in the password
        f"postgresql://u:{PASSWORD} with spaces@h/db",
    ],
)
def test_a_bad_database_url_in_the_environment_never_shows_its_password(
    clean: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    clean.setenv("REVIEWBOT_DATABASE_URL", url)
    assert reviewbot("check") == 2
    out = capsys.readouterr()
    assert "Config error: environment variable REVIEWBOT_DATABASE_URL" in out.err
    assert PASSWORD not in out.out + out.err and "Traceback" not in out.err


def test_a_bad_url_in_the_config_file_never_shows_its_password(
    clean: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "c.yaml").write_text(
        f"slack:\n  api_base_url: ftp://bot:{PASSWORD}@proxy.internal/api/\n"
        f"discord:\n  gateway_url: 'wss://u:{PASSWORD}@gw'\n"
    )
    assert cli.main(["check", "--config", str(tmp_path / "c.yaml")]) == 2
    err = capsys.readouterr().err
    assert "c.yaml:2: `slack.api_base_url` must start with http:// or https://, got 'ftp://bot:***@proxy" in err
    assert PASSWORD not in err


def test_a_secret_looking_value_is_masked_wherever_it_is_quoted(
    clean: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "c.yaml").write_text(f"slack:\n  host: {{api_token: {PASSWORD}}}\n")  # a mapping where text goes
    assert cli.main(["check", "--config", str(tmp_path / "c.yaml")]) == 2
    assert PASSWORD not in capsys.readouterr().err
    (tmp_path / "c.yaml").write_text(f"slack:\n  commands:\n    review: 'password={PASSWORD}'\n")
    assert cli.main(["check", "--config", str(tmp_path / "c.yaml")]) == 2
    err = capsys.readouterr().err
    assert "`slack.commands.review` must be a slash command" in err and PASSWORD not in err


def test_an_unreachable_database_exits_3_without_its_password(
    clean: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    clean.setenv("DISCORD_TOKEN", "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123")
    clean.setenv("REVIEWBOT_DATABASE_URL", f"postgresql://reviewbot:{PASSWORD}@127.0.0.1:1/reviewbot")
    clean.setenv("REVIEWBOT_DATA_DIR", str(tmp_path))
    assert reviewbot("run") == 3
    out = capsys.readouterr()
    assert "Database error:" in out.err and PASSWORD not in out.out + out.err


def test_log_lines_and_tracebacks_never_show_a_url_password_or_a_token(
    clean: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = "xoxb-1234567890-abcdefghij"
    logs.setup("INFO", [token])
    log = logging.getLogger("reviewbot.test")
    try:
        raise RuntimeError(f"could not connect to postgresql://u:{PASSWORD}@db/x with {token}")
    except RuntimeError:
        log.exception("database failed: %s", f"postgresql://u:{PASSWORD}@db/x")
    log.warning("retrying with password=%s and token: %s", PASSWORD, "abcdef123456")
    log.info('{"db_password": "%s", "Authorization": "Bearer %s"}', PASSWORD, "tok-0123456789")
    err = capsys.readouterr().err
    assert "Traceback" in err and "postgresql://u:***@db/x" in err and "password=***" in err
    for secret in (PASSWORD, token, "abcdef123456", "tok-0123456789"):
        assert secret not in err


def test_mask_keeps_ordinary_text_and_is_idempotent() -> None:
    for text in (
        "`slack.bot_token` looks like a secret. Secrets are read only from the environment: set DISCORD_TOKEN.",
        "SLACK_BOT_TOKEN does not look right: a Slack bot token starts with xoxb-",
        "slack: listening on 0.0.0.0:3000/slack/events",
        "https://discord.com/api/v10 and postgresql://reviewbot@db.internal/reviewbot",
        "a Slack signing secret is 32 hex characters (Basic Information > Signing Secret)",
    ):
        assert logs.mask(text) == text
    assert logs.mask("Authorization: Basic dXNlcjpwYXNzd29yZA==") == "Authorization: Basic ***"
    assert logs.mask("authorization: bearer xoxb-1234-abcd") == "authorization: bearer ***"
    once = logs.mask(f"postgresql://u:{PASSWORD}@h/db token={PASSWORD}")
    assert once == "postgresql://u:***@h/db token=***" and logs.mask(once) == once
    assert logs.url_password(f"postgresql://u:{PASSWORD}@h/db") == PASSWORD


def test_masking_a_long_hostile_line_takes_linear_time() -> None:
    started = time.monotonic()
    for text in ("a." * 100_000, "x://u:" * 30_000, "token=" * 30_000, 'password: "' * 20_000):
        logs.mask(text)
    assert time.monotonic() - started < 15  # unbounded patterns took minutes on the first of these
