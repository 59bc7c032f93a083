"""Logging set-up that can never print a secret."""

from __future__ import annotations

import logging
from collections.abc import Iterable


class Redact(logging.Filter):
    """Replaces every known secret in a log record with `***`."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        text = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        clean = self._scrub(text)
        exc = self._scrub(record.exc_text) if record.exc_text else record.exc_text
        if clean != text or exc != record.exc_text:
            record.msg, record.args, record.exc_text = clean, None, exc
        return True

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


def setup(level: str, secrets: Iterable[str | None]) -> None:
    """Log to stderr at `level`, with secrets redacted from every record."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
