"""Buttons and modals of /ask-mods. Buttons are DynamicItems (they work after a restart, in
DMs too); their custom_ids carry only the conversation number. Member buttons check the
presser by pseudonym, moderator buttons by level: nothing here learns who an asker is."""

from __future__ import annotations

import logging
import re
from typing import Any, ClassVar

import discord

from bot.askmods import identity, replies, rules, service, store
from bot.askmods.service import AskModsError
from bot.askmods.store import Conversation
from bot.client import bridgeline_of
from bot.errors import send_private
from bot.ui.safety_embeds import member_reply_embed
from bot.ui.views import BaseModal, ConfirmView, guarded, persistent_view

log = logging.getLogger(__name__)


def member_view(conversation: Conversation) -> discord.ui.View:
    items: list[discord.ui.Item[Any]] = [MemberButton("write", conversation.id)]
    if not conversation.named:
        items.append(MemberButton("reveal", conversation.id))
    items.append(MemberButton("end", conversation.id))
    return persistent_view(*items)


# ---- the member -------------------------------------------------------------------------------


class MessageModal(BaseModal, title=replies.MODAL_TITLE):
    """A new conversation (`conversation_id` None) or the next message in one."""

    text: discord.ui.TextInput[MessageModal] = discord.ui.TextInput(
        label=replies.MODAL_LABEL,
        custom_id="askmods:text",
        style=discord.TextStyle.paragraph,
        placeholder=replies.MODAL_PLACEHOLDER,
        max_length=rules.MESSAGE_MAX_CHARS,
    )

    def __init__(self, guild_id: int, *, conversation_id: int | None, named: bool) -> None:
        super().__init__()
        self.guild_id = guild_id
        self.conversation_id = conversation_id
        self.named = named

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = bridgeline_of(interaction)
        texts = rules.member_text(self.text.value)
        if texts is None:
            await send_private(interaction, replies.EMPTY)
            return
        guild = await bot.server(self.guild_id)  # sent from a DM: maybe another shard's
        if guild is None:
            await send_private(interaction, replies.GONE)
            return
        user_id = interaction.user.id
        pseudo = identity.asker_pseudonym(bot.settings.secret, guild.id, user_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            await service.check_can_write(
                bot, guild.id, pseudo, opening=self.conversation_id is None
            )
            if self.conversation_id is None:
                conversation = await service.open_conversation(
                    bot, guild, user_id, named=self.named
                )
            else:
                found = await store.get(bot.db, self.conversation_id)
                if found is None or not found.is_open or found.askmods_pseudonym != pseudo:
                    raise AskModsError(replies.GONE)
                conversation = found
        except AskModsError as refusal:
            await interaction.followup.send(str(refusal), ephemeral=True)
            return
        await service.post_member_message(bot, conversation, *texts)
        flag = await service.scan(bot, texts[0])
        if flag is not None:
            await store.record_flag(bot.db, conversation.id, flag.severity, bot.clock.now())
            help_text = await service.private_help(bot, guild.id, user_id, flag)
            await interaction.followup.send(
                embed=member_reply_embed(help_text, guild.name), ephemeral=True
            )
            await service.raise_in_thread(bot, conversation, flag)
        await interaction.followup.send(
            replies.sent_text(conversation), view=member_view(conversation), ephemeral=True
        )


async def _own(interaction: discord.Interaction, conversation_id: int) -> Conversation | None:
    """The conversation, if the presser is its asker (by pseudonym); answers otherwise."""
    bot = bridgeline_of(interaction)
    conversation = await store.get(bot.db, conversation_id)
    if conversation is None:
        await send_private(interaction, replies.GONE)
        return None
    mine = identity.asker_pseudonym(bot.settings.secret, conversation.guild_id, interaction.user.id)
    if mine != conversation.askmods_pseudonym:
        await send_private(interaction, replies.NOT_YOURS)
        return None
    return conversation


async def _confirmed(interaction: discord.Interaction, text: str, label: str) -> ConfirmView | None:
    view = ConfirmView(interaction.user.id, confirm_label=label, danger=True)
    await interaction.response.send_message(text, view=view, ephemeral=True)
    if await view.wait() or not view.confirmed:
        if view.confirmed is None:
            await interaction.edit_original_response(
                content="Timed out. Nothing changed.", view=None
            )
        return None
    return view


class MemberButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"bl:askmods:(?P<action>write|reveal|end):(?P<id>[0-9]{1,18})",
):
    LABELS: ClassVar[dict[str, str]] = {
        "write": replies.WRITE_LABEL,
        "reveal": replies.REVEAL_LABEL,
        "end": replies.END_LABEL,
    }

    def __init__(self, action: str, conversation_id: int) -> None:
        style = discord.ButtonStyle.primary if action == "write" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=self.LABELS[action],
                style=style,
                custom_id=f"bl:askmods:{action}:{conversation_id}",
            )
        )
        self.action = action
        self.conversation_id = conversation_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> MemberButton:
        return cls(match["action"], int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._handle(interaction))

    async def _handle(self, interaction: discord.Interaction) -> None:
        conversation = await _own(interaction, self.conversation_id)
        if conversation is None:
            return
        if not conversation.is_open and self.action != "end":
            await send_private(interaction, replies.GONE)
            return
        if self.action == "write":
            modal = MessageModal(
                conversation.guild_id, conversation_id=conversation.id, named=conversation.named
            )
            await interaction.response.send_modal(modal)
        elif self.action == "reveal":
            await self._reveal(interaction, conversation)
        else:
            await self._end(interaction, conversation)

    async def _reveal(self, interaction: discord.Interaction, conversation: Conversation) -> None:
        view = await _confirmed(interaction, replies.REVEAL_CONFIRM, "Yes, tell them")
        if view is None:
            return
        bot = bridgeline_of(interaction)
        await view.interaction.response.edit_message(content=replies.REVEALED, view=None)
        if not await store.set_named(bot.db, conversation.id):
            return
        thread = await service._thread(bot, conversation)
        if thread is not None:
            await thread.send(
                embed=replies.revealed_embed(interaction.user.id),
                allowed_mentions=service.NO_MENTIONS,
            )
        updated = await store.get(bot.db, conversation.id)
        if updated is not None:
            await service.refresh_starter(bot, updated)

    async def _end(self, interaction: discord.Interaction, conversation: Conversation) -> None:
        view = await _confirmed(interaction, replies.END_CONFIRM, replies.END_LABEL)
        if view is None:
            return
        await view.interaction.response.edit_message(content="Deleting…", view=None)
        await service.erase(
            bridgeline_of(interaction),
            conversation,
            "The member ended this conversation and deleted it; their messages were removed.",
        )
        await view.interaction.edit_original_response(content=replies.ENDED)
