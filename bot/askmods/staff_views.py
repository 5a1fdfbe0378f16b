"""The moderators' side of /ask-mods: the buttons on the staff post (reply, close, block,
unblock) and the reply form. Checked by moderator level; nothing here learns who asked."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.askmods import replies, rules, service, store
from bot.askmods.store import Conversation
from bot.checks import Level, has_level, refuse
from bot.client import Bridgeline, bridgeline_of
from bot.errors import send_private
from bot.i18n.languages_in_use import server_lang
from bot.storage import audit
from bot.ui.views import BaseModal, guarded, persistent_view

log = logging.getLogger(__name__)


def starter_view(conversation: Conversation, lang: str) -> discord.ui.View:
    """Open: reply, close, block. Blocked: unblock. Closed: no buttons (an empty view)."""
    if conversation.status == "blocked":
        return persistent_view(UnblockButton(conversation.label, lang))
    actions = ["reply", "close", "block"] if conversation.status == "open" else []
    return persistent_view(*(ModButton(a, conversation.id, lang) for a in actions))


# ---- the moderators ---------------------------------------------------------------------------


class ReplyModal(BaseModal, title="Reply to the member"):
    """The moderator's reply; its wording is set in the server's language in __init__."""

    def __init__(self, conversation_id: int, lang: str) -> None:
        super().__init__(title=replies.staff_text(lang, "reply_modal_title"))
        self.text: discord.ui.TextInput[ReplyModal] = discord.ui.TextInput(
            label=replies.staff_text(lang, "reply_label"),
            custom_id="askmods:reply",
            style=discord.TextStyle.paragraph,
            placeholder=replies.staff_text(lang, "reply_placeholder"),
            max_length=rules.MESSAGE_MAX_CHARS,
        )
        self.add_item(self.text)
        self.conversation_id = conversation_id
        self.lang = lang

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = bridgeline_of(interaction)
        lang = self.lang
        body = rules.moderator_text(self.text.value)
        conversation = await store.get(bot.db, self.conversation_id)
        if body is None or conversation is None or not conversation.is_open:
            await send_private(interaction, replies.staff_text(lang, "nothing_sent"))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        await store.add_message(bot.db, conversation, "moderators", body, bot.clock.now())
        thread = await service._thread(bot, conversation)
        if thread is not None:
            await thread.send(
                embed=replies.moderator_message_embed(interaction.user.id, body, lang),
                allowed_mentions=service.NO_MENTIONS,
            )
        guild = bot.get_guild(conversation.guild_id)
        # A DM in the member's language (kept from when they last wrote), not the moderator's.
        dm_lang = await service.member_dm_lang(bot, conversation)
        delivered = await service.send_to_member(
            bot,
            conversation,
            embed=replies.reply_to_member_embed(
                guild.name if guild else None, conversation.label, body, dm_lang
            ),
            lang=dm_lang,
        )
        if delivered:
            await store.mark_delivered(bot.db, conversation.id)
            await interaction.followup.send(replies.staff_text(lang, "delivered"), ephemeral=True)
        else:
            await service.note(bot, conversation, "dms_closed")
            await interaction.followup.send(replies.staff_text(lang, "dms_closed"), ephemeral=True)


class ModButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"bl:askmods:mod:(?P<action>reply|close|block):(?P<id>[0-9]{1,18})",
):
    def __init__(self, action: str, conversation_id: int, lang: str = "en") -> None:
        style = {
            "reply": discord.ButtonStyle.primary,
            "block": discord.ButtonStyle.danger,
        }.get(action, discord.ButtonStyle.secondary)
        super().__init__(
            discord.ui.Button(
                label=replies.staff_text(lang, action),
                style=style,
                custom_id=f"bl:askmods:mod:{action}:{conversation_id}",
            )
        )
        self.action = action
        self.conversation_id = conversation_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ModButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:

        await guarded(interaction, self._handle(interaction))

    async def _handle(self, interaction: discord.Interaction) -> None:
        if not await has_level(interaction, Level.MODERATOR):
            await refuse(interaction, Level.MODERATOR)
            return
        bot = bridgeline_of(interaction)
        lang = await server_lang(bot.db, interaction.guild_id)
        conversation = await store.get(bot.db, self.conversation_id)
        if conversation is None or conversation.guild_id != interaction.guild_id:
            await send_private(interaction, replies.staff_text(lang, "deleted"))
            return
        if self.action == "reply":
            if not conversation.is_open:
                await send_private(interaction, replies.staff_text(lang, "is_closed"))
                return
            await interaction.response.send_modal(ReplyModal(conversation.id, lang))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = await self._change(bot, conversation, interaction.user.id, lang)
        updated = await store.get(bot.db, conversation.id)
        if updated is not None:
            await service.refresh_starter(bot, updated)
        await interaction.followup.send(text, ephemeral=True)

    async def _change(
        self, bot: Bridgeline, conversation: Conversation, moderator: int, lang: str
    ) -> str:
        now = bot.clock.now()
        blocked = self.action == "block"
        if blocked:
            await store.block(
                bot.db,
                conversation.guild_id,
                conversation.askmods_pseudonym,
                conversation.label,
                now,
            )
        was_open = await store.close(
            bot.db, conversation.id, "blocked" if blocked else "closed", now
        )
        if blocked and not was_open:
            await store.set_status(bot.db, conversation.id, "blocked")
        await audit.record(
            bot.db,
            conversation.guild_id,
            moderator,
            "askmods.block" if blocked else "askmods.close",
            target=conversation.label,
        )
        note = "blocked_note" if blocked else "closed_note"
        await service.note(bot, conversation, note, moderator=moderator)
        if was_open:
            guild = bot.get_guild(conversation.guild_id)
            dm_lang = await service.member_dm_lang(bot, conversation)
            await service.send_to_member(
                bot,
                conversation,
                content=replies.closed_to_member(guild.name if guild else None, blocked, dm_lang),
                with_buttons=False,
                lang=dm_lang,
            )
        return replies.staff_text(lang, "blocked_done" if blocked else "closed_done")


class UnblockButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"bl:askmods:unblock:(?P<label>ask-[0-9a-f]{6})",
):
    """Keyed by the label, not the conversation: the block outlives the conversation (the
    member may end and delete it, or erase their data), and must stay liftable."""

    def __init__(self, label: str, lang: str = "en") -> None:
        super().__init__(
            discord.ui.Button(
                label=replies.staff_text(lang, "unblock"),
                style=discord.ButtonStyle.secondary,
                custom_id=f"bl:askmods:unblock:{label}",
            )
        )
        self.label = label

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> UnblockButton:
        return cls(match["label"])

    async def callback(self, interaction: discord.Interaction) -> None:

        await guarded(interaction, self._handle(interaction))

    async def _handle(self, interaction: discord.Interaction) -> None:
        if not await has_level(interaction, Level.MODERATOR) or interaction.guild_id is None:
            await refuse(interaction, Level.MODERATOR)
            return
        bot = bridgeline_of(interaction)
        guild_id, moderator = interaction.guild_id, interaction.user.id
        lang = await server_lang(bot.db, guild_id)
        if not await store.unblock_label(bot.db, guild_id, self.label):
            await send_private(interaction, replies.staff_text(lang, "not_blocked"))
            return
        await audit.record(bot.db, guild_id, moderator, "askmods.unblock", target=self.label)
        await interaction.response.edit_message(view=None)
        await interaction.followup.send(replies.staff_text(lang, "unblocked_done"), ephemeral=True)
        conversation = await store.by_label(bot.db, self.label)
        if conversation is not None:
            await store.set_status(bot.db, conversation.id, "closed")
            await service.note(bot, conversation, "unblocked_note", moderator=moderator)
