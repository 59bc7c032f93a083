"""`AdminCheck`: who may change a channel's featured posts on Slack."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack_app.errors import describe

log = logging.getLogger("reviewbot.slack")

ADMIN_CACHE_SECONDS = 60.0  # how long a users.info admin answer is reused


class AdminCheck:
    """May a user change featured posts? In `admins`, or a workspace admin/owner (users.info, cached)."""

    def __init__(
        self,
        admins: Collection[str] = (),
        ttl: float = ADMIN_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.admins = frozenset(admins)
        self.ttl = ttl
        self._clock = clock
        self._cache: dict[str, tuple[float, bool]] = {}

    async def __call__(self, client: AsyncWebClient, user: str) -> bool:
        if user in self.admins:
            return True
        now = self._clock()
        cached = self._cache.get(user)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            response = await client.users_info(user=user)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
            log.warning("slack: users.info failed, treating %s as no admin: %s", user, describe(e))
            return False  # not cached: the next try asks again
        info = response.get("user") or {}
        allowed = any(bool(info.get(flag)) for flag in ("is_admin", "is_owner", "is_primary_owner"))
        if len(self._cache) >= 1000:
            self._cache = {u: c for u, c in self._cache.items() if c[0] > now}
        self._cache[user] = (now + self.ttl, allowed)
        return allowed
