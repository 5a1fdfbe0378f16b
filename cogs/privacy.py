"""/privacy: what Bridgeline keeps about a member, a copy of it, and erasing it."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.askmods.identity import data_rights_columns
from bot.askmods.service import erase_member
from bot.checkins import flow
from bot.checkins.datarights import Member
from bot.checkins.member_data import export_file, forget
from bot.client import Bridgeline
from bot.i18n import t
from bot.i18n.languages_in_use import reply_lang
from bot.ui.embeds import Tone, build_embed
from bot.ui.views import ConfirmView

log = logging.getLogger(__name__)


class Privacy(commands.Cog):
    privacy = app_commands.Group(
        name="privacy", description="Your data: what is kept, a copy, deletion", guild_only=True
    )

    def __init__(self, bot: Bridgeline) -> None:
        self.bot = bot

    def _member(self, interaction: discord.Interaction) -> Member:
        author = flow.author_of(interaction)
        guild_id, user_id = author.guild.id, interaction.user.id
        secret = author.bot.settings.secret
        return Member(
            guild_id,
            user_id,
            author.pseudonym,
            secret,
            purpose_pseudonyms=data_rights_columns(secret, guild_id, user_id),
        )

    @privacy.command(name="about", description="What Bridgeline stores and who can see it")
    async def about(self, interaction: discord.Interaction) -> None:
        lang = await reply_lang(self.bot.db, interaction)
        embed = build_embed(
            t(lang, "privacy.about_title"), t(lang, "privacy.about"), tone=Tone.INFO
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @privacy.command(name="export", description="A copy of all your data in this server (JSON)")
    async def export(self, interaction: discord.Interaction) -> None:
        member = self._member(interaction)
        lang = await reply_lang(self.bot.db, interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        file = await export_file(self.bot, member)
        try:
            await interaction.followup.send(
                t(lang, "privacy.export_ready"), file=file, ephemeral=True
            )
        except discord.HTTPException as exc:
            log.warning("Export file could not be sent (HTTP %s)", exc.status)
            await interaction.followup.send(t(lang, "privacy.export_failed"), ephemeral=True)

    @privacy.command(name="forget", description="Delete all your data in this server")
    async def forget(self, interaction: discord.Interaction) -> None:
        member = self._member(interaction)
        lang = await reply_lang(self.bot.db, interaction)
        view = ConfirmView(interaction.user.id, lang=lang, danger=True,
                           confirm_label=t(lang, "privacy.forget_button"))  # fmt: skip
        await interaction.response.send_message(
            t(lang, "privacy.forget_warning"), view=view, ephemeral=True
        )
        if not await view.wait() and view.confirmed:
            deleting = t(lang, "privacy.deleting")
            await view.interaction.response.edit_message(content=deleting, view=None)
            conversations = await erase_member(self.bot, member.guild_id, member.user_id)
            counts, refused = await forget(self.bot, member)
            if conversations:
                counts["askmods_conversations"] = conversations
            text = t(lang, "privacy.forgotten" if counts else "privacy.nothing_stored")
            if refused:
                text += t(lang, "privacy.not_taken_down", count=refused)
            await view.interaction.edit_original_response(content=text)
        elif view.confirmed is None:
            timed_out = t(lang, "privacy.timed_out")
            await interaction.edit_original_response(content=timed_out, view=None)


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(Privacy(bot))
