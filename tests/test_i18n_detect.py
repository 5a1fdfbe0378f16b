"""The language identifier: our languages on real lines, "unknown" on short or foreign ones."""

from __future__ import annotations

import pytest

from bot.i18n.detect import UNKNOWN, detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ich will mich umbringen", "de"),
        ("er hat mich gestern wieder geschlagen", "de"),
        ("quiero morir, ya no puedo más", "es"),
        ("tengo miedo de lo que pueda hacer", "es"),
        ("je veux mourir, je n'en peux plus", "fr"),
        ("j'ai peur de rentrer à la maison ce soir", "fr"),
        ("não aguento mais, quero sumir de vez", "pt"),
        ("i don't want to be here anymore", "en"),
    ],
)
def test_our_languages(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "hola",
        "danke",
        "lol same",
        "kkkk",
        "🙂🙂",
        "<@123456789012345678> :wave:",
        "https://example.org/some/long/path",
        "ciao a tutti, stasera pizza insieme",  # Italian: not ours
        "ik wil niet meer leven, echt niet",  # Dutch
        "nie chcę już żyć, mam dość",  # Polish
    ],
)
def test_short_or_foreign_lines_are_unknown(text: str) -> None:
    assert detect_language(text) == UNKNOWN
