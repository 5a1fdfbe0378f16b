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

from bot.safety.regex_literals import Literal, LiteralSet, Unsupported, conditions, near_set, score

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


class _Finder:
    """Finds which of some word-start literals occur in a text: one ``findall``, then a lookup
    from each matched text to the literals it proves ("suicid" also proves "sui")."""

    def __init__(self, literals: Iterable[Literal]) -> None:
        lits = {lit for lit in literals if lit[1]}
        self.regex = re.compile(r"\b(?:" + trie_regex(lits) + ")") if lits else None
        self.proves: dict[str, frozenset[Literal]] = {}
        for text in {t for t, _, _ in lits}:
            self.proves[text] = frozenset(
                (t, i, w) for t, i, w in lits if (text == t if w else text.startswith(t))
            )

    def present(self, text: str) -> set[Literal]:
        if self.regex is None:
            return set()
        out: set[Literal] = set()
        for match in set(self.regex.findall(text)):
            out |= self.proves[match]
        return out


class AnchorIndex:
    """``candidates(norm)`` returns the indexes of the patterns that might match ``norm``.

    ``patterns``: (regex, near) pairs; ``near`` (or None) must also match somewhere.
    """

    def __init__(self, patterns: Iterable[tuple[str, str | None]]) -> None:
        by_key: dict[Literal, set[_Alt]] = {}
        rest_literals: set[Literal] = set()
        always: set[int] = set()
        self._rest: dict[_Alt, tuple[tuple[frozenset[Literal], tuple[str, ...]], ...]] = {}
        for index, (regex, near) in enumerate(patterns):
            try:
                conds = conditions(regex)
                extra = near_set(near) if near else None
            except Unsupported:
                conds = None
            if conds is None:
                always.add(index)
                continue
            for a, sets in enumerate(conds):
                key = (index, a)
                best: LiteralSet = max(sets, key=score)
                others = [s for s in sets if s is not best] + ([extra] if extra else [])
                self._rest[key] = tuple(
                    (frozenset(x for x in s if x[1]), tuple(sorted(x[0] for x in s if not x[1])))
                    for s in others
                )
                rest_literals.update(x for s in others for x in s)
                for lit in best:
                    by_key.setdefault(lit, set()).add(key)
        self.always = frozenset(always)
        self._keys = _Finder(by_key)
        self._by_key = {lit: frozenset(alts) for lit, alts in by_key.items()}
        inner = [(lit[0], self._by_key[lit]) for lit in by_key if not lit[1]]
        self._inner = tuple(sorted(inner))
        self._inner_ascii = tuple((t, a) for t, a in self._inner if t.isascii())
        self._confirm = _Finder(rest_literals)

    @property
    def key_words(self) -> frozenset[str]:
        return frozenset(self._keys.proves)

    def candidates(self, norm: str) -> set[int]:
        found = set(self.always)
        alts: set[_Alt] = set()
        for lit in self._keys.present(norm):
            alts |= self._by_key[lit]
        for text, keys in self._inner_ascii if norm.isascii() else self._inner:
            if text in norm:
                alts |= keys
        if not alts:
            return found
        present = self._confirm.present(norm)
        for alt in alts:
            if alt[0] in found:
                continue
            for starts, middles in self._rest[alt]:
                if present.isdisjoint(starts) and not any(t in norm for t in middles):
                    break
            else:
                found.add(alt[0])
        return found
