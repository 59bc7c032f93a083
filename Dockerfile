# reviewbot in a container: `docker compose up -d` (compose.yaml) runs it with PostgreSQL.
#
# Not built in this project's CI (Docker does not run there). It is kept to commands CI does run:
# the install is `pip install .` with the extras the dev install (`make`, CI) includes and tests
# (tests/test_deploy.py checks that, and the settings below, without Docker).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home reviewbot

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
RUN pip install '.[discord,slack,postgres]'
COPY config ./config
COPY corpus ./corpus

# State (SQLite when no database.url, the corpus cache, the search indexes) lives in the /data volume.
# The corpus is /app/corpus (the sample reviews; mount your folder there, see compose.yaml).
RUN mkdir /data && chown reviewbot:reviewbot /data
VOLUME /data
ENV REVIEWBOT_CONFIG=/app/config/reviewbot.yaml \
    REVIEWBOT_DATA_DIR=/data

USER reviewbot

# /healthz answers while the process is alive (the health endpoint, on REVIEWBOT_HEALTH_PORT, 8080 by default);
# asked directly, never through an HTTP_PROXY the container may have.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.build_opener(u.ProxyHandler({})).open('http://127.0.0.1:%s/healthz' % os.environ.get('REVIEWBOT_HEALTH_PORT', '8080'), timeout=4)"]

# `docker stop` sends SIGTERM (a clean shutdown); `docker kill --signal=HUP` reloads the reviews.
STOPSIGNAL SIGTERM
CMD ["reviewbot", "run"]
