"""What a failed Slack call means: in a few words for the log, and for the featured scheduler."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError

from bot.featured import PermanentPostError, TransientPostError

# Slack errors (HTTP 200, ok: false) worth retrying; any other error code is permanent.
TRANSIENT_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})
# Slack's answers to a token no retry will make good (auth.test, apps.connections.open).
REJECTED = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "missing_scope", "token_revoked", "token_expired",
     "not_allowed_token_type", "no_permission", "team_access_not_granted"}
)  # fmt: skip


def error_code(error: SlackApiError) -> str:
    """Slack's error code (`invalid_auth`, `ratelimited`, …), or "" when the body has none."""
    data = error.response.data
    return str(data.get("error") or "") if isinstance(data, dict) else ""


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
    code = error_code(error)
    if status == 429 or status >= 500 or code in TRANSIENT_ERRORS:
        return TransientPostError(detail, retry_after=_retry_after(error.response.headers))
    return PermanentPostError(code or detail)


def transient(error: BaseException) -> str | None:
    """A failed connection attempt Slack itself says may pass (HTTP 5xx, 429, its temporary codes), in a few
    words for the supervisor; None for anything else."""
    if not isinstance(error, SlackApiError):
        return None
    status = error.response.status_code
    if status >= 500 or status == 429 or error_code(error) in TRANSIENT_ERRORS:
        return describe(error)
    return None
