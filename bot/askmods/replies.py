"""What /ask-mods says, to the member and to the moderators. One builder per kind of message;
nothing here ever names an anonymous asker (only their label)."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.askmods.store import Conversation, StoredMessage
from bot.ui.embeds import Tone, build_embed, clip

# ---- to the member ----------------------------------------------------------------------------

HOW_IT_WORKS = (
    "Your message goes to this server's moderators in a private staff thread. "
    "**Anonymous:** they see a label such as `ask-1a2b3c`, never your name, and replies reach "
    "you here by DM (or, if your DMs are closed, the next time you run `/ask-mods`). "
    "You can tell them who you are later, but not the other way round. "
    "**Named:** they see who you are from the start.\n"
    "This is an automated tool, not a counsellor. The person hosting the bot, holding both its "
    "database and its secret key, could find out who wrote; moderators can't."
)
MODAL_TITLE = "Message the moderators"
MODAL_LABEL = "What would you like to tell them?"
MODAL_PLACEHOLDER = "Only the moderators will read this."
WRITE_LABEL = "Write to the moderators"
REVEAL_LABEL = "Tell them who I am"
END_LABEL = "End and delete"
NO_STAFF_CHANNEL = (
    "This server hasn't set up a moderators' channel yet, so I can't pass messages on. "
    "`/resources show` lists support lines privately, any time."
)
BLOCKED = (
    "The moderators have paused conversations from you here. If you need support now, "
    "`/resources show` lists helplines privately."
)
TOO_MANY_OPENED = (
    "You've started several conversations today. Please carry on in your open one, or try "
    "again tomorrow. If you need support now, `/resources show` lists helplines."
)
TOO_FAST = "That's a lot of messages in a short time. Please wait a few minutes, then write again."
EMPTY = "That message was empty once invisible characters were removed. Nothing was sent."
NOT_YOURS = "This conversation belongs to someone else."
GONE = "This conversation has ended. You can start a new one with `/ask-mods`."
REVEAL_CONFIRM = (
    "This shows the moderators your Discord name in this conversation. It can't be undone. "
    "Do you want them to know it's you?"
)
REVEALED = "Done. The moderators can now see it's you in this conversation."
END_CONFIRM = (
    "This ends the conversation and deletes it from the bot's records, and removes the copies "
    "of your messages from the moderators' thread. It can't be undone."
)
ENDED = "The conversation is ended and deleted. You can start a new one with `/ask-mods` any time."


def sent_text(conversation: Conversation) -> str:
    who = (
        "They can see it's you."
        if conversation.named
        else (f"They see it as `{conversation.label}`, not your name.")
    )
    return (
        f"Sent to the moderators. {who} Their replies come to you by DM; if your DMs are "
        "closed, run `/ask-mods` here to read them."
    )


def panel_embed(conversation: Conversation, history: Sequence[StoredMessage]) -> discord.Embed:
    """The member's private view of their conversation (the last few messages)."""
    lines = []
    for message in history[-6:]:
        who = "You" if message.direction == "member" else "Moderators"
        lines.append(f"**{who}:** {clip(message.body, 500)}")
    status = "named" if conversation.named else f"anonymous, shown as `{conversation.label}`"
    return build_embed(
        "Your conversation with the moderators",
        "\n\n".join(lines) or "No messages yet.",
        tone=Tone.INFO,
        footer=f"Only you can see this. This conversation is {status}.",
    )


def reply_to_member_embed(guild_name: str, label: str, body: str) -> discord.Embed:
    return build_embed(
        f"A reply from the moderators of {guild_name}",
        body,
        tone=Tone.CARE,
        footer=f"Your private conversation {label}. Use the buttons to answer or end it.",
    )


def closed_to_member(guild_name: str, blocked: bool) -> str:
    if blocked:
        return (
            f"The moderators of {guild_name} closed your conversation and paused new ones from "
            "you for now. `/resources show` lists support lines privately, any time."
        )
    return (
        f"The moderators of {guild_name} closed your conversation. You can start a new one "
        "with `/ask-mods` whenever you like."
    )


# ---- to the moderators ------------------------------------------------------------------------

REPLY_MODAL_TITLE = "Reply to the member"
REPLY_LABEL = "Your reply (the member sees it as from the moderators)"
MOD_REPLY = "Reply"
MOD_CLOSE = "Close"
MOD_BLOCK = "Block this asker"
MOD_UNBLOCK = "Unblock"
DMS_CLOSED_NOTE = (
    "The member's DMs are closed: they will read this reply the next time they run `/ask-mods`."
)
DELIVERED_NOTE = "Delivered to the member by DM."


def starter_embed(conversation: Conversation, user_id: int | None) -> discord.Embed:
    """The post in the staff channel that the thread hangs from. `user_id` only when named."""
    if conversation.named and user_id is not None:
        who = f"From <@{user_id}> (they chose to be named)."
    else:
        who = "From an anonymous member. Nobody here can see who it is; they may choose to say."
    state = {
        "open": "Open: reply with the button; they get it privately.",
        "closed": "Closed.",
        "blocked": "Closed, and this asker is blocked from opening new conversations.",
    }[conversation.status]
    return build_embed(
        f"Conversation {conversation.label}",
        f"{who}\n{state}",
        tone=Tone.SUPPORT,
        footer="Messages arrive in the thread below. Block and close never reveal who asked.",
    )


def member_message_embed(label: str, body: str) -> discord.Embed:
    return build_embed(f"{label} wrote", body, tone=Tone.INFO)


def moderator_message_embed(moderator_id: int, body: str) -> discord.Embed:
    return build_embed("Reply sent", f"<@{moderator_id}>:\n{body}", tone=Tone.NEUTRAL)


def note_embed(text: str) -> discord.Embed:
    return build_embed("Note", text, tone=Tone.NEUTRAL)


def revealed_embed(user_id: int) -> discord.Embed:
    return build_embed(
        "The member chose to tell you who they are",
        f"This conversation is from <@{user_id}>. They pressed the button themselves.",
        tone=Tone.SUPPORT,
    )


def safety_embed(categories: Sequence[str], imminent: bool) -> discord.Embed:
    """Never quotes the message: it is just above, in the thread."""
    kinds = ", ".join(c.replace("_", " ") for c in categories)
    if imminent:
        text = (
            f"The safety scan rated the message above as **imminent** ({kinds}). The member was "
            "shown their private help (emergency number first). Please answer in this thread "
            "now; you can't see who they are unless they choose to say."
        )
        return build_embed("Urgent: safety concern", text, tone=Tone.ALERT)
    text = (
        f"The safety scan noticed signs of {kinds} in the message above. The member was shown "
        "private help and support lines."
    )
    return build_embed("Safety note", text, tone=Tone.SUPPORT)
