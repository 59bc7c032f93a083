"""Logging set-up that can never print a secret, and `mask`, which hides credentials in any text."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

MASK = "***"
# Words that make a key (or environment variable) hold a secret: `bot_token`, `SLACK_SIGNING_SECRET`, `db_password`.
SECRET_WORDS = re.compile(r"passw(?:or)?d|\bpass\b|\bpwd\b|secret|token|api[_-]?key|credential|private[_-]?key", re.I)
# scheme://user:PASSWORD@host: the password runs to the last @ on its line within 300 characters (a careless
# password may hold any character; hiding too much is the safe mistake). Every repetition is bounded, so
# masking a long line takes linear time.
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,30}://[^\s:/@]{0,100}:)[^\n]{0,300}@")
# key: value, key=value, 'key': 'value', with a secret-looking key: the value (a quoted one whole) is hidden.
_SECRET_VALUE = re.compile(
    r"""(?ix)
    (\b[\w.-]{0,24}?(?:passw(?:or)?d|pwd|secret|token|api[_-]?key|credentials?|private[_-]?key)[\w.-]{0,40}
     ['"]?[ \t]{0,5}[:=][ \t]{0,5})
    (?:'(?!\*\*\*')[^'\n]{0,500}'|"(?!\*\*\*")[^"\n]{0,500}"|(?!\*\*\*)[^\s'",;&)}\]]{1,500})
    """
)
# "Bearer TOKEN", "Basic BASE64": a capitalised word after it is prose ("Basic Information > App-Level Tokens").
_BEARER = re.compile(r"\b([Bb]earer|[Bb]asic|BEARER|BASIC)[ \t]{1,5}(?!\*\*\*)(?![A-Z][a-z]+\b)[\w.~+/=-]{6,500}")


def mask(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every credential hidden: the `secrets` given, URL passwords, values of secret-looking keys."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    text = _URL_CREDENTIALS.sub(rf"\1{MASK}@", text)
    text = _SECRET_VALUE.sub(_hide_value, text)
    return _BEARER.sub(rf"\1 {MASK}", text)


def _hide_value(m: re.Match[str]) -> str:
    value = m.group(0)[len(m.group(1)) :]
    quote = value[0] if value[0] in "'\"" else ""
    return f"{m.group(1)}{quote}{MASK}{quote}"


def url_password(url: str | None) -> str | None:
    """The password in a URL like postgresql://user:password@host/db, if any (as written and decoded)."""
    if not url or "@" not in url:
        return None
    try:
        password = urlsplit(url).password
    except ValueError:
        return None
    return password or None


def known_secrets(values: Iterable[str | None]) -> list[str]:
    """The strings to hide, longest first: each value (6 characters or more) and its URL-decoded form."""
    out = {v for v in values if v and len(v) >= 6}
    out |= {unquote(v) for v in out if len(unquote(v)) >= 6}
    return sorted(out, key=len, reverse=True)


class Redact(logging.Filter):
    """Hides every known secret and every credential-looking text in a log record (message and traceback)."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self._secrets = known_secrets(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        clean = mask(text, self._secrets)
        exc = mask(record.exc_text, self._secrets) if record.exc_text else record.exc_text
        stack = mask(record.stack_info, self._secrets) if record.stack_info else record.stack_info
        if clean != text or exc != record.exc_text or stack != record.stack_info:
            record.msg, record.args, record.exc_text, record.stack_info = clean, None, exc, stack
        return True


class JsonLines(logging.Formatter):
    """One JSON object per record, on one line: time (UTC, ISO 8601), level, logger, message, and the
    exception's text when the record carries one (which it does only at DEBUG or when the code asks)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup(level: str, secrets: Iterable[str | None], log_format: str = "text") -> None:
    """Log to stderr at `level`, as text lines or JSON lines (`log_format`), with secrets redacted from every record."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if log_format.lower() == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
