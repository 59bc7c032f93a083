"""Fuzz: hostile config files and environment overrides; `reviewbot check` exits 0 or 2, with no traceback
and no password, whatever it is given (in-process `adapters.cli.main`)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters import cli
from bot.config import _env_names

SENTINEL = "Sx9"  # every planted password starts with it; no message or name reviewbot prints contains it
KNOWN = [dotted for dotted, _ in _env_names()]
ENV_NAMES = [name for _, name in _env_names()]

passwords = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="'\"\\\n\r@\0", exclude_categories=["Cs"]),
    min_size=3,
    max_size=12,
).map(lambda s: SENTINEL + s)


@st.composite
def urls(draw: st.DrawFn) -> tuple[str, str]:
    """A URL with a password in it, good or broken, and the password."""
    password = draw(passwords)
    scheme = draw(st.sampled_from(["postgresql", "postgres", "postgresql+asyncpg", "mysql", "http", "wss", "sqlite"]))
    host = draw(st.sampled_from(["h", "db.internal", "127.0.0.1", "[::1]", "", "ss@h"]))
    port = draw(st.sampled_from(["", ":5432", ":notaport", ":99999", ":0", ":-1"]))
    tail = draw(st.sampled_from(["/db", "", "/db?sslmode=require", "/x y", "/%zz"]))
    prefix = draw(st.sampled_from(["", "", "{", "[", "!!str ", "'", "*a "]))
    return f"{prefix}{scheme}://{draw(st.sampled_from(['u', 'reviewbot', '']))}:{password}@{host}{port}{tail}", password


@st.composite
def values(draw: st.DrawFn, planted: list[str], depth: int = 0) -> Any:
    """A value of any type, sometimes holding a planted password (a URL's, or a secret-looking key's)."""
    choice = draw(st.integers(0, 9 if depth < 2 else 6))
    if choice == 0:
        url, password = draw(urls())
        planted.append(password)
        return url
    if choice == 1:
        return draw(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.integers(min_value=10**30)))
    if choice in (2, 3):
        return draw(st.text(max_size=30))
    if choice == 4:
        return draw(st.sampled_from(["/review", "09:00", "Europe/Paris", "0.0.0.0", "http://h/", "~/x", "\0", "[", ""]))
    if choice == 5:
        return draw(st.integers(-5, 70000))
    if choice == 6:
        password = draw(passwords)
        planted.append(password)
        return {draw(st.sampled_from(["password", "api_token", "db_secret", "Token"])): password}
    if choice == 7:
        return draw(st.lists(values(planted, depth + 1), max_size=3))
    keys = st.sampled_from(["platform", "channel", "time", "timezone", "url", "port", "x"])
    return draw(st.dictionaries(keys, values(planted, depth + 1), max_size=3))


@st.composite
def config_files(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """A config file's bytes and the passwords planted in it."""
    planted: list[str] = []
    kind = draw(st.sampled_from(["bytes", "text", "yaml", "yaml", "yaml", "yaml"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300)), planted
    if kind == "text":
        return draw(st.text(max_size=300)).encode("utf-8", "surrogatepass"), planted
    tree: dict[str, Any] = {}
    for dotted in draw(st.lists(st.sampled_from([*KNOWN, "slakc.port", "password", "slack.api_token"]), max_size=6)):
        node = tree
        *parents, last = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {}) if isinstance(node.get(key, {}), dict) else {}
        node[last] = draw(values(planted))
    text = yaml.safe_dump(tree, allow_unicode=True, default_flow_style=draw(st.booleans()))
    lines = text.splitlines(keepends=True)
    mutation = draw(st.sampled_from(["none", "duplicate", "nul", "aliases", "deep", "truncate", "tab", "bom", "none"]))
    if mutation == "duplicate" and lines:
        lines.append(draw(st.sampled_from(lines)))
    elif mutation == "nul":
        lines.insert(draw(st.integers(0, len(lines))), "x: \0\n")
    elif mutation == "aliases":
        lines[:0] = ["a: &a [x, x, x, x, x, x, x, x]\n", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n", "c: [*b, *b]\n"]
    elif mutation == "deep":
        depth = draw(st.integers(15, 1000))
        lines.append("slack:\n  admins: " + "[" * depth + "]" * depth + "\n")
    elif mutation == "truncate" and text:
        lines = [text[: draw(st.integers(0, len(text)))]]
    elif mutation == "tab":
        lines = [line.replace("  ", "\t", 1) for line in lines]
    elif mutation == "bom":
        lines.insert(0, "\ufeff")
    return "".join(lines).encode("utf-8", "surrogatepass"), planted


@st.composite
def environments(draw: st.DrawFn) -> tuple[dict[str, str], list[str]]:
    """REVIEWBOT_* overrides (and sometimes credentials), and the passwords planted in them."""
    planted: list[str] = []
    env: dict[str, str] = {}
    for name in draw(st.lists(st.sampled_from(ENV_NAMES), max_size=3, unique=True)):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            url, password = draw(urls())
            planted.append(password)
            env[name] = url
        elif kind == 1:
            env[name] = draw(st.sampled_from(["[1, 2]", "{a: 1}", "[" * 900, "*x", "&a [*a]", "~", "null", "0x1F"]))
        else:
            env[name] = draw(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\0"), max_size=20))
    if draw(st.booleans()):
        token = draw(passwords)
        planted.append(token)
        env.update(SLACK_BOT_TOKEN=token, SLACK_SIGNING_SECRET=draw(st.sampled_from(["0" * 32, token])))
    return env, planted


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config=config_files(), environment=environments())
def test_check_survives_any_config_and_environment(
    config: tuple[bytes, list[str]],
    environment: tuple[dict[str, str], list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    restored_logging: None,
) -> None:
    (data, planted), (env, env_planted) = config, environment
    path = tmp_path / "reviewbot.yaml"
    path.write_bytes(data)
    (tmp_path / "corpus").mkdir(exist_ok=True)
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith(("DISCORD_", "SLACK_", "REVIEWBOT_")):
                mp.delenv(name)
        for name, value in env.items():
            mp.setenv(name, value)
        code = cli.main(["check", "--config", str(path), "--corpus", str(tmp_path / "corpus")])
    out = capsys.readouterr()
    shown = out.out + out.err
    assert code in (0, 2), shown
    assert "Traceback" not in shown
    for password in planted + env_planted:
        assert password not in shown, (password, shown)
