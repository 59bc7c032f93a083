"""What `/metrics` reports, in Prometheus' terms: one registry per process, defined here, served by
`adapters/health.py`. Each concern reports in one place: `MeteredEngine` (questions and answers, per
platform), the featured scheduler (`Metrics.featured`), the platform supervisor (states and reconnects)
and the corpus loader (`Metrics.corpus_loaded`)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import Enum as StateMetric

from bot.answers import Answer
from bot.engine import Engine
from bot.models import Film, Question

PLATFORM_STATES = ("starting", "connected", "reconnecting", "failed", "stopped")
# Seconds: a cached card is a millisecond, a first read of a long review a few hundred.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def answer_kind(answer: Answer) -> str:
    """An answer's shape as a metric label: ReviewCard -> review_card, NotFound -> not_found."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(answer).__name__).lower()


class Metrics:
    """The process's metrics, in their own registry (nothing global, so tests can make several)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.questions = Counter(
            "reviewbot_questions", "Questions asked, by platform and intent", ["platform", "intent"], registry=r
        )
        self.answers = Counter(
            "reviewbot_answers",
            "Answers given, by platform and shape (review_card, not_found, abstain, ...)",
            ["platform", "answer"],
            registry=r,
        )
        self.not_found = Counter(
            "reviewbot_not_found", "Questions about a film not in the corpus", ["platform"], registry=r
        )
        self.abstentions = Counter(
            "reviewbot_abstentions", "Questions the reviews do not talk about", ["platform"], registry=r
        )
        self.errors = Counter("reviewbot_answer_errors", "Questions the engine failed on", ["platform"], registry=r)
        self.latency = Histogram(
            "reviewbot_answer_seconds",
            "Time to answer a question, by platform and intent",
            ["platform", "intent"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.featured_posts = Counter(
            "reviewbot_featured_posts",
            "Featured posts by outcome: posted, recovered, retried, failed, gave_up, released, lost, error",
            ["platform", "outcome"],
            registry=r,
        )
        self.reconnects = Counter(
            "reviewbot_platform_reconnects",
            "Times a platform was reconnected after a failure",
            ["platform"],
            registry=r,
        )
        self.platform_state = StateMetric(
            "reviewbot_platform_state", "Each platform's connection state", ["platform"], states=list(PLATFORM_STATES),
            registry=r,
        )  # fmt: skip
        self.films = Gauge("reviewbot_corpus_films", "Films in the loaded corpus", registry=r)
        self.reviews = Gauge("reviewbot_corpus_reviews", "Reviews in the loaded corpus", registry=r)
        self.load_seconds = Gauge("reviewbot_corpus_load_seconds", "How long the last corpus load took", registry=r)
        self.loaded_at = Gauge(
            "reviewbot_corpus_loaded_timestamp_seconds", "When the corpus was last loaded (Unix time)", registry=r
        )

    def corpus_loaded(self, films: Iterable[Film], seconds: float) -> None:
        """A corpus was (re)loaded: its size and how long it took."""
        films = tuple(films)
        self.films.set(len(films))
        self.reviews.set(sum(len(f.reviews) for f in films))
        self.load_seconds.set(seconds)
        self.loaded_at.set(time.time())

    def platform(self, name: str, state: str) -> None:
        """A platform's connection changed state."""
        self.platform_state.labels(platform=name).state(state)

    def featured(self, platform: str) -> Callable[[str], None]:
        """What a featured scheduler of `platform` calls with each outcome."""
        return lambda outcome: self.featured_posts.labels(platform=platform, outcome=outcome).inc()


class MeteredEngine:
    """The engine as one platform uses it: each answer is counted and timed; everything else is the engine's."""

    def __init__(self, engine: Engine, platform: str, metrics: Metrics) -> None:
        self._engine = engine
        self._platform = platform
        self._metrics = metrics

    async def answer(self, question: Question) -> Answer:
        m, platform, intent = self._metrics, self._platform, question.intent.value
        m.questions.labels(platform=platform, intent=intent).inc()
        start = time.perf_counter()
        try:
            answer = await self._engine.answer(question)
        except Exception:
            m.errors.labels(platform=platform).inc()
            raise
        finally:
            m.latency.labels(platform=platform, intent=intent).observe(time.perf_counter() - start)
        kind = answer_kind(answer)
        m.answers.labels(platform=platform, answer=kind).inc()
        if kind == "not_found":
            m.not_found.labels(platform=platform).inc()
        elif kind == "abstain":
            m.abstentions.labels(platform=platform).inc()
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)
