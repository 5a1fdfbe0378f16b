"""Commands in the member's language: the synced commands carry Discord localisations, and /help
and the first-command welcome speak the member's language with the names Discord shows them."""

from __future__ import annotations

from typing import Any

from bot.client import Bridgeline
from bot.content import default_content_dir
from bot.fakediscord import FakeDiscord, StandardGuild
from bot.i18n import t
from bot.i18n.commands import DISCORD_LOCALES, read_command_texts
from bot.storage.guilds import update_settings
from bot.ui.help_embeds import welcome_text

TEXTS, _ = read_command_texts(default_content_dir())


def _synced(fake: FakeDiscord) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in fake.commands[None]}


def _nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = [node]
    for option in node.get("options") or []:
        found += _nodes(option)
    return found


def _shown_path(fake: FakeDiscord, path: str, locale: str) -> str:
    """A command's path as the fake Discord holds it for `locale` (what a client would show)."""
    node: dict[str, Any] = _synced(fake)[path.split()[0]]
    shown = [node["name_localizations"][locale]]
    for part in path.split()[1:]:
        node = next(o for o in node["options"] if o["name"] == part)
        shown.append(node["name_localizations"][locale])
    return " ".join(shown)


async def test_synced_commands_carry_localisations_for_every_language(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    synced = _synced(fake)
    strategy = synced["strategy"]
    assert strategy["name_localizations"]["es-ES"] == TEXTS.get("es", "names", "strategy")
    assert strategy["name_localizations"]["es-419"] == strategy["name_localizations"]["es-ES"]
    assert strategy["description_localizations"]["es-ES"] == TEXTS.get(
        "es", "descriptions", strategy["description"]
    )
    wanted = {loc for locales in DISCORD_LOCALES.values() for loc in locales}
    for command in fake.commands[None]:
        for node in _nodes(command):
            assert set(node.get("name_localizations") or {}) == wanted, node["name"]
            if command.get("type", 1) == 1:
                assert set(node.get("description_localizations") or {}) == wanted, node["name"]
            for choice in node.get("choices") or []:
                assert set(choice.get("name_localizations") or {}) == wanted, choice["name"]
    menu = synced["Remove anonymous post"]
    assert menu["name_localizations"]["de"] == TEXTS.get("de", "menus", "Remove anonymous post")
    assert synced["help"]["name_localizations"]["pt-BR"] == TEXTS.get("pt", "names", "help")


async def test_a_spanish_speaking_member_gets_help_in_spanish_with_spanish_names(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    lucia = await fake.add_member(world.guild, "lucia", locale="es-ES")
    answer = await (await fake.slash("help", None, lucia, "general")).response()
    assert answer.ephemeral and answer.message is not None
    (embed,) = answer.message.embeds
    assert embed["title"] == t("es", "help.title")
    assert embed["description"] == t("es", "help.intro")
    text = answer.message.text
    for path in ("strategy list", "checkin new", "resources show", "ask-mods", "privacy forget"):
        spanish = _shown_path(fake, path, "es-ES")
        assert spanish != path
        assert f"`/{spanish}`" in text, spanish
        assert f"`/{path}`" not in text
    assert t("es", "help.lines.danger") in text
    assert t("en", "help.title") not in text


async def test_a_german_member_gets_the_welcome_in_german_and_english_stays_english(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    jonas = await fake.add_member(world.guild, "jonas", locale="de")
    first = await fake.slash("why", None, jonas, "general")
    await first.response()
    (welcome,) = await first.followups(1)
    assert welcome.ephemeral and welcome.text == welcome_text("de", TEXTS)
    assert f"`/{_shown_path(fake, 'help', 'de')}`" in welcome.text

    english = await (await fake.slash("help", None, world.you, "general")).response()
    assert english.message is not None
    assert english.message.embeds[0]["title"] == t("en", "help.title")
    assert "`/strategy list`" in english.message.text


async def test_an_unsupported_client_language_falls_back_to_the_servers_language(
    fake: FakeDiscord, world: StandardGuild, bot: Bridgeline
) -> None:
    await update_settings(bot.db, world.guild.id, language="fr")
    yuki = await fake.add_member(world.guild, "yuki", locale="ja")
    answer = await (await fake.slash("help", None, yuki, "general")).response()
    assert answer.message is not None
    assert answer.message.embeds[0]["title"] == t("fr", "help.title")
    assert f"`/{_shown_path(fake, 'checkin history', 'fr')}`" in answer.message.text
