"""Bridgeline in its DMs, through the fake Discord: what a person can run there gets an answer
(resources are international, nothing offers to share), server-only actions are refused with a
clear sentence, and commands Discord hides in DMs cannot be sent. /strategy and /script in DMs
are in test_strategies.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.client import Bridgeline
from bot.errors import SOMETHING_WRONG
from bot.fakediscord import FakeDiscord, StandardGuild
from bot.fakediscord.options import check_available

SERVER_ONLY = "works inside a server, not in DMs"
INTERNATIONAL_NOTE = "Region: international"
#: Values for required options that have neither choices nor autocomplete.
TYPED = {3: "my partner has not spoken to me since yesterday", 4: 1, 10: 1.0, 5: True}


async def in_dm(fake: FakeDiscord, path: str, options: dict[str, Any] | None = None, user="you"):
    inter = await fake.slash(path, options, user, fake.dm_channel(user))
    return await inter.response()


async def test_resources_show_in_a_dm_is_international_and_private(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await in_dm(fake, "resources show")
    assert shown.type == 4 and shown.ephemeral
    assert INTERNATIONAL_NOTE in shown.text and "findahelpline.com" in shown.text
    assert "your local emergency number" in shown.text and "999" not in shown.text
    assert shown.message is not None and shown.message.buttons == []

    gb = await in_dm(fake, "resources show", {"topic": "abuse", "region": "GB"})
    assert "National Domestic Abuse Helpline" in gb.text and "Region: as you asked" in gb.text

    dm = fake.dm_channel(world.you)
    regions = await fake.autocomplete("resources show", {"region": "united"}, "region", "you", dm)
    assert [c["value"] for c in regions] == ["US", "GB"]


async def test_a_region_chosen_in_a_server_does_not_follow_into_dms(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    """Regions are stored per server (by pseudonym); a DM has no server to look in."""
    chosen = await fake.slash("resources region", {"region": "GB"}, world.you, world.general)
    assert "United Kingdom" in (await chosen.response()).text
    shown = await in_dm(fake, "resources show")
    assert INTERNATIONAL_NOTE in shown.text and "999" not in shown.text


async def test_server_only_subcommand_in_a_dm_is_refused_clearly(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    refused = await in_dm(fake, "resources region", {"region": "GB"})
    assert refused.ephemeral and SERVER_ONLY in refused.text
    shown = await in_dm(fake, "resources show")
    assert INTERNATIONAL_NOTE in shown.text, "nothing was stored"


async def test_moderator_subcommand_in_a_dm_says_it_needs_a_server(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    refused = await in_dm(fake, "resources post", {"topic": "crisis"}, user=world.mod)
    assert refused.ephemeral and "server" in refused.text and "DM" in refused.text


async def test_commands_hidden_in_dms_cannot_be_sent_there(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    hidden = [c["name"] for c in fake.commands[None] if not _offered_in_dms(c)]
    assert {"checkin", "setup"} <= set(hidden)
    dm = fake.dm_channel(world.you)
    for name in hidden:
        with pytest.raises(LookupError, match="not available in DMs"):
            if any(c["name"] == name and c.get("type", 1) == 1 for c in fake.commands[None]):
                await fake.slash(name, user=world.you, channel=dm)
            else:
                target = await fake.send_message(dm, world.you, "hello")
                await fake.context_menu(name, target, world.you)


async def test_every_command_offered_in_dms_answers_there(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    """Each slash command Discord shows in DMs, with its required options filled, gets a private
    answer (or a modal), never silence and never the unknown-error message."""
    dm = fake.dm_channel(world.you)
    ran = []
    for path, specs in _dm_leaves(fake):
        options = {}
        for spec in specs:
            if spec.get("required"):
                options[spec["name"]] = await _value_for(fake, path, spec, options, dm)
        inter = await fake.slash(path, options, world.you, dm)
        answer = await inter.response()
        ran.append(path)
        assert answer.type == 9 or answer.ephemeral or answer.type == 5, f"/{path} was public"
        answer_text = (await inter.reply()).text if answer.type == 5 else answer.text
        assert SOMETHING_WRONG.split(".")[0] not in answer_text, f"/{path} failed in a DM"
    assert {"strategy show", "resources show", "script"} <= set(ran), ran


def _offered_in_dms(cmd: dict[str, Any]) -> bool:
    try:
        check_available(cmd, None)
    except LookupError:
        return False
    return True


def _dm_leaves(fake: FakeDiscord) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(command path, option specs) for every slash command offered in DMs."""

    def walk(node: dict[str, Any], path: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        options = node.get("options") or []
        subs = [o for o in options if o.get("type") in (1, 2)]
        if not subs:
            yield path, options
        for sub in subs:
            yield from walk(sub, f"{path} {sub['name']}")

    for cmd in fake.commands[None]:
        if cmd.get("type", 1) == 1 and _offered_in_dms(cmd):
            yield from walk(cmd, cmd["name"])


async def _value_for(
    fake: FakeDiscord, path: str, spec: dict[str, Any], given: dict[str, Any], dm: Any
) -> Any:
    """What a person would pick: the first choice, the first suggestion, or typed text."""
    if spec.get("choices"):
        return spec["choices"][0]["value"]
    if spec.get("autocomplete"):
        suggested = await fake.autocomplete(path, given, spec["name"], "you", dm)
        if suggested:
            return suggested[0]["value"]
    return TYPED[spec["type"]]
