"""/ask-mods on Discord: the staff thread, delivering replies, the safety scan, endings.

The member's user id is in hand only while they are interacting; afterwards it exists only
sealed in the conversation row (identity.py), opened just to deliver a moderator's reply.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import discord

from bot.askmods import identity, replies, rules, store
from bot.askmods.store import Conversation
from bot.client import Bridgeline
from bot.i18n import pick_lang, t
from bot.i18n.languages_in_use import server_lang
from bot.safety_service.policy import Flag, flag_from_detection
from bot.safety_service.regions import member_region
from bot.safety_service.replies import ReplyText, compose_reply
from bot.storage import feature_settings
from bot.storage.guilds import get_settings

log = logging.getLogger(__name__)
NO_MENTIONS = discord.AllowedMentions.none()
Messageable = discord.TextChannel | discord.Thread


class AskModsError(Exception):
    """A refusal the member should read: `key` is its text in content/messages/askmods.toml."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key

    def text(self, lang: str) -> str:
        return t(lang, self.key)


async def staff_channel(bot: Bridgeline, guild: discord.Guild) -> discord.TextChannel | None:
    chosen = (await feature_settings.get_feature_settings(bot.db, guild.id)).askmods_channel_id
    channel_id = chosen or (await get_settings(bot.db, guild.id)).alerts_channel_id
    channel = guild.get_channel(channel_id) if channel_id else None
    return channel if isinstance(channel, discord.TextChannel) else None


async def _thread(bot: Bridgeline, conversation: Conversation) -> Messageable | None:
    if conversation.thread_id is None:
        return None
    channel = bot.get_channel(conversation.thread_id)
    if channel is None:
        try:
            channel = await bot.fetch_channel(conversation.thread_id)
        except discord.HTTPException:
            return None
    return channel if isinstance(channel, discord.Thread | discord.TextChannel) else None


async def check_can_write(bot: Bridgeline, guild_id: int, pseudo: str, *, opening: bool) -> None:
    if await store.is_blocked(bot.db, guild_id, pseudo):
        raise AskModsError(replies.BLOCKED)
    now = bot.clock.now()
    if opening:
        opened = await store.opened_since(bot.db, guild_id, pseudo, now - timedelta(days=1))
        if not rules.opening_allowed(opened):
            raise AskModsError(replies.TOO_MANY_OPENED)
    recent = await store.member_messages_since(
        bot.db, guild_id, pseudo, now - rules.MESSAGES_WINDOW
    )
    if not rules.message_allowed(recent):
        raise AskModsError(replies.TOO_FAST)


async def open_conversation(
    bot: Bridgeline, guild: discord.Guild, user_id: int, *, named: bool
) -> Conversation:
    """Stores the conversation and opens its staff thread; raises AskModsError for refusals."""
    from bot.askmods.staff_views import starter_view  # it imports this module

    channel = await staff_channel(bot, guild)
    if channel is None:
        raise AskModsError(replies.NO_STAFF_CHANNEL)
    secret = bot.settings.secret
    conversation = await store.create(
        bot.db,
        guild_id=guild.id,
        label=identity.new_label(),
        pseudo=identity.asker_pseudonym(secret, guild.id, user_id),
        box=identity.seal(secret, user_id),
        named=named,
        now=bot.clock.now(),
    )
    lang = await server_lang(bot.db, guild.id)
    try:
        starter = await channel.send(
            embed=replies.starter_embed(conversation, user_id if named else None, lang),
            view=starter_view(conversation, lang),
            allowed_mentions=NO_MENTIONS,
        )
        thread = await starter.create_thread(name=conversation.label, auto_archive_duration=10080)
    except discord.HTTPException as exc:
        log.warning("Could not open an ask-mods thread in guild %s (HTTP %s)", guild.id, exc.status)
        await store.delete(bot.db, conversation.id)
        raise AskModsError(replies.NO_STAFF_CHANNEL) from exc
    await store.set_thread(bot.db, conversation.id, channel.id, starter.id, thread.id)
    found = await store.get(bot.db, conversation.id)
    assert found is not None
    return found


async def post_member_message(
    bot: Bridgeline, conversation: Conversation, stored: str, shown: str, *, member_lang: str
) -> None:
    """`member_lang`: the language the member's client uses now, kept for replies by DM."""
    if conversation.member_lang != member_lang:
        await store.set_member_lang(bot.db, conversation.id, member_lang)
    message_id = await store.add_message(bot.db, conversation, "member", stored, bot.clock.now())
    thread = await _thread(bot, conversation)
    if thread is None:
        return
    lang = await server_lang(bot.db, conversation.guild_id)
    try:
        posted = await thread.send(
            embed=replies.member_message_embed(conversation.label, shown, lang),
            allowed_mentions=NO_MENTIONS,
        )
    except discord.HTTPException as exc:
        log.warning(
            "Ask-mods message not posted in guild %s (HTTP %s)", thread.guild.id, exc.status
        )
        return
    await store.set_thread_message(bot.db, message_id, posted.id)


async def scan(bot: Bridgeline, text: str, guild_id: int | None = None) -> Flag | None:
    detection = await bot.scanner.scan_async(text, guild_id)
    if not detection.flagged:
        return None
    flag = flag_from_detection(detection)
    return flag if flag.categories else None


async def private_help(
    bot: Bridgeline, guild_id: int, user_id: int, flag: Flag, lang: str
) -> ReplyText:
    """The member's private safety reply, in their language (`lang`)."""
    region = await member_region(bot.db, bot.settings.secret, guild_id, user_id)
    content = bot.content.in_lang(lang)
    return compose_reply(content, content.safety.responses, region, flag)


async def post_in_thread(
    bot: Bridgeline, conversation: Conversation, embed: discord.Embed, *, ping_role: int | None
) -> bool:
    """A bot notice in the conversation's thread, pinging the moderator role if given (the
    only mention /ask-mods ever lets through)."""
    thread = await _thread(bot, conversation)
    if thread is None:
        return False
    content, mentions = None, NO_MENTIONS
    if ping_role:
        content = f"<@&{ping_role}>"
        mentions = discord.AllowedMentions(roles=[discord.Object(ping_role)])
    try:
        await thread.send(content, embed=embed, allowed_mentions=mentions)
        return True
    except discord.HTTPException as exc:
        log.warning("Ask-mods notice failed in guild %s (HTTP %s)", thread.guild.id, exc.status)
        return False


async def raise_in_thread(bot: Bridgeline, conversation: Conversation, flag: Flag) -> None:
    """The alert goes into the conversation's own thread; an imminent one pings the role."""
    imminent = flag.severity == "imminent"
    settings = await get_settings(bot.db, conversation.guild_id)
    embed = replies.safety_embed(flag.categories, imminent, pick_lang(settings.language))
    role_id = settings.moderator_role_id
    await post_in_thread(bot, conversation, embed, ping_role=role_id if imminent else None)


async def note(bot: Bridgeline, conversation: Conversation, name: str, **fields: object) -> None:
    """A note in the staff thread: askmods.staff.<name>, in the server's language."""
    thread = await _thread(bot, conversation)
    if thread is not None:
        lang = await server_lang(bot.db, conversation.guild_id)
        text = replies.staff_text(lang, name, **fields)
        try:
            await thread.send(embed=replies.note_embed(text, lang), allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.warning("Ask-mods note failed (HTTP %s)", exc.status)


async def _member(bot: Bridgeline, conversation: Conversation) -> discord.User | None:
    try:
        user_id = identity.unseal(bot.settings.secret, conversation.delivery_box)
    except identity.SealError:
        log.warning(
            "Ask-mods conversation %s: sealed id unreadable (secret changed?)", conversation.id
        )
        return None
    try:
        return bot.get_user(user_id) or await bot.fetch_user(user_id)
    except discord.HTTPException:
        return None


async def member_dm_lang(bot: Bridgeline, conversation: Conversation) -> str:
    """The language of a DM to the member: theirs when they last wrote, else the server's."""
    if conversation.member_lang is not None:
        return conversation.member_lang
    return await server_lang(bot.db, conversation.guild_id)


async def send_to_member(
    bot: Bridgeline,
    conversation: Conversation,
    *,
    embed: discord.Embed | None = None,
    content: str | None = None,
    with_buttons: bool = True,
    lang: str = "en",
) -> bool:
    """A DM to the asker; False when their DMs are closed (or they can't be found). `lang`:
    the buttons' language (the caller's choice for the message too)."""
    from bot.askmods.views import member_view

    user = await _member(bot, conversation)
    if user is None:
        return False
    try:
        if embed is not None and with_buttons:
            await user.send(content, embed=embed, view=member_view(conversation, lang))
        elif with_buttons:
            await user.send(content, view=member_view(conversation, lang))
        else:
            await user.send(content)
        return True
    except discord.HTTPException as exc:
        if exc.status != 403:
            log.warning("Ask-mods DM failed (HTTP %s)", exc.status)
        return False


async def refresh_starter(bot: Bridgeline, conversation: Conversation) -> None:
    """Re-renders the staff post (status, buttons; the name only when named)."""
    from bot.askmods.staff_views import starter_view

    if conversation.channel_id is None or conversation.starter_message_id is None:
        return
    # By id when not cached: a DM button press reaches shard 0's process, whatever the server.
    channel = bot.get_channel(conversation.channel_id) or bot.get_partial_messageable(
        conversation.channel_id
    )
    if not isinstance(channel, discord.TextChannel | discord.PartialMessageable):
        return
    user_id = None
    if conversation.named:
        user = await _member(bot, conversation)
        user_id = user.id if user else None
    lang = await server_lang(bot.db, conversation.guild_id)
    try:
        await channel.get_partial_message(conversation.starter_message_id).edit(
            embed=replies.starter_embed(conversation, user_id, lang),
            view=starter_view(conversation, lang),
        )
    except discord.HTTPException as exc:
        log.warning("Could not update ask-mods post %s (HTTP %s)", conversation.label, exc.status)


async def erase(bot: Bridgeline, conversation: Conversation, reason: str) -> None:
    """Removes the bot's copies of the member's words from the thread, leaves a note (`reason`:
    its askmods.staff key name), closes the staff post and deletes every record of it."""
    thread = await _thread(bot, conversation)
    if thread is not None:
        for message in await store.messages(bot.db, conversation.id):
            if message.direction == "member" and message.thread_message_id is not None:
                try:
                    await thread.get_partial_message(message.thread_message_id).delete()
                except discord.HTTPException as exc:
                    log.warning("Could not remove an ask-mods message (HTTP %s)", exc.status)
    await note(bot, conversation, reason)
    await store.close(bot.db, conversation.id, "closed", bot.clock.now())
    closed = await store.get(bot.db, conversation.id)
    if closed is not None:
        await refresh_starter(bot, closed)
    await store.delete(bot.db, conversation.id)


async def erase_member(bot: Bridgeline, guild_id: int, user_id: int) -> int:
    """/privacy forget: every conversation of this member is erased as by "End and delete"
    (their words leave the staff threads too). Returns how many."""
    pseudo = identity.asker_pseudonym(bot.settings.secret, guild_id, user_id)
    rows = await bot.db.fetchall(
        "SELECT id FROM askmods_conversations WHERE guild_id = ? AND askmods_pseudonym = ?",
        (guild_id, pseudo),
    )
    for row in rows:
        conversation = await store.get(bot.db, row["id"])
        if conversation is not None:
            await erase(bot, conversation, "member_erased")
    return len(rows)


async def purge_expired(bot: Bridgeline) -> int:
    """Retention: records of conversations closed long enough ago (the threads stay), for
    this process's servers."""
    removed = 0
    rows = await bot.db.fetchall("SELECT DISTINCT guild_id FROM askmods_conversations")
    for row in rows:
        if not bot.owns_guild(int(row["guild_id"])):
            continue
        days = (await get_settings(bot.db, row["guild_id"])).retention_days
        cutoff = rules.retention_cutoff(bot.clock.now(), days)
        for conversation_id in await store.closed_before(bot.db, row["guild_id"], cutoff):
            await store.delete(bot.db, conversation_id)
            removed += 1
    return removed
