"""The monitoring endpoint of `reviewbot run` (config `health`): an aiohttp server with

/healthz   200 while the process is alive (it answers, so its event loop runs)
/readyz    200 when the corpus is loaded and every configured platform is connected, else 503;
           a JSON body with the corpus and each platform's state
/metrics   the process's metrics (`bot.metrics.Metrics`) in Prometheus' text format
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot import messages as msg
from bot.config import HealthConfig
from bot.errors import ConfigError
from bot.metrics import Metrics

log = logging.getLogger("reviewbot.health")

Readiness = Callable[[], tuple[bool, dict[str, Any]]]


def health_app(readiness: Readiness, metrics: Metrics) -> web.Application:
    """The endpoint's routes: `readiness()` says whether the bot is ready, and the details."""

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(request: web.Request) -> web.Response:
        ready, details = readiness()
        body = json.dumps({"ready": ready, **details}, indent=2)
        return web.Response(text=body, status=200 if ready else 503, content_type="application/json")

    async def scrape(request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(metrics.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", scrape)
    return app


async def start(config: HealthConfig, readiness: Readiness, metrics: Metrics) -> web.AppRunner:
    """Serve the endpoint on config.host:config.port (`ConfigError` if it cannot listen there)."""
    runner = web.AppRunner(health_app(readiness, metrics), access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    try:
        await web.TCPSite(runner, config.host, config.port).start()
    except OSError as e:
        await runner.cleanup()
        reason = e.strerror or str(e)
        raise ConfigError(msg.HEALTH_CANNOT_LISTEN.format(host=config.host, port=config.port, reason=reason)) from None
    log.info("health: /healthz, /readyz and /metrics on %s:%s", config.host, config.port)
    return runner
