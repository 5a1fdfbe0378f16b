"""Driver API: options, autocomplete, context menus, selects, deferrals, permissions."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from bot.fakediscord import FakeDiscord, StandardGuild


async def test_autocomplete_returns_choices(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    choices = await fake.autocomplete("strategy show", {}, "name", world.you, world.general)
    assert [c["value"] for c in choices] == ["boundaries", "breathing", "time-out", "two words"]


async def test_option_errors_are_caught_before_sending(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    with pytest.raises(ValueError, match="required"):
        await fake.slash("strategy show", {}, world.you, world.general)
    with pytest.raises(ValueError, match="unknown option"):
        await fake.slash("ping", {"loud": True}, world.you, world.general)
    with pytest.raises(LookupError, match="no subcommand"):
        await fake.slash("strategy list", {}, world.you, world.general)
    with pytest.raises(ValueError, match="within"):
        await fake.slash("long", {"size": 0}, world.you, world.general)


async def test_user_option_is_resolved_with_member_permissions(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    inter = await fake.slash("whois", {"member": world.mod}, world.you, world.general)
    assert (await inter.reply()).content == "mod mod=True"
    inter = await fake.slash("whois", {"member": "you"}, world.mod, world.general)
    assert (await inter.reply()).content == "you mod=False"


async def test_interaction_permissions_follow_roles_and_overwrites(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    mod = await fake.slash("perms", user=world.mod, channel=world.mod_alerts)
    assert (await mod.reply()).content == "manage=True view=True app_send=True"
    you = await fake.slash("perms", user=world.you, channel=world.mod_alerts)
    assert (await you.reply()).content == "manage=False view=False app_send=True"


async def test_context_menu_on_message(fake: FakeDiscord, world: StandardGuild, bot: Any) -> None:
    target = await fake.send_message(world.general, world.you, "something worrying")
    inter = await fake.context_menu("Report message", target, world.mod)
    reply = await inter.reply()
    assert reply.content == "Reported: something worrying" and reply.visible_to is world.mod.user


async def test_select_and_other_users_cannot_click(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    shown = (await (await fake.slash("confirm", user=world.you)).response()).message
    assert shown is not None
    picked = await fake.select(shown, "confirm:mood", ["tense"], world.you)
    assert (await picked.reply()).content == "Mood: tense"
    with pytest.raises(ValueError, match="not among"):
        await fake.select(shown, "confirm:mood", ["angry"], world.you)
    for count in ([], ["calm", "tense"]):  # one value by default, as Discord's client enforces
        with pytest.raises(ValueError, match="choose 1 to 1 value"):
            await fake.select(shown, "confirm:mood", count, world.you)
    other = await fake.click(shown, "Yes", world.mod)
    assert (await other.reply()).content == "Not your button."
    assert shown.content == "Are you sure?"


async def test_modal_opened_from_button(fake: FakeDiscord, world: StandardGuild, bot: Any) -> None:
    shown = (await (await fake.slash("confirm", user=world.you)).response()).message
    assert shown is not None
    click = await fake.click(shown, "No", world.you)
    await click.modal_shown()
    submitted = await fake.submit_modal({"what": "it hurt", "Anything else": "no"}, world.you)
    assert (await submitted.reply()).text == "Thanks: it hurt"
    with pytest.raises(LookupError, match="no modal"):
        await fake.submit_modal({"what": "again"}, world.you)


async def test_defer_then_followup(fake: FakeDiscord, world: StandardGuild, bot: Any) -> None:
    inter = await fake.slash("slow", user=world.you, channel=world.general)
    assert (await inter.response()).type == 5
    (done,) = await inter.followups(1)
    assert done.content == "done" and done.ephemeral
    assert (await inter.reply()) is done


async def test_dm_and_closed_dms(fake: FakeDiscord, world: StandardGuild, bot: Any) -> None:
    inter = await fake.slash("dm", user=world.you, channel=world.general)
    dm = await fake.wait_for_dm(world.you)
    assert dm.content == "Hello in private."
    assert (await inter.followups(1))[0].content == "Sent you a DM."
    fake.close_dms(world.mod)
    inter = await fake.slash("dm", user=world.mod, channel=world.general)
    assert (await inter.followups(1))[0].content == "Could not DM you (50007)."
    assert fake.dms(world.mod) == []


async def test_user_writes_to_bot_in_dm(fake: FakeDiscord, world: StandardGuild, bot: Any) -> None:
    await fake.send_dm(world.you, "are you there?")
    reply = await fake.wait_for_dm(world.you)
    assert reply.content == "DM received: are you there?"
    assert [m.content for m in fake.dms(world.you)] == ["are you there?", reply.content]


async def test_second_acknowledgement_is_rejected(
    fake: FakeDiscord, world: StandardGuild, bot: Any
) -> None:
    inter = await fake.slash("ping", user=world.you, channel=world.general)
    await inter.response()
    url = f"{fake.base_url}/interactions/{inter.id}/{inter.token}/callback"
    body = {"type": 4, "data": {"content": "again"}}
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as resp:
        assert resp.status == 400
        assert (await resp.json())["code"] == 40060


async def test_file_uploads_are_recorded(fake: FakeDiscord, world: StandardGuild, bot: Any) -> None:
    inter = await fake.slash("export", user=world.you, channel=world.general)
    (sent,) = await inter.followups(1)
    assert sent.content == "Your data:" and sent.ephemeral
    assert [(a["filename"], a["size"]) for a in sent.attachments] == [("export.json", 15)]
    public = await fake.wait_for_message(world.general, lambda m: bool(m.attachments))
    assert public.attachments[0]["filename"] == "hi.txt"
