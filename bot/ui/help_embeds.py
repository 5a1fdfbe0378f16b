"""/help and the one-time welcome: what Bridgeline does, the member commands and privacy, on
one screen. The command names here are checked against the synced tree by a test."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.ui.embeds import Tone, build_embed

#: (heading, lines); every `/command` named here must exist for members (tests/e2e/test_help.py).
MEMBER_COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Understand and respond",
        (
            "`/strategy list` · `/strategy show` · `/strategy steps`: seven ways back to talking",
            "`/script`: ready-to-say words for your situation",
            "`/why` · `/reflect` · `/faq`: why partners withdraw, a question for you, answers",
            "`/warning-signs`: when silence becomes punishment or control",
        ),
    ),
    (
        "Keep track, privately",
        (
            "`/checkin new`: your mood and a few words, kept private; you may post it anonymously",
            "`/checkin history` · `/checkin delete`: your entries, and removing one",
        ),
    ),
    (
        "Support",
        (
            "`/resources show` · `/resources region`: checked helplines for your country",
            "`/ask-mods`: a private conversation with the moderators, anonymous if you like",
            "In danger right now? Call your local emergency number.",
        ),
    ),
)

PRIVACY = (
    "Replies to your commands are shown only to you. Check-ins are stored under a pseudonym (a "
    "keyed hash), not your user id, and only you can read them. Moderators can't tell who "
    "wrote an anonymous post. Two limits: whoever runs the bot holds the key, so with a copy "
    "of the database they could work out who wrote what; and Discord itself knows who used "
    "which command. `/privacy about` explains more; `/privacy export` gives you a copy of your "
    "data and `/privacy forget` deletes it."
)
INTRO = (
    "Calm, private tools for when a partner goes quiet on you. Bridgeline is an automated bot, "
    "not a counsellor; when a message sounds like a crisis it points to real people who can "
    "help."
)
WELCOME = (
    "**First time using Bridgeline here?** Replies to your commands are only visible to you, "
    "and check-ins stay private unless you choose to post one anonymously. `/help` shows "
    "everything it does and what it stores. (This note appears once.)"
)


def help_embed() -> discord.Embed:
    fields = [(heading, "\n".join(lines)) for heading, lines in MEMBER_COMMANDS]
    fields.append(("Privacy", PRIVACY))
    return build_embed(
        "Bridgeline: what it does",
        INTRO,
        tone=Tone.INFO,
        fields=fields,
        footer="Moderators and server managers have more commands; Discord shows them only to them.",
    )


def notes_text(notes: Sequence[str], *, welcome: bool) -> str | None:
    """What follows a member's command: the one-time welcome and notes left for them."""
    parts = [WELCOME] if welcome else []
    if notes:
        parts.append("**While you were away:**\n" + "\n".join(f"• {n}" for n in notes))
    return "\n\n".join(parts) or None
