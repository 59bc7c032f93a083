"""/metrics, /readyz and /healthz: the counters move with the answers, as prometheus-client's parser reads them."""

from __future__ import annotations

import socket
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters import health
from bot.config import HealthConfig
from bot.engine import Engine
from bot.errors import ConfigError
from bot.metrics import MeteredEngine, Metrics
from bot.models import Intent, Question
from tests.bot_process import free_port


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_are_scraped_and_move_after_answers(engine: Engine) -> None:
    metrics = Metrics()
    slack = MeteredEngine(engine, "slack", metrics)
    state: dict[str, Any] = {"ready": False}
    endpoint = await health.start(
        HealthConfig(host="127.0.0.1", port=free_port()),
        lambda: (state["ready"], {"corpus": {"state": "loaded"}, "platforms": {"slack": {"state": "connected"}}}),
        metrics,
    )
    port = endpoint.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as http:

            async def get(path: str) -> tuple[int, str, str]:
                async with http.get(f"http://127.0.0.1:{port}{path}") as resp:
                    return resp.status, resp.headers["Content-Type"], await resp.text()

            status, kind, text = await get("/metrics")
            assert status == 200 and kind.startswith("text/plain; version=")
            before = samples(text)
            assert value(before, "reviewbot_questions_total", platform="slack", intent="review") == 0

            await slack.answer(Question(Intent.REVIEW, "celestial symphny", "slack:T:C1"))
            await slack.answer(Question(Intent.REVIEW, "a film nobody reviewed", "slack:T:C1"))
            await slack.answer(Question(Intent.ASK, "how is the catering in Radiant Reflections?", "slack:T:C1"))
            metrics.featured("slack")("posted")
            metrics.reconnects.labels(platform="slack").inc()
            metrics.platform("slack", "connected")
            metrics.corpus_loaded(engine.films, 0.25)

            after = samples((await get("/metrics"))[2])
            assert value(after, "reviewbot_questions_total", platform="slack", intent="review") == 2
            assert value(after, "reviewbot_questions_total", platform="slack", intent="ask") == 1
            assert value(after, "reviewbot_answers_total", platform="slack", answer="review_card") == 1
            assert value(after, "reviewbot_not_found_total", platform="slack") == 1
            assert value(after, "reviewbot_abstentions_total", platform="slack") == 1
            assert value(after, "reviewbot_answer_seconds_count", platform="slack", intent="review") == 2
            assert value(after, "reviewbot_answer_seconds_bucket", platform="slack", intent="review", le="+Inf") == 2
            assert value(after, "reviewbot_featured_posts_total", platform="slack", outcome="posted") == 1
            assert value(after, "reviewbot_platform_reconnects_total", platform="slack") == 1
            assert value(after, "reviewbot_platform_state", platform="slack", reviewbot_platform_state="connected") == 1
            assert value(after, "reviewbot_corpus_films") == len(engine.films)
            assert value(after, "reviewbot_corpus_reviews") == sum(len(f.reviews) for f in engine.films)
            assert value(after, "reviewbot_corpus_load_seconds") == 0.25

            status, _, text = await get("/readyz")
            assert status == 503 and '"ready": false' in text and '"slack": {' in text
            state["ready"] = True
            assert (await get("/readyz"))[0] == 200
            assert (await get("/healthz"))[:1] == (200,)
    finally:
        await endpoint.cleanup()


async def test_the_metered_engine_is_the_engine_for_everything_else(engine: Engine) -> None:
    metered = MeteredEngine(engine, "discord", Metrics())
    assert metered.films == engine.films and metered.ready
    assert metered.film_for("celestial symphony") == engine.film_for("celestial symphony")
    assert Metrics().registry is not Metrics().registry, "each process (and test) has its own registry"


async def test_a_busy_health_port_is_a_config_error_that_says_what_to_do() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=rf"health: cannot listen on 127.0.0.1:{port} .*REVIEWBOT_HEALTH_PORT"):
            await health.start(HealthConfig(host="127.0.0.1", port=port), lambda: (True, {}), Metrics())
