"""The command line, run for real as a subprocess, as a person or a script would."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from bot.messages import EMPTY_CORPUS
from tests.conftest import ROOT


def reviewbot(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "REVIEWBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120, env={**clean_env, **(env or {})},
    )  # fmt: skip


def test_review_json_resolves_a_typo() -> None:
    done = reviewbot("review", "celestial symphny", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["kind"] == "review" and data["film"]["title"] == "Celestial Symphony"
    assert data["verdict"]["label"] == "positive" and data["text"].startswith("Celestial Symphony")


def test_verdict_says_positive_with_quote_and_sequel_comparison() -> None:
    done = reviewbot("verdict", "radiant reflection")
    assert done.returncode == 0, done.stderr
    assert "Verdict: Positive" in done.stdout and "“" in done.stdout
    assert "Sequel:" in done.stdout and "original film" in done.stdout


def test_ask_quotes_the_soundtrack() -> None:
    done = reviewbot("ask", "how is the soundtrack in radiant reflections")
    assert "hauntingly beautiful soundtrack" in done.stdout


def test_absent_film_is_not_found_in_json() -> None:
    data = json.loads(reviewbot("review", "The Godfather", "--json").stdout)
    assert data["kind"] == "not_found" and data["film"] is None


def test_chat_json_answers_each_line_with_one_json_line() -> None:
    lines = "/review celestial symphny\nhow is the music?\n/verdict the godfather\n\n/help\n"
    done = reviewbot("chat", "--json", stdin=lines)
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["kind"] for o in out] == ["review", "answer", "not_found", "error", "help"]
    assert out[1]["film"]["title"] == "Celestial Symphony", "follow-up keeps the film of the conversation"


def test_chat_on_a_pipe_prints_plain_answers() -> None:
    done = reviewbot("chat", stdin="/verdict celestial symphony\n/quit\n/help\n")
    assert done.returncode == 0 and "Verdict: Positive" in done.stdout and "/review TITLE" not in done.stdout


def test_run_without_tokens_starts_the_console() -> None:
    done = reviewbot("run", stdin="/list\n")
    assert done.returncode == 0
    assert "starting the console chat" in done.stderr and "Celestial Symphony" in done.stdout


def test_corpus_override_and_broken_files_do_not_stop_the_bot(tmp_path: Path) -> None:
    (tmp_path / "ok.md").write_text("---\ntitle: Paper Moon\n---\nA delightful, warm film.\n")
    (tmp_path / "bad.md").write_text("---\ntitle: [\n---\nx\n")
    done = reviewbot("review", "paper moon", "--corpus", str(tmp_path))
    assert done.returncode == 0 and done.stdout.startswith("Paper Moon")
    assert "bad.md:2" in done.stderr and "1 review file(s) skipped" in done.stderr


def test_check_reports_what_would_start_without_leaking_secrets() -> None:
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123"
    env = {"DISCORD_TOKEN": token, "SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "0" * 32}
    done = reviewbot("check", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Discord" in done.stdout and "Slack (HTTP on 0.0.0.0:3000/slack/events)" in done.stdout
    assert token not in done.stdout + done.stderr and "xoxb-1-2-abc" not in done.stdout + done.stderr
    bad = reviewbot("check", env={"SLACK_BOT_TOKEN": "nope"})
    assert bad.returncode == 2 and "SLACK_BOT_TOKEN does not look right" in bad.stdout


def test_corpus_import_writes_reviews_reports_bad_rows_and_shows_progress(tmp_path: Path) -> None:
    source = tmp_path / "reviews.csv"
    source.write_text('title,year,text\nPaper Moon,1973,"A delightful, warm film."\n,2000,no title here\n')
    done = reviewbot("corpus", "import", str(source), "--corpus", str(tmp_path / "corpus"))
    assert done.returncode == 1 and "Imported 1 of 2 reviews" in done.stdout
    assert "reviews.csv:3:" in done.stderr and "100%" in done.stderr
    answer = reviewbot("review", "paper moon", "--corpus", str(tmp_path / "corpus"))
    assert answer.stdout.startswith("Paper Moon (1973)")


# --- hostile input and a closed output (issue 9) ----------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "REVIEWBOT_", "PYTHONIO"))}
    return {**env, **extra}


@pytest.mark.parametrize("encoding", ["utf-8:strict", None])
def test_invalid_utf8_on_stdin_gets_valid_utf8_json_answers(encoding: str | None) -> None:
    lines = b"/review celestial symphny\n/review \xff\xfe caf\xc3 \xed\xa0\x80 \x00\nand the music?\n\xc3\n"
    env = _env(**({"PYTHONIOENCODING": encoding} if encoding else {}))
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "chat", "--json"],
        input=lines, capture_output=True, cwd=ROOT, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    out = [json.loads(line.decode("utf-8")) for line in done.stdout.splitlines()]  # strict: raises on bad UTF-8
    assert [o["kind"] for o in out] == ["review", "not_found", "answer", "error"]  # the last: no words to ask
    assert "\ufffd" in out[1]["text"] and out[2]["film"]["title"] == "Celestial Symphony"


def test_a_closed_stdout_stops_chat_quietly_with_141() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "chat"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=_env(),
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(b"/review celestial symphony\n" * 300)  # far more answers than a pipe holds
    proc.stdin.close()
    assert proc.stdout.readline() == b"Celestial Symphony\n"
    proc.stdout.close()  # what `| head -1` does after its line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err  # 128 + SIGPIPE, like any program a closed pipe stops
    assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception ignored" not in err


@pytest.mark.parametrize("kind", ["random", "truncated"])
def test_run_on_a_damaged_sqlite_file_exits_3_with_a_message(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "reviewbot.sqlite3"
    if kind == "random":
        path.write_bytes(random.Random(3).randbytes(16384))
    else:
        with closing(sqlite3.connect(path)) as conn, conn:
            conn.execute("CREATE TABLE t (x TEXT)")
            conn.executemany("INSERT INTO t VALUES (?)", [("review " * 40,)] * 500)
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    env = _env(
        DISCORD_TOKEN="MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123",
        REVIEWBOT_DISCORD_API_BASE_URL="http://127.0.0.1:9/api/v10",  # nothing could leave the machine
        REVIEWBOT_DATA_DIR=str(tmp_path),
    )
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "run"], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env
    )
    assert done.returncode == 3, done.stderr
    assert f"Database error: {path} is not a usable SQLite database" in done.stderr and "Traceback" not in done.stderr


# --- issue 13: which config and corpus, every problem, a missing corpus ------------------------------------------


def test_check_names_the_config_file_and_the_corpus_and_lists_every_problem(tmp_path: Path) -> None:
    corpus = tmp_path / "reviews"
    corpus.mkdir()
    (corpus / "ok.md").write_text("---\ntitle: Paper Moon\n---\nA delightful, warm film.\n")
    (corpus / "bad.md").write_text("---\ntitle: [\n---\nx\n")
    (corpus / "empty.txt").write_text("   \n")
    done = reviewbot("check", "--corpus", str(corpus))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Config OK ({ROOT / 'config' / 'reviewbot.yaml'})." in done.stdout
    assert f"Corpus folder: {corpus}" in done.stdout
    assert "1 review of 1 film loaded, 2 problem(s):" in done.stdout
    assert (
        "bad.md:2: front matter is not valid YAML" in done.stdout
        and "empty.txt:1: the review text is empty" in done.stdout
    )

    config = tmp_path / "c.yaml"
    config.write_text("corpus: reviews\n")  # next to the file, wherever `check` runs from
    from_elsewhere = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "check", "--config", str(config)],
        capture_output=True, text=True, cwd=tmp_path.parent, timeout=120, env=_env(),
    )  # fmt: skip
    assert f"Config OK ({config})." in from_elsewhere.stdout and f"Corpus folder: {corpus}" in from_elsewhere.stdout


def test_check_warns_when_the_corpus_is_empty_or_missing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    empty = reviewbot("check", "--corpus", str(tmp_path / "empty"))
    assert empty.returncode == 0 and "Warning:" in empty.stdout and "holds no review files" in empty.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "check"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, env=_env(),
    )  # fmt: skip
    assert missing.returncode == 2, missing.stdout
    assert "Config OK (defaults: no config file at config/reviewbot.yaml)." in missing.stdout
    assert f"The corpus folder {tmp_path / 'corpus'} does not exist" in missing.stdout


@pytest.mark.parametrize("command", [["run"], ["chat"], ["review", "heat"], ["list"]])
def test_started_from_another_folder_without_a_corpus_it_says_so_and_exits_2(
    tmp_path: Path, command: list[str]
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", *command],
        input="/list\n", capture_output=True, text=True, cwd=tmp_path, timeout=120, env=_env(),
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"The corpus folder {tmp_path / 'corpus'} does not exist" in done.stderr
    assert f"working directory ({tmp_path})" in done.stderr and "defaults: no config file" in done.stderr
    assert EMPTY_CORPUS not in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_started_from_another_folder_with_the_config_file_it_finds_the_corpus_beside_it(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "run", "--config", str(ROOT / "config" / "reviewbot.yaml")],
        input="/list\n", capture_output=True, text=True, cwd=tmp_path, timeout=120,
        env=_env(REVIEWBOT_DATA_DIR=str(tmp_path / "data")),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Celestial Symphony" in done.stdout and "Radiant Reflections" in done.stdout
