"""Text normalisation that undoes common disguises before matching.

Two entry points share every step: ``normalize`` (hot path, no offsets) and
``normalize_with_map`` (used only when something matched, to turn spans back into offsets of
the original text). Each step is a per-character table or a regex substitution, so both paths
produce the same string by construction; a test checks it on sample text.

Most chat needs none of the disguise steps: a few cheap searches (``needs_steps``) decide
whether to run them. Text whose word characters are ASCII (``prepare``) takes C-level byte
tests instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from bot.safety.vocab import WORDS, segment, unstretch

# Cyrillic and Greek letters that look like Latin ones (after casefold).
#: Characters that break a line (str.splitlines); every other whitespace folds to a space.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "һ": "h", "ԁ": "d", "ɡ": "g", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ь": "b",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w", "ς": "c", "σ": "o",
    "µ": "u", "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "ɑ": "a", "ᴀ": "a",
    "ʜ": "h", "ɪ": "i", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p",
    "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴡ": "w", "ʏ": "y", "ᴅ": "d", "ᴇ": "e",
}  # fmt: skip
_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
    "\u2014": "-", "\u2022": ".", "\u00b7": ".",
}  # fmt: skip
_LEET = str.maketrans("0134578@$!|", "oieastbasii")


def _fold_char(ch: str) -> str:
    """NFKC + casefold + look-alike folding + accent stripping for one character."""
    if ch.isspace():  # every whitespace class: one space, or one newline if it breaks a line
        return "\n" if ch in LINE_BREAKS else " "
    category = unicodedata.category(ch)
    # Zero-width spaces, joiners, bidi marks; and combining marks on their own, before
    # casefold: zalgo stacks them, and U+0345 (a combining iota) would fold to "i".
    if category == "Cf" or category.startswith("M"):
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
_ASCII_ODD_SPACE = re.compile(r"[\t\r\x0b\x0c\x1c-\x1f]")
_ASCII_SPACES = str.maketrans("\t\r\x0b\x0c\x1c\x1d\x1e\x1f", " \n\n\n\n\n\n ")


def lower_ascii(text: str) -> str:
    """``_FOLD`` for ASCII text: lowercase, and whitespace other than space and newline
    folded one for one (tab and U+001F to a space, the other line breaks to a newline)."""
    low = text.lower()
    if low.isprintable() or _ASCII_ODD_SPACE.search(low) is None:  # isprintable: C, fast
        return low
    return low.translate(_ASCII_SPACES)


_W = r"[\w@$!|]"  # a character that can be part of a (possibly leet) word
_NW = r"[^\w@$!|]"
_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")
# Single characters separated by spaces, dots, dashes...: "k i l l", "k.i.l.l", "i  w a n t".
_SEP = r"(?: *[.\-_*] *| +)"
_SPACED = re.compile(rf"(?<!{_W}){_W}(?:{_SEP}{_W}(?!{_W}))+")
_SEP_SPLIT = re.compile(rf"({_SEP})")
# A word with a letter and a leet character: "k1ll", "d13", "4g41n", "k!ll".
# The look-ahead skips (in C) words with no leet character, which _fold_leet leaves alone.
_LEET_WORD = re.compile(r"(?<![\w@$!|])(?=[\w@$!|]*[0134578@$!|])[\w@$!|]*[a-z][\w@$!|]*")
_LEET_CHARS = re.compile(r"[0134578]|(?<=\w)[@$!|]+(?=\w)")
_UNIT = re.compile(
    r"\d+(?:st|nd|rd|th|am|pm|k|ks|m|x|h|hr|hrs|min|mins|yr|yrs|yo|kg|lbs?|ft|mb|gb|s|"
    r"day|days|wk|wks|week|weeks|mo|km|mi|d|w|y)"
)
# Starts only where a run of letters starts: without the look-behind a long word with no
# stretched letter is tried from every position (quadratic: "k1" * 2000 took 150 ms).
_STRETCHED = re.compile(r"(?<![a-z])[a-z]*([a-z])\1\1[a-z]*")
_SPACES = re.compile(r" {2,}")
# Whitespace: patterns with "\s+ ... \s*" are quadratic on long runs of tabs, CRs, U+2028 or
# U+001C (a 4,000-character run: 250 ms). Character folding turns each whitespace character
# into a space, or a newline where it breaks a line (one for one, so offsets stay put); then a
# run holding a newline becomes one newline, and runs of spaces (which _SPACED reads as word
# gaps) are squeezed last. The run regex starts only where a run starts: linear.
_NEWLINE_RUN = re.compile(r"(?<! )(?: ++\n|\n[ \n])[ \n]*")
# Cheap tests for "could a disguise step change anything?" (apostrophes are handled
# separately). Separate searches beat one alternation: each skips ahead on its first
# character, and the leet test only runs on text with a digit or symbol.
_DIGITISH = re.compile(r"[0-9@$!|]")
_LEET_NEEDED = re.compile(r"[0-9@$!|](?<=[a-z].)|[0-9](?=[a-z])")
_SPACED_NEEDED = re.compile(r"[ .\-_*][\w@$!|][ .\-_*]+[\w@$!|][ .\-_*]")  # on " text "
_REPEAT_NEEDED = re.compile(r"([a-z])\1\1")
_NEWLINE_RUN_NEEDED = re.compile(r"[ \n]\n|\n ")


def needs_steps(t: str) -> bool:
    return (
        "  " in t
        or ("\n" in t and _NEWLINE_RUN_NEEDED.search(t) is not None)
        or (_DIGITISH.search(t) is not None and _LEET_NEEDED.search(t) is not None)
        or _SPACED_NEEDED.search(f" {t} ") is not None
        or _REPEAT_NEEDED.search(t) is not None
    )


_NOT_DIGITISH = bytes(sorted(set(range(256)) - set(b"0123456789@$!|")))
# _SPACED_NEEDED on bytes mapped to classes: a word-ish byte becomes "a", a separator " ".
# Exact unless "_" (both) occurs; then the regex runs on the text itself.
_SPACED_CLASSES = bytes(
    97 if re.match(rb"[\w@$!|]", bytes([i])) else 32 if i in b" .-*" else 35 for i in range(256)
)
_SPACED_MAPPED = re.compile(rb" a +a ")
_REPEAT_BYTES = re.compile(rb"([a-z])\1\1")


_NON_ASCII_WORD_CHAR = re.compile(r"[^\W\x00-\x7f]")


_ZWSP = "\u200b"


def zero_width_as_spaces(text: str) -> str:
    """Zero-width spaces used as the word gaps ("he\u200bpinned\u200bme") become spaces; a few
    inside a word ("k\u200bill") are still dropped by the fold, joining the word."""
    if _ZWSP in text and text.count(_ZWSP) > text.count(" "):
        return text.replace(_ZWSP, " ")
    return text


def prepare(text: str) -> tuple[str, bytes | None]:
    """Character folding (case, look-alikes, inner apostrophes) and, when every word
    character of the result is ASCII (plain chat, accents folded away, emoji around), its
    bytes with other characters as "?"; else (folded text, None)."""
    text = zero_width_as_spaces(text)
    if text.isascii():
        t = lower_ascii(text)
        if "'" in t:
            t = _APOSTROPHE.sub("", t)
        raw = t.encode()
    else:
        t = text.translate(_FOLD)
        if "'" in t:
            t = _APOSTROPHE.sub("", t)
        if t.isascii():
            raw = t.encode()
        elif _NON_ASCII_WORD_CHAR.search(t) is None:
            raw = t.encode("ascii", "replace")
        else:
            return t, None
    return t, raw


def ascii_needs_steps(t: str, raw: bytes) -> bool:
    """``needs_steps(t)`` for ``prepare`` output with bytes. Non-ASCII characters there are
    non-word ones, which no test below matches either."""
    if (
        _REPEAT_BYTES.search(raw) is not None
        or "  " in t
        or ("\n" in t and _NEWLINE_RUN_NEEDED.search(t) is not None)
    ):
        return True
    if raw.translate(None, _NOT_DIGITISH) and _LEET_NEEDED.search(t) is not None:
        return True
    if "_" in t:
        return _SPACED_NEEDED.search(f" {t} ") is not None
    return _SPACED_MAPPED.search(b" " + raw.translate(_SPACED_CLASSES) + b" ") is not None


def run_steps(t: str) -> str:
    """The disguise steps, for text that ``ascii_needs_steps`` or ``needs_steps`` flagged."""
    for pattern, repl in _STEPS:
        t = pattern.sub(repl, t)
    return t


def _join_spaced(m: re.Match[str]) -> str:
    """Joins spaced-out letters; wider or different gaps separate words, and a run with no
    visible word gaps is split into known words ("iwanttodie" -> "i want to die")."""
    run = m.group(0)
    parts = _SEP_SPLIT.split(run)
    chars, seps = parts[::2], parts[1::2]
    if sum(c.isalpha() for c in chars) < 2:  # "2 - 3", "a 1 b" stay as they are
        return run
    # The commonest gap is the one between letters; on a tie the narrower one, so the result
    # never depends on set order (which changes with each process's hash seed).
    inner = max(sorted(set(seps), key=lambda sep: (len(sep), sep)), key=seps.count)
    chunks: list[list[str]] = [[chars[0]]]
    for sep, ch in zip(seps, chars[1:], strict=True):
        if sep == inner:
            chunks[-1].append(ch)
        else:
            chunks.append([ch])
    words: list[str] = []
    for chunk in chunks:
        letters = "".join(chunk)
        folded = letters.translate(_LEET) if any(c.isalpha() for c in letters) else letters
        if len(chunk) == 1:
            words.append(letters)
        elif len(chunk) == 2:
            words.append(folded if folded in WORDS else inner.join(chunk))
        else:
            words.append(segment(folded) or folded)
    return " ".join(words)


def _fold_leet(m: re.Match[str]) -> str:
    word = m.group(0)
    if _UNIT.fullmatch(word) or not _LEET_CHARS.search(word):
        return word
    return _LEET_CHARS.sub(lambda c: c.group(0).translate(_LEET), word)


_Repl = Callable[[re.Match[str]], str]

_STEPS: tuple[tuple[re.Pattern[str], _Repl], ...] = (
    (_NEWLINE_RUN, lambda m: "\n"),
    (_SPACED, _join_spaced),
    (_LEET_WORD, _fold_leet),
    (_STRETCHED, lambda m: unstretch(m.group(0))),
    (_SPACES, lambda m: " "),
)


def normalize(text: str) -> str:
    """The normalised form the patterns in content/safety.toml are written against."""
    t, raw = prepare(text)
    needed = ascii_needs_steps(t, raw) if raw is not None else needs_steps(t)
    return run_steps(t) if needed else t


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Normalised text plus ``offsets`` with ``offsets[i]`` = index in ``text`` of char ``i``.

    ``offsets`` has one extra entry (``len(text)``) so span ends map cleanly.
    """
    text = zero_width_as_spaces(text)  # one character for one: offsets still line up
    if text.isascii():  # the common case: at most apostrophes were dropped
        low = lower_ascii(text)
        t = _APOSTROPHE.sub("", low) if "'" in low else low
        if not needs_steps(t):
            dropped = {m.start() for m in _APOSTROPHE.finditer(low)} if len(t) < len(low) else ()
            return t, [i for i in range(len(low)) if i not in dropped] + [len(text)]
        t, offsets = low, list(range(len(low)))  # folding ASCII is one for one
    else:
        folds = list(map(_FOLD.__getitem__, map(ord, text)))
        t = "".join(folds)
        if len(t) == len(text) and all(len(f) == 1 for f in folds):
            offsets = list(range(len(t)))
        else:
            offsets = [i for i, f in enumerate(folds) for _ in f]
    t, offsets = _sub_mapped(_APOSTROPHE, lambda m: "", t, offsets)
    if needs_steps(t):
        for pattern, repl in _STEPS:
            t, offsets = _sub_mapped(pattern, repl, t, offsets)
    offsets.append(len(text))
    return t, offsets


def _align(piece: str, source: str) -> list[int]:
    """Index into ``source`` for each character of ``piece``: equal characters in order,
    anything else (a folded leet digit, an inserted space) takes the current position."""
    if len(piece) == len(source):
        return list(range(len(piece)))
    out: list[int] = []
    pos = 0
    for ch in piece:
        found = source.find(ch, pos)
        if found != -1 and (ch != " " or found - pos <= 2):
            out.append(found)
            pos = found + 1
        else:
            out.append(min(pos, len(source) - 1))
    return out


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
        new_offsets.extend(offsets[start + i] for i in _align(piece, m.group(0)))
        pos = end
    out.append(text[pos:])
    new_offsets.extend(offsets[pos:])
    return "".join(out), new_offsets
