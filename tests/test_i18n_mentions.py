"""Command mentions in text follow the reader's Discord language (bot/i18n/mentions.py)."""

from __future__ import annotations

from types import MappingProxyType

from bot.i18n.commands import CommandTexts
from bot.i18n.mentions import CommandNames


def names() -> CommandNames:
    spanish = {
        "names": MappingProxyType({"strategy": "estrategia", "list": "lista", "why": "por-que"})
    }
    texts = CommandTexts(MappingProxyType({"es": MappingProxyType(spanish)}))
    return CommandNames(texts, frozenset({"strategy", "strategy list", "why", "help"}))


def test_known_commands_are_renamed_and_the_words_after_them_kept() -> None:
    shown = names().localize(
        "es", "Usa `/strategy list` o /why ahora, o `/strategy list` otra vez."
    )
    assert shown == "Usa `/estrategia lista` o /por-que ahora, o `/estrategia lista` otra vez."
    assert names().localize("es", "`/strategy show boundaries`") == "`/estrategia show boundaries`"


def test_english_urls_paths_and_unknown_commands_stay_as_written() -> None:
    cm = names()
    assert cm.localize("en", "Try /strategy list") == "Try /strategy list"
    for text in ("https://x.org/why", "content/why", "</why:123>", "/list alone", "/help"):
        assert cm.localize("es", text) == text
