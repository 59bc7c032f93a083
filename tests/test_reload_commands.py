"""/reload on Discord and Slack: admins reload and see what changed; everyone else is told it is for admins."""

from __future__ import annotations

from pathlib import Path

from bot import messages as msg
from bot.config import DiscordConfig, SlackCommands
from bot.corpus import CACHE_NAME
from bot.engine import Engine
from bot.reload import Reloader
from tests.conftest import write
from tests.fakes.discord_driver import discord_driver
from tests.fakes.discord_driver import to_reply as discord_reply
from tests.fakes.discord_fake import MANAGE_GUILD, MEMBER_PERMISSIONS
from tests.fakes.slack_driver import slack_driver, to_reply

ADMIN = str(int(MEMBER_PERMISSIONS) | MANAGE_GUILD)
HEAT = "---\ntitle: Heat\nyear: 1995\n---\nHeat is a tense, gripping thriller.\n"
BROKEN = "---\ntitle: [\n---\nbroken\n"


async def loaded(tmp_path: Path) -> Reloader:
    corpus = tmp_path / "corpus"
    write(corpus, "paper-moon.md", "---\ntitle: Paper Moon\n---\nPaper Moon is a delightful, warm film.\n")
    reloader = Reloader(Engine(None), corpus, tmp_path / CACHE_NAME, tmp_path / "index")
    await reloader.reload()
    return reloader


async def test_discord_reload_for_manage_server_only(tmp_path: Path) -> None:
    reloader = await loaded(tmp_path)
    corpus = reloader.corpus_dir
    async with discord_driver(reloader.engine, DiscordConfig(), reloader=reloader) as d:
        (command,) = [c for c in d.fake.commands[None] if c["name"] == "reload"]
        assert command["default_member_permissions"] is None  # checked when it runs, like /featured

        write(corpus, "heat.md", HEAT)
        write(corpus, "bad.md", BROKEN)
        for permissions, guild in ((MEMBER_PERMISSIONS, True), (ADMIN, False)):  # a member; anyone in a DM
            iid = await d.fake.slash("reload", {}, permissions=permissions, guild=guild)
            (refused,) = await d.fake.interaction_replies(iid)
            assert discord_reply(refused).ephemeral and msg.RELOAD_ADMINS_ONLY in discord_reply(refused).text
        assert (await d.command("review", "heat"))[0].text.startswith("Not found")

        iid = await d.fake.slash("reload", {}, permissions=ADMIN)
        (report,) = await d.fake.interaction_replies(iid)
        shown = discord_reply(report)
        assert shown.ephemeral and "Reloaded the reviews: +1 review, 1 problem." in shown.text, shown.text
        assert "bad.md:2" in shown.text and "Answering from 2 reviews of 2 films." in shown.text
        assert "Heat" in (await d.command("review", "heat"))[0].text


async def test_no_reload_command_without_a_reloader(engine: Engine) -> None:
    async with discord_driver(engine, DiscordConfig()) as d:
        assert "reload" not in d.fake.command_names()


async def test_slack_reload_for_workspace_admins_and_slack_admins(tmp_path: Path) -> None:
    reloader = await loaded(tmp_path)
    commands = SlackCommands(reload="/film-reload")
    async with slack_driver(reloader.engine, commands=commands, reloader=reloader, admins=("UCONFIG",)) as d:
        fake = d.fake
        fake.set_user("UOWNER", is_owner=True)
        write(reloader.corpus_dir, "heat.md", HEAT)
        (refused,) = await fake.slash("/film-reload", "", user="U1")
        assert to_reply(refused).ephemeral and msg.RELOAD_ADMINS_ONLY in to_reply(refused).text
        assert "Not found" in (await d.command("review", "heat"))[0].text

        (done,) = await fake.slash("/film-reload", "", user="UOWNER")  # a workspace owner (users.info)
        assert to_reply(done).ephemeral and "Reloaded the reviews: +1 review." in to_reply(done).text
        (again,) = await fake.slash("/film-reload", "", user="UCONFIG")  # listed in slack.admins
        assert "Reloaded the reviews: no changes." in to_reply(again).text
        assert "Heat" in (await d.command("review", "heat"))[0].text
        assert fake.rejected == []
