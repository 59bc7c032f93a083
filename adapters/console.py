"""The console chat: the same commands as on Discord and Slack, on stdin and stdout."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import IO, TextIO

from adapters.parse import question
from bot import messages as msg
from bot.answers import Answer
from bot.engine import Engine
from bot.models import Question
from bot.render import text, to_json

CONVERSATION = "console"
QUIT = frozenset({"/quit", "/exit", "/q"})


def parse(line: str, conversation: str = CONVERSATION) -> Question:
    """A console line as a Question: `/review TITLE`, `/ask …`, or a plain question."""
    return question(line, conversation)


def show(answer: Answer, as_json: bool) -> str:
    """What the console prints for one answer: its cards as text, or the `--json` object."""
    if as_json:
        return json.dumps(to_json(answer), ensure_ascii=False)
    return text(answer)


MAX_LINE = 64 * 1024  # bytes of one input line that are read; the rest of a longer line is skipped


def read_line(stdin: IO[str] | IO[bytes]) -> str | None:
    """One line of input, or None at its end.

    Bytes are decoded as UTF-8 with bad sequences replaced (U+FFFD), so any input gives valid text.
    A line longer than `MAX_LINE` bytes is cut there and the rest of it skipped.
    """
    source = getattr(stdin, "buffer", stdin)  # the bytes under a text stream, when there are any
    line = source.readline(MAX_LINE)
    rest = line
    while len(rest) >= MAX_LINE and rest[-1:] not in ("\n", b"\n"):
        rest = source.readline(MAX_LINE)
    if not line:
        return None
    return line.decode("utf-8", "replace") if isinstance(line, bytes) else str(line)


async def chat(
    engine: Engine, *, as_json: bool = False, stdin: IO[str] | IO[bytes] = sys.stdin, stdout: TextIO = sys.stdout
) -> None:
    """Answer each line read from `stdin` until end of input or /quit."""
    interactive = stdin.isatty() and not as_json
    if interactive:
        print(msg.CONSOLE_BANNER.format(count=len(engine.films)), file=stdout)
    loop = asyncio.get_running_loop()
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = await loop.run_in_executor(None, read_line, stdin)
        if line is None:
            break
        if line.strip().lower() in QUIT:
            break
        if not line.strip() and not as_json:
            continue
        answer = await engine.answer(parse(line))
        print(show(answer, as_json), file=stdout, flush=True)
        if not as_json:
            print(file=stdout)
