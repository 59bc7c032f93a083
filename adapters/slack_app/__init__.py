"""Slack adapter: slash commands, mentions, DMs, buttons and the review menu on slack-bolt's AsyncApp.

Questions go to `bot.engine.Engine`; answers come back as `bot.cards.Card`s, drawn here as Block
Kit within Slack's limits, every user and corpus text escaped for mrkdwn so nothing echoed can ping.

    app.py       create_app and its listeners
    blocks.py    Card -> Block Kit, escaping, Slack's limits
    replies.py   asking the engine; response_url (at most 5 messages) and chat.post* replies
    featured.py  /featured
    admin.py     AdminCheck: who may change featured posts
    poster.py    SlackPoster and the featured scheduler
    errors.py    what a failed Slack call means
    serve.py     HTTP mode, Socket Mode, `SlackService` (under the supervisor), `run`
"""

from __future__ import annotations

from adapters.slack_app.admin import AdminCheck
from adapters.slack_app.app import conversation_key, create_app, help_text, parse_mention
from adapters.slack_app.blocks import escape, render
from adapters.slack_app.errors import post_error, transient
from adapters.slack_app.poster import FEATURED_EVENT_TYPE, SlackPoster, featured_post, featured_scheduler
from adapters.slack_app.replies import MAX_RESPONSE_URL_USES
from adapters.slack_app.serve import (
    SlackService,
    check_bot_token,
    close_socket_mode,
    run,
    start_http,
    start_socket_mode,
)

__all__ = [
    "FEATURED_EVENT_TYPE",
    "MAX_RESPONSE_URL_USES",
    "AdminCheck",
    "SlackPoster",
    "SlackService",
    "check_bot_token",
    "close_socket_mode",
    "conversation_key",
    "create_app",
    "escape",
    "featured_post",
    "featured_scheduler",
    "help_text",
    "parse_mention",
    "post_error",
    "render",
    "run",
    "start_http",
    "start_socket_mode",
    "transient",
]
