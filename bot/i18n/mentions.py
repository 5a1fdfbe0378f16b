"""Slash-command mentions in member-facing text, in the reader's language.

The catalog names commands by their English paths ("`/strategy list`"), but a member whose
Discord is in Spanish sees, and types, "/estrategia lista". `CommandNames.localize` rewrites each
mention of a command the bot has with the names that member's Discord shows (commands.toml), so
every text keeps one spelling and no translator has to keep command names in step by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n.commands import CommandTexts
from bot.i18n.locales import DEFAULT_LANG

#: "/word", then up to two more words that may be its subcommand (checked against real paths).
#: Not inside URLs, file paths ("content/es") or Discord's own mention syntax ("</cmd:id>").
_MENTION = re.compile(r"(?<![\w/<:.])/([a-z][a-z0-9_-]*(?: [a-z][a-z0-9_-]*){0,2})")


@dataclass(frozen=True)
class CommandNames:
    """The bot's command paths ("strategy list", groups too) and their translations."""

    texts: CommandTexts
    paths: frozenset[str]

    def localize(self, lang: str, text: str) -> str:
        """`text` with each mention of a known command written as `lang` names it; words after
        the command (an option value, the sentence going on) are left as they are."""
        if lang == DEFAULT_LANG or "/" not in text:
            return text

        def swap(match: re.Match[str]) -> str:
            words = match.group(1).split(" ")
            for size in range(len(words), 0, -1):
                path = " ".join(words[:size])
                if path in self.paths:
                    rest = "".join(" " + w for w in words[size:])
                    return "/" + self.texts.command_path(lang, path) + rest
            return match.group(0)

        return _MENTION.sub(swap, text)
