"""Speak the member's language: which language to use and the words in it.

`t(lang, key, **fields)` is how reply builders get member-facing text. The catalog comes from the
content directory the bot loaded (`install`, called whenever content is loaded or reloaded), and
from the shipped content/ until then, so unit tests and builders need no set-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.i18n.locales import DEFAULT_LANG, LANGS, LANGUAGE_NAMES, lang_for_locale, pick_lang

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "LANGUAGE_NAMES",
    "install",
    "install_commands",
    "lang_for_locale",
    "localize_mentions",
    "member_lang",
    "pick_lang",
    "t",
]

if TYPE_CHECKING:
    from bot.content.messages import Catalog
    from bot.i18n.mentions import CommandNames

_SHIPPED = Path(__file__).resolve().parent.parent.parent / "content"
_installed: Catalog | None = None
_commands: CommandNames | None = None


def install(catalog: Catalog) -> None:
    """Use this catalog from now on (the bot calls it with the content it loaded)."""
    global _installed
    _installed = catalog


def install_commands(names: CommandNames) -> None:
    """Write command mentions in each reader's language from now on (the bot calls it once its
    commands and their translations are loaded; until then mentions stay as written)."""
    global _commands
    _commands = names


def localize_mentions(lang: str, text: str) -> str:
    """`text` with its slash-command mentions ("/strategy list") as `lang`'s Discord names them."""
    return text if _commands is None else _commands.localize(lang, text)


def _catalog() -> Catalog:
    global _installed
    if _installed is None:
        # Imported here: bot.content imports bot.i18n.locales, so a top-level import would
        # make the two packages import each other.
        from bot.content.messages import check_catalog

        _installed, _ = check_catalog(_SHIPPED)
    return _installed


def member_lang(interaction: object, server_language: str | None = None) -> str:
    """The language for a reply to one member: their Discord client language when we speak it,
    else the server's (/setup language, or Discord's community locale), else English."""
    return pick_lang(
        getattr(interaction, "locale", None),
        server_language,
        getattr(interaction, "guild_locale", None),
    )


def t(lang: str, key: str, /, **fields: object) -> str:
    """Member-facing text `key` in `lang`, with {fields} filled in; command mentions in the
    wording itself (not in the fields) are written as `lang`'s Discord names them."""
    if _commands is None or lang == DEFAULT_LANG:
        return _catalog().text(lang, key, **fields)
    template = _commands.localize(lang, _catalog().text(lang, key))
    return template.format(**fields) if fields else template
