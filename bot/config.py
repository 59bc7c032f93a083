"""Configuration: YAML file, then REVIEWBOT_* environment overrides, validated at load.

Secrets (tokens) come only from the environment; see `Secrets`.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot import yamlsafe
from bot.errors import ConfigError
from bot.logs import SECRET_WORDS, known_secrets, mask
from bot.store import url_problem

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
    reload: str = "/reload"


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


RETRY_WAIT_MAX = 60  # seconds: the longest a featured post waits between two tries (`Scheduler.max_backoff`)
LEASE_SECONDS = 300


@dataclass(frozen=True, slots=True)
class FeaturedConfig:
    subscriptions: tuple[Subscription, ...] = ()
    # How long a replica's claim on a day's post holds others off; after a crash, the wait before another
    # replica posts. More than twice RETRY_WAIT_MAX, so a claim outlives the retries of the post it covers.
    lease_seconds: int = LEASE_SECONDS


LEASE_MAX = 3600  # a crashed replica's claim holds the day's post up at most this long


@dataclass(frozen=True, slots=True)
class WatchConfig:
    """Picking up review files while running (`bot.reload`)."""

    enabled: bool = True  # false: only /reload and SIGHUP reload
    poll: bool = False  # look every poll_seconds instead of file-system events (network volumes)
    poll_seconds: int = 5
    debounce_ms: int = 500  # reload once nothing changed for this long


@dataclass(frozen=True, slots=True)
class HealthConfig:
    """The HTTP endpoint for monitors: /healthz, /readyz and /metrics (served by `reviewbot run`)."""

    enabled: bool = True
    host: str = "0.0.0.0"
    port: int = 8080


@dataclass(frozen=True, slots=True)
class ReconnectConfig:
    """How a platform that lost its connection retries: exponential backoff from `initial_delay`
    seconds, doubling to at most `max_delay`, each wait jittered (drawn from its upper half)."""

    initial_delay: float = 1.0
    max_delay: float = 60.0


@dataclass(frozen=True, slots=True)
class Config:
    corpus: Path = Path("corpus")
    data_dir: Path = Path("data")
    log_level: str = "INFO"
    log_format: str = "text"  # or json: one object per line
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    slack: SlackConfig = field(default_factory=SlackConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    featured: FeaturedConfig = field(default_factory=FeaturedConfig)
    watch: WatchConfig = field(default_factory=WatchConfig)
    health: HealthConfig = field(default_factory=HealthConfig)
    reconnect: ReconnectConfig = field(default_factory=ReconnectConfig)


@dataclass(frozen=True, slots=True)
class Secrets:
    """Platform credentials, read only from the environment. Never printed."""

    discord_token: str | None = field(default=None, repr=False)
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)


ENV_PREFIX = "REVIEWBOT_"
DEFAULT_PATH = Path("config/reviewbot.yaml")
# REVIEWBOT_* variables that are not config keys: the config file's path, and the test suite's and benchmarks'.
OTHER_ENV = frozenset({"REVIEWBOT_CONFIG", "REVIEWBOT_TEST_DATABASE_URL", "REVIEWBOT_SHARED_DATA"})
MAX_BYTES = 1 << 20  # a config file is a few KB; anything near this is not one
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_LOG_FORMATS = ("text", "json")
_SHOWN = 80  # characters of a bad value quoted in a message
_HOST = r"[\w.:-]+|\[[0-9a-fA-F:.]+\]"  # a name or address to listen on


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
    """Read the YAML file (if any), apply REVIEWBOT_* overrides, validate. Raises ConfigError.

    No message shows a credential: URL passwords, values of secret-looking keys and the
    environment's secrets are masked, however they got into the text.
    """
    env = os.environ if env is None else env
    try:
        return _load(path, env)
    except ConfigError as exc:
        secrets = load_secrets(env)
        hidden = known_secrets(getattr(secrets, f.name) for f in fields(secrets))
        raise ConfigError(mask(str(exc), hidden)) from None


def config_file(path: Path | str | None = None, env: Mapping[str, str] | None = None) -> Path | None:
    """The config file `load_config` reads: `path`, else $REVIEWBOT_CONFIG, else config/reviewbot.yaml if it
    exists (None: the defaults). Raises ConfigError when a file named explicitly does not exist."""
    env = os.environ if env is None else env
    explicit = path is not None or bool(env.get(ENV_PREFIX + "CONFIG"))
    file = Path(path or env.get(ENV_PREFIX + "CONFIG") or DEFAULT_PATH)
    if file.exists():
        return file
    if explicit:
        raise ConfigError(f"{file}: config file not found. Check the path, or leave it out to use the defaults.")
    return None


def _load(path: Path | str | None, env: Mapping[str, str]) -> Config:
    _check_env_names(env)
    found = config_file(path, env)
    file = found or DEFAULT_PATH
    raw: dict[str, Any] = {}
    where: dict[str, str] = {}
    if found is not None:
        raw = _read_yaml(found, where)
    for dotted, name in _env_names():
        if name in env:
            _set(raw, dotted.split("."), _env_value(name, env[name]))
            where[dotted] = f"environment variable {name}"
    return _build(Config, raw, "", where, str(file))


def _check_env_names(env: Mapping[str, str]) -> None:
    """A REVIEWBOT_* variable that is no setting is a typo: refuse it, naming the closest one."""
    known = {name for _, name in _env_names()} | OTHER_ENV
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX) or name in known:
            continue
        shown = name if len(name) <= _SHOWN and name.isprintable() else _show(name)
        tails = {k.removeprefix(ENV_PREFIX): k for k in known}  # the shared prefix would make every name look close
        close = difflib.get_close_matches(name.upper().removeprefix(ENV_PREFIX), tails, n=1, cutoff=0.6)
        hint = (
            f"Did you mean {tails[close[0]]}?"
            if close
            else "Every setting and its variable is in config/reviewbot.yaml."
        )
        raise ConfigError(f"environment variable {shown} is not a reviewbot setting. {hint} Unset it, or rename it.")


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
        return yamlsafe.load(value) if value.strip() else None
    except yamlsafe.UnsafeYAML as exc:
        raise ConfigError(f"environment variable {name}: {exc.problem}.") from None
    except (yaml.YAMLError, ValueError):
        raise ConfigError(f"environment variable {name}: not a valid value: {_show(value)}") from None


def _show(value: Any) -> str:
    """A bad value as quoted in a message: credentials masked, then shortened."""
    try:
        text = repr(value)
    except ValueError:  # an integer too long to print
        return "a number too long to show"
    if len(text) > 4 * _SHOWN:  # not worth quoting (nor masking: it could hide a password anywhere)
        return f"a {type(value).__name__} of {len(text)} characters"
    text = mask(text)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _set(raw: dict[str, Any], keys: list[str], value: Any) -> None:
    for key in keys[:-1]:
        nxt = raw.get(key)
        if not isinstance(nxt, dict):
            nxt = raw[key] = {}
        raw = nxt
    raw[keys[-1]] = value


def _read_yaml(file: Path, where: dict[str, str]) -> dict[str, Any]:
    try:
        with file.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read the config file: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{file}: larger than {MAX_BYTES >> 10} KiB; this is not a reviewbot config file.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{file}:{line}: not UTF-8 text (byte {data[exc.start]:#04x}). Save the file as UTF-8."
        ) from None
    try:
        yamlsafe.check(text)  # before composing: no aliases, bounded nesting
        node = yaml.compose(text, Loader=yamlsafe.LOADER)
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            raise ConfigError(f"{file}:{node.start_mark.line + 1}: the config file must be `key: value` lines.")
        value = _plain(node, "", where, str(file))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ConfigError(f"{file}:{line}: not valid YAML: {exc.problem}. Check indentation and quoting.") from None
    except yaml.YAMLError as exc:  # e.g. a NUL or another character YAML does not allow
        position = getattr(exc, "position", None)
        at = f":{text.count(chr(10), 0, position) + 1}" if isinstance(position, int) else ""
        raise ConfigError(f"{file}{at}: not valid YAML: {_reason(exc)}.") from None
    assert isinstance(value, dict)
    return value


def _reason(exc: yaml.YAMLError) -> str:
    """A YAML error without its position line (which quotes the path again)."""
    return str(exc).split("\n")[0].strip().rstrip(":") or type(exc).__name__


def _plain(node: yaml.Node, path: str, where: dict[str, str], file: str) -> Any:
    """A YAML node as Python values, recording each key's line in `where`."""
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for k, v in node.value:
            line = k.start_mark.line + 1
            if not isinstance(k, yaml.ScalarNode):
                raise ConfigError(f"{file}:{line}: a key must be a plain name, like `port:`.")
            key = str(k.value)
            dotted = f"{path}.{key}" if path else key
            if key in out:
                first = where[dotted].rpartition(":")[2]
                raise ConfigError(
                    f"{file}:{line}: `{dotted}` is given twice (lines {first} and {line}); keep only one."
                )
            where[dotted] = f"{file}:{line}"
            out[key] = _plain(v, dotted, where, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            where[f"{path}[{i}]"] = f"{file}:{item.start_mark.line + 1}"
            items.append(_plain(item, f"{path}[{i}]", where, file))
        return items
    try:
        return yaml.load(yaml.serialize(node), Loader=yamlsafe.LOADER)  # a safe loader, on one scalar
    except (yaml.YAMLError, ValueError):  # an unknown !tag, or a number Python will not parse
        raise ConfigError(f"{file}:{node.start_mark.line + 1}: `{path}` has a value YAML cannot read.") from None


def _build(cls: type[T], raw: Any, path: str, where: dict[str, str], file: str) -> T:
    loc = where.get(path, file)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{loc}: `{path}` must be a section of `key: value` lines, got {_show(raw)}.")
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        dotted = f"{path}.{key}" if path else key
        kloc = where.get(dotted, loc)
        if key not in known:
            if SECRET_WORDS.search(key):
                raise ConfigError(
                    f"{kloc}: `{dotted}` looks like a secret. Secrets are read only from the environment: "
                    "set DISCORD_TOKEN, SLACK_BOT_TOKEN, SLACK_APP_TOKEN or SLACK_SIGNING_SECRET instead."
                )
            shown = dotted if len(dotted) <= _SHOWN and dotted.isprintable() else _show(dotted)
            raise ConfigError(f"{kloc}: unknown key `{shown}`. Known keys here: {', '.join(sorted(known))}.")
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
            raise ConfigError(f"{loc}: `{path}` must be a list, like [a, b], got {_show(value)}.")
        return tuple(_convert(args[0], v, f"{path}[{i}]", where, file) for i, v in enumerate(items))
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{loc}: `{path}` must be true or false, got {_show(value)}.")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{loc}: `{path}` must be a whole number, got {_show(value)}.")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ConfigError(f"{loc}: `{path}` must be a number, like 1.5, got {_show(value)}.")
        return float(value)
    if kind is str or kind is Path:
        if not isinstance(value, str | int | float) or isinstance(value, bool) or value == "":
            raise ConfigError(f"{loc}: `{path}` must be text, got {_show(value)}.")
        text = str(value)
        if "\0" in text:
            raise ConfigError(f"{loc}: `{path}` must not contain a NUL character (\\0).")
        if kind is str:
            return text
        try:
            found = Path(text).expanduser()  # `~/reviews` is the home folder's, not a folder named ~
        except RuntimeError:
            raise ConfigError(
                f"{loc}: `{path}` starts with ~ but the home folder is unknown; write the full path."
            ) from None
        if not found.is_absolute() and loc.startswith(file + ":"):
            # in the config file: from the file's folder, wherever the bot is started (the environment's and
            # the command line's are from the working directory)
            found = Path(os.path.normpath(Path(file).absolute().parent / found))
        return found
    raise ConfigError(f"{loc}: `{path}` has an unsupported value {_show(value)}.")  # pragma: no cover


def _web_url_problem(url: str, schemes: tuple[str, ...]) -> str | None:
    """What is wrong with an http(s):// or ws(s):// URL setting, or None."""
    wanted = " or ".join(f"{scheme}://" for scheme in schemes)
    if any(c.isspace() or not c.isprintable() for c in url):
        return "must not contain spaces or control characters."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return f"is not a URL like {schemes[-1]}://host:port/path (a port is a number from 1 to 65535)."
    if parts.scheme.lower() not in schemes:
        return f"must start with {wanted}, got {_show(url)}."
    if not parts.hostname:
        return f"has no host: write {schemes[-1]}://HOST/..."
    if port == 0:
        return "has port 0: a port is a number from 1 to 65535."
    return None


def _check(obj: Any, path: str, where: dict[str, str], file: str) -> None:
    """Rules beyond types, with a message that says how to fix each."""

    def fail(key: str, text: str) -> None:
        dotted = f"{path}.{key}" if path else key
        raise ConfigError(f"{where.get(dotted, where.get(path, file))}: `{dotted}` {text}")

    def url(key: str, schemes: tuple[str, ...]) -> None:
        value = getattr(obj, key)
        problem = None if value is None else _web_url_problem(value, schemes)
        if problem is not None:
            fail(key, problem)

    if isinstance(obj, Config) and obj.log_level.upper() not in _LOG_LEVELS:
        fail("log_level", f"must be one of {', '.join(_LOG_LEVELS)}, got {_show(obj.log_level)}.")
    if isinstance(obj, Config) and obj.log_format.lower() not in _LOG_FORMATS:
        fail("log_format", f"must be text or json, got {_show(obj.log_format)}.")
    if isinstance(obj, DiscordConfig):
        url("api_base_url", ("http", "https"))
        url("gateway_url", ("ws", "wss"))
        if obj.shard_count is not None and obj.shard_count < 1:
            fail("shard_count", "must be 1 or more.")
        if obj.shard_ids is not None:
            if obj.shard_count is None:
                fail("shard_ids", "needs `shard_count` too.")
            elif any(not 0 <= i < obj.shard_count for i in obj.shard_ids):
                fail("shard_ids", f"must be between 0 and shard_count - 1 ({_show(obj.shard_count - 1)}).")
    if isinstance(obj, SlackConfig):
        if not 1 <= obj.port <= 65535:
            fail("port", f"must be a port number from 1 to 65535, got {_show(obj.port)}.")
        url("api_base_url", ("http", "https"))
        if not re.fullmatch(_HOST, obj.host):
            fail("host", f"must be an address to listen on, like 0.0.0.0 or 127.0.0.1, got {_show(obj.host)}.")
        if not obj.path.startswith("/") or not obj.path.isprintable() or " " in obj.path:
            fail("path", f"must start with / and have no spaces, got {_show(obj.path)}.")
    if isinstance(obj, HealthConfig):
        if not 1 <= obj.port <= 65535:
            fail("port", f"must be a port number from 1 to 65535, got {_show(obj.port)}.")
        if not re.fullmatch(_HOST, obj.host):
            fail("host", f"must be an address to listen on, like 0.0.0.0 or 127.0.0.1, got {_show(obj.host)}.")
    if isinstance(obj, ReconnectConfig):
        if not 0 < obj.initial_delay <= 3600:
            fail("initial_delay", f"must be more than 0 and at most 3600 seconds, got {_show(obj.initial_delay)}.")
        if not obj.initial_delay <= obj.max_delay <= 86400:
            fail("max_delay", f"must be at least initial_delay and at most 86400 seconds, got {_show(obj.max_delay)}.")
    if isinstance(obj, SlackCommands):
        for f in fields(obj):
            name = getattr(obj, f.name)
            if not re.fullmatch(r"/[a-z0-9_-]{1,31}", name):
                fail(
                    f.name,
                    f"must be a slash command like /{f.name} (lower case, at most 32 characters), got {_show(name)}.",
                )
    if isinstance(obj, DatabaseConfig) and obj.url is not None and (problem := url_problem(obj.url)) is not None:
        fail("url", problem + ".")
    if isinstance(obj, FeaturedConfig) and not 2 * RETRY_WAIT_MAX < obj.lease_seconds <= LEASE_MAX:
        fail(
            "lease_seconds",
            f"must be more than {2 * RETRY_WAIT_MAX} (twice the longest wait between two tries of a post) "
            f"and at most {LEASE_MAX}, got {_show(obj.lease_seconds)}.",
        )
    if isinstance(obj, WatchConfig):
        if not 1 <= obj.poll_seconds <= 3600:
            fail("poll_seconds", f"must be a number of seconds from 1 to 3600, got {_show(obj.poll_seconds)}.")
        if not 50 <= obj.debounce_ms <= 60_000:
            fail("debounce_ms", f"must be a number of milliseconds from 50 to 60000, got {_show(obj.debounce_ms)}.")
    if isinstance(obj, Subscription):
        if obj.platform not in ("discord", "slack"):
            fail("platform", f"must be discord or slack, got {_show(obj.platform)}.")
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", obj.time):
            fail("time", f"must be a 24-hour time like 09:00, got {_show(obj.time)}.")
        try:
            ZoneInfo(obj.timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            fail("timezone", f"must be an IANA timezone like Europe/Paris, got {_show(obj.timezone)}.")
