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
from typing import Any

import discord

from bot.content.models import INTERNATIONAL
from bot.safety_service.policy import flag_from_detection
from bot.safety_service.regions import member_region
from bot.safety_service.replies import compose_reply
from bot.safety_service.screening import support_first, typed_values
from bot.ui.safety_embeds import member_reply_embed, support_instead_embed

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
    detection = await bot.scanner.scan_async("\n".join(texts))
    interaction.extras[DETECTION] = detection
    if not support_first(detection):
        return True
    flag = flag_from_detection(detection)
    region = INTERNATIONAL
    if interaction.guild is not None:
        region = await member_region(
            bot.db, bot.settings.secret, interaction.guild.id, interaction.user.id
        )
    reply = compose_reply(bot.content, bot.content.safety.responses, region, flag)
    name = command.qualified_name if command is not None else data.get("name", "")
    server = interaction.guild.name if interaction.guild else None
    embeds = [member_reply_embed(reply, server), support_instead_embed(str(name))]
    log.info("/%s was answered with support instead (%s)", name, flag.encode())
    await interaction.response.send_message(embeds=embeds, ephemeral=True)
    return False
