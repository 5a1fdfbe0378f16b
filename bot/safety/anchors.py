"""A cheap prefilter: which patterns could possibly match this normalised text?

Python's regex engine tries every alternative at every position, so running ~90 patterns, or
one alternation of all of them, costs tens of microseconds per message. Most chat is benign,
so we first ask a much cheaper question: does the text contain a literal that some pattern
cannot match without?

Each top-level alternative of each pattern requires some literal sets (``regex_literals.py``):
one literal of every set must occur. Literals are made of word characters (so each lies inside
one word of the text) or are symbols such as emoji. A message is split into words with C-level
string calls; what each distinct word proves (a bit per literal it contains, and the
alternatives keyed on it) is worked out once and cached, since chat reuses a small vocabulary.
A message's mask is the OR of its words' masks, and only the alternatives keyed by one of its
words (on their rarest set) are checked, each with one AND per required set. A pattern whose
syntax the reader does not model is always run: the prefilter can save time, never drop a hit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import reduce
from operator import or_
from typing import TypeVar

from bot.safety.normalize import ASCII_SPLIT
from bot.safety.regex_literals import (
    DIGIT,
    Literal,
    LiteralSet,
    Unsupported,
    alternatives,
    near_set,
    score,
)

_Alt = tuple[int, int]  # (pattern index, alternative index)
_Keyed = tuple[_Alt, tuple[int, ...]]  # an alternative and the masks of its other sets

_K = TypeVar("_K", str, bytes, int)  # a word, its bytes, or a mask of word bits
_V = TypeVar("_V")
_WORD = re.compile(r"\w+")
_CACHE_LIMIT = 50_000  # distinct words remembered; cleared when full (typos, names, noise)


class WordCache(dict[_K, _V]):
    """What each distinct key (a word, or a mask of word bits) proves, worked out on first
    sight; cleared when full."""

    def __init__(self, compute: Callable[[_K], _V]) -> None:
        super().__init__()
        self._compute: Callable[[_K], _V] = compute

    def __missing__(self, word: _K) -> _V:
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        info = self[word] = self._compute(word)
        return info


def _mask(bits: Iterable[int]) -> int:
    """The mask with these bit numbers set."""
    mask = 0
    for b in bits:
        mask |= 1 << b
    return mask


def _is_word_text(text: str) -> bool:
    return all(c.isalnum() or c == "_" for c in text)


class AnchorIndex:
    """Which patterns, and which of their top-level alternatives, might match a text.

    ``patterns``: (regex, near) pairs; ``near`` (or None) must also match somewhere.
    ``alternative_regex`` holds each alternative as a regex of its own, so a caller can run
    just the branch whose words occur instead of a whole pattern; patterns in ``always`` have
    no such split and are run whole.
    """

    def __init__(
        self,
        patterns: Iterable[tuple[str, str | None]],
        unkeyed_branches: bool = False,
        per_pattern: bool = False,
    ) -> None:
        """``per_pattern``: also keep the split by pattern that ``pattern_alternatives`` reads
        (2 MB for the main patterns, which never ask it)."""
        always: set[int] = set()
        ranked: dict[_Alt, list[LiteralSet]] = {}
        self.alternative_regex: dict[_Alt, str] = {}
        # With ``unkeyed_branches``, an alternative with no required literal is a candidate
        # for every text, instead of making its whole pattern one.
        unkeyed: set[_Alt] = set()
        for index, (regex, near) in enumerate(patterns):
            try:
                split = alternatives(regex, allow_unkeyed=unkeyed_branches and near is None)
                extra = near_set(near) if near else None
            except Unsupported:
                split = None
            if split is None:
                always.add(index)
                continue
            for a, (text, sets) in enumerate(split):
                self.alternative_regex[(index, a)] = text
                if not sets:
                    unkeyed.add((index, a))
                    continue
                ranked[(index, a)] = sorted(sets + ([extra] if extra else []), key=score)[::-1]
        self.always = frozenset(always)
        self._unkeyed: frozenset[_Alt] = frozenset(unkeyed)
        # Frequent literals get the low bits: a message of common words has a small mask.
        literals = sorted(
            {lit for sets in ranked.values() for s in sets for lit in s},
            key=lambda lit: (score(frozenset([lit])), lit),
        )
        bit = {lit: i for i, lit in enumerate(literals)}  # the literal's bit number
        keyed: dict[Literal, list[_Alt]] = {}
        for alt, sets in ranked.items():
            for lit in sets[0]:  # keyed on the rarest set
                keyed.setdefault(lit, []).append(alt)
        self._key_bits = _mask(bit[lit] for lit in keyed)
        # One mask object per distinct set: alternatives share word groups, and half the masks
        # would be copies (2.4 MB of the bot's memory).
        shared: dict[LiteralSet, int] = {}

        def set_mask(literal_set: LiteralSet) -> int:
            if literal_set not in shared:
                shared[literal_set] = _mask(bit[x] for x in literal_set)
            return shared[literal_set]

        rest_masks = {alt: tuple(map(set_mask, sets[1:])) for alt, sets in ranked.items()}
        # Per key literal's bit number: its alternatives, each with one mask per other required
        # set (rarer first, so a miss fails early); the key's own set is already satisfied.
        self._keyed_by_bit: dict[int, tuple[_Keyed, ...]] = {
            bit[lit]: tuple((alt, rest_masks[alt]) for alt in sorted(alts))
            for lit, alts in keyed.items()
        }
        # The same split by pattern, for asking about one pattern only (``near`` conditions).
        self._pattern_keys: dict[int, tuple[int, dict[int, tuple[_Keyed, ...]]]] | None = None
        if per_pattern:
            by_pattern: dict[int, dict[int, list[_Keyed]]] = {}
            for lit, alts in keyed.items():
                for alt in sorted(alts):
                    entries = by_pattern.setdefault(alt[0], {}).setdefault(bit[lit], [])
                    entries.append((alt, rest_masks[alt]))
            self._pattern_keys = {
                index: (_mask(by_bit), {b: tuple(e) for b, e in by_bit.items()})
                for index, by_bit in by_pattern.items()
            }
        # Word-start literals are looked up by the word's prefixes of their lengths, whole-word
        # ones by the word; the rest are substring tests. Bit numbers, not masks: a mask is as
        # long as its highest bit (11,000 literals: ~1.4 KB each). A trie walked along the word
        # did the same lookups with 44,000 nodes, 9 MB of the bot's memory.
        starts: dict[str, list[int]] = {}
        wholes: dict[str, list[int]] = {}
        inner: list[tuple[str, int]] = []
        # DIGIT: any word whose first character is a digit (see ``word_mask``).
        self._digit_bit = 1 << bit[DIGIT] if DIGIT in bit else 0
        for lit in literals:
            text, initial, whole = lit
            if lit == DIGIT or not _is_word_text(text):
                continue
            if not initial:
                inner.append((text, bit[lit]))
            else:
                (wholes if whole else starts).setdefault(text, []).append(bit[lit])
        self._starts = {text: tuple(bits) for text, bits in starts.items()}
        self._start_lengths = tuple(sorted({len(text) for text in starts}))
        self._wholes = {text: tuple(bits) for text, bits in wholes.items()}
        self._inner_words = tuple(inner)
        # Symbols (emoji and the like) are substring tests, only on non-ASCII text.
        self._symbols = tuple(
            (lit[0], 1 << bit[lit]) for lit in literals if not _is_word_text(lit[0])
        )
        # One cache per kind of word (bytes for ASCII text): each fills itself on a miss.
        self._ascii_masks = WordCache[bytes, int](lambda w: self.word_mask(w.decode()))
        self._masks = WordCache[str, int](self.word_mask)

    def candidates(self, norm: str) -> set[int]:
        """Indexes of the patterns that might match ``norm`` (``always`` included)."""
        return set(self.always) | {alt[0] for alt in self.candidate_alternatives(norm)}

    def candidate_alternatives(self, norm: str) -> set[_Alt]:
        """(pattern, alternative) pairs that might match ``norm``; ``always`` not included."""
        return self.alternatives_for_mask(self.text_mask(norm))

    def text_mask(self, norm: str) -> int:
        """The OR of the ``word_mask`` of each word of ``norm`` and its ``symbol_mask``."""
        if norm.isascii():
            words = norm.encode().translate(ASCII_SPLIT).split()
            return reduce(or_, map(self._ascii_masks.__getitem__, words), 0)
        mask = reduce(or_, map(self._masks.__getitem__, _WORD.findall(norm)), 0)
        return mask | self.symbol_mask(norm)

    def pattern_alternatives(self, mask: int, index: int) -> set[_Alt]:
        """The alternatives of pattern ``index`` alone that might match a text of ``mask``."""
        if self._pattern_keys is None:
            raise ValueError("this index was built without per_pattern")
        found = {alt for alt in self._unkeyed if alt[0] == index}
        key_bits, by_bit = self._pattern_keys.get(index, (0, {}))
        keys = mask & key_bits
        while keys:
            top = keys.bit_length() - 1
            keys ^= 1 << top
            for alt, rest in by_bit[top]:
                if all(mask & required for required in rest):
                    found.add(alt)
        return found

    def symbol_mask(self, norm: str) -> int:
        """The bits of the non-word literals (emoji and the like) in ``norm``."""
        mask = 0
        for text, sym_bit in self._symbols:
            if text in norm:
                mask |= sym_bit
        return mask

    def alternatives_for_mask(self, mask: int) -> set[_Alt]:
        """``candidate_alternatives`` of a text from the OR of its words' ``word_mask`` and its
        ``symbol_mask``."""
        found: set[_Alt] = set(self._unkeyed)
        keys = mask & self._key_bits
        while keys:  # one step per key literal present, highest bit first
            top = keys.bit_length() - 1
            keys ^= 1 << top
            for alt, rest in self._keyed_by_bit[top]:
                for required in rest:
                    if not mask & required:
                        break
                else:
                    found.add(alt)
        return found

    def word_mask(self, word: str) -> int:
        """The literal bits one word (a maximal run of word characters) proves."""
        bits = list(self._wholes.get(word, ()))
        for length in self._start_lengths:
            if length > len(word):
                break
            bits += self._starts.get(word[:length], ())
        bits += [lit_bit for text, lit_bit in self._inner_words if text in word]
        mask = _mask(bits)
        return mask | self._digit_bit if word[:1].isdigit() else mask
