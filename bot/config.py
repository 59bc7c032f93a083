"""Configuration: YAML file, then REVIEWBOT_* environment overrides, validated at load.

Secrets (tokens) come only from the environment; see `Secrets`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.errors import ConfigError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DiscordConfig:
    api_base_url: str | None = None  # e.g. http://127.0.0.1:8080/api/v10 (a REST proxy)
    gateway_url: str | None = None  # e.g. ws://127.0.0.1:8080/ (a gateway proxy)
    guilds: tuple[int, ...] = ()  # sync commands to these guilds; empty = global
    message_content: bool = False  # answer mentions and DMs (needs the privileged intent)
    shard_count: int | None = None  # set to use AutoShardedClient
    shard_ids: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class SlackCommands:
    review: str = "/review"
    verdict: str = "/verdict"
    ask: str = "/ask"
    help: str = "/help"
    featured: str = "/featured"


@dataclass(frozen=True, slots=True)
class SlackConfig:
    api_base_url: str | None = None  # e.g. http://127.0.0.1:8080/api/
    host: str = "0.0.0.0"
    port: int = 3000
    path: str = "/slack/events"
    commands: SlackCommands = field(default_factory=SlackCommands)
    admins: tuple[str, ...] = ()  # user ids allowed to run admin commands besides workspace admins


@dataclass(frozen=True, slots=True)
class DatabaseConfig:
    url: str | None = None  # postgresql://...; None = SQLite under data_dir


@dataclass(frozen=True, slots=True)
class Subscription:
    platform: str  # "discord" or "slack"
    channel: str
    time: str = "09:00"
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class FeaturedConfig:
    subscriptions: tuple[Subscription, ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    corpus: Path = Path("corpus")
    data_dir: Path = Path("data")
    log_level: str = "INFO"
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    slack: SlackConfig = field(default_factory=SlackConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    featured: FeaturedConfig = field(default_factory=FeaturedConfig)


@dataclass(frozen=True, slots=True)
class Secrets:
    """Platform credentials, read only from the environment. Never printed."""

    discord_token: str | None = field(default=None, repr=False)
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)


ENV_PREFIX = "REVIEWBOT_"
DEFAULT_PATH = Path("config/reviewbot.yaml")
_SECRET_WORDS = ("token", "secret", "password")
_DB_SCHEMES = ("postgresql://", "postgres://", "postgresql+asyncpg://", "sqlite")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def load_secrets(env: Mapping[str, str]) -> Secrets:
    """Platform credentials from the environment (empty values count as unset)."""

    def get(name: str) -> str | None:
        return env.get(name, "").strip() or None

    return Secrets(
        discord_token=get("DISCORD_TOKEN"),
        slack_bot_token=get("SLACK_BOT_TOKEN"),
        slack_app_token=get("SLACK_APP_TOKEN"),
        slack_signing_secret=get("SLACK_SIGNING_SECRET"),
    )


def load_config(path: Path | str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read the YAML file (if any), apply REVIEWBOT_* overrides, validate. Raises ConfigError."""
    env = os.environ if env is None else env
    explicit = path is not None or bool(env.get(ENV_PREFIX + "CONFIG"))
    file = Path(path or env.get(ENV_PREFIX + "CONFIG") or DEFAULT_PATH)
    raw: dict[str, Any] = {}
    where: dict[str, str] = {}
    if file.exists():
        raw = _read_yaml(file, where)
    elif explicit:
        raise ConfigError(f"{file}: config file not found. Check the path, or leave it out to use the defaults.")
    for dotted, name in _env_names():
        if name in env:
            _set(raw, dotted.split("."), _env_value(name, env[name]))
            where[dotted] = f"environment variable {name}"
    return _build(Config, raw, "", where, str(file))


def _env_names(cls: type = Config, prefix: str = "") -> Iterator[tuple[str, str]]:
    for f in fields(cls):
        dotted = f"{prefix}{f.name}"
        kind = get_type_hints(cls)[f.name]
        if isinstance(kind, type) and is_dataclass(kind):
            yield from _env_names(kind, dotted + ".")
        else:
            yield dotted, ENV_PREFIX + dotted.replace(".", "_").upper()


def _env_value(name: str, value: str) -> Any:
    try:
        return yaml.safe_load(value) if value.strip() else None
    except yaml.YAMLError:
        raise ConfigError(f"environment variable {name}: not a valid value: {value!r}") from None


def _set(raw: dict[str, Any], keys: list[str], value: Any) -> None:
    for key in keys[:-1]:
        nxt = raw.get(key)
        if not isinstance(nxt, dict):
            nxt = raw[key] = {}
        raw = nxt
    raw[keys[-1]] = value


def _read_yaml(file: Path, where: dict[str, str]) -> dict[str, Any]:
    try:
        node = yaml.compose(file.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise ConfigError(f"{file}:{line}: not valid YAML: {exc.problem}. Check indentation and quoting.") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{file}: cannot read the config file: {exc}") from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{file}:{node.start_mark.line + 1}: the config file must be `key: value` lines.")
    value = _plain(node, "", where, str(file))
    assert isinstance(value, dict)
    return value


def _plain(node: yaml.Node, path: str, where: dict[str, str], file: str) -> Any:
    """A YAML node as Python values, recording each key's line in `where`."""
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for k, v in node.value:
            key = str(k.value)
            dotted = f"{path}.{key}" if path else key
            where[dotted] = f"{file}:{k.start_mark.line + 1}"
            out[key] = _plain(v, dotted, where, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            where[f"{path}[{i}]"] = f"{file}:{item.start_mark.line + 1}"
            items.append(_plain(item, f"{path}[{i}]", where, file))
        return items
    return yaml.safe_load(yaml.serialize(node))


def _build(cls: type[T], raw: Any, path: str, where: dict[str, str], file: str) -> T:
    loc = where.get(path, file)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{loc}: `{path}` must be a section of `key: value` lines, got {raw!r}.")
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        dotted = f"{path}.{key}" if path else key
        kloc = where.get(dotted, loc)
        if key not in known:
            if any(w in key.lower() for w in _SECRET_WORDS):
                raise ConfigError(
                    f"{kloc}: `{dotted}` looks like a secret. Secrets are read only from the environment: "
                    "set DISCORD_TOKEN, SLACK_BOT_TOKEN, SLACK_APP_TOKEN or SLACK_SIGNING_SECRET instead."
                )
            raise ConfigError(f"{kloc}: unknown key `{dotted}`. Known keys here: {', '.join(sorted(known))}.")
        values[key] = _convert(hints[key], value, dotted, where, file)
    built = cls(**values)
    _check(built, path, where, file)
    return built


def _convert(kind: Any, value: Any, path: str, where: dict[str, str], file: str) -> Any:
    loc = where.get(path, file)
    origin, args = get_origin(kind), get_args(kind)
    if origin in (UnionType, Union):
        if value is None and type(None) in args:
            return None
        kind = next(a for a in args if a is not type(None))
        origin, args = get_origin(kind), get_args(kind)
    if isinstance(kind, type) and is_dataclass(kind):
        return _build(kind, value, path, where, file)
    if origin is tuple:
        items = value if isinstance(value, list) else None
        if items is None:
            raise ConfigError(f"{loc}: `{path}` must be a list, like [a, b], got {value!r}.")
        return tuple(_convert(args[0], v, f"{path}[{i}]", where, file) for i, v in enumerate(items))
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{loc}: `{path}` must be true or false, got {value!r}.")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{loc}: `{path}` must be a whole number, got {value!r}.")
        return value
    if kind is str or kind is Path:
        if not isinstance(value, str | int | float) or isinstance(value, bool) or value == "":
            raise ConfigError(f"{loc}: `{path}` must be text, got {value!r}.")
        return kind(str(value))
    raise ConfigError(f"{loc}: `{path}` has an unsupported value {value!r}.")  # pragma: no cover


def _check(obj: Any, path: str, where: dict[str, str], file: str) -> None:
    """Rules beyond types, with a message that says how to fix each."""

    def fail(key: str, text: str) -> None:
        dotted = f"{path}.{key}" if path else key
        raise ConfigError(f"{where.get(dotted, where.get(path, file))}: `{dotted}` {text}")

    if isinstance(obj, Config) and obj.log_level.upper() not in _LOG_LEVELS:
        fail("log_level", f"must be one of {', '.join(_LOG_LEVELS)}, got {obj.log_level!r}.")
    if isinstance(obj, DiscordConfig):
        for key in ("api_base_url", "gateway_url"):
            url = getattr(obj, key)
            schemes = ("http://", "https://") if key == "api_base_url" else ("ws://", "wss://")
            if url is not None and not url.startswith(schemes):
                fail(key, f"must start with {' or '.join(schemes)}, got {url!r}.")
        if obj.shard_count is not None and obj.shard_count < 1:
            fail("shard_count", "must be 1 or more.")
        if obj.shard_ids is not None:
            if obj.shard_count is None:
                fail("shard_ids", "needs `shard_count` too.")
            elif any(not 0 <= i < obj.shard_count for i in obj.shard_ids):
                fail("shard_ids", f"must be between 0 and shard_count - 1 ({(obj.shard_count or 1) - 1}).")
    if isinstance(obj, SlackConfig):
        if not 1 <= obj.port <= 65535:
            fail("port", f"must be a port number from 1 to 65535, got {obj.port}.")
        if obj.api_base_url is not None and not obj.api_base_url.startswith(("http://", "https://")):
            fail("api_base_url", f"must start with http:// or https://, got {obj.api_base_url!r}.")
        if not obj.path.startswith("/"):
            fail("path", f"must start with /, got {obj.path!r}.")
    if isinstance(obj, SlackCommands):
        for f in fields(obj):
            name = getattr(obj, f.name)
            if not re.fullmatch(r"/[a-z0-9_-]{1,31}", name):
                fail(
                    f.name, f"must be a slash command like /{f.name} (lower case, at most 32 characters), got {name!r}."
                )
    if isinstance(obj, DatabaseConfig) and obj.url is not None and not obj.url.startswith(_DB_SCHEMES):
        fail("url", "must be a PostgreSQL URL like postgresql://user:pass@host/db (or leave it out for SQLite).")
    if isinstance(obj, Subscription):
        if obj.platform not in ("discord", "slack"):
            fail("platform", f"must be discord or slack, got {obj.platform!r}.")
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", obj.time):
            fail("time", f"must be a 24-hour time like 09:00, got {obj.time!r}.")
        try:
            ZoneInfo(obj.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            fail("timezone", f"must be an IANA timezone like Europe/Paris, got {obj.timezone!r}.")
