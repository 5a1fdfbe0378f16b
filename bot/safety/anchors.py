"""A cheap prefilter: which patterns could possibly match this normalised text?

Python's regex engine tries every alternative at every position, so running ~60 patterns, or
one alternation of all of them, costs tens of microseconds per message. Most chat is benign,
so we first ask a much cheaper question: does the text contain a literal that some pattern
cannot match without?

Each top-level alternative of each pattern is keyed on its most selective required literal
set (``regex_literals.py``). Key literals that start a word go into one regex shaped as a
trie (``\\b(?:k(?:il|ms(?!\\w))|su(?:icid)...)``), which the engine walks with one character
test per branch, so a single ``findall`` finds every key in a message; the few others (emoji,
word middles) are substring tests. Only when some alternative is keyed does a second trie of
every other required literal confirm it ("want" and "die", and a ``near`` word), before its
pattern runs. A pattern whose syntax the reader does not model is always run: the prefilter
can save time, never drop a hit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import reduce
from operator import or_

from bot.safety.regex_literals import (
    Literal,
    LiteralSet,
    Unsupported,
    alternatives,
    near_set,
    score,
)

_Alt = tuple[int, int]  # (pattern index, alternative index)
_Trie = dict[str, "_Trie"]
_END, _WHOLE = "", "$"  # trie markers: a literal may end here / a whole word ends here


def trie_regex(literals: Iterable[Literal]) -> str:
    """Matches each literal's text at a word start, longest first; a literal that must end a
    word (``ms`` in ``\\bkms\\b``) only matches when no word character follows."""
    root: _Trie = {}
    for text, _, whole in literals:
        node = root
        for ch in text:
            node = node.setdefault(ch, {})
        node[_WHOLE if whole else _END] = {}

    def emit(node: _Trie) -> str:
        branches = [
            re.escape(ch) + emit(child)
            for ch, child in sorted(node.items())
            if ch not in (_END, _WHOLE)
        ]
        ends = _END in node
        if _WHOLE in node and not ends:
            branches.append(r"(?!\w)")
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:  # the rest is optional; greedy, so the longest literal wins
            return (body if len(body) == 1 else f"(?:{body})") + "?"
        return body

    return emit(root)


class AnchorIndex:
    """Which patterns, and which of their top-level alternatives, might match a text.

    ``patterns``: (regex, near) pairs; ``near`` (or None) must also match somewhere.
    ``alternative_regex`` holds each alternative as a regex of its own, so a caller can run
    just the branch whose words occur instead of a whole pattern; patterns in ``always`` have
    no such split and are run whole.
    """

    def __init__(self, patterns: Iterable[tuple[str, str | None]]) -> None:
        by_key: dict[Literal, set[_Alt]] = {}
        literals: set[Literal] = set()
        always: set[int] = set()
        ranked: dict[_Alt, list[LiteralSet]] = {}
        self.alternative_regex: dict[_Alt, str] = {}
        for index, (regex, near) in enumerate(patterns):
            try:
                split = alternatives(regex)
                extra = near_set(near) if near else None
            except Unsupported:
                split = None
            if split is None:
                always.add(index)
                continue
            for a, (text, sets) in enumerate(split):
                self.alternative_regex[(index, a)] = text
                ranked[(index, a)] = sorted(sets + ([extra] if extra else []), key=score)[::-1]
                for lit in ranked[(index, a)][0]:
                    by_key.setdefault(lit, set()).add((index, a))
        self.always = frozenset(always)
        # Word-start literals are found by trie regexes; a match stands for every literal it
        # proves ("suicid" also proves "sui"). Each literal gets a bit, so a message's words
        # become one int and "is one of this set present?" is a single AND. The first trie
        # holds each alternative's two rarest sets: most chat is done after one findall.
        for sets in ranked.values():
            literals.update(x for s in sets for x in s)
        starts = sorted(lit for lit in literals if lit[1])
        bit = {lit: 1 << i for i, lit in enumerate(starts)}
        keys = sorted({x for sets in ranked.values() for s in sets[:2] for x in s if x[1]})
        self._key_regex = _word_regex(keys)
        self._keyed: dict[str, frozenset[_Alt]] = {}
        self._key_bits: dict[str, int] = {}
        for text in {lit[0] for lit in keys}:
            proved = _proved(text, keys)
            self._keyed[text] = frozenset(a for lit in proved for a in by_key.get(lit, ()))
            self._key_bits[text] = sum(bit[lit] for lit in proved)
        self._regex = _word_regex(starts)
        self._mask = {
            text: sum(bit[lit] for lit in _proved(text, starts))
            for text in {lit[0] for lit in starts}
        }
        inner = [(lit[0], frozenset(alts)) for lit, alts in by_key.items() if not lit[1]]
        self._inner = tuple(sorted(inner))  # emoji and word middles: substring tests
        self._inner_ascii = tuple((t, a) for t, a in self._inner if t.isascii())
        self._rest: dict[_Alt, tuple[tuple[int, tuple[str, ...]], ...]] = {
            alt: tuple(
                (sum(bit[x] for x in s if x[1]), tuple(sorted(x[0] for x in s if not x[1])))
                for s in sets[1:]
            )
            for alt, sets in ranked.items()
        }

    @property
    def key_words(self) -> frozenset[str]:
        return frozenset(t for t, alts in self._keyed.items() if alts)

    def candidates(self, norm: str) -> set[int]:
        """Indexes of the patterns that might match ``norm`` (``always`` included)."""
        return set(self.always) | {alt[0] for alt in self.candidate_alternatives(norm)}

    def candidate_alternatives(self, norm: str) -> set[_Alt]:
        """(pattern, alternative) pairs that might match ``norm``; ``always`` not included."""
        found: set[_Alt] = set()
        alts: set[_Alt] = set()
        mask = 0
        if self._key_regex is not None:
            words = self._key_regex.findall(norm)
            alts = alts.union(*map(self._keyed.__getitem__, words))
            if alts:
                mask = reduce(or_, map(self._key_bits.__getitem__, words), 0)
        for text, keys in self._inner_ascii if norm.isascii() else self._inner:
            if text in norm:
                alts |= keys
        if not alts:
            return found
        # The second rarest set was in the first trie too: drop what it already rules out.
        likely = []
        for alt in alts:
            rest = self._rest[alt]
            if rest:
                bits, middles = rest[0]
                if not mask & bits and not any(t in norm for t in middles):
                    continue
            likely.append(alt)
        if not likely:
            return found
        if self._regex is not None:
            mask = reduce(or_, map(self._mask.__getitem__, set(self._regex.findall(norm))), mask)
        for alt in likely:
            if all(
                mask & bits or any(t in norm for t in middles) for bits, middles in self._rest[alt]
            ):
                found.add(alt)
        return found


def _word_regex(literals: list[Literal]) -> re.Pattern[str] | None:
    return re.compile(r"\b(?:" + trie_regex(literals) + ")") if literals else None


def _proved(text: str, literals: Iterable[Literal]) -> list[Literal]:
    """The literals a trie match of ``text`` shows to be present."""
    return [lit for lit in literals if (text == lit[0] if lit[2] else text.startswith(lit[0]))]
