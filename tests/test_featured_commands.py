"""/featured commands as every platform runs them, on both storage backends."""

from __future__ import annotations

from bot.answers import ReviewCard
from bot.engine import Engine
from bot.featured import FeaturedCommands
from bot.store import Store
from tests.storage_fixtures import FakeClock


async def test_admins_subscribe_and_everyone_sees_status(store: Store, store_clock: FakeClock, engine: Engine) -> None:
    cmds = FeaturedCommands(store, engine, clock=store_clock)
    refused = await cmds.run("discord", "42", "subscribe 09:00 Europe/Paris", user="u1", is_admin=False)
    assert refused.ephemeral and "Only server or workspace admins" in refused.text
    assert await store.get_subscription("discord", "42") is None
    done = await cmds.run("discord", "42", "subscribe 9:00 europe/paris", user="u1", is_admin=True)
    assert not done.ephemeral and "every day at 09:00 (Europe/Paris)" in done.text
    status = await cmds.run("discord", "42", "status", user="u2", is_admin=False)
    assert "09:00 (Europe/Paris)" in status.text and "2026-01-16" in status.text  # 12:00 UTC is past 09:00 Paris


async def test_bad_time_and_timezone_get_clear_errors(store: Store, engine: Engine) -> None:
    cmds = FeaturedCommands(store, engine)
    bad_time = await cmds.subscribe("slack", "C1", "25:61", "UTC", user="u", is_admin=True)
    assert bad_time.ephemeral and "not a time of day" in bad_time.text
    bad_zone = await cmds.subscribe("slack", "C1", "09:00", "Mars/Olympus", user="u", is_admin=True)
    assert bad_zone.ephemeral and "not a time zone I know" in bad_zone.text
    assert "Usage" in (await cmds.run("slack", "C1", "sing", user="u", is_admin=True)).text


async def test_today_previews_the_channels_pick_and_unsubscribe(store: Store, engine: Engine) -> None:
    cmds = FeaturedCommands(store, engine)
    preview = await cmds.today("slack", "C9")
    assert isinstance(preview.answer, ReviewCard) and preview.answer.film.title in preview.text
    assert (await cmds.unsubscribe("slack", "C9", is_admin=True)).text.startswith("This channel has no")
    await cmds.subscribe("slack", "C9", "08:30", "UTC", user="u", is_admin=True)
    assert (await cmds.unsubscribe("slack", "C9", is_admin=False)).ephemeral
    assert "no longer" in (await cmds.unsubscribe("slack", "C9", is_admin=True)).text
