"""`reviewbot`: the command line. Loads config and corpus, then runs a platform or answers once."""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import re
import sys
from collections.abc import Awaitable, Sequence
from pathlib import Path

from adapters import console
from bot import logs
from bot import messages as msg
from bot.config import DEFAULT_PATH, Config, Secrets, config_file, load_config, load_secrets
from bot.corpus import Corpus, load_corpus
from bot.engine import Engine, preload
from bot.errors import ConfigError, StorageError
from bot.featured import ScheduleError
from bot.importer import import_corpus, progress_bar
from bot.models import Film, Question, intent_of

log = logging.getLogger("reviewbot")

EXIT_PROBLEMS = 1
EXIT_CONFIG = 2
EXIT_STORAGE = 3
EXIT_PIPE = 141  # 128 + SIGPIPE: stdout was closed by its reader


def _path(text: str) -> Path:
    """A path argument, `~` expanded (a shell leaves `--corpus=~/reviews` alone)."""
    try:
        return Path(text).expanduser()
    except RuntimeError:  # no home folder to expand to
        return Path(text)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=_path, help="YAML config file (default: config/reviewbot.yaml)")
    common.add_argument("--corpus", type=_path, help="folder of reviews (overrides the config)")
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print one JSON object per answer")

    parser = argparse.ArgumentParser(prog="reviewbot", description="Answers questions about films from reviews.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("run", parents=[common], help="start Discord and/or Slack, or the console when no token is set")
    sub.add_parser("chat", parents=[common, as_json], help="interactive console chat (reads stdin)")
    for name, what in (("ask", "QUESTION"), ("review", "TITLE"), ("verdict", "TITLE")):
        p = sub.add_parser(name, parents=[common, as_json], help=f"answer one {what.lower()} and exit")
        p.add_argument("text", nargs="+", metavar=what)
    sub.add_parser("list", parents=[common, as_json], help="list the films in the corpus")
    sub.add_parser("check", parents=[common], help="validate config and credentials; say what would start")
    corpus = sub.add_parser("corpus", help="corpus tools")
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True, metavar="ACTION")
    check = corpus_sub.add_parser("check", parents=[common], help="list every problem in the review files")
    check.add_argument("dir", nargs="?", type=_path, help="folder to check (default: the configured corpus)")
    bulk = corpus_sub.add_parser("import", parents=[common], help="import reviews from CSV, JSON Lines or a folder")
    bulk.add_argument("source", type=_path, help="a .csv or .jsonl file (columns title, year, text, ...) or a folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `reviewbot` console script."""
    args = _parser().parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")  # output that cannot be encoded is never a traceback
    try:
        return _main(args)
    except BrokenPipeError:
        return _stdout_closed()


def _main(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
        source = config_file(args.config)
    except ConfigError as exc:
        _say(msg.CLI_CONFIG_ERROR.format(error=exc), err=True)
        return EXIT_CONFIG
    secrets = load_secrets(os.environ)
    _HIDDEN[:] = logs.known_secrets([*_secret_values(secrets), logs.url_password(config.database.url)])
    logs.setup(config.log_level, _HIDDEN, config.log_format)
    corpus_dir = getattr(args, "dir", None) or args.corpus or config.corpus
    try:
        if args.command == "corpus" and args.corpus_command == "import":
            return _corpus_import(args.source, args.corpus or config.corpus)
        if args.command == "corpus":
            return _corpus_check(corpus_dir)
        if args.command == "check":
            return _check(config, secrets, corpus_dir, source)
        if not corpus_dir.is_dir():  # started from another folder, or a volume not mounted: say so, don't start
            _say(_no_corpus(corpus_dir, source), err=True)
            return EXIT_CONFIG
        if args.command == "run":
            storage = msg.CLI_STORAGE_ERROR if config.database.url else msg.CLI_SQLITE_ERROR
            return _run_async(_run(corpus_dir, config, secrets), storage)
        engine = _engine(corpus_dir)
        if args.command == "chat":
            return _run_async(console.chat(engine, as_json=args.json))
        intent = intent_of(args.command)
        assert intent is not None  # ask, review, verdict and list are command words
        text = " ".join(getattr(args, "text", []))
        answer = asyncio.run(engine.answer(Question(intent, text, "cli")))
        print(console.show(answer, args.json))
        return 0
    except KeyboardInterrupt:
        _say(msg.CLI_INTERRUPTED, err=True)
        return 130


_HIDDEN: list[str] = []  # the secrets of this run, hidden from everything `_say` prints


def _say(text: str, *, err: bool = False) -> None:
    """Print a message for the admin (not an answer), with every credential masked."""
    print(logs.mask(text, _HIDDEN), file=sys.stderr if err else sys.stdout)


def _stdout_closed() -> int:
    """The reader of our output went away (`reviewbot chat | head -1`): stop quietly.

    Exit 141 (128 + SIGPIPE), what a shell reports for any program a closed pipe stops, so
    `set -o pipefail` scripts see the usual status; later writes (the flush at exit) go nowhere.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass
    return EXIT_PIPE


def _run_async(job: Awaitable[object], storage: str = msg.CLI_STORAGE_ERROR) -> int:
    """Run `job`; its exit status when it returns one (else 0), or the status of the error it raised."""

    async def wrapper() -> object:
        return await job

    try:
        status = asyncio.run(wrapper())
    except KeyboardInterrupt:
        _say(msg.CLI_INTERRUPTED, err=True)
        return 130
    except (ConfigError, ScheduleError) as exc:
        _say(msg.CLI_CONFIG_ERROR.format(error=exc), err=True)
        return EXIT_CONFIG
    except StorageError as exc:
        _say(storage.format(error=exc), err=True)
        return EXIT_STORAGE
    return status if isinstance(status, int) else 0


def _secret_values(secrets: Secrets) -> list[str | None]:
    return [secrets.discord_token, secrets.slack_bot_token, secrets.slack_app_token, secrets.slack_signing_secret]


def _engine(corpus_dir: Path) -> Engine:
    preload()  # the models are read while the corpus is
    return Engine(_films(corpus_dir))


def _films(corpus_dir: Path, cache: Path | None = None) -> tuple[Film, ...]:
    corpus = load_corpus(corpus_dir, cache)
    _report(corpus)
    return corpus.films


def _report(corpus: Corpus) -> None:
    if corpus.problems:
        for problem in corpus.problems:
            log.warning("skipped %s", problem)
        _say(msg.CLI_CORPUS_PROBLEMS.format(count=len(corpus.problems)), err=True)


def _corpus_check(corpus_dir: Path) -> int:
    return EXIT_PROBLEMS if _show_corpus(corpus_dir, load_corpus(corpus_dir)) else 0


def _show_corpus(corpus_dir: Path, corpus: Corpus) -> bool:
    """Print the corpus' size and every problem; whether it has any."""
    size = {"reviews": msg.counted(corpus.reviews, "review"), "films": msg.counted(len(corpus.films), "film")}
    if not corpus.problems:
        _say(msg.CLI_CORPUS_OK.format(path=corpus_dir, **size))
        return False
    _say(msg.CLI_CORPUS_BAD.format(path=corpus_dir, problems=len(corpus.problems), **size))
    for problem in corpus.problems:
        _say(f"  {problem}")
    return True


def _source(source: Path | None) -> str:
    """The config file used, as `check` and errors name it."""
    return str(source.absolute()) if source is not None else msg.CLI_CHECK_DEFAULTS.format(path=DEFAULT_PATH)


def _no_corpus(corpus_dir: Path, source: Path | None) -> str:
    return msg.CLI_NO_CORPUS.format(path=corpus_dir.absolute(), config=_source(source), cwd=Path.cwd())


def _corpus_import(source: Path, dest: Path) -> int:
    report = import_corpus(source, dest, progress=progress_bar)
    for problem in report.skipped:
        _say(f"  {problem}", err=True)
    _say(msg.CLI_IMPORT_DONE.format(written=len(report.written), total=report.total, dest=dest,
                                     skipped=len(report.skipped)))  # fmt: skip
    return EXIT_PROBLEMS if report.skipped else 0


def platforms(config: Config, secrets: Secrets) -> list[str]:
    """What `reviewbot run` would start, in words (no secrets)."""
    out: list[str] = []
    if secrets.discord_token:
        shards = f", {config.discord.shard_count} shards" if config.discord.shard_count else ""
        out.append(f"Discord{shards}")
    if secrets.slack_bot_token and secrets.slack_app_token:
        out.append("Slack (Socket Mode)")
    elif secrets.slack_bot_token and secrets.slack_signing_secret:
        out.append(f"Slack (HTTP on {config.slack.host}:{config.slack.port}{config.slack.path})")
    return out or ["the console chat"]


def credential_problems(secrets: Secrets) -> list[str]:
    """Credentials whose shape is wrong, as messages naming the variable and the fix."""
    checks = {
        "DISCORD_TOKEN": (secrets.discord_token, r"[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}"),
        "SLACK_BOT_TOKEN": (secrets.slack_bot_token, r"xoxb-[\w-]+"),
        "SLACK_APP_TOKEN": (secrets.slack_app_token, r"xapp-[\w-]+"),
        "SLACK_SIGNING_SECRET": (secrets.slack_signing_secret, r"[0-9a-f]{32}"),
    }
    problems = [
        msg.CLI_BAD_CREDENTIAL.format(name=name, hint=msg.CLI_CREDENTIAL_HINTS[name])
        for name, (value, shape) in checks.items()
        if value is not None and not re.fullmatch(shape, value)
    ]
    if secrets.slack_bot_token and not (secrets.slack_app_token or secrets.slack_signing_secret):
        problems.append(msg.CLI_SLACK_NEEDS_MODE)
    return problems


def _check(config: Config, secrets: Secrets, corpus_dir: Path, source: Path | None) -> int:
    """The config file used, credential problems, the corpus folder and every problem in it, what would start.

    Exit 2 for a credential problem or a missing corpus folder (`run` would refuse to start); problems in review
    files are listed but do not fail the check (the bot answers from the other files).
    """
    _say(msg.CLI_CHECK_OK.format(source=_source(source)))
    problems = credential_problems(secrets)
    for problem in problems:
        _say(problem)
    _say(msg.CLI_CHECK_CORPUS.format(path=corpus_dir.absolute()))
    if corpus_dir.is_dir():
        corpus = load_corpus(corpus_dir)
        _show_corpus(corpus_dir, corpus)
        if not corpus.films:
            _say(msg.CLI_CORPUS_EMPTY.format(path=corpus_dir))
    else:
        _say(_no_corpus(corpus_dir, source))
        problems.append("no corpus")
    _say(msg.CLI_WOULD_START.format(what=", ".join(platforms(config, secrets))))
    return EXIT_CONFIG if problems else 0


async def _run(corpus_dir: Path, config: Config, secrets: Secrets) -> int:
    discord_on = bool(secrets.discord_token)
    slack_on = bool(secrets.slack_bot_token and (secrets.slack_app_token or secrets.slack_signing_secret))
    if not (discord_on or slack_on):
        _say(msg.CLI_NO_PLATFORMS, err=True)
        await console.chat(_engine(corpus_dir))
        return 0
    from adapters import service

    return await service.run(corpus_dir, config, secrets)


if __name__ == "__main__":
    raise SystemExit(main())
