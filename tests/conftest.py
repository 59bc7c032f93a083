"""Shared fixtures. The network is impossible here: only loopback addresses resolve or connect."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.corpus import load_corpus
from bot.models import Film

pytest_plugins = ["tests.storage_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED_DATA = ROOT.parent / "shared" / "data"
_LOOPBACK = ("localhost", "127.", "::1", "0.0.0.0")

_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _allowed(host: object) -> bool:
    if host is None:
        return True
    name = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
    return name.startswith(_LOOPBACK)


def _guard_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if not _allowed(host):
        raise OSError(f"network disabled in tests: tried to resolve {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _guard_connect(self, address):  # type: ignore[no-untyped-def]
    if isinstance(address, tuple) and not _allowed(address[0]):
        raise OSError(f"network disabled in tests: tried to connect to {address!r}")
    return _real_connect(self, address)


def _guard_connect_ex(self, address):  # type: ignore[no-untyped-def]
    if isinstance(address, tuple) and not _allowed(address[0]):
        raise OSError(f"network disabled in tests: tried to connect to {address!r}")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def no_network() -> Iterator[None]:
    mp = pytest.MonkeyPatch()
    mp.setattr(socket, "getaddrinfo", _guard_getaddrinfo)
    mp.setattr(socket.socket, "connect", _guard_connect)
    mp.setattr(socket.socket, "connect_ex", _guard_connect_ex)
    yield
    mp.undo()


@pytest.fixture(scope="session")
def seed_films() -> tuple[Film, ...]:
    corpus = load_corpus(CORPUS)
    assert not corpus.problems, corpus.problems
    return corpus.films


@pytest.fixture
def engine(seed_films: tuple[Film, ...]):  # type: ignore[no-untyped-def]
    from bot.engine import Engine

    return Engine(seed_films)


def write(folder: Path, name: str, text: str) -> Path:
    """Write a review file for a test corpus."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
