"""Every slash command's typed text goes through the safety scanner before the command runs.

`BridgelineTree.interaction_check` calls `screen_command`. When the text reads like crisis,
danger or control (`bot.safety_service.screening.support_first`), the member gets the same
private reply a flagged message gets (emergency number first when imminent, helplines for their
region, never couples counselling) and the command does not run: "my partner hits me, should we
do couples therapy?" in /faq gets support, not the FAQ answer. Otherwise the command runs, and
finds the scan in `interaction.extras[DETECTION]` (no second scan).

Nothing is stored and no moderator alert is raised: the member asked the bot privately, the
reply is ephemeral, and the text is never logged. A command whose text is not about its typist
opts out with `extras={SCREEN: False}` (/resources add, where moderators describe services).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.content.models import INTERNATIONAL
from bot.i18n.languages_in_use import reply_lang
from bot.safety_service.policy import DetectionLike, flag_from_detection
from bot.safety_service.regions import member_region
from bot.safety_service.replies import compose_reply
from bot.safety_service.screening import support_first, typed_values
from bot.storage.guilds import settings_of_interaction
from bot.ui.safety_embeds import member_reply_embed, support_instead_embed

if TYPE_CHECKING:
    from bot.client import Bridgeline

log = logging.getLogger(__name__)

SCREEN = "screen_text"  # command extras key: False opts the command out
DETECTION = "safety_detection"  # interaction.extras key: the scan of the typed text


async def screen_command(interaction: discord.Interaction) -> bool:
    """True: run the command. False: the member was answered with support instead."""
    from bot.client import Bridgeline  # the client imports the tree, which imports this

    bot = interaction.client
    if interaction.type is not discord.InteractionType.application_command:
        return True
    if not isinstance(bot, Bridgeline) or not isinstance(interaction.data, dict):
        return True
    data: dict[str, Any] = dict(interaction.data)
    if data.get("type", 1) != 1:
        return True  # context menus: nothing typed
    command = interaction.command
    if command is not None and command.extras.get(SCREEN, True) is False:
        return True
    texts = typed_values(data.get("options") or [])
    if not texts:
        return True
    detection = await bot.scanner.scan_async("\n".join(texts), interaction.guild_id)
    interaction.extras[DETECTION] = detection
    if not support_first(detection):
        return True
    name = command.qualified_name if command is not None else str(data.get("name", ""))
    embeds = await support_embeds(bot, interaction, detection)
    embeds.append(support_instead_embed(name, await reply_lang(bot.db, interaction)))
    log.info("/%s was answered with support instead", name)
    await interaction.response.send_message(embeds=embeds, ephemeral=True)
    return False


async def support_embeds(
    bot: Bridgeline, interaction: discord.Interaction, detection: DetectionLike
) -> list[discord.Embed]:
    """The private reply for what the member typed, in their language, with their region's
    helplines (or their language's regions' when no region is set)."""
    region = INTERNATIONAL
    if interaction.guild is not None:
        guild_id = interaction.guild.id
        settings = await settings_of_interaction(bot.db, interaction, guild_id)
        region = await member_region(
            bot.db,
            bot.settings.secret,
            guild_id,
            interaction.user.id,
            server_region=settings.region,
        )
    lang = await reply_lang(bot.db, interaction)
    flag = flag_from_detection(detection)
    responses = bot.content.in_lang(lang).safety.responses
    reply = compose_reply(bot.content, responses, region, flag, lang)
    server = interaction.guild.name if interaction.guild else None
    return [member_reply_embed(reply, server, lang)]


async def send_support(
    bot: Bridgeline, interaction: discord.Interaction, detection: DetectionLike
) -> None:
    """The private reply, ephemeral (a followup when the interaction was already answered).
    For text that was refused (empty, too long) and so never saved or alerted."""
    embeds = await support_embeds(bot, interaction, detection)
    if interaction.response.is_done():
        await interaction.followup.send(embeds=embeds, ephemeral=True)
    else:
        await interaction.response.send_message(embeds=embeds, ephemeral=True)
