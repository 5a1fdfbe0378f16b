"""Which training lines nearly repeat a line kept for measuring.

A blind set only measures what the model has not been shown: a training line that shares a
run of eight words with an evaluation line, or most of its letters (four-letter pieces,
Jaccard >= 0.5), would let the head remember the answer. ``train-semantic`` leaves those out.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

SHINGLE_WORDS = 8
GRAM = 4
SIMILAR = 0.5
CANDIDATES = 5  # kept lines sharing the most pieces, compared in full
COMMON_GRAM = 2000  # a piece in this many kept lines says nothing about any of them

_WORD = re.compile(r"\w+")


class KeptLines:
    """An index of the kept lines; ``near`` asks about one training line."""

    def __init__(self, kept: Sequence[str]) -> None:
        self._shingles: set[str] = set()
        self._grams: list[set[str]] = []
        self._lines_with: defaultdict[str, set[int]] = defaultdict(set)
        for number, text in enumerate(kept):
            self._shingles |= _shingles(text)
            grams = _grams(text)
            self._grams.append(grams)
            for gram in grams:
                self._lines_with[gram].add(number)

    def near(self, text: str) -> bool:
        if _shingles(text) & self._shingles:
            return True
        grams = _grams(text)
        shared: Counter[int] = Counter()
        for gram in grams:
            lines = self._lines_with.get(gram)
            if lines and len(lines) < COMMON_GRAM:
                shared.update(lines)
        return any(
            count / len(grams | self._grams[number]) >= SIMILAR
            for number, count in shared.most_common(CANDIDATES)
        )


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _shingles(text: str) -> set[str]:
    words = _words(text)
    if len(words) < SHINGLE_WORDS:
        return set()
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def _grams(text: str) -> set[str]:
    joined = " ".join(_words(text))
    return {joined[i : i + GRAM] for i in range(max(1, len(joined) - GRAM + 1))}
