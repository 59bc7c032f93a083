"""`reviewbot run` with platforms: the long-running bot.

One process: the store, the engine (loading the corpus in the background), each platform under the
`Supervisor` (its own backoff and state), the health endpoint, and signal handling:

- SIGTERM or SIGINT: stop taking new work, let answers and featured posts in flight finish (at most
  `SHUTDOWN_GRACE` seconds; a featured claim that cannot finish is released), close connections, exit 0.
  A second signal cuts that short.
- The exit status is 2 when no platform can run (each failed for good: a rejected token, a missing intent).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from adapters import health
from adapters.supervise import Backoff, Inflight, Supervisor
from bot import messages as msg
from bot.config import Config, Secrets
from bot.corpus import CACHE_NAME
from bot.engine import Engine, preload
from bot.featured import FeaturedCommands, apply_config
from bot.metrics import MeteredEngine, Metrics
from bot.reload import Reloader
from bot.store import Store

log = logging.getLogger("reviewbot")

EXIT_NO_PLATFORM = 2  # like a bad config: systemd's RestartPreventExitStatus=2 stops a restart loop
LOAD_WAIT = 5.0  # seconds `run` waits for the corpus before connecting anyway (answering "still reading")

Job = Callable[[asyncio.Event], Awaitable[None]]  # a background task that runs until the event is set


def readiness(engine: Engine, supervisor: Supervisor) -> Callable[[], tuple[bool, dict[str, Any]]]:
    """What /readyz reports: ready when the corpus is loaded and every platform is connected."""

    def ready() -> tuple[bool, dict[str, Any]]:
        corpus: dict[str, Any] = {"state": "loaded" if engine.ready else "loading"}
        if engine.ready:
            corpus.update(films=len(engine.films), reviews=sum(len(f.reviews) for f in engine.films))
        return engine.ready and supervisor.all_connected, {"corpus": corpus, "platforms": supervisor.status()}

    return ready


def platforms(
    supervisor: Supervisor,
    engine: Engine,
    config: Config,
    secrets: Secrets,
    featured: FeaturedCommands,
    metrics: Metrics,
    reloader: Reloader,
    store: Store,
) -> None:
    """Put each platform with credentials under `supervisor`, its answers counted under its name."""
    if secrets.discord_token:
        from adapters import discord_bot

        discord_service = discord_bot.DiscordService(
            MeteredEngine(engine, "discord", metrics),
            config.discord,
            secrets.discord_token,
            featured=featured,
            inflight=Inflight(),
            report=metrics.featured("discord"),
            reloader=reloader,
        )
        supervisor.add("discord", discord_service, discord_bot.transient)
    if secrets.slack_bot_token and (secrets.slack_app_token or secrets.slack_signing_secret):
        from adapters import slack_app

        slack_service = slack_app.SlackService(
            MeteredEngine(engine, "slack", metrics),
            config.slack,
            secrets,
            featured=featured,
            inflight=Inflight(),
            report=metrics.featured("slack"),
            reloader=reloader,
            store=store,
        )
        supervisor.add("slack", slack_service, slack_app.transient)


async def run(corpus_dir: Path, config: Config, secrets: Secrets) -> int:
    """Run every platform with credentials until SIGTERM or SIGINT (0; 130 if a second signal cut the
    shutdown short), or until none can run (2)."""
    store = await Store.open(config.database.url, config.data_dir)
    loading: asyncio.Future[Any] | None = None
    forced: Callable[[], bool] = lambda: False  # noqa: E731
    try:
        await apply_config(store, config.featured)
        metrics = Metrics()
        # Follow-ups survive restarts and work across replicas; a persisted index makes restarts warm.
        # A large corpus takes minutes to index the first time: the platforms do not wait more than a moment.
        preload()  # the models are read while the corpus is
        engine = Engine(None, context=store)
        # The first load is a reload like any other: through the corpus cache, the index built or loaded in a
        # worker thread; then the folder is watched (and SIGHUP and /reload ask for one).
        reloader = Reloader(
            engine,
            corpus_dir,
            config.data_dir / CACHE_NAME,
            config.data_dir / "index",
            config=config.watch,
            on_reload=lambda report: metrics.corpus_loaded(engine.films, report.seconds),
        )
        loading = asyncio.ensure_future(reloader.reload())
        featured = FeaturedCommands(store, engine, lease_seconds=config.featured.lease_seconds)
        jobs: list[Job] = [reloader.watch]  # background tasks: each runs until `stop` is set, then gets `close_timeout`
        on_hangup: Callable[[], object] | None = reloader.request  # `kill -HUP`, `systemctl reload`
        backoff = Backoff(config.reconnect.initial_delay, config.reconnect.max_delay)
        supervisor = Supervisor(
            backoff, on_state=metrics.platform, on_reconnect=lambda name: metrics.reconnects.labels(platform=name).inc()
        )
        platforms(supervisor, engine, config, secrets, featured, metrics, reloader, store)
        stop = asyncio.Event()
        ready = readiness(engine, supervisor)
        endpoint = await health.start(config.health, ready, metrics) if config.health.enabled else None
        try:
            with _signals(stop, supervisor.grace, on_hangup) as forced:
                stopping = asyncio.ensure_future(stop.wait())
                await asyncio.wait({loading, stopping}, timeout=LOAD_WAIT, return_when=asyncio.FIRST_COMPLETED)
                stopping.cancel()
                log.info("starting %s (state: %s)", ", ".join(supervisor.platforms), store.backend)
                background = [asyncio.ensure_future(job(stop)) for job in jobs]
                try:
                    await _until_stopped(supervisor.run(stop), loading)
                finally:
                    stop.set()
                    await _finish(background, supervisor.close_timeout)
        finally:
            if endpoint is not None:
                await endpoint.cleanup()
        if supervisor.all_failed:
            log.error(msg.CLI_NO_PLATFORM_LEFT.format(names=", ".join(supervisor.platforms)))
            return EXIT_NO_PLATFORM
        log.info("stopped")
        return 0
    except asyncio.CancelledError:
        if forced():
            return 130
        raise
    finally:
        if loading is not None and not loading.done():
            loading.cancel()
            await asyncio.gather(loading, return_exceptions=True)
        await store.close()


async def _until_stopped(supervised: Awaitable[None], loading: asyncio.Future[Any]) -> None:
    """Run the platforms; a corpus load that fails (a bug, a full disk) stops everything with its error."""
    platforms = asyncio.ensure_future(supervised)
    try:
        done, _ = await asyncio.wait({platforms, loading}, return_when=asyncio.FIRST_COMPLETED)
        if loading in done and not loading.cancelled() and loading.exception() is not None:
            platforms.cancel()
            await asyncio.gather(platforms, return_exceptions=True)
            loading.result()
        await platforms
    finally:
        if not platforms.done():
            platforms.cancel()
            await asyncio.gather(platforms, return_exceptions=True)


async def _finish(tasks: list[asyncio.Future[None]], within: float) -> None:
    """Background jobs end at shutdown: they saw `stop`; any still running after `within` seconds is cancelled."""
    if not tasks:
        return
    _, late = await asyncio.wait(tasks, timeout=within)
    for task in late:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@contextlib.contextmanager
def _signals(stop: asyncio.Event, grace: float, on_hangup: Callable[[], object] | None) -> Iterator[Callable[[], bool]]:
    """SIGTERM and SIGINT set `stop`; a second one cancels the run at once (the callable yielded then
    says True); SIGHUP calls `on_hangup`."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    installed: list[signal.Signals] = []
    forced = False

    def stopping(sig: signal.Signals) -> None:
        nonlocal forced
        if not stop.is_set():
            log.info(msg.CLI_STOPPING.format(signal=sig.name, seconds=grace))
            stop.set()
        elif task is not None and not forced:
            forced = True
            log.warning("stopping now (%s again)", sig.name)
            task.cancel()

    handlers: list[tuple[signal.Signals, Callable[..., object], tuple[Any, ...]]] = [
        (signal.SIGTERM, stopping, (signal.SIGTERM,)),
        (signal.SIGINT, stopping, (signal.SIGINT,)),
    ]
    if on_hangup is not None:
        handlers.append((signal.SIGHUP, on_hangup, ()))
    for sig, callback, args in handlers:
        try:
            loop.add_signal_handler(sig, callback, *args)
        except (NotImplementedError, RuntimeError):  # not the main thread, or no signals here
            continue
        installed.append(sig)
    try:
        yield lambda: forced
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
