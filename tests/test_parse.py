"""Typed commands, as the console and chat mentions read them (`adapters.parse`)."""

from __future__ import annotations

from adapters.parse import command, question
from adapters.slack_app import parse_mention
from bot.models import Intent, Question


def test_command_words_with_or_without_a_slash_and_anything_else_is_a_question() -> None:
    assert command("/review celestial symphny") == (Intent.REVIEW, "celestial symphny")
    assert command("review Heat by Ana") == (Intent.REVIEW, "Heat by Ana")
    assert command("  VERDICT   heat ") == (Intent.VERDICT, "heat")
    assert command("Ask: how is the music?") == (Intent.ASK, "how is the music?")
    assert command("full, heat") == (Intent.FULL, "heat")
    assert command("list") == (Intent.LIST, "")
    assert command("how is the music in Heat?") == (Intent.ASK, "how is the music in Heat?")
    assert command("reviewers of heat") == (Intent.ASK, "reviewers of heat")  # a word, not a prefix
    assert command("") == (Intent.ASK, "")
    assert command("help me find a scary film") == (Intent.ASK, "help me find a scary film")
    assert command("list the films with good music") == (Intent.ASK, "list the films with good music")
    assert command("/list") == (Intent.LIST, "") and command("Help") == (Intent.HELP, "")
    assert command("review of the godfather") == (Intent.REVIEW, "the godfather")
    assert question("/help", "c1") == Question(Intent.HELP, "", "c1")


def test_slack_mentions_drop_the_bot_mention_first() -> None:
    assert parse_mention("<@UBOT> review Heat", "UBOT") == (Intent.REVIEW, "Heat")
    assert parse_mention("<@UBOT|reviewbot> how is Heat?", "UBOT") == (Intent.ASK, "how is Heat?")
    assert parse_mention("<@UOTHER> review Heat", "UBOT") == (Intent.ASK, "<@UOTHER> review Heat")
