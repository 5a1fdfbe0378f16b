"""Safety replies in the member's language, end to end through the fake Discord.

A chat message is answered in the language it is written in (bot/i18n/detect.py), whatever the
server's setting; with no region set, that language's regions' lines come first; a region set by
the server still wins (its emergency number and lines). Slash commands and buttons follow the
member's Discord language. Expected text comes from the catalog (t) and content.in_lang, never
from a hand-typed translation.
"""

from __future__ import annotations

from typing import Any

from bot.client import Bridgeline
from bot.content import Content
from bot.fakediscord import FakeDiscord, StandardGuild
from bot.i18n import t
from bot.storage.guilds import update_settings

GERMAN_CRISIS = "ich will nicht mehr leben, ich will sterben"
GERMAN_IMMINENT = "heute nacht bringe ich mich um, ich habe die tabletten schon"
FRENCH_DANGER = "il me frappe quand il a bu et j'ai peur de rentrer"
SPANISH_IMMINENT = "voy a suicidarme esta noche"


async def configure(bot: Bridgeline, world: StandardGuild, **changes: Any) -> None:
    await update_settings(
        bot.db,
        world.guild.id,
        alerts_channel_id=world.mod_alerts.id,
        moderator_role_id=world.moderator_role.id,
        **changes,
    )


def first_paragraph(body: str) -> str:
    """The opening of a response body, before any {placeholder} is filled in."""
    return body.split("\n\n", 1)[0].split("{", 1)[0].strip()


def line_for(content: Content, resource_id: str, lang: str, country: str) -> str:
    """How a listed line starts: its name and, when several countries are listed, the country."""
    resource = content.resource(resource_id)
    assert resource is not None
    return f"**{resource.name}** ({t(lang, f'safety.regions.{country}')})"


async def test_a_german_crisis_message_in_an_english_server_gets_a_german_reply_with_german_lines_first(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, language="en", safety_mode="dm")  # no region: "INTL"
    await fake.send_message(world.general, world.you, GERMAN_CRISIS)
    dm = await fake.wait_for_dm(world.you)
    german = bot.content.in_lang("de").safety.responses
    english = bot.content.safety.responses
    embed = dm.embeds[0]
    assert embed["title"] == german.crisis.title != english.crisis.title
    assert embed["description"].startswith(first_paragraph(german.crisis.body))
    assert embed["footer"]["text"] == t("de", "safety.reply.footer_in", server=world.guild.name)
    text = dm.text
    germany = text.index(line_for(bot.content, "de-telefonseelsorge", "de", "DE"))
    austria = text.index(line_for(bot.content, "at-telefonseelsorge", "de", "AT"))
    directory = text.index("findahelpline.com")
    assert germany < austria < directory
    assert first_paragraph(english.crisis.body) not in text
    # The reveal button speaks German too.
    assert dm.button(t("de", "safety.buttons.reveal"))


async def test_a_german_speaker_in_a_uk_server_gets_german_words_and_uk_lines(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="GB", language="en", safety_mode="dm")
    await fake.send_message(world.general, world.you, GERMAN_IMMINENT)
    text = (await fake.wait_for_dm(world.you)).text
    gb = bot.content.region("GB")
    assert gb is not None
    assert t("de", "safety.reply.urgent_title", number=gb.emergency) in text  # 999, not 112
    assert "Samaritans" in text
    assert "TelefonSeelsorge" not in text  # the server's region wins over the language
    samaritans = next(
        r for r in bot.content.resources if r.name == "Samaritans" and "GB" in r.regions
    )
    phone = next(c for c in samaritans.contacts if c.method == "phone")
    assert t("de", "safety.contact.phone", value=phone.value) in text


async def test_a_french_abuse_disclosure_gets_french_domestic_abuse_resources(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, language="en", safety_mode="dm")
    await fake.send_message(world.general, world.you, FRENCH_DANGER)
    dm = await fake.wait_for_dm(world.you)
    french = bot.content.in_lang("fr").safety.responses
    text = dm.text
    assert dm.embeds[0]["title"] == french.danger.title
    assert dm.embeds[0]["description"].startswith(first_paragraph(french.danger.body))
    hotline = bot.content.resource("fr-3919")
    assert hotline is not None and hotline.kind == "domestic_abuse"
    assert f"**{hotline.name}**" in text
    phone = next(c for c in hotline.contacts if c.method == "phone")
    assert t("fr", "safety.contact.phone", value=phone.value) in text
    assert french.device_safety in text  # discreet-use hint, in French
    assert text.index(f"**{hotline.name}**") < text.index("findahelpline.com")


async def test_an_imminent_spanish_message_leads_with_the_emergency_number_in_spanish(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="ES", language="en", safety_mode="nudge")
    await fake.send_message(world.general, world.you, SPANISH_IMMINENT)
    nudge = await fake.wait_for_message(world.general)
    spanish = bot.content.in_lang("es").safety.responses
    assert spanish.nudge_text in nudge.text  # the public nudge, in the message's language
    opened = await fake.click(nudge, spanish.nudge_button, world.you)
    private = (await opened.response()).message
    assert private is not None
    spain = bot.content.region("ES")
    assert spain is not None
    title = private.embeds[0]["title"]
    assert title == t("es", "safety.reply.urgent_title", number=spain.emergency)
    first_line = private.embeds[0]["description"].split("\n", 1)[0]
    assert spain.emergency in first_line
    assert first_line.startswith(first_paragraph(spanish.crisis.imminent_body or "")[:20])


async def test_with_no_region_a_spanish_imminent_message_names_each_countrys_number(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, language="en", safety_mode="dm")
    await fake.send_message(world.general, world.you, SPANISH_IMMINENT)
    dm = await fake.wait_for_dm(world.you)
    title = dm.embeds[0]["title"]
    for code in ("ES", "MX"):
        region = bot.content.region(code)
        assert region is not None
        assert f"{region.emergency} ({t('es', f'safety.regions.{code}')})" in title


async def test_an_english_message_in_a_spanish_server_is_answered_in_english(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="GB", language="es", safety_mode="dm")
    await fake.send_message(world.general, world.you, "i don't want to be alive anymore")
    dm = await fake.wait_for_dm(world.you)
    assert dm.embeds[0]["title"] == bot.content.safety.responses.crisis.title


async def test_a_short_unclear_message_falls_back_to_the_servers_language(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="DE", language="de", safety_mode="dm")
    await fake.send_message(world.general, world.you, "kms")
    dm = await fake.wait_for_dm(world.you)
    assert dm.embeds[0]["title"] == bot.content.in_lang("de").safety.responses.crisis.title


async def test_resources_for_a_member_with_a_spanish_discord_client(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    member = await fake.add_member(world.guild, "lucia", locale="es-ES")
    inter = await fake.slash("resources show", {"topic": "crisis"}, member, world.general)
    reply = await inter.response()
    assert reply.ephemeral
    embed = reply.message.embeds[0] if reply.message else reply.data["embeds"][0]
    where = f"{t('es', 'safety.regions.ES')}, {t('es', 'safety.regions.MX')}"
    topic = t("es", "resources.topics.crisis")
    assert embed["title"] == t("es", "resources.show.title", topic=topic, region=where)
    names = [f["name"] for f in embed["fields"]]
    assert t("es", "resources.kinds.crisis") in names
    assert embed["footer"]["text"].startswith(t("es", "resources.region_note.language"))
    spain_crisis = next(
        r for r in bot.content.resources if "ES" in r.regions and r.kind == "crisis"
    )
    crisis_field = next(
        f for f in embed["fields"] if f["name"] == t("es", "resources.kinds.crisis")
    )
    assert crisis_field["value"].startswith(f"**{spain_crisis.name}**")
    # Someone else in the same server, with an English client, still reads English.
    english = await (await fake.slash("resources show", {"topic": "crisis"}, world.you)).response()
    assert t("en", "resources.topics.crisis") in english.text


async def test_the_support_first_reply_to_a_slash_command_follows_the_members_language(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="FR", language="en")
    member = await fake.add_member(world.guild, "camille", locale="fr")
    inter = await fake.slash("faq", {"question": "je veux mourir, je n'en peux plus"}, member)
    reply = await inter.response()
    french = bot.content.in_lang("fr").safety.responses
    assert reply.ephemeral and french.crisis.title in reply.text
    assert t("fr", "safety.support_instead.title") in reply.text


async def test_moderators_read_the_alert_in_the_servers_language(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await configure(bot, world, region="DE", language="pt", safety_mode="dm")
    said = await fake.send_message(world.general, world.you, GERMAN_CRISIS)
    post = await fake.wait_for_message(world.mod_alerts, lambda m: f"/{said.id}" in m.text)
    embed = post.embeds[0]
    alert_id = await bot.db.fetchval(
        "SELECT id FROM safety_alerts WHERE message_id = ?", (said.id,)
    )
    kind = t("pt", "safety.alerts.kind.crisis")
    assert embed["title"] == t("pt", "safety.alerts.title", id=alert_id, kind=kind)
    assert embed["footer"]["text"] == t("pt", "safety.alerts.footer", id=alert_id)
    guidance = bot.content.in_lang("pt").safety.responses.mod_alert["crisis"]
    assert embed["description"] == guidance
    names = [f["name"] for f in embed["fields"]]
    assert t("pt", "safety.alerts.fields.category") in names
    assert post.button(t("pt", "safety.alerts.buttons.claim"))
    # The member, who wrote in German, still gets German.
    dm = await fake.wait_for_dm(world.you)
    assert dm.embeds[0]["title"] == bot.content.in_lang("de").safety.responses.crisis.title
