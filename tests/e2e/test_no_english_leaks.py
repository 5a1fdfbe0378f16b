"""No English shown to a member whose Discord language we speak (issue 19), end to end.

A member whose Discord is in Spanish (es-ES), German, French or Portuguese (pt-BR) runs every
command and button flow outside check-ins, privacy and safety (those slices add theirs once
merged: drive them through `Watched`), and Spanish-speaking staff run /setup, /prompts and /admin, error paths included. Every text the bot
shows them is checked by `english_leaks` (tests/e2e/language_leaks.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from language_leaks import Shown, Watched, english_leaks, english_sentences, proper_names

from bot import i18n
from bot.client import Bridgeline
from bot.fakediscord import FakeDiscord, FakeMessage, StandardGuild
from bot.i18n import LANGS, lang_for_locale, t
from bot.i18n.commands import read_command_texts
from bot.i18n.mentions import CommandNames
from bot.storage import audit
from bot.storage.guilds import update_settings


def assert_no_leaks(watched: Watched, lang: str, world: StandardGuild) -> None:
    shown = watched.shown()
    assert len(shown) > 20, "the flows showed almost nothing: the collector is broken"
    leaks = english_leaks(shown, lang, [*watched.typed, *proper_names(world.guild)])
    assert not leaks, "\n".join(leaks)


# Sharing posts a public copy in the server's language (its own tests cover it): not pressed.
SHARE_LABELS = {t(lang, "checkins.share.button") for lang in LANGS}


def pressable(message: FakeMessage) -> list[dict[str, Any]]:
    """Buttons to press, less "Share in channel": sharing is the check-ins slice's to
    translate (bot/ui/share.py); once its label is in the catalog it is pressed here too."""
    return [
        b
        for b in message.buttons
        if b.get("custom_id") and not b.get("disabled") and b.get("label") not in SHARE_LABELS
    ]


async def member_flows(me: Watched, bot: Bridgeline, lang: str) -> None:
    """Every member command and button outside the in-progress slices, bad input included."""
    content = bot.content.in_lang(lang)
    await me.reply("help")

    listed = await me.reply("strategy list")
    opened = await (await me.select(listed, listed.selects[0]["custom_id"], ["boundaries"])).reply()
    for button in pressable(opened):
        await (await me.click(opened, button["custom_id"])).response()
    await me.reply("strategy show", {"strategy": content.strategies[0].title})
    await me.reply("strategy show", {"strategy": "zzzz qqqq"})
    await me.reply("strategy show", {"strategy": "42"})
    await me.autocomplete("strategy show", {"strategy": ""}, "strategy")
    await me.reply("strategy random")
    steps = await me.reply("strategy steps")
    for button in pressable(steps):
        await (await me.click(steps, button["custom_id"])).response()
    await me.reply("script", {"situation": content.scripts[0].tags[0]})
    await me.reply("script", {"situation": "qwerty asdf zxcv"})
    await me.autocomplete("script", {"situation": ""}, "situation")

    reflected = await me.reply("reflect")
    await (await me.click(reflected, reflected.buttons[0]["custom_id"])).response()
    await me.reply("faq", {"question": content.faq[0].question})
    await me.reply("faq", {"question": "qwerty asdf zxcv"})
    await me.autocomplete("faq", {"question": ""}, "question")
    why = await me.reply("why")
    reason = content.withdrawal_reasons[0].id
    await (await me.select(why, why.selects[0]["custom_id"], [reason])).reply()
    await me.reply("warning-signs")

    # A member trying staff commands: refused in their language.
    for path in ("setup show", "prompts status", "staff-settings", "admin sync"):
        await (await me.slash(path)).response()


async def checkin_privacy_resources_flows(me: Watched) -> None:
    """The check-in, privacy and resources features, their refusals included."""
    await (await me.slash("checkin new")).modal_shown()
    saved = await me.submit_modal(
        {"checkin:mood": "4", "checkin:body": "Hoy fue un día tranquilo."}
    )
    await saved.response()
    await me.reply("checkin history")
    await (await me.slash("checkin new")).modal_shown()
    empty = await me.submit_modal({"checkin:mood": "3", "checkin:body": "   "})
    await empty.response()
    await me.reply("privacy about")
    await me.reply("resources show")
    await me.autocomplete("resources region", {"region": ""}, "region")
    await me.reply("resources region", {"region": "DE"})
    await me.reply("resources show")


async def ask_mods_flow(me: Watched) -> None:
    opened = await me.slash("ask-mods")
    await opened.modal_shown()
    sent = await me.submit_modal({"askmods:text": "Necesito hablar con alguien, por favor."})
    await sent.followups()
    panel = await me.reply("ask-mods")
    for button in panel.buttons:
        if ":write:" in (button.get("custom_id") or ""):
            await (await me.click(panel, button["custom_id"])).response()


@pytest.mark.parametrize("locale", ["es-ES", "de", "fr", "pt-BR"])
async def test_a_member_whose_language_we_speak_sees_no_english(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline, locale: str
) -> None:
    lang = lang_for_locale(locale)
    assert lang is not None
    member = Watched(fake, await fake.add_member(world.guild, "ana", locale=locale), "general")
    await member_flows(member, staffed, lang)
    await checkin_privacy_resources_flows(member)
    await ask_mods_flow(member)
    assert t(lang, "guidance.reflect.another") in [s.text for s in member.shown()]
    assert_no_leaks(member, lang, world)


async def test_spanish_staff_see_no_english_in_setup_prompts_and_admin(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    # Staff commands answer in the server's language (moderators share it), so the server
    # speaks Spanish here and so do the staff's Discord clients.
    await update_settings(staffed.db, world.guild.id, language="es")
    world.owner.user.locale = "es-ES"
    world.mod.user.locale = "es-ES"
    manager = Watched(fake, world.owner, world.mod_alerts)
    mod = Watched(fake, world.mod, world.mod_alerts)

    await manager.reply("setup show")
    await manager.reply("setup timezone", {"timezone": "EST"})
    await manager.reply("setup timezone", {"timezone": "Mars/Olympus"})
    await manager.autocomplete("setup timezone", {"timezone": "eur"}, "timezone")
    offered = await manager.autocomplete("setup region", {"region": "united"}, "region")
    spanish_regions = staffed.content.in_lang("es").regions
    assert [c["name"] for c in offered] == [
        f"{r.name} ({r.code})" for r in spanish_regions if r.code in {"US", "GB"}
    ], "found by the English name, shown with the Spanish one"
    await manager.reply("setup retention", {"days": 30})
    await manager.reply("setup audit")
    wizard = await manager.reply("setup start")
    assert wizard.components, "the wizard shows its menus"
    await manager.reply("staff-settings")
    await (await manager.slash("admin sync")).response()  # not the bot's owner: refused
    await (await manager.slash("admin reload-content")).response()

    await mod.reply("prompts status")
    await mod.reply("prompts setup", {"channel": world.daily_prompt, "time": "25:99"})
    await mod.reply(
        "prompts setup", {"channel": world.daily_prompt, "time": "09:00", "timezone": "EST"}
    )
    await mod.reply("prompts setup", {"channel": world.daily_prompt, "time": "09:00"})
    await mod.reply("prompts preview")
    await mod.reply("prompts add", {"text": "¿Qué te ha dado calma esta semana?"})
    await mod.reply("prompts add", {"text": "corto"})
    await mod.reply("prompts list")
    await mod.autocomplete("prompts remove", {"prompt": ""}, "prompt")
    await mod.reply("prompts pause")
    await mod.reply("prompts resume")
    await (await mod.slash("setup show")).response()  # a moderator, not a manager: refused

    fake.app_owner.locale = "es-ES"  # the bot's owner, in a DM with the bot
    owner = Watched(fake, fake.app_owner)
    await owner.reply("admin sync")
    reloaded = await owner.reply("admin reload-content")
    assert t("es", "setup.admin.reload_done_title") in reloaded.text
    assert "content OK" not in reloaded.text  # counted in Spanish (too few function words)

    # The audit trail shows records as they were written (English, like the log): not wording.
    records = [e.detail for e in await audit.recent(staffed.db, world.guild.id, 50) if e.detail]
    names = [*proper_names(world.guild), *records]
    for watched in (manager, mod, owner):
        leaks = english_leaks(watched.shown(), "es", [*watched.typed, *names])
        assert not leaks, "\n".join(leaks)


async def test_a_spanish_member_in_a_dm_sees_no_english(
    fake: FakeDiscord, world: StandardGuild, staffed: Bridgeline
) -> None:
    world.you.user.locale = "es-ES"
    me = Watched(fake, world.you, fake.dm_channel(world.you))
    await me.reply("help")
    await me.reply("strategy random")
    await me.reply("reflect")
    # Staff commands are not offered in DMs; a server-only subcommand of a DM command is refused.
    await (await me.slash("resources region", {"region": "ES"})).response()
    shown = me.shown()
    assert t("es", "errors.server_only") in [s.text for s in shown]
    leaks = english_leaks(shown, "es", [*me.typed, *proper_names(world.guild)])
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("lang", ["es", "de"])
def test_the_checks_catch_english_and_spare_the_language_itself(lang: str) -> None:
    english = Shown("/x", t("en", "errors.refusals.manager"))
    assert english_leaks([english], lang), "an English catalog value is a leak"
    assert english_leaks([Shown("/x", t("en", "errors.buttons.next"))], lang), "a bare label"
    plain = Shown("/x", "Sorry, this is not something that you can do here.")
    assert english_leaks([plain], lang), "an English sentence is a leak"
    own = Shown(
        "/x", t(lang, "errors.refusals.manager") + "\n" + t(lang, "guidance.why.overview_intro")
    )
    assert not english_leaks([own], lang)
    assert not english_sentences("Europe/London, America/Chicago, https://example.org", lang)


def test_a_command_named_in_english_is_a_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    texts, _ = read_command_texts(Path(__file__).resolve().parents[2] / "content")
    names = CommandNames(texts, frozenset({"strategy", "strategy list"}))
    monkeypatch.setattr(i18n, "_commands", names)
    assert english_leaks([Shown("/x", "Usa `/strategy list`.")], "es")
    spanish = texts.command_path("es", "strategy list")
    assert spanish != "strategy list"
    assert not english_leaks([Shown("/x", f"Usa `/{spanish}`.")], "es")
