"""What /ask-mods says, to the member and to the moderators. One builder per kind of message;
nothing here ever names an anonymous asker (only their label).

Wording lives in content/messages/askmods.toml: replies to the member take the member's
language, everything posted in the staff channel takes the server's (`lang` from the caller).
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.askmods.store import Conversation, StoredMessage
from bot.i18n import t
from bot.ui.embeds import Tone, build_embed, clip

# ---- to the member ----------------------------------------------------------------------------

#: Refusals a member may read (AskModsError carries one of these keys).
NO_STAFF_CHANNEL = "askmods.member.no_staff_channel"
BLOCKED = "askmods.member.blocked"
TOO_MANY_OPENED = "askmods.member.too_many_opened"
TOO_FAST = "askmods.member.too_fast"
GONE = "askmods.member.gone"


def member_text(lang: str, name: str, /, **fields: object) -> str:
    """One of the member's texts ("askmods.member.<name>")."""
    return t(lang, f"askmods.member.{name}", **fields)


def staff_text(lang: str, name: str, /, **fields: object) -> str:
    """One of the moderators' texts ("askmods.staff.<name>")."""
    return t(lang, f"askmods.staff.{name}", **fields)


def sent_text(conversation: Conversation, lang: str) -> str:
    if conversation.named:
        return member_text(lang, "sent_named")
    return member_text(lang, "sent_anonymous", label=conversation.label)


def panel_embed(
    conversation: Conversation, history: Sequence[StoredMessage], lang: str
) -> discord.Embed:
    """The member's private view of their conversation (the last few messages)."""
    you, mods = member_text(lang, "panel_you"), member_text(lang, "panel_moderators")
    lines = []
    for message in history[-6:]:
        who = you if message.direction == "member" else mods
        lines.append(f"**{who}:** {clip(message.body, 500)}")
    if conversation.named:
        footer = member_text(lang, "panel_footer_named")
    else:
        footer = member_text(lang, "panel_footer_anonymous", label=conversation.label)
    return build_embed(
        member_text(lang, "panel_title"),
        "\n\n".join(lines) or member_text(lang, "panel_empty"),
        tone=Tone.INFO,
        footer=footer,
    )


def reply_to_member_embed(
    guild_name: str | None, label: str, body: str, lang: str
) -> discord.Embed:
    server = guild_name or member_text(lang, "the_server")
    return build_embed(
        member_text(lang, "reply_title", server=server),
        body,
        tone=Tone.CARE,
        footer=member_text(lang, "reply_footer", label=label),
    )


def closed_to_member(guild_name: str | None, blocked: bool, lang: str) -> str:
    server = guild_name or member_text(lang, "the_server")
    return member_text(lang, "closed_blocked" if blocked else "closed", server=server)


# ---- to the moderators ------------------------------------------------------------------------


def starter_embed(conversation: Conversation, user_id: int | None, lang: str) -> discord.Embed:
    """The post in the staff channel that the thread hangs from. `user_id` only when named."""
    if conversation.named and user_id is not None:
        who = staff_text(lang, "from_named", user=user_id)
    else:
        who = staff_text(lang, "from_anonymous")
    state = staff_text(lang, f"state_{conversation.status}")
    return build_embed(
        staff_text(lang, "starter_title", label=conversation.label),
        f"{who}\n{state}",
        tone=Tone.SUPPORT,
        footer=staff_text(lang, "starter_footer"),
    )


def member_message_embed(label: str, body: str, lang: str) -> discord.Embed:
    return build_embed(staff_text(lang, "member_wrote", label=label), body, tone=Tone.INFO)


def moderator_message_embed(moderator_id: int, body: str, lang: str) -> discord.Embed:
    return build_embed(
        staff_text(lang, "reply_sent"), f"<@{moderator_id}>:\n{body}", tone=Tone.NEUTRAL
    )


def note_embed(text: str, lang: str) -> discord.Embed:
    return build_embed(staff_text(lang, "note"), text, tone=Tone.NEUTRAL)


def revealed_embed(user_id: int, lang: str) -> discord.Embed:
    return build_embed(
        staff_text(lang, "revealed_title"),
        staff_text(lang, "revealed_text", user=user_id),
        tone=Tone.SUPPORT,
    )


def safety_embed(categories: Sequence[str], imminent: bool, lang: str) -> discord.Embed:
    """Never quotes the message: it is just above, in the thread."""
    kinds = ", ".join(t(lang, f"askmods.staff.kinds.{c}") for c in categories)
    if imminent:
        text = staff_text(lang, "urgent_text", kinds=kinds)
        return build_embed(staff_text(lang, "urgent_title"), text, tone=Tone.ALERT)
    text = staff_text(lang, "safety_text", kinds=kinds)
    return build_embed(staff_text(lang, "safety_title"), text, tone=Tone.SUPPORT)
