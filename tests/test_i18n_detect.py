"""The language identifier: our languages on real lines, "unknown" on short or foreign ones."""

from __future__ import annotations

from array import array

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


def test_pruned_automaton_scores_our_text_as_the_full_one_does() -> None:
    """The identifier keeps only the automaton states our languages' bytes reach (39 MB -> 11
    MB); on text made of those bytes every score must be what the full automaton gives."""
    from py3langid.langid import _load_identifier

    from bot.i18n import detect
    from bot.i18n.locales import LANGS

    full = _load_identifier(norm_probs=True, langs=[*LANGS, *detect.DISTRACTORS])
    pruned = detect._identifier()

    def size(table: array[int]) -> int:
        return len(table) * table.itemsize

    assert size(pruned.tk_nextmove) < size(full.tk_nextmove) / 3
    lines = [
        "je n’arrive plus à dormir depuis qu’il ne me parle plus 😔",
        "zażółć gęślą jaźń, nie chcę już nic mówić",
        "Straße, größer, übermorgen: er schweigt seit drei Tagen",
        "não aguento mais esse silêncio… ❤️ « ok »",
        "ya no sé qué hacer, ¿alguien más pasó por esto? €50 de terapia",
        "she hasn't said a word since sunday ✨👀 #help",
    ]
    for line in lines:
        assert all(b in detect.OUR_BYTES for b in line.encode())
        assert pruned.rank(line) == full.rank(line)
    # Another script's bytes restart the walk instead of indexing past the table.
    assert detect_language("Привет, как дела у тебя сегодня вечером") in (UNKNOWN, "en")
