"""Refuses content regexes that can backtrack catastrophically, before they reach the detector.

The detector runs every pattern on every message, on the event loop, with Python's
backtracking engine: one pattern such as ``\\bzz(?:\\w+\\s?)+zz\\b`` takes seconds on a
message of a few dozen letters, and ``(?:\\w+ ?){0,4}zz`` a quarter of a second on 128.

The check is static, on our own parse of the pattern text (``regex_parse``, which keeps us
off ``re._parser``): a repeated group whose body repeats too can split
the same text into rounds in exponentially (or polynomially, when bounded) many ways, unless
each round holds a required item that the other inner repeats cannot match: in ``(?: \\w+)*``
a space starts each round, in ``(?:\\w+\\s+){0,2}`` spaces end it, so there is one way.

Measured alternatives: a timed probe (the regex searched on generated text, growing to 4,000
characters, a budget per search) cost 8.5 s of CPU for the 237 shipped regexes, too slow for
every start and reload, and flags any ``\\w+x`` as quadratic on a run of letters; google-re2
(linear by construction) has no look-around and no back-references, which 72 of the 237
shipped regexes use (e.g. not_wake's ``(?<!could )``). Polynomial cases the static rule lets
through are bounded by tests/safety/test_safety_worst_case.py on the shipped rules. A regex
our parser does not model (``Unsupported``) gets no verdict here, as it gets no prefilter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from bot.safety.regex_parse import Alt, At, CharSet, Lit, Look, Node, Repeat, Seq, Unsupported
from bot.safety.regex_parse import parse as parse_regex

# Characters tried when asking "can these two items match the same character?"
_ALPHABET = (
    [chr(c) for c in range(32, 127)] + list("\t\n\r\x0b\x0c\x1c\x85\u2028\u00e9\u00df\u0430\u4e00")
)  # fmt: skip
_ALL = frozenset(_ALPHABET)


@lru_cache(maxsize=2048)
def backtracking_problem(regex: str) -> str | None:
    """Why ``regex`` is too slow to run on chat, or None; cached per regex text (content is
    checked at start, by check-content and on every reload)."""
    try:
        tree = parse_regex(regex)
    except Unsupported:
        return None
    return _nested_repeat(tree)


def _nested_repeat(node: Node, part: str = "") -> str | None:
    if isinstance(node, Repeat):
        if (node.high is None or node.high > 1) and _rounds_ambiguous(node.body):
            bound = "unbounded" if node.high is None else f"up to {node.high} times"
            return (
                f"{part or 'a repeated group'} repeats ({bound}) rounds that can split the "
                "same text in many ways (one round can end, and the next begin, inside "
                "what a round also matches), so matching can backtrack catastrophically "
                "(seconds on one short message); make each round start or end with a "
                "character that cannot occur inside it, as in (?: \\w+)* or "
                "(?:\\w+\\s+){0,2}, or drop the outer repeat"
            )
        return _nested_repeat(node.body)
    if isinstance(node, Seq):
        found = (_nested_repeat(item, item_part) for item, item_part in _with_parts(node))
        return next(filter(None, found), None)
    if isinstance(node, Alt):
        return next(filter(None, map(_nested_repeat, node.branches)), None)
    return None


class _Glushkov:
    """Positions (one per character item) of a regex and which may follow which: the
    textbook construction, with each position's characters from the sample alphabet."""

    def __init__(self) -> None:
        self.chars: list[frozenset[str]] = []
        self.repeated: list[bool] = []  # inside a repeat: it can match runs of any length
        self.follow: set[tuple[int, int]] = set()
        self._depth = 0

    def visit(self, node: Node, part: str) -> tuple[set[int], set[int], bool]:
        """(first positions, last positions, can match empty)."""
        if isinstance(node, Lit | CharSet):
            self.chars.append(_chars(node, part))
            self.repeated.append(self._depth > 0)
            here = {len(self.chars) - 1}
            return here, set(here), False
        if isinstance(node, At | Look):
            return set(), set(), True
        if isinstance(node, Alt):
            first: set[int] = set()
            last: set[int] = set()
            empty = False
            for branch in node.branches:
                f, l_, e = self.visit(branch, "")
                first |= f
                last |= l_
                empty |= e
            return first, last, empty
        if isinstance(node, Repeat):
            loops = node.high is None or node.high > 1
            self._depth += loops
            first, last, empty = self.visit(node.body, "")
            self._depth -= loops
            if loops:
                self.follow |= {(x, y) for x in last for y in first}
            return first, last, empty or node.low == 0
        first, last, empty = set(), set(), True
        for item, item_part in _with_parts(node):
            f, l_, e = self.visit(item, item_part)
            self.follow |= {(x, y) for x in last for y in f}
            first = first | f if empty else first
            last = last | l_ if e else l_
            empty = empty and e
        return first, last, empty


def _rounds_ambiguous(body: Seq) -> bool:
    """Whether rounds of ``body`` repeated can be told apart: they can when no two adjacent
    characters inside a round could also be one round's last and the next round's first
    (then every parse puts the boundaries at the same places). Only pairs touching a repeat
    count: a fixed word list such as (?: (?:i|be able to|so))* is not flagged, its words
    would have to spell one another (a known gap: (?:a|aa)+ passes)."""
    graph = _Glushkov()
    first, last, empty = graph.visit(body, "")
    if empty:
        return True  # an empty round: any number of them fits anywhere
    starts = frozenset().union(*(graph.chars[p] for p in first))
    ends = frozenset().union(*(graph.chars[p] for p in last))
    return any(
        (graph.repeated[x] or graph.repeated[y])
        and graph.chars[x] & ends
        and graph.chars[y] & starts
        for x, y in graph.follow
    )


def _with_parts(seq: Seq) -> Iterator[tuple[Node, str]]:
    parts = seq.parts if len(seq.parts) == len(seq.items) else ("",) * len(seq.items)
    return zip(seq.items, parts, strict=True)


def _chars(node: Node, part: str) -> frozenset[str]:
    """Characters of the sample alphabet that can occur in what ``node`` (source ``part``)
    matches; everything when unsure, which errs towards refusing."""
    if isinstance(node, Lit):
        return frozenset(node.ch)
    if isinstance(node, CharSet):
        return _class_chars(part) if part else _ALL
    if isinstance(node, At | Look):
        return frozenset()
    if isinstance(node, Repeat):
        return _chars(node.body, "")
    if isinstance(node, Seq):
        return frozenset().union(*(_chars(item, p) for item, p in _with_parts(node)))
    return frozenset().union(*(_chars(branch, "") for branch in node.branches))


@lru_cache(maxsize=512)
def _class_chars(part: str) -> frozenset[str]:
    try:
        compiled = re.compile(part)
    except re.error:
        return _ALL
    return frozenset(c for c in _ALPHABET if compiled.fullmatch(c))
