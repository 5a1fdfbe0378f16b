"""Text normalisation that undoes common disguises before matching.

Two entry points share every step: ``normalize`` (hot path, no offsets) and
``normalize_with_map`` (used only when something matched, to turn spans back into offsets of
the original text). Each step is either a per-character table or a regex substitution, so
both paths produce the same string by construction; a test checks it on sample text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Cyrillic and Greek letters that look like Latin ones (after casefold).
_HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "һ": "h", "ԁ": "d", "ɡ": "g", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ь": "b",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w", "ς": "c", "σ": "o",
    "µ": "u", "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss",
}  # fmt: skip
_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
}  # fmt: skip
_LEET = str.maketrans("0134578@$!|", "oieastbasii")


def _fold_char(ch: str) -> str:
    """NFKC + casefold + look-alike folding + accent stripping for one character."""
    if unicodedata.category(ch) == "Cf":  # zero-width spaces, joiners, bidi marks...
        return ""
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        c = _QUOTES.get(c, c)
        c = _HOMOGLYPHS.get(c, c)
        for d in unicodedata.normalize("NFD", c):
            if not unicodedata.category(d).startswith("M"):  # accents, variation selectors
                out.append(d)
    return "".join(out)


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table that fills itself on first sight of each character."""

    def __missing__(self, key: int) -> str:
        value = _fold_char(chr(key))
        self[key] = value
        return value


_FOLD = _FoldTable()

# Step regexes: each with its replacement, applied in this order after the character fold.
_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")
_SPACED = re.compile(r"(?<![\w@$!|])(?:[\w@$!|][ .\-_*]){2,}[\w@$!|](?![\w@$!|])")
# Leet inside a word ("k1ll"), at its end ("d13") or start ("3nd"); ordinals and units stay.
_LEET_RUN = re.compile(
    r"(?<=[a-z])[0134578@$!|]+(?=[a-z])"
    r"|(?<=[a-z])[013457]{1,2}(?![\w@$!|])"
    r"|(?<![\w@$!|])[0134]{1,2}(?=[a-z]{2})"
    r"(?!(?:st|nd|rd|th|am|pm|ks?|min|mins|hrs?|yrs?|kg|lbs?|ft|mb|gb|days?|weeks?)\b)"
)
_REPEAT = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r" {2,}")


def _join_spaced(m: re.Match[str]) -> str:
    run = m.group(0)
    letters = run[::2]
    if sum(c.isalpha() for c in letters) < 2:  # "2 - 3", "a 1 b" stay as they are
        return run
    return letters


_Repl = Callable[[re.Match[str]], str]


def _first(m: re.Match[str]) -> str:
    return m.group(1)


_STEPS: tuple[tuple[re.Pattern[str], _Repl], ...] = (
    (_APOSTROPHE, lambda m: ""),
    (_SPACED, _join_spaced),
    (_LEET_RUN, lambda m: m.group(0).translate(_LEET)),
    (_REPEAT, _first),
    (_SPACES, lambda m: " "),
)
# Shape of ASCII text for cheap guards: letters "a", digits and leet symbols "1", the
# separators of spaced-out letters " ", anything else "#". Plain substring tests on it tell
# whether the spaced-letter or leet steps could change anything.
_SHAPE = str.maketrans(
    {
        c: "a"
        if c.isalpha()
        else "1"
        if c.isdigit() or c in "@$!|"
        else " "
        if c in " .-_*"
        else "#"
        for c in map(chr, range(128))
    }
)


def fold_chars(text: str) -> str:
    """Character-level fold; ASCII text only needs lowercasing."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


def normalize(text: str) -> str:
    """The normalised form the patterns in content/safety.toml are written against."""
    t = fold_chars(text)
    if t.isascii():
        shape = t.translate(_SHAPE)
        padded = f" {shape} "
        if not (
            "a1" in shape
            or "1a" in shape
            or " a a " in padded
            or " a 1 " in padded
            or " 1 a " in padded
        ):  # no spaced-out letters and no leetspeak: only three cheap steps can apply
            if "'" in t:
                t = _APOSTROPHE.sub("", t)
            t = _REPEAT.sub(_first, t)
            return _SPACES.sub(" ", t) if "  " in t else t
    for pattern, repl in _STEPS:
        t = pattern.sub(repl, t)
    return t


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Normalised text plus ``offsets`` with ``offsets[i]`` = index in ``text`` of char ``i``.

    ``offsets`` has one extra entry (``len(text)``) so span ends map cleanly.
    """
    chars: list[str] = []
    offsets: list[int] = []
    ascii_text = text.isascii()
    for i, ch in enumerate(text):
        folded = ch.lower() if ascii_text else ch.translate(_FOLD)
        chars.append(folded)
        offsets.extend([i] * len(folded))
    t = "".join(chars)
    for pattern, repl in _STEPS:
        t, offsets = _sub_mapped(pattern, repl, t, offsets)
    offsets.append(len(text))
    return t, offsets


def _sub_mapped(
    pattern: re.Pattern[str], repl: _Repl, text: str, offsets: list[int]
) -> tuple[str, list[int]]:
    out: list[str] = []
    new_offsets: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        start, end = m.span()
        out.append(text[pos:start])
        new_offsets.extend(offsets[pos:start])
        piece = repl(m)
        out.append(piece)
        if len(piece) == end - start:
            new_offsets.extend(offsets[start:end])
        elif piece == m.group(0)[::2]:  # joined spaced letters keep their own offsets
            new_offsets.extend(offsets[start:end:2])
        else:
            new_offsets.extend([offsets[start]] * len(piece))
        pos = end
    out.append(text[pos:])
    new_offsets.extend(offsets[pos:])
    return "".join(out), new_offsets
