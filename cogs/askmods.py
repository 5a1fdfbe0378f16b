"""/ask-mods: a private conversation with the moderators, anonymous or named; /staff-settings.
The logic lives in bot/askmods; this file wires Discord to it."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.askmods import identity, replies, service, store
from bot.askmods.service import AskModsError
from bot.askmods.staff_views import ModButton, UnblockButton
from bot.askmods.views import MemberButton, MessageModal, member_view
from bot.checks import manager_only
from bot.client import Bridgeline
from bot.i18n.languages_in_use import reply_lang, server_lang
from bot.storage import audit, feature_settings

log = logging.getLogger(__name__)


class AskMods(commands.Cog):
    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(MemberButton, ModButton, UnblockButton)
        self.retention.start()

    async def cog_unload(self) -> None:
        self.retention.cancel()
        self.bot.remove_dynamic_items(MemberButton, ModButton, UnblockButton)

    @tasks.loop(hours=24)
    async def retention(self) -> None:
        try:
            removed = await service.purge_expired(self.bot)
        except Exception:
            log.exception("Ask-mods retention failed; trying again tomorrow")
            return
        if removed:
            log.info("Deleted %d closed ask-mods conversations past retention", removed)

    @app_commands.command(
        name="ask-mods", description="Talk privately with the moderators, anonymously if you like"
    )
    @app_commands.guild_only()
    @app_commands.describe(identity="Anonymous (default) or named; you can say who you are later")
    async def ask_mods(
        self,
        interaction: discord.Interaction,
        identity: Literal["anonymous", "named"] = "anonymous",
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        lang = await reply_lang(self.bot.db, interaction)
        pseudo = identity_of(self.bot, guild.id, interaction.user.id)
        current = await store.current_for(self.bot.db, guild.id, pseudo)
        if current is not None:
            history = await store.messages(self.bot.db, current.id)
            await store.mark_delivered(self.bot.db, current.id)
            await interaction.response.send_message(
                embed=replies.panel_embed(current, history, lang),
                view=member_view(current, lang),
                ephemeral=True,
            )
            return
        try:
            await service.check_can_write(self.bot, guild.id, pseudo, opening=True)
            if await service.staff_channel(self.bot, guild) is None:
                raise AskModsError(replies.NO_STAFF_CHANNEL)
        except AskModsError as refusal:
            await interaction.response.send_message(refusal.text(lang), ephemeral=True)
            return
        modal = MessageModal(guild.id, conversation_id=None, named=identity == "named", lang=lang)
        await interaction.response.send_modal(modal)

    @app_commands.command(
        name="staff-settings",
        description="Where /ask-mods threads go, and when unclaimed alerts are raised again",
    )
    @app_commands.guild_only()
    @app_commands.describe(
        channel="Staff channel for /ask-mods threads (default: the alerts channel)",
        unclaimed_minutes="Re-raise a safety alert nobody claimed after this many minutes",
    )
    @manager_only
    async def staff_settings(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        unclaimed_minutes: app_commands.Range[int, 1, 1440] | None = None,
    ) -> None:
        assert interaction.guild is not None
        saved = await feature_settings.set_feature_settings(
            self.bot.db,
            interaction.guild.id,
            self.bot.clock.now(),
            askmods_channel_id=channel.id if channel else None,
            unclaimed_minutes=unclaimed_minutes,
        )
        detail = f"channel={saved.askmods_channel_id} unclaimed_minutes={saved.unclaimed_minutes}"
        await audit.record(
            self.bot.db, interaction.guild.id, interaction.user.id, "settings.staff", detail=detail
        )
        lang = await server_lang(self.bot.db, interaction.guild.id)
        where = (
            f"<#{saved.askmods_channel_id}>"
            if saved.askmods_channel_id
            else replies.staff_text(lang, "the_alerts_channel")
        )
        text = replies.staff_text(
            lang, "settings_saved", where=where, minutes=saved.unclaimed_minutes
        )
        await interaction.response.send_message(text, ephemeral=True)


def identity_of(bot: Bridgeline, guild_id: int, user_id: int) -> str:
    return identity.asker_pseudonym(bot.settings.secret, guild_id, user_id)


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(AskMods(bot))
