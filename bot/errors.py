"""Errors reviewbot raises. Their text is for admins and logs, never for chat users.

ReviewbotError
├── ConfigError        broken config file or environment; the CLI exits 2
├── CorpusError        a review file that cannot be loaded (path and line)
└── StorageError       the database cannot be reached or upgraded
"""

from __future__ import annotations


class ReviewbotError(Exception):
    """Base class for every error reviewbot raises on purpose."""


class ConfigError(ReviewbotError):
    """The config file or environment is invalid; the message says how to fix it."""


class CorpusError(ReviewbotError):
    """One review file is unusable; `path` and `line` say where."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class StorageError(ReviewbotError):
    """The database failed in a way a retry will not fix."""
