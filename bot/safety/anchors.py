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
_PREFIX = 5
_WORD_TAIL = string.ascii_lowercase + string.digits + "_"
_TOKEN_TABLE = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not (c.isalnum() or c == "_")}
)
_WORDS = re.compile(r"\w+")
_HEAD = itemgetter(slice(None, _PREFIX))
_HEAD2 = itemgetter(slice(None, 2))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _useful(lit: Literal) -> bool:
    text, initial = lit
    if not _is_word(text[0]):
        return True  # emoji and the like: rare, checked as substrings
    return len(text) >= (2 if initial else 3)


# Words so common in chat that anchoring on them would let most messages through.
_COMMON_TEXT = (
    "a about after again all always and any are as at back be been but by can cant "
    "could day days did didnt do does doesnt dont even ever every feel first for friend "
    "friends from get gets getting go going gone good got had has have he help her here hes "
    "him his home how i if im in is it its just know like love make me more much my "
    "need never night no not now of off on one only or our out people really said say "
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


def _score(cands: frozenset[Literal]) -> tuple[bool, int, float, int]:
    """Higher is better: no two-letter words (they need an extra lookup), the weakest
    literal's weight, then the mean weight, then fewer literals."""
    weights = [_weight(c) for c in cands]
    no_short = all(not (i and _is_word(t[0]) and len(t.split(" ")[0]) < 3) for t, i in cands)
    return no_short, min(weights), sum(weights) / len(weights), -len(cands)


class _Deriver:
    def sequence(
        self,
        items: Any,
        initial: bool,
        prefix: Literal = ("", False),
        collect: list[frozenset[Literal]] | None = None,
    ) -> frozenset[Literal] | None:
        """``prefix``: literal text just before this sequence, as in "t(?:old|ells)".

        ``collect`` receives every required literal set of this sequence (all must occur).
        """
        best: frozenset[Literal] | None = None
        run: list[str] = list(prefix[0])
        run_initial = prefix[1]
        boundary = initial and not run

        def consider(cands: frozenset[Literal] | None) -> None:
            nonlocal best
            usable = bool(cands) and all(_useful(c) for c in cands or ())
            if usable and cands and collect is not None:
                collect.append(cands)
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


Conditions = list[list[frozenset[Literal]]]  # any alternative, all of its sets, any literal


def derive_conditions(regex: str) -> Conditions | None:
    """Per top-level alternative, every literal set it requires; None if some has none."""
    if _parser is None:
        return None
    try:
        out: Conditions = []
        for items, initial in _alternatives(list(_parser.parse(regex, 0)), False):
            sets: list[frozenset[Literal]] = []
            _Deriver().sequence(items, initial, collect=sets)
            if not sets:
                return None
            out.append(sets)
        return out
    except Exception:
        return None


def _alternatives(items: list[Any], initial: bool) -> list[tuple[list[Any], bool]]:
    """Splits "\\b(?:a|b)" style patterns into their alternatives."""
    lead = 0
    while lead < len(items) and items[lead][0] in (C.AT, C.ASSERT, C.ASSERT_NOT):
        if items[lead][0] is C.AT:
            initial = items[lead][1] in (C.AT_BOUNDARY, C.AT_BEGINNING, C.AT_BEGINNING_STRING)
        lead += 1
    rest = items[lead:]
    if lead and len(rest) == 1 and rest[0][0] is C.SUBPATTERN:
        return _alternatives(list(rest[0][1][-1]), initial)
    if len(rest) == 1 and rest[0][0] is C.BRANCH:
        out: list[tuple[list[Any], bool]] = []
        for branch in rest[0][1][1]:
            out.extend(_alternatives(list(branch), initial))
        return out
    if lead == 0 and len(rest) == 1 and rest[0][0] is C.SUBPATTERN:
        return _alternatives(list(rest[0][1][-1]), initial)
    return [(items, initial)]


class _Probe:
    """One required literal set, ready to test: token-prefix keys, short words, substrings."""

    __slots__ = ("keys", "shorts", "subs")

    def __init__(self, lits: Iterable[Literal]) -> None:
        keys: set[str] = set()
        shorts: set[str] = set()
        subs: list[str] = []
        for text, initial in lits:
            word = text.split(" ")[0]
            if initial and _is_word(text[0]) and len(word) >= 3:
                keys |= _prefix_keys(word)
            elif initial and _is_word(text[0]):
                shorts.add(word)
            else:
                subs.append(text)
        self.keys = frozenset(keys)
        self.shorts = frozenset(shorts)
        self.subs = tuple(subs)

    def present(self, heads: set[str], tokens: list[str], norm: str) -> bool:
        if not self.keys.isdisjoint(heads):
            return True
        for sub in self.subs:
            if sub in norm:
                return True
        return bool(self.shorts) and not self.shorts.isdisjoint(map(_HEAD2, tokens))


class AnchorIndex:
    """Maps token prefixes and substrings to the pattern alternatives that need them.

    Each top-level alternative of a pattern is indexed by its most selective required literal
    set; when one of those literals occurs, the alternative's other required sets are checked
    too ("want" and "die"). ``candidates(norm)`` returns the indexes of the patterns that
    might match; patterns we cannot analyse are always returned.
    """

    def __init__(self, regexes: Iterable[str]) -> None:
        self.by_prefix: dict[str, set[_Alt]] = {}
        self.by_short: dict[str, set[_Alt]] = {}  # two-letter words, matched on token[:2]
        by_substring: dict[str, set[_Alt]] = {}
        always: set[int] = set()
        self._rest: dict[_Alt, tuple[_Probe, ...]] = {}
        for index, regex in enumerate(regexes):
            conds = derive_conditions(regex)
            if conds is None:
                whole = derive(regex)
                if whole is None:
                    always.add(index)
                    continue
                conds = [[whole]]
            for a, sets in enumerate(conds):
                key = (index, a)
                best = max(sets, key=_score)
                self._rest[key] = tuple(_Probe(x) for x in sets if x is not best)
                for text, initial in best:
                    word = text.split(" ")[0]
                    if initial and _is_word(text[0]) and len(word) == 2:
                        self.by_short.setdefault(word, set()).add(key)
                    elif initial and _is_word(text[0]):
                        for k in _prefix_keys(word):
                            self.by_prefix.setdefault(k, set()).add(key)
                    else:
                        by_substring.setdefault(text, set()).add(key)
        self.by_substring = tuple(sorted(by_substring.items()))
        # Emoji and other non-ASCII literals cannot occur in ASCII text: skip them there.
        self._ascii_substrings = tuple((t, i) for t, i in self.by_substring if t.isascii())
        self._keys = frozenset(self.by_prefix)
        self.always = frozenset(always)

    def candidates(self, norm: str) -> set[int]:
        if norm.isascii():  # keys hold every ASCII continuation of 3-4 letter literals
            tokens = norm.translate(_TOKEN_TABLE).split()
            heads = set(map(_HEAD, tokens))
            substrings = self._ascii_substrings
        else:
            tokens = _WORDS.findall(norm)
            heads = {t[:n] for t in tokens for n in (3, 4, _PREFIX)}
            substrings = self.by_substring
        alts: set[_Alt] = set()
        for head in heads & self._keys:
            alts |= self.by_prefix[head]
        shorts: set[str] | None = None
        if self.by_short:
            shorts = set(map(_HEAD2, tokens))
            for head in shorts & self.by_short.keys():
                alts |= self.by_short[head]
        for text, keys in substrings:
            if text in norm:
                alts |= keys
        found = set(self.always)
        for alt in alts:
            if alt[0] in found:
                continue
            for probe in self._rest[alt]:
                if not probe.present(heads, tokens, norm):
                    break
            else:
                found.add(alt[0])
        return found


_Alt = tuple[int, int]  # (pattern index, alternative index)


def _prefix_keys(word: str) -> set[str]:
    """Every token[:5] a token starting with ``word`` (3+ letters) can have."""
    if len(word) >= _PREFIX:
        return {word[:_PREFIX]}
    keys = {word}
    grow = {word}
    while grow and len(next(iter(grow))) < _PREFIX:
        grow = {w + c for w in grow for c in _WORD_TAIL}
        keys |= grow
    return keys
