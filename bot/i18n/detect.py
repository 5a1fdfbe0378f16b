"""Which of our languages a chat message is written in, so a safety reply can answer in it.

py3langid (a numpy port of langid.py) restricted to our five languages plus Italian, Dutch and
Polish, so that a line in one of those is not taken for Spanish, French, German or Portuguese.
Its model ships inside the wheel: nothing is downloaded at run time. bench/language_id.py
measured it against lingua in both modes on labelled support-server lines (figures and the
reasons for the choice in README, safety section).

A wrong guess answers someone in a language they did not write, so short or unclear lines come
back "unknown" and the caller falls back to the server's language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from bot.i18n.locales import LANGS
from bot.native_memory import return_freed_memory

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

UNKNOWN: Final = "unknown"
DISTRACTORS: Final[tuple[str, ...]] = ("it", "nl", "pl")
MIN_WORDS: Final = 2  # one word ("hola", "danke") is too often shared or a loanword
MIN_LETTERS: Final = 8
MIN_PROBABILITY: Final = 0.7  # normalised over the eight languages; 0 wrong on the bench set
_WORD = re.compile(r"[^\W\d_]{2,}")
_NOISE = re.compile(r"https?://\S+|<[@#:!&a-z0-9_]+>|:[a-z0-9_]+:", re.IGNORECASE)


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """The model restricted to our eight languages. py3langid keeps the full 97-language
    table beside the restricted one (to allow a reset we never do): rebuilding the
    identifier from the restricted parts lets the full table (27 MB) go."""
    from py3langid.langid import LanguageIdentifier as Identifier
    from py3langid.langid import _load_identifier

    loaded = _load_identifier(norm_probs=True, langs=[*LANGS, *DISTRACTORS])
    slim = Identifier(
        loaded.nb_ptc.copy(),
        loaded.nb_pc.copy(),
        list(loaded.nb_classes),
        loaded.tk_nextmove,
        loaded.tk_output,
        norm_probs=True,
        tk_row=loaded.tk_row,
    )
    del loaded
    return_freed_memory()
    return slim


def load() -> None:
    """Loads the model now (about 1.5 s, some 50 MB), so a flagged message does not wait."""
    _identifier()


def detect_language(text: str) -> str:
    """One of LANGS, or "unknown" when the line is too short, not one of ours, or unclear."""
    cleaned = _NOISE.sub(" ", text)
    words = _WORD.findall(cleaned)
    if len(words) < MIN_WORDS or sum(len(w) for w in words) < MIN_LETTERS:
        return UNKNOWN
    lang, probability = _identifier().classify(cleaned)
    if probability < MIN_PROBABILITY or lang not in LANGS:
        return UNKNOWN
    return str(lang)
