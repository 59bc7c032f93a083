"""Configuration: YAML file, then REVIEWBOT_* environment overrides, validated at load.

Secrets (tokens) come only from the environment; see `Secrets`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
