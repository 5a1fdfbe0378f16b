"""A cheap index of the literals that every match of a pattern must contain.

Python's regex engine tries every alternative at every position, so even one combined regex
costs microseconds per message. Most chat is benign, so we first ask a much cheaper question
with set operations: does the text contain any word that some pattern cannot match without?

For each pattern we derive a set of required literals from its parsed form: any match contains
at least one of them. A literal known to start a word (after ``\\b``, a space, or the start of
an anchored branch) is checked against the first four characters of each token; any other
literal is checked as a substring. A pattern we cannot anchor disables the prefilter (the
detector then always runs its regex), so the prefilter can only save time, never hits.

This reads the parse tree from ``re._parser``, the one internal API used here; if it is
missing or changes shape, ``derive`` returns None and scanning stays correct, only slower.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

try:  # pragma: no cover - exercised implicitly on every supported Python
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _parser = None
    C = None

Literal = tuple[str, bool]  # (text, starts a word)
_PREFIX = 4
_WORD_TAIL = string.ascii_lowercase + string.digits + "_"
_TOKEN_TABLE = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not (c.isalnum() or c == "_")}
)
_WORDS = re.compile(r"\w+")
_HEAD = itemgetter(slice(None, _PREFIX))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _useful(lit: Literal) -> bool:
    text, initial = lit
    if not _is_word(text[0]):
        return True  # emoji and the like: rare, checked as substrings
    return len(text) >= (2 if initial else 3)


# Words so common in chat that anchoring on them would let most messages through.
_COMMON_TEXT = (
    "a about after again all always and any are as at back be been better but by can cant "
    "could day days did didnt do does doesnt dont even ever every feel first for friend "
    "friends from get gets getting go going gone good got had has have he help her here hes "
    "him his home how i if im in is it its just know last like love make me more much my "
    "need never night no not now of off on one only or our out people post really said say "
    "says see she shes short should so some sorry still talk talking that the their them "
    "then there they thing things think this time to today together told tomorrow tonight "
    "too up us want was way we week well were what when who why will with work would you "
    "your "
)
_COMMON = frozenset(_COMMON_TEXT.split())


def _weight(lit: Literal) -> int:
    text, initial = lit
    if not _is_word(text[0]):
        return _PREFIX + 1  # emoji and the like are rare in chat
    if text in _COMMON:
        return 0
    return min(len(text), _PREFIX) + (1 if initial else 0)


def _score(cands: frozenset[Literal]) -> tuple[int, int]:
    """Higher is better: the weakest literal's weight first, then fewer alternatives."""
    return min(_weight(c) for c in cands), -len(cands)


class _Deriver:
    def sequence(
        self, items: Any, initial: bool, prefix: Literal = ("", False)
    ) -> frozenset[Literal] | None:
        """``prefix``: literal text just before this sequence, as in "t(?:old|ells)"."""
        best: frozenset[Literal] | None = None
        run: list[str] = list(prefix[0])
        run_initial = prefix[1]
        boundary = initial and not run

        def consider(cands: frozenset[Literal] | None) -> None:
            nonlocal best
            usable = bool(cands) and all(_useful(c) for c in cands or ())
            if usable and cands and (best is None or _score(cands) > _score(best)):
                best = cands

        def flush() -> None:
            if run:
                consider(frozenset({("".join(run), run_initial)}))
                run.clear()

        for op, av in items:
            if op is C.LITERAL:
                ch = chr(av)
                if _is_word(ch):
                    if not run:
                        run_initial = boundary
                    run.append(ch)
                    boundary = False
                else:
                    flush()
                    if not ch.isspace() and not ch.isascii():
                        consider(frozenset({(ch, False)}))
                    boundary = True
            elif op is C.AT:
                flush()
                boundary = av in (C.AT_BOUNDARY, C.AT_BEGINNING, C.AT_BEGINNING_STRING)
            elif op in (C.ASSERT, C.ASSERT_NOT):
                flush()  # zero width: the boundary state carries over
            elif op is C.SUBPATTERN:
                pending = ("".join(run), run_initial) if run else ("", False)
                run.clear()
                consider(self.sequence(av[-1], boundary, pending))
                boundary = False
            elif op is C.BRANCH:
                pending = ("".join(run), run_initial) if run else ("", False)
                run.clear()
                consider(self.branch(av[1], boundary, pending))
                boundary = False
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
                low, _high, body = av
                single = list(body)
                if low >= 1 and len(single) == 1 and single[0][0] is C.LITERAL:
                    ch = chr(single[0][1])
                    if _is_word(ch):  # "kil+": the run ends with one "l"
                        if not run:
                            run_initial = boundary
                        run.append(ch)
                flush()
                if low >= 1:
                    consider(self.sequence(body, boundary))
                # After "\s+" we are at a word start; after "(?:\w+\s+){0,2}" too, if we were.
                boundary = _ends_nonword(single) and (low >= 1 or boundary)
            elif op is C.IN:
                flush()
                lits = [chr(v) for kind, v in av if kind is C.LITERAL]
                if len(lits) == len(av) and all(not c.isascii() and not _is_word(c) for c in lits):
                    consider(frozenset((c, False) for c in lits))  # (?:🪦|⚰) becomes a set
                boundary = _nonword_set(av)
            else:
                flush()
                boundary = False
        flush()
        return best

    def branch(
        self, branches: Iterable[Any], initial: bool, prefix: Literal = ("", False)
    ) -> frozenset[Literal] | None:
        out: set[Literal] = set()
        for b in branches:
            cands = self.sequence(b, initial, prefix)
            if not cands:
                return None
            out |= cands
        return frozenset(out)


def _nonword_set(av: Any) -> bool:
    """True if a character set ([ .], \\s) can only match non-word characters."""
    nonword_categories = (C.CATEGORY_SPACE, C.CATEGORY_NOT_WORD, C.CATEGORY_LINEBREAK)
    return all(
        (kind is C.LITERAL and not _is_word(chr(v)))
        or (kind is C.CATEGORY and v in nonword_categories)
        for kind, v in av
    )


def _ends_nonword(items: list[Any]) -> bool:
    if not items:
        return False
    op, av = items[-1]
    if op is C.LITERAL:
        return not _is_word(chr(av))
    if op is C.IN:
        return _nonword_set(av)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        return bool(av[0] >= 1 and _ends_nonword(list(av[2])))
    if op is C.SUBPATTERN:
        return _ends_nonword(list(av[-1]))
    if op is C.BRANCH:
        return all(_ends_nonword(list(b)) for b in av[1])
    return False


def derive(regex: str) -> frozenset[Literal] | None:
    """Literals one of which every match of ``regex`` contains, or None if unknown."""
    if _parser is None:
        return None
    try:
        return _Deriver().sequence(_parser.parse(regex, 0), False)
    except Exception:
        return None


class AnchorIndex:
    """Maps token prefixes and substrings to the patterns that need them.

    ``candidates(norm)`` returns the indexes of the patterns that might match ``norm``:
    patterns with an anchor present, plus any pattern we could not anchor (always checked).
    """

    def __init__(self, regexes: Iterable[str]) -> None:
        self.by_prefix: dict[str, set[int]] = {}
        by_substring: dict[str, set[int]] = {}
        always: set[int] = set()
        for index, regex in enumerate(regexes):
            lits = derive(regex)
            if lits is None:
                always.add(index)
                continue
            for text, initial in lits:
                if initial and _is_word(text[0]):
                    for key in _prefix_keys(text.split(" ")[0]):
                        self.by_prefix.setdefault(key, set()).add(index)
                else:
                    by_substring.setdefault(text, set()).add(index)
        self.by_substring = tuple(sorted(by_substring.items()))
        # Emoji and other non-ASCII literals cannot occur in ASCII text: skip them there.
        self._ascii_substrings = tuple((t, i) for t, i in self.by_substring if t.isascii())
        self._keys = frozenset(self.by_prefix)
        self.always = frozenset(always)

    def candidates(self, norm: str) -> set[int]:
        found = set(self.always)
        if norm.isascii():  # keys hold every ASCII continuation of short literals
            heads = set(map(_HEAD, norm.translate(_TOKEN_TABLE).split()))
            substrings = self._ascii_substrings
        else:
            heads = {t[:n] for t in _WORDS.findall(norm) for n in (2, 3, _PREFIX)}
            substrings = self.by_substring
        for head in heads & self._keys:
            found |= self.by_prefix[head]
        for text, indexes in substrings:
            if text in norm:
                found |= indexes
        return found


def _prefix_keys(word: str) -> set[str]:
    """Every token[:4] a token starting with ``word`` can have."""
    if len(word) >= _PREFIX:
        return {word[:_PREFIX]}
    keys = {word}
    grow = {word}
    while grow and len(next(iter(grow))) < _PREFIX:
        grow = {w + c for w in grow for c in _WORD_TAIL}
        keys |= grow
    return keys
