"""/help and the one-time welcome: what Bridgeline does, the member commands and privacy, on
one screen, in the member's language with the command names Discord shows them. The command
names here are checked against the synced tree by a test (tests/e2e/test_help.py)."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.i18n import DEFAULT_LANG, t
from bot.i18n.commands import CommandTexts
from bot.ui.embeds import Tone, build_embed

#: (command paths, key of the words after them under help.lines); no paths: a line of its own.
HelpLine = tuple[tuple[str, ...], str]
#: (key of the heading under help.sections, lines); every `/command` must exist for members.
MEMBER_COMMANDS: tuple[tuple[str, tuple[HelpLine, ...]], ...] = (
    (
        "understand",
        (
            (("strategy list", "strategy show", "strategy steps"), "strategy"),
            (("script",), "script"),
            (("why", "reflect", "faq"), "reading"),
            (("warning-signs",), "warning_signs"),
        ),
    ),
    (
        "track",
        (
            (("checkin new",), "checkin_new"),
            (("checkin history", "checkin delete"), "checkin_history"),
        ),
    ),
    (
        "support",
        (
            (("resources show", "resources region"), "resources"),
            (("ask-mods",), "ask_mods"),
            ((), "danger"),
        ),
    ),
)
_NO_TRANSLATIONS = CommandTexts({})


def command(lang: str, path: str, names: CommandTexts = _NO_TRANSLATIONS) -> str:
    """`/path` as Discord shows it to a member whose client speaks `lang`."""
    return f"`/{names.command_path(lang, path)}`"


def _line(lang: str, names: CommandTexts, paths: tuple[str, ...], key: str) -> str:
    words = t(lang, f"help.lines.{key}")
    if not paths:
        return words
    return " · ".join(command(lang, p, names) for p in paths) + ": " + words


def help_embed(lang: str = DEFAULT_LANG, names: CommandTexts = _NO_TRANSLATIONS) -> discord.Embed:
    """The /help screen in `lang`; `names` are the command translations the tree synced."""
    fields = [
        (
            t(lang, f"help.sections.{section}"),
            "\n".join(_line(lang, names, paths, key) for paths, key in lines),
        )
        for section, lines in MEMBER_COMMANDS
    ]
    privacy = t(
        lang,
        "help.privacy",
        privacy_about=command(lang, "privacy about", names),
        privacy_export=command(lang, "privacy export", names),
        privacy_forget=command(lang, "privacy forget", names),
    )
    fields.append((t(lang, "help.privacy_heading"), privacy))
    return build_embed(
        t(lang, "help.title"),
        t(lang, "help.intro"),
        tone=Tone.INFO,
        fields=fields,
        footer=t(lang, "help.footer"),
    )


def welcome_text(lang: str = DEFAULT_LANG, names: CommandTexts = _NO_TRANSLATIONS) -> str:
    """The one-time note after a member's first command, pointing to /help."""
    return t(lang, "help.welcome", help=command(lang, "help", names))


def notes_text(
    notes: Sequence[str],
    *,
    welcome: bool,
    lang: str = DEFAULT_LANG,
    names: CommandTexts = _NO_TRANSLATIONS,
) -> str | None:
    """What follows a member's command: the one-time welcome and notes left for them."""
    parts = [welcome_text(lang, names)] if welcome else []
    if notes:
        parts.append(t(lang, "help.away") + "\n" + "\n".join(f"• {n}" for n in notes))
    return "\n\n".join(parts) or None
