"""Buttons and modals of /ask-mods. Buttons are DynamicItems (they work after a restart, in
DMs too); their custom_ids carry only the conversation number. Member buttons check the
presser by pseudonym, moderator buttons by level: nothing here learns who an asker is."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.askmods import identity, replies, rules, service, store
from bot.askmods.service import AskModsError
from bot.askmods.store import Conversation
from bot.client import bridgeline_of
from bot.errors import send_private
from bot.i18n import member_lang
from bot.i18n.languages_in_use import reply_lang, server_lang
from bot.ui.safety_embeds import member_reply_embed
from bot.ui.views import BaseModal, ConfirmView, guarded, persistent_view

log = logging.getLogger(__name__)


def member_view(conversation: Conversation, lang: str) -> discord.ui.View:
    items: list[discord.ui.Item[Any]] = [MemberButton("write", conversation.id, lang)]
    if not conversation.named:
        items.append(MemberButton("reveal", conversation.id, lang))
    items.append(MemberButton("end", conversation.id, lang))
    return persistent_view(*items)


# ---- the member -------------------------------------------------------------------------------


class MessageModal(BaseModal, title="Message the moderators"):
    """A new conversation (`conversation_id` None) or the next message in one; its wording is
    set per member language in __init__."""

    def __init__(
        self, guild_id: int, *, conversation_id: int | None, named: bool, lang: str
    ) -> None:
        super().__init__(title=replies.member_text(lang, "modal_title"))
        self.text: discord.ui.TextInput[MessageModal] = discord.ui.TextInput(
            label=replies.member_text(lang, "modal_label"),
            custom_id="askmods:text",
            style=discord.TextStyle.paragraph,
            placeholder=replies.member_text(lang, "modal_placeholder"),
            max_length=rules.MESSAGE_MAX_CHARS,
        )
        self.add_item(self.text)
        self.lang = lang
        self.guild_id = guild_id
        self.conversation_id = conversation_id
        self.named = named

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = bridgeline_of(interaction)
        lang = self.lang
        texts = rules.member_text(self.text.value)
        if texts is None:
            await send_private(interaction, replies.member_text(lang, "empty"))
            return
        guild = await bot.server(self.guild_id)  # sent from a DM: maybe another shard's
        if guild is None:
            await send_private(interaction, replies.member_text(lang, "gone"))
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
            await interaction.followup.send(refusal.text(lang), ephemeral=True)
            return
        await service.post_member_message(bot, conversation, *texts, member_lang=lang)
        flag = await service.scan(bot, texts[0], guild.id)
        if flag is not None:
            await store.record_flag(bot.db, conversation.id, flag.severity, bot.clock.now())
            help_text = await service.private_help(bot, guild.id, user_id, flag, lang)
            await interaction.followup.send(
                embed=member_reply_embed(help_text, guild.name), ephemeral=True
            )
            await service.raise_in_thread(bot, conversation, flag)
        await interaction.followup.send(
            replies.sent_text(conversation, lang),
            view=member_view(conversation, lang),
            ephemeral=True,
        )


async def _lang(interaction: discord.Interaction, guild_id: int) -> str:
    """The member's language; buttons in a DM have no server, so the conversation's is used."""
    bot = bridgeline_of(interaction)
    return member_lang(interaction, await server_lang(bot.db, guild_id))


async def _own(
    interaction: discord.Interaction, conversation_id: int
) -> tuple[Conversation, str] | None:
    """The conversation and the member's language, if the presser is its asker (by
    pseudonym); answers otherwise."""
    bot = bridgeline_of(interaction)
    conversation = await store.get(bot.db, conversation_id)
    if conversation is None:
        lang = await reply_lang(bot.db, interaction)
        await send_private(interaction, replies.member_text(lang, "gone"))
        return None
    lang = await _lang(interaction, conversation.guild_id)
    mine = identity.asker_pseudonym(bot.settings.secret, conversation.guild_id, interaction.user.id)
    if mine != conversation.askmods_pseudonym:
        await send_private(interaction, replies.member_text(lang, "not_yours"))
        return None
    return conversation, lang


async def _confirmed(
    interaction: discord.Interaction, text: str, label: str, lang: str
) -> ConfirmView | None:
    view = ConfirmView(interaction.user.id, confirm_label=label, danger=True, lang=lang)
    await interaction.response.send_message(text, view=view, ephemeral=True)
    if await view.wait() or not view.confirmed:
        if view.confirmed is None:
            await interaction.edit_original_response(
                content=replies.member_text(lang, "timed_out"), view=None
            )
        return None
    return view


class MemberButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"bl:askmods:(?P<action>write|reveal|end):(?P<id>[0-9]{1,18})",
):
    def __init__(self, action: str, conversation_id: int, lang: str = "en") -> None:
        style = discord.ButtonStyle.primary if action == "write" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=replies.member_text(lang, action),
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
        owned = await _own(interaction, self.conversation_id)
        if owned is None:
            return
        conversation, lang = owned
        if not conversation.is_open and self.action != "end":
            await send_private(interaction, replies.member_text(lang, "gone"))
            return
        if self.action == "write":
            modal = MessageModal(
                conversation.guild_id,
                conversation_id=conversation.id,
                named=conversation.named,
                lang=lang,
            )
            await interaction.response.send_modal(modal)
        elif self.action == "reveal":
            await self._reveal(interaction, conversation, lang)
        else:
            await self._end(interaction, conversation, lang)

    async def _reveal(
        self, interaction: discord.Interaction, conversation: Conversation, lang: str
    ) -> None:
        text = replies.member_text(lang, "reveal_confirm")
        label = replies.member_text(lang, "reveal_confirm_button")
        view = await _confirmed(interaction, text, label, lang)
        if view is None:
            return
        bot = bridgeline_of(interaction)
        await view.interaction.response.edit_message(
            content=replies.member_text(lang, "revealed"), view=None
        )
        if not await store.set_named(bot.db, conversation.id):
            return
        thread = await service._thread(bot, conversation)
        if thread is not None:
            staff_lang = await server_lang(bot.db, conversation.guild_id)
            await thread.send(
                embed=replies.revealed_embed(interaction.user.id, staff_lang),
                allowed_mentions=service.NO_MENTIONS,
            )
        updated = await store.get(bot.db, conversation.id)
        if updated is not None:
            await service.refresh_starter(bot, updated)

    async def _end(
        self, interaction: discord.Interaction, conversation: Conversation, lang: str
    ) -> None:
        text, label = replies.member_text(lang, "end_confirm"), replies.member_text(lang, "end")
        view = await _confirmed(interaction, text, label, lang)
        if view is None:
            return
        await view.interaction.response.edit_message(
            content=replies.member_text(lang, "deleting"), view=None
        )
        await service.erase(bridgeline_of(interaction), conversation, "member_ended")
        await view.interaction.edit_original_response(content=replies.member_text(lang, "ended"))
