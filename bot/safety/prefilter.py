"""Which regexes could match a text at all: most chat holds none of the words they need.

Python's regex engine has no multi-pattern search: running all ~3,700 pattern branches costs
milliseconds per message. Every match of a regex contains some literal strings, read off our
parse of its text (``regex_parse.py``): one string of each required set. They are matched on
the text's word form (every run of non-word characters one space, a space at each end), where
a word edge (``\\b``) is a space too, so "\\bhe\\b" needs " he " and "the" does not hold it.
One Aho-Corasick pass (``pyahocorasick``, in C) finds which strings a text holds; only the
regexes whose sets all occur run. Symbols (emoji) are looked for in the text itself; a digit
class (``\\d``, ``[0-9]``) waits for any decimal digit. A regex we cannot read, or one with no
usable string, runs on every text: the prefilter saves time, it never drops a hit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import itemgetter

import ahocorasick

from bot.safety.regex_parse import (
    Alt,
    At,
    CharSet,
    Lit,
    Look,
    Node,
    Repeat,
    Seq,
    Unsupported,
    parse,
)

Required = list[frozenset[str]]  # every match holds one string of each set
_NON_WORD = re.compile(r"\W")
# ASCII text splits into words in C: every byte that is not \w becomes a space.
_ASCII_SPLIT = bytes(i if re.match(rb"\w", bytes([i])) else 32 for i in range(256))
_SYMBOLS = re.compile(r"[^\w\x00-\x7f]")
# Every character ``\d`` matches (Unicode decimal digits; they all lie below U+20000).
DIGITS = frozenset(ch for ch in map(chr, range(0x20000)) if ch.isdecimal())
_FOUND = itemgetter(1)  # the string in each (end, string) the automaton reports
_EDGE = "\0"  # a word edge in a literal, until we know whether a space is there anyway


def word_form(text: str) -> str:
    """``text`` as the prefilter reads it, each non-word character a space and one at each
    end: "he's, ok" -> " he s  ok "."""
    if text.isascii():
        return f" {text.encode().translate(_ASCII_SPLIT).decode()} "
    return f" {_NON_WORD.sub(' ', text)} "


def required(regex: str) -> Required:
    """Literal sets that every match of ``regex`` holds in its ``word_form`` (symbols: in the
    text); none if we cannot read it."""
    try:
        return _required(parse(regex), "")
    except Unsupported:
        return []


def _required(tree: Seq | Alt, prefix: str) -> Required:
    """``prefix``: what the text holds just before ``tree`` ("t(?:old|ells)": "told", "tells")."""
    if isinstance(tree, Alt):
        found = _one_of(tree, prefix)
        return [found] if found else []
    sets: Required = []
    run = [prefix]  # characters matched one after another

    def flush() -> None:
        # A word edge is a space, unless a non-word character is there already.
        text = re.sub(f"{_EDGE}+", _EDGE, "".join(run))
        text = text.replace(f"{_EDGE} ", " ").replace(f" {_EDGE}", " ").replace(_EDGE, " ")
        if len(text) >= 3 and len(text.strip()) >= 2:  # "es", " a ": in most messages
            sets.append(frozenset([text]))
        run.clear()

    for node in _flat(tree.items):
        if isinstance(node, Lit) and _SYMBOLS.match(node.ch):
            flush()
            sets.append(frozenset(node.ch))  # an emoji: looked for in the text
            run.append(" ")
        elif isinstance(node, Lit):
            run.append(" " if _NON_WORD.match(node.ch) else node.ch)
        elif isinstance(node, At):
            run.append(_EDGE if node.edge else "")
        elif isinstance(node, Look):
            continue  # zero width: the characters either side still touch
        elif isinstance(node, Alt):
            found = _one_of(node, "".join(run))
            run.clear()
            sets += [found] if found else []
        elif isinstance(node, Repeat):
            body = node.body.items
            if node.low >= 1 and len(body) == 1 and isinstance(body[0], Lit):
                run.append(body[0].ch)  # "kil+" holds "kil"
            flush()
            if node.low >= 1:
                sets += _required(node.body, "")
        else:
            flush()
            if isinstance(node, CharSet) and node.symbols:
                sets.append(node.symbols)  # (?:🪦|⚰)
            elif isinstance(node, CharSet) and node.digits:
                sets.append(DIGITS)  # "at \d+": a text with no digit holds no time
    flush()
    return sets


def _flat(items: Iterable[Node]) -> Iterable[Node]:
    """The items with plain groups opened: "(?:kill) me" is one run of characters."""
    for node in items:
        if isinstance(node, Seq):
            yield from _flat(node.items)
        else:
            yield node


def _one_of(alt: Alt, prefix: str) -> frozenset[str] | None:
    """One set for a group of branches: the best set of each branch, joined."""
    found: set[str] = set()
    for branch in alt.branches:
        sets = _required(branch, prefix)
        if not sets:
            return None
        best: frozenset[str] = max(sets, key=_rank)
        found |= best
    return frozenset(found)


def _rank(literals: frozenset[str]) -> int:
    """Longer words are rarer in chat: a set is as selective as its commonest member, a
    string such as " the " as its longest word, and a symbol (an emoji) as a long one."""
    return min(max(map(len, _NON_WORD.split(text))) or 8 for text in literals)


def branches(regex: str) -> list[str] | None:
    """Each top-level branch of ``regex`` as a regex of its own; None if we cannot read it.
    "\\b(?:a|b)\\b" gives "\\b(?:a)\\b" and "\\b(?:b)\\b": together they match what the
    whole pattern does, each match on its own (overlaps included)."""
    try:
        return _split(parse(regex), "", "")
    except Unsupported:
        return None


def _split(tree: Seq | Alt, prefix: str, suffix: str) -> list[str]:
    if isinstance(tree, Alt):
        return [alt for branch in tree.branches for alt in _split(branch, prefix, suffix)]
    items, parts = tree.items, tree.parts
    lead, tail = 0, len(items)
    while lead < tail and isinstance(items[lead], At | Look):
        lead += 1
    while tail > lead and isinstance(items[tail - 1], At | Look):
        tail -= 1
    only = items[lead] if tail - lead == 1 else None
    if isinstance(only, Seq | Alt) and len(parts) == len(items):
        # Assertions around a group ("\\b(?:a|b)\\b") stay around each branch.
        before, after = "".join(parts[:lead]), "".join(parts[tail:])
        if isinstance(only, Alt):  # a branch needs its own group; a plain group does not
            before, after = before + "(?:", ")" + after
        return _split(only, prefix + before, after + suffix)
    return [prefix + "".join(parts) + suffix]


class Prefilter:
    """The regexes, by number, that might match a text: each given as its required sets."""

    def __init__(self, regexes: Iterable[Required]) -> None:
        self._always: set[int] = set()
        # Each regex is keyed on its rarest set; its other sets are checked when a key occurs.
        # Per key string: the regexes it alone admits, and the rest with their other sets.
        keyed: dict[str, tuple[set[int], list[tuple[int, Required]]]] = {}
        self._automaton = ahocorasick.Automaton()
        self._symbols: set[str] = set()
        for number, sets in enumerate(regexes):
            if not sets:
                self._always.add(number)
                continue
            key, *rest = sorted(sets, key=_rank, reverse=True)
            for text in key:
                alone, with_rest = keyed.setdefault(text, (set(), []))
                if rest:
                    with_rest.append((number, rest))
                else:
                    alone.add(number)
            for text in set().union(*sets):
                if _SYMBOLS.match(text):
                    self._symbols.add(text)
                else:
                    self._automaton.add_word(text, text)
        self._keyed = {
            text: (frozenset(alone), tuple(with_rest)) for text, (alone, with_rest) in keyed.items()
        }
        self._keys = frozenset(self._keyed)
        self._automaton.make_automaton()

    def candidates(self, text: str) -> set[int]:
        numbers = set(self._always)
        present = set(map(_FOUND, self._automaton.iter(word_form(text))))
        if not text.isascii():
            present.update(s for s in self._symbols if s in text)
        for found in present & self._keys:
            alone, with_rest = self._keyed[found]
            numbers |= alone
            for number, rest in with_rest:
                if all(not needed.isdisjoint(present) for needed in rest):
                    numbers.add(number)
        return numbers
