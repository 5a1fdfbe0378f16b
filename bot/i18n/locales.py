"""Which of our languages a Discord locale, a server setting or a language code means.

Discord sends a member's client language on every interaction (`interaction.locale`) and a
server's community language (`guild_locale`); we answer in one of LANGS and fall back to English
only for a language we do not speak.
"""

from __future__ import annotations

from typing import Final

DEFAULT_LANG: Final = "en"
# Order is the order shown in /setup language and in README.
LANGS: Final[tuple[str, ...]] = ("en", "es", "fr", "de", "pt")
LANGUAGE_NAMES: Final[dict[str, str]] = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
    "pt": "Português",
}


def lang_for_locale(locale: object) -> str | None:
    """Our language for a Discord locale ("es-ES", "es-419", "pt-BR", "en-GB", a discord.Locale
    or a bare code like "de"); None when we do not speak it."""
    if locale is None:
        return None
    code = str(getattr(locale, "value", locale)).strip().lower()
    base = code.replace("_", "-").split("-", 1)[0]
    return base if base in LANGS else None


def pick_lang(*candidates: object) -> str:
    """The first candidate we speak (locales, setting values, codes), else English."""
    for candidate in candidates:
        lang = lang_for_locale(candidate)
        if lang is not None:
            return lang
    return DEFAULT_LANG
