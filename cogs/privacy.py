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
from bot.ui.embeds import Tone, build_embed
from bot.ui.views import ConfirmView

log = logging.getLogger(__name__)

ABOUT = (
    "**Check-ins** are stored under a pseudonym: a keyed hash of this server and your account, "
    "never your user id. Moderators can't see your check-ins, and can't tell who wrote an "
    "anonymous post, even when they remove it or block its author.\n"
    "**Anonymous posts** are sent by the bot after a short random delay, with mentions and "
    "invite links made harmless.\n"
    "**Someone with both** the database and the bot's secret key (the server's bot host) could "
    "test member ids one by one to find an author: so only check in here if you trust whoever "
    "runs this bot.\n"
    "**Discord itself** knows who pressed which button, as it does for any app, and a writing "
    "style can give someone away; the random delay only blurs timing.\n"
    "`/privacy export` sends you a copy of everything stored about you in this server; "
    "`/privacy forget` deletes it, anonymous posts included."
)
EXPORT_READY = (
    "Here is everything Bridgeline stores about you in this server. Only you can see this "
    "message; keep the file somewhere private."
)
EXPORT_FAILED = "Discord didn't accept the file just now. Nothing changed; please try again later."
FORGET_WARNING = (
    "This deletes everything Bridgeline keeps about you in this server: your check-ins, your "
    "anonymous posts (they are taken down from the channel), your replies, your /ask-mods "
    "conversations (your words leave the moderators' threads), your region choice "
    "and anything else stored under your pseudonym or your id. It can't be undone. "
    "A moderation block on anonymous posting, if there is one, stays."
)


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
        embed = build_embed("Your privacy with Bridgeline", ABOUT, tone=Tone.INFO)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @privacy.command(name="export", description="A copy of all your data in this server (JSON)")
    async def export(self, interaction: discord.Interaction) -> None:
        member = self._member(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        file = await export_file(self.bot, member)
        try:
            await interaction.followup.send(EXPORT_READY, file=file, ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("Export file could not be sent (HTTP %s)", exc.status)
            await interaction.followup.send(EXPORT_FAILED, ephemeral=True)

    @privacy.command(name="forget", description="Delete all your data in this server")
    async def forget(self, interaction: discord.Interaction) -> None:
        member = self._member(interaction)
        view = ConfirmView(interaction.user.id, confirm_label="Delete everything", danger=True)
        await interaction.response.send_message(FORGET_WARNING, view=view, ephemeral=True)
        if not await view.wait() and view.confirmed:
            await view.interaction.response.edit_message(content="Deleting…", view=None)
            conversations = await erase_member(self.bot, member.guild_id, member.user_id)
            counts, refused = await forget(self.bot, member)
            if conversations:
                counts["askmods_conversations"] = conversations
            text = "Done. Everything Bridgeline kept about you in this server is deleted."
            if not counts:
                text = "Done. There was nothing stored about you in this server."
            if refused:
                text += (
                    f" {refused} anonymous post(s) couldn't be taken down (Discord refused); "
                    "they carry no name, and a moderator can delete them."
                )
            await view.interaction.edit_original_response(content=text)
        elif view.confirmed is None:
            await interaction.edit_original_response(
                content="Timed out. Nothing was deleted.", view=None
            )


async def setup(bot: Bridgeline) -> None:
    await bot.add_cog(Privacy(bot))
