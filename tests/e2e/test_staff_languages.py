"""/ask-mods, /setup and the error replies in the reader's language, through the fake Discord.

A member reads replies in their Discord language when we speak it, else in the server's
(/setup language); moderators and the staff thread read the server's language. Every expected
text comes from the catalog (`t`), never typed out here.
"""

from __future__ import annotations

import json
from typing import Any

from bot.askmods import service as askmods_service
from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild
from bot.fakediscord.state import Member
from bot.i18n import LANGUAGE_NAMES, t
from bot.storage.guilds import get_settings

TEXT, REPLY = "askmods:text", "askmods:reply"


async def ephemeral_reply(fake: FakeDiscord, path: str, options: Any, user: Any) -> FakeMessage:
    response = await (await fake.slash(path, options, user, "general")).response()
    assert response.ephemeral and response.message is not None
    return response.message


async def open_conversation(fake: FakeDiscord, member: Any, text: str) -> tuple[dict, Any]:
    """/ask-mods and its modal filled in; returns (the modal shown, the submission)."""
    modal = await (await fake.slash("ask-mods", None, member, "general")).modal_shown()
    return modal, await fake.submit_modal({TEXT: text}, member)


async def confirmation(fake: FakeDiscord, submitted: Any, needle: str) -> FakeMessage:
    def check() -> FakeMessage | None:
        return next((m for m in submitted.followup_messages if needle in m.text), None)

    found = await fake.wait_until(check, what="the sent confirmation")
    assert found.ephemeral
    return found


def staff_post(fake: FakeDiscord, world: StandardGuild) -> FakeMessage:
    return [m for m in fake.messages(world.mod_alerts) if m.thread_id is not None][-1]


async def label_of(bot: Bridgeline) -> str:
    rows = await bot.db.fetchall("SELECT label FROM askmods_conversations")
    return str(rows[-1]["label"])


def member_buttons(lang: str, *names: str) -> list[str]:
    return [t(lang, f"askmods.member.{n}") for n in names]


async def test_a_spanish_member_reads_ask_mods_in_spanish_and_moderators_in_english(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    lucia = await fake.add_member(world.guild, "lucia", locale="es-ES")
    modal, submitted = await open_conversation(fake, lucia, "¿Puedo hablar con alguien?")
    assert modal["title"] == t("es", "askmods.member.modal_title")
    assert t("es", "askmods.member.modal_label") in json.dumps(modal, ensure_ascii=False)

    sent = await confirmation(fake, submitted, t("es", "askmods.member.sent_anonymous")[:20])
    label = await label_of(staffed)
    assert sent.text == t("es", "askmods.member.sent_anonymous", label=label)
    assert [b["label"] for b in sent.buttons] == member_buttons("es", "write", "reveal", "end")

    post = staff_post(fake, world)  # the server speaks English (the default)
    assert t("en", "askmods.staff.starter_title", label=label) in post.text
    assert [b["label"] for b in post.buttons] == ["Reply", "Close", "Block this asker"]

    # The member cannot press a moderator's button; the refusal is in their language.
    refused = await (await fake.click(post, "Block this asker", lucia)).response()
    assert refused.ephemeral and refused.text == t("es", "errors.refusals.moderator")

    panel = await ephemeral_reply(fake, "ask-mods", None, lucia)
    assert t("es", "askmods.member.panel_title") in panel.text
    assert t("es", "askmods.member.panel_you") in panel.text


async def test_setup_language_de_then_a_member_whose_language_we_lack_reads_german(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    saved = await ephemeral_reply(fake, "setup language", {"language": "de"}, world.owner)
    assert t("de", "setup.summary.saved") in saved.text
    assert t("de", "setup.settings.language") in saved.text and LANGUAGE_NAMES["de"] in saved.text
    assert (await get_settings(staffed.db, world.guild.id)).language == "de"

    kenji = await fake.add_member(world.guild, "kenji", locale="ja")
    modal, submitted = await open_conversation(fake, kenji, "Hello, can we talk?")
    assert modal["title"] == t("de", "askmods.member.modal_title")
    sent = await confirmation(fake, submitted, t("de", "askmods.member.sent_anonymous")[:20])
    label = await label_of(staffed)
    assert sent.text == t("de", "askmods.member.sent_anonymous", label=label)
    assert [b["label"] for b in sent.buttons] == member_buttons("de", "write", "reveal", "end")

    # Moderators read the staff thread in the server's language, and so does the member's DM.
    post = staff_post(fake, world)
    assert t("de", "askmods.staff.starter_title", label=label) in post.text
    assert t("de", "askmods.staff.from_anonymous") in post.text
    staff_buttons = [t("de", f"askmods.staff.{n}") for n in ("reply", "close", "block")]
    assert [b["label"] for b in post.buttons] == staff_buttons
    reply = await (await fake.click(post, staff_buttons[0], world.mod)).modal_shown()
    assert reply["title"] == t("de", "askmods.staff.reply_modal_title")
    answered = await fake.submit_modal({REPLY: "Ja, wir sind da."}, world.mod)
    await answered.followups(1)
    assert answered.followup_messages[0].text == t("de", "askmods.staff.delivered")
    title = t("de", "askmods.member.reply_title", server=world.guild.name)
    dm = await fake.wait_for_dm(kenji, lambda m: title in m.text)
    assert [b["label"] for b in dm.buttons] == member_buttons("de", "write", "reveal", "end")

    shown = await ephemeral_reply(fake, "setup show", None, world.owner)
    assert t("de", "setup.summary.title", server=world.guild.name) in shown.text


async def test_a_french_member_is_refused_in_french_where_no_staff_channel_is_set(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    camille = await fake.add_member(world.guild, "camille", locale="fr")
    refused = await ephemeral_reply(fake, "ask-mods", None, camille)
    assert refused.text == t("fr", "askmods.member.no_staff_channel")


async def test_the_wizard_offers_each_language_in_its_own_name_and_saves_it(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    shown = await ephemeral_reply(fake, "setup start", None, world.owner)
    await (await fake.click(shown, "Next", world.owner)).response()
    menu = next(s for s in shown.selects if s["custom_id"] == "setup:language")
    assert [o["label"] for o in menu["options"]] == list(LANGUAGE_NAMES.values())
    await fake.select(shown, "setup:language", ["es"], world.owner)
    await (await fake.click(shown, "Finish", world.owner)).response()
    assert (await get_settings(bot.db, world.guild.id)).language == "es"
    assert t("es", "setup.summary.set_up") in shown.text  # the summary speaks the new language
    assert LANGUAGE_NAMES["es"] in shown.text


async def test_a_refusal_from_the_error_handler_is_in_the_members_language(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    joao = await fake.add_member(world.guild, "joao", locale="pt-BR")
    refused = await ephemeral_reply(fake, "setup show", None, joao)
    assert refused.text == t("pt", "errors.refusals.manager")


async def test_a_new_server_is_welcomed_in_its_discord_language(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    guild = await fake.add_guild("Ruhige Partner", owner="gruenderin", with_bot=False)
    guild.preferred_locale = "de"
    # The bot is invited: GUILD_CREATE without `unavailable`, as real Discord sends for a join
    # (see test_lifecycle.py).
    managed = [r.id for r in guild.roles.values() if r.managed]
    guild.members[fake.bot_user.id] = Member(fake.bot_user, guild.id, managed)
    payload = {k: v for k, v in guild.to_json().items() if k != "unavailable"}
    await fake.gateway.dispatch("GUILD_CREATE", payload)
    fake.notify()
    dm = await fake.wait_for_dm(guild.members[guild.owner_id])
    assert t("de", "setup.welcome.title", server="Ruhige Partner") in dm.text


async def test_a_spanish_members_safety_help_is_spanish_and_the_staff_alert_is_the_servers(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    sofia = await fake.add_member(world.guild, "sofia", locale="es-419")
    text = "i want to k1ll mys3lf tonight"
    _, submitted = await open_conversation(fake, sofia, text)
    await confirmation(fake, submitted, t("es", "askmods.member.sent_anonymous")[:20])
    flag = await askmods_service.scan(staffed, text)
    assert flag is not None and flag.severity == "imminent"
    guild_id, user_id = world.guild.id, sofia.user.id
    spanish = await askmods_service.private_help(staffed, guild_id, user_id, flag, "es")
    english = await askmods_service.private_help(staffed, guild_id, user_id, flag, "en")
    opening = spanish.body.split("\n", 1)[0]
    help_reply = next(m for m in submitted.followup_messages if opening in m.text)
    assert help_reply.ephemeral
    if staffed.content.in_lang("es") is not staffed.content:  # the Spanish content is loaded
        assert opening not in english.body
    post = staff_post(fake, world)
    urgent = t("en", "askmods.staff.urgent_title")
    await fake.wait_until(
        lambda: next((m for m in fake.messages(post.thread_id or 0) if urgent in m.text), None),
        what="the urgent note in the thread",
    )


async def test_a_moderators_reply_reaches_a_spanish_member_by_dm_in_spanish(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    """The DM goes out when the member is not there to tell us their language: the one their
    client used when they wrote is kept with the conversation (the moderator reads English)."""
    ines = await fake.add_member(world.guild, "ines", locale="es-ES")
    _, submitted = await open_conversation(fake, ines, "¿Alguien puede escucharme un rato?")
    await confirmation(fake, submitted, t("es", "askmods.member.sent_anonymous")[:20])
    post = staff_post(fake, world)
    reply = t("en", "askmods.staff.reply")
    await (await fake.click(post, reply, world.mod)).modal_shown()
    answered = await fake.submit_modal({REPLY: "We're here. Take your time."}, world.mod)
    await answered.followups(1)
    assert answered.followup_messages[0].text == t("en", "askmods.staff.delivered")
    title = t("es", "askmods.member.reply_title", server=world.guild.name)
    dm = await fake.wait_for_dm(ines, lambda m: title in m.text)
    assert "We're here. Take your time." in dm.text  # the moderator's words, untranslated
    assert [b["label"] for b in dm.buttons] == member_buttons("es", "write", "reveal", "end")
