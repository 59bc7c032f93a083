"""Dockerfile, compose.yaml and the systemd unit, checked without Docker or systemd (neither runs here).

What can be checked is: the image installs what CI installs and tests, every setting they make is a real
one and loads, the paths they use agree, secrets come only from env files, and the health check passes
against the app's health endpoint (and fails when nothing answers).
"""

from __future__ import annotations

import asyncio
import configparser
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

from adapters import health
from bot.config import ENV_PREFIX, OTHER_ENV, HealthConfig, _env_names, load_config
from bot.metrics import Metrics
from bot.store import url_problem
from tests.bot_process import free_port
from tests.conftest import ROOT

SECRETS = {"DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"}


def known_variables() -> set[str]:
    return {name for _, name in _env_names()} | OTHER_ENV


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n\s*", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def docker_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in dockerfile():
        if word == "ENV":
            env.update(dict(pair.split("=", 1) for pair in shlex.split(rest)))
    return env


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def unit() -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string((ROOT / "deploy" / "reviewbot.service").read_text())
    return parser


def unit_values(key: str) -> list[str]:
    """Every value of `key` in [Service] (systemd allows a key several times; configparser keeps the last)."""
    text = (ROOT / "deploy" / "reviewbot.service").read_text()
    return re.findall(rf"^{re.escape(key)}=(.*)$", text, re.M)


def test_the_image_installs_the_extras_ci_installs_and_tests() -> None:
    installs = [rest for word, rest in dockerfile() if word == "RUN" and "pip install" in rest]
    assert len(installs) == 1, installs
    (target,) = [arg for arg in shlex.split(installs[0]) if arg.startswith(".")]
    extras = set(re.fullmatch(r"\.\[([\w,]+)\]", target).group(1).split(","))  # type: ignore[union-attr]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    (self_dep,) = [d for d in project["optional-dependencies"]["dev"] if d.startswith("reviewbot[")]
    assert extras == set(self_dep[len("reviewbot[") : -1].split(",")), "the dev install CI runs has the same extras"
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet -e '.[dev]'" in makefile, "CI's install (make) is the dev extra"


def test_the_image_runs_as_a_user_with_data_dir_a_volume() -> None:
    steps = dockerfile()
    (base,) = [rest for word, rest in steps if word == "FROM"]
    assert re.fullmatch(r"python:3\.1[1-9]-slim", base)
    users = [rest for word, rest in steps if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    (volume,) = [rest for word, rest in steps if word == "VOLUME"]
    assert volume == docker_env()["REVIEWBOT_DATA_DIR"] == "/data"
    assert [rest for word, rest in steps if word == "CMD"] == ['["reviewbot", "run"]']
    assert [rest for word, rest in steps if word == "STOPSIGNAL"] == ["SIGTERM"]


def test_the_settings_the_image_makes_are_real_and_load(tmp_path: Path) -> None:
    env = docker_env()
    names = {n for n in env if n.startswith(ENV_PREFIX)}
    assert names <= known_variables(), names - known_variables()
    config_file = Path(env["REVIEWBOT_CONFIG"])
    assert config_file.parts[:2] == ("/", "app")  # WORKDIR /app holds config/ and corpus/, as in the repository
    local = {
        **env,
        "REVIEWBOT_CONFIG": str(ROOT / config_file.relative_to("/app")),
        "REVIEWBOT_DATA_DIR": str(tmp_path),
    }
    config = load_config(env={k: v for k, v in local.items() if k.startswith(ENV_PREFIX)})
    assert config.corpus == ROOT / "corpus", "the bundled config's corpus, beside its config/ folder as in /app"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "REVIEWBOT_"))}
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "check"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, env={**base, **local},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 reviews of 2 films, no problems" in done.stdout


async def test_the_healthcheck_command_passes_against_the_health_endpoint_and_fails_without_it() -> None:
    (check,) = [rest for word, rest in dockerfile() if word == "HEALTHCHECK"]
    command = json.loads(check.split(" CMD ", 1)[1])
    assert command[0] == "python" and "REVIEWBOT_HEALTH_PORT" in known_variables()
    port = free_port()
    env = {
        **os.environ,
        "REVIEWBOT_HEALTH_PORT": str(port),
        "http_proxy": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
    }

    async def healthcheck() -> int:
        proc = await asyncio.create_subprocess_exec(sys.executable, *command[1:], env=env,
                                                    stderr=asyncio.subprocess.DEVNULL)  # fmt: skip
        return await asyncio.wait_for(proc.wait(), 20)

    assert await healthcheck() != 0  # nothing listening: unhealthy
    endpoint = await health.start(HealthConfig(host="127.0.0.1", port=port), lambda: (False, {}), Metrics())
    try:
        assert await healthcheck() == 0  # alive, even before the corpus is ready
    finally:
        await endpoint.cleanup()


def test_compose_runs_the_bot_with_postgresql_volumes_and_secrets_from_an_env_file() -> None:
    services = compose()["services"]
    assert set(services) == {"bot", "db"}
    bot, db = services["bot"], services["db"]
    assert bot["build"] == "." and bot["env_file"] == ".env" and "db" in bot["depends_on"]
    env = bot["environment"]
    assert set(env) <= known_variables(), set(env) - known_variables()
    assert not SECRETS & set(env), "tokens come from the env file only"
    url = env["REVIEWBOT_DATABASE_URL"].replace("${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}", "pw")
    assert url_problem(url) is None and "@db:5432/" in url, "the db service, by its name"
    assert db["environment"]["POSTGRES_USER"] in url and url.endswith("/" + db["environment"]["POSTGRES_DB"])
    mounts = {v.split(":")[1]: v.split(":")[0] for v in bot["volumes"]}
    assert mounts[env["REVIEWBOT_DATA_DIR"]] == "data" and "data" in compose()["volumes"]
    assert mounts["/app/corpus"] == "./corpus"
    assert any(v.startswith("db:") for v in db["volumes"]) and "db" in compose()["volumes"]
    assert load_config(env={k: v.replace("${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}", "pw")
                            for k, v in env.items()}).database.url  # fmt: skip


def test_the_env_file_example_holds_exactly_the_secrets() -> None:
    text = (ROOT / "deploy" / "reviewbot.env.example").read_text()
    names = {line.split("=", 1)[0] for line in text.splitlines() if line and not line.startswith("#")}
    assert names == SECRETS | {"POSTGRES_PASSWORD"}
    assert all(line.endswith("=") for line in text.splitlines() if line and not line.startswith("#")), "no values"


def test_the_systemd_unit_restarts_on_failure_as_its_own_user_stops_on_sigterm_and_reloads_on_sighup() -> None:
    service = unit()["Service"]
    assert service["Restart"] == "on-failure" and service["RestartPreventExitStatus"] == "2"
    assert service["User"] == "reviewbot" and service["KillSignal"] == "SIGTERM"
    assert service["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert service["EnvironmentFile"] == "/etc/reviewbot/reviewbot.env"
    program, *args = shlex.split(service["ExecStart"])
    assert Path(program).name == "reviewbot" and args == ["run"]
    settings = dict(value.split("=", 1) for value in unit_values("Environment"))
    assert set(settings) <= known_variables()
    assert settings["REVIEWBOT_DATA_DIR"] == "/var/lib/" + service["StateDirectory"]
    assert not SECRETS & set(settings), "tokens only in the EnvironmentFile"
    assert unit()["Install"]["WantedBy"] == "multi-user.target"
