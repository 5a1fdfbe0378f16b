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
from array import array
from functools import lru_cache
from typing import TYPE_CHECKING, Final

import numpy as np

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


#: Every byte of UTF-8 text in our eight languages: ASCII, continuation bytes, the lead bytes of
#: Latin-1 and Latin Extended-A (C2-C5), of punctuation, symbols and the variation selector (E2,
#: EF), and of emoji (F0). Other lead bytes start other scripts.
OUR_BYTES: Final = frozenset([*range(0xC0), 0xC2, 0xC3, 0xC4, 0xC5, 0xE2, 0xEF, 0xF0])


def prune_automaton(
    nextmove: array[int], rows: array[int], outputs: list[int], alphabet: frozenset[int]
) -> tuple[array[int], array[int], list[int]]:
    """The byte automaton cut to the states that text over ``alphabet`` can reach from the
    start, renumbered in their old order; a byte outside it goes back to the start state.

    py3langid's automaton has 104,583 states (38,346 distinct rows of 256) for 97 languages'
    scripts: 39 MB as 32-bit state numbers. Text in our languages reaches 64,947 of them,
    which fit 16 bits, in 21,810 rows: 11 MB. Text made of ``alphabet`` walks the states it
    walked before, so its features and scores do not change.
    """
    moves = np.frombuffer(nextmove, dtype=np.dtype(nextmove.typecode)).reshape(-1, 256)
    row_of = np.frombuffer(rows, dtype=np.dtype(rows.typecode))
    columns = np.array(sorted(alphabet), dtype=np.intp)
    reached = np.zeros(len(row_of), dtype=bool)
    reached[0] = True
    frontier = np.zeros(1, dtype=np.intp)
    while frontier.size:  # breadth first, a level at a time
        hit = np.zeros_like(reached)
        hit[moves[np.ix_(row_of[frontier], columns)]] = True
        frontier = np.flatnonzero(hit & ~reached)
        reached[frontier] = True
    kept = np.flatnonzero(reached)  # old state numbers, ascending: the start stays 0
    state_type = np.uint16 if len(kept) <= 0xFFFF else np.uint32
    number = np.zeros(len(row_of), dtype=state_type)
    number[kept] = np.arange(len(kept), dtype=state_type)
    kept_rows, new_rows = np.unique(row_of[kept], return_inverse=True)
    table = np.zeros((len(kept_rows), 256), dtype=state_type)
    table[:, columns] = number[moves[np.ix_(kept_rows, columns)]]
    row_type = np.uint16 if len(kept_rows) <= 0xFFFF else np.uint32
    return (
        _as_array(table),
        _as_array(new_rows.astype(row_type)),
        [outputs[s] for s in kept.tolist()],
    )


def _as_array(values: np.ndarray) -> array[int]:
    """A NumPy vector as an ``array.array``: py3langid indexes it a byte at a time, which is
    quicker on an array than on NumPy."""
    out = array("H" if values.dtype == np.uint16 else "I")
    out.frombytes(values.tobytes())
    return out


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """The model restricted to our eight languages. py3langid keeps the full 97-language
    table beside the restricted one (to allow a reset we never do): rebuilding the
    identifier from the restricted parts lets the full table (27 MB) go, and the byte
    automaton is cut to what text in our languages can reach (``prune_automaton``)."""
    from py3langid.langid import LanguageIdentifier as Identifier
    from py3langid.langid import _load_identifier

    loaded = _load_identifier(norm_probs=True, langs=[*LANGS, *DISTRACTORS])
    nextmove, rows, outputs = prune_automaton(
        loaded.tk_nextmove, loaded.tk_row, loaded.tk_output, OUR_BYTES
    )
    slim = Identifier(
        loaded.nb_ptc.copy(),
        loaded.nb_pc.copy(),
        list(loaded.nb_classes),
        nextmove,
        outputs,
        norm_probs=True,
        tk_row=rows,
    )
    del loaded
    return_freed_memory()
    return slim


def load() -> None:
    """Loads the model now (under a second, some 25 MB), so a flagged message does not wait."""
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
