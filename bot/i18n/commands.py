"""Slash commands in the member's language: content/<lang>/commands.toml and the Translator.

Discord shows each command, option and choice in the member's client language when the synced
command carries `name_localizations` / `description_localizations`. The English side is the
code; each other language has a commands.toml keyed by the English string:

    [names]         # slash command, group and option names
    [menus]         # right-click (context menu) command names
    [descriptions]  # command, group and option descriptions
    [choices]       # names of fixed choices

A translation that breaks one of Discord's rules is never sent (Discord would refuse the whole
sync); `bridgeline check-content` names it (bot/i18n/command_check.py).
"""

from __future__ import annotations

import logging
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import discord
from discord import app_commands

from bot.content.models import ContentProblem
from bot.i18n.locales import DEFAULT_LANG, LANGS, lang_for_locale

log = logging.getLogger(__name__)

COMMANDS_FILE = "commands.toml"
#: The tables of a commands.toml, each a kind of string with its own rules.
KINDS = ("names", "menus", "descriptions", "choices")
#: Discord locales we localise commands for, per language (others see English).
DISCORD_LOCALES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"es": ("es-ES", "es-419"), "fr": ("fr",), "de": ("de",), "pt": ("pt-BR",)}
)
_DEVANAGARI = range(0x0900, 0x0980)
_THAI = range(0x0E00, 0x0E80)


def name_problem(text: str) -> str | None:
    """Why `text` cannot be a slash command or option name, or None.

    Discord's rule: ``^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``, lowercase where the
    letter has a lowercase form.
    """
    if not 1 <= len(text) <= 32:
        return f"must be 1-32 characters (is {len(text)})"
    for char in text:
        if char in "-_" or ord(char) in _DEVANAGARI or ord(char) in _THAI:
            continue
        if unicodedata.category(char)[0] not in "LN":
            return f"may hold only letters, digits, - and _ (not {char!r})"
    if text != text.lower():
        return "must be lowercase"
    return None


def text_problem(kind: str, text: str) -> str | None:
    """Why `text` breaks Discord's rule for this kind of string, or None."""
    if kind == "names":
        return name_problem(text)
    limit = 32 if kind == "menus" else 100
    if not text.strip() or len(text) > limit:
        return f"must be 1-{limit} characters (is {len(text)})"
    if text != text.strip():
        return "must not start or end with spaces"
    return None


@dataclass(frozen=True)
class CommandTexts:
    """Every language's command translations: texts[lang][kind][english] -> translation."""

    texts: Mapping[str, Mapping[str, Mapping[str, str]]]

    def get(self, lang: str, kind: str, english: str) -> str | None:
        """The translation, or None when there is none or it breaks Discord's rules."""
        if lang == DEFAULT_LANG:
            return None
        found = self.texts.get(lang, {}).get(kind, {}).get(english)
        if found is None or text_problem(kind, found) is not None:
            return None
        return found

    def name(self, lang: str, english: str) -> str:
        """A command, group or option name as a member with `lang` sees it."""
        return self.get(lang, "names", english) or english

    def command_path(self, lang: str, path: str) -> str:
        """The path "strategy list" in `lang` ("estrategia lista"): each word is a name."""
        return " ".join(self.name(lang, part) for part in path.split())


def read_command_texts(content_dir: Path) -> tuple[CommandTexts, list[ContentProblem]]:
    """Read every language's commands.toml and list rule breaks (not completeness: that needs
    the command tree, see bot/i18n/command_check.py)."""
    problems: list[ContentProblem] = []
    texts: dict[str, Mapping[str, Mapping[str, str]]] = {}
    for lang in LANGS[1:]:
        if not (content_dir / lang).is_dir():
            continue  # a language not translated at all (like read_translations, for now)
        rel = f"{lang}/{COMMANDS_FILE}"
        path = content_dir / lang / COMMANDS_FILE
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(ContentProblem(rel, "<file>", "file is missing"))
            data = {}
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            problems.append(ContentProblem(rel, "<toml>", str(exc)))
            data = {}
        tables: dict[str, Mapping[str, str]] = {}
        for kind in KINDS:
            table = data.get(kind, {})
            if not isinstance(table, dict):
                problems.append(ContentProblem(rel, kind, "must be a table"))
                table = {}
            kept: dict[str, str] = {}
            for english, value in table.items():
                where = f'{kind}."{english}"'
                if not isinstance(value, str):
                    problems.append(ContentProblem(rel, where, "must be a text (a string)"))
                    continue
                why = text_problem(kind, value)
                if why is not None:
                    problems.append(ContentProblem(rel, where, f"{value!r} {why}"))
                kept[english] = value
            tables[kind] = MappingProxyType(kept)
        for extra in sorted(set(data) - set(KINDS)):
            problems.append(
                ContentProblem(rel, extra, f"unknown table (expected: {', '.join(KINDS)})")
            )
        texts[lang] = MappingProxyType(tables)
    return CommandTexts(MappingProxyType(texts)), problems


def kind_of(context: app_commands.TranslationContextTypes) -> str | None:
    """Which commands.toml table a string discord.py asks about belongs to."""
    where = context.location
    location = app_commands.TranslationContextLocation
    if where is location.command_name:
        return "menus" if isinstance(context.data, app_commands.ContextMenu) else "names"
    if where in (location.group_name, location.parameter_name):
        return "names"
    if where in (
        location.command_description,
        location.group_description,
        location.parameter_description,
    ):
        return "descriptions"
    if where is location.choice_name:
        return "choices"
    return None


class CommandTranslator(app_commands.Translator):
    """Gives discord.py the localisations it sends with `tree.sync()`."""

    def __init__(self, content_dir: Path) -> None:
        self.content_dir = content_dir
        self.texts = CommandTexts(MappingProxyType({}))

    async def load(self) -> None:
        """Read the translations when the tree takes this translator (set_translator)."""
        self.texts, problems = read_command_texts(self.content_dir)
        for problem in problems:
            log.warning("Command translation not used: %s", problem)

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        lang = lang_for_locale(locale)
        kind = kind_of(context)
        if lang is None or kind is None or locale.value not in DISCORD_LOCALES.get(lang, ()):
            return None
        return self.texts.get(lang, kind, string.message)


def command_texts_of(tree: app_commands.CommandTree[Any]) -> CommandTexts:
    """The translations the tree syncs with (none when it has no CommandTranslator)."""
    translator = tree.translator
    if isinstance(translator, CommandTranslator):
        return translator.texts
    return CommandTexts(MappingProxyType({}))
