"""What a failed Slack call means: in a few words for the log, and for the featured scheduler."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError

from bot.featured import PermanentPostError, TransientPostError

# Slack errors (HTTP 200, ok: false) worth retrying; any other error code is permanent.
TRANSIENT_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})


def _retry_after(headers: Any) -> float | None:
    for key in headers or {}:
        if str(key).lower() == "retry-after":
            try:
                return max(0.0, float(headers[key]))
            except (TypeError, ValueError):
                return None
    return None


def describe(error: Exception) -> str:
    """A failed Slack call in a few words, for logs (never the token or the payload)."""
    if isinstance(error, SlackApiError):
        data = error.response.data
        code = data.get("error") if isinstance(data, dict) else None
        return f"HTTP {error.response.status_code} {code or ''}".strip()
    return type(error).__name__


def post_error(error: Exception) -> TransientPostError | PermanentPostError:
    """A Slack failure as the scheduler sees it.

    HTTP 5xx, 429 / `ratelimited` (with Retry-After), Slack's own temporary errors and network
    errors are transient; any other error code (`channel_not_found`, `not_in_channel`,
    `is_archived`, `invalid_auth`, `missing_scope`, …) is permanent.
    """
    detail = describe(error)
    if not isinstance(error, SlackApiError):
        return TransientPostError(detail)
    status = error.response.status_code
    data = error.response.data
    code = str(data.get("error") or "") if isinstance(data, dict) else ""
    if status == 429 or status >= 500 or code in TRANSIENT_ERRORS:
        return TransientPostError(detail, retry_after=_retry_after(error.response.headers))
    return PermanentPostError(code or detail)
