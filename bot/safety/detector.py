"""Pattern-based detector for crisis, danger and abuse signs in one chat message.

Matching is compiled once per rule set. Python's regex engine has no multi-pattern automaton:
a combined alternation costs the sum of its branches at every position (measured: about
0.5 ms per message for ours), so a prefilter (``prefilter.py``: the strings each branch cannot
match without, found in one Aho-Corasick pass) picks the few pattern branches whose strings
occur, and only those precompiled regexes run. Most chat has no candidate at all. ``near``
conditions run only on hits; exclusions and escalators only on hits, where their strings occur.
Hit offsets index the ORIGINAL text (end exclusive), mapped back through the normaliser.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from bot.safety.normalize import normalize, normalize_with_map
from bot.safety.prefilter import Prefilter, Required, branches, required
from bot.safety.rules import (
    SEVERITY_RANK,
    Category,
    SafetyRules,
    Scope,
    Severity,
    parse_safety_rules,
)

__all__ = [
    "Category",
    "Detection",
    "Detector",
    "Hit",
    "Severity",
    "detection_of",
    "detector_for",
    "load_detector",
]


@dataclass(frozen=True)
class Hit:
    category: Category
    severity: Severity
    start: int  # offset into the original text
    end: int  # exclusive
    rule: str


@dataclass(frozen=True)
class Detection:
    categories: frozenset[Category]
    severity: Severity | None
    hits: tuple[Hit, ...]
    #: A crisis statement explained away as someone else's ("my sister says she wants to die,
    #: what do i say?"): not the writer's risk (no alert), but they may want supporter help
    for_someone_else: bool = False

    @property
    def flagged(self) -> bool:
        return bool(self.categories)

    def severity_of(self, category: Category) -> Severity | None:
        """Highest severity among the hits of one category (None when absent)."""
        best: Severity | None = None
        for hit in self.hits:
            if hit.category == category and (
                best is None or SEVERITY_RANK[hit.severity] > SEVERITY_RANK[best]
            ):
                best = hit.severity
        return best


def detection_of(hits: Iterable[Hit], for_someone_else: bool = False) -> Detection:
    """What these hits make: their categories and the worst severity (no hits: nothing
    flagged). One place, for the detector and for everything that adds or drops hits."""
    kept = tuple(hits)
    if not kept:
        return Detection(frozenset(), None, (), for_someone_else)
    severity = max((h.severity for h in kept), key=SEVERITY_RANK.__getitem__)
    return Detection(frozenset(h.category for h in kept), severity, kept, for_someone_else)


NOTHING = Detection(frozenset(), None, ())
FOR_SOMEONE_ELSE = Detection(frozenset(), None, (), for_someone_else=True)
MAX_HITS_PER_RULE = 8  # spans kept per rule and message (see _first_per_rule)
NEAR_WINDOWS = 8  # a branch's first matches search their ``near`` window; later ones look first


@dataclass(frozen=True)
class _Exclusion:
    id: str
    regex: re.Pattern[str]
    categories: frozenset[Category]
    scope: Scope
    unless: re.Pattern[str] | None
    rules: frozenset[str]
    supporter: bool

    def spans(self, norm: str) -> list[tuple[int, int]]:
        """What it explains away in ``norm``: its matches, or (sentence scope) their
        sentences; empty when it does not match. Not asked of message-scoped ones."""
        found = [m.span() for m in self.regex.finditer(norm)]
        if self.scope == "sentence" and found:
            return _sentences(norm, found)
        return found

    def applies_to(self, hit: Hit) -> bool:
        return hit.category in self.categories and (not self.rules or hit.rule in self.rules)

    def held_back(self, norm: str) -> bool:
        """Its `unless` occurs: the exclusion does not apply to this text."""
        return self.unless is not None and self.unless.search(norm) is not None


@dataclass(frozen=True)
class _Escalator:
    regex: re.Pattern[str]
    categories: frozenset[Category]
    severity: Severity
    unless: re.Pattern[str] | None

    def holds(self, norm: str) -> bool:
        return self.regex.search(norm) is not None and not (
            self.unless is not None and self.unless.search(norm)
        )


class Detector:
    """Scans text with a compiled ``SafetyRules``; pure and safe to share between tasks."""

    def __init__(self, rules: SafetyRules) -> None:
        self.rules = rules
        self._patterns = rules.patterns
        asks, about = rules.supporter.asks, rules.supporter.about
        self._asks = re.compile(asks) if asks else None
        self._about = re.compile(about) if about else None
        # Patterns run branch by branch (``prefilter.branches``): only the branches whose
        # strings occur, and each branch's matches count even where another's overlap them.
        self._branches: list[tuple[int, re.Pattern[str]]] = []  # (pattern index, branch)
        needs: list[Required] = []
        for i, rule in enumerate(rules.patterns):
            near = required(rule.near) if rule.near else []
            split = branches(rule.regex)
            for text in split or [rule.regex]:
                self._branches.append((i, re.compile(text)))
                needs.append(required(text) + near if split else [])
        # [supporter] asks is read on every message nobody was flagged for, so it is the
        # prefilter's last entry: the pass a scan does anyway says whether its strings occur.
        self._asks_slot = len(self._branches)
        self._prefilter = Prefilter([*needs, *([required(asks)] if asks else [])])
        self._near = {i: re.compile(p.near) for i, p in enumerate(rules.patterns) if p.near}
        self._exclusions = tuple(
            _Exclusion(
                e.id,
                re.compile(e.regex),
                e.categories,
                e.scope,
                re.compile(e.unless) if e.unless else None,
                e.rules,
                e.supporter,
            )
            for e in rules.exclusions
        )
        # Exclusions and escalators are searched only where their strings occur: a hit in a
        # long message would otherwise pay for every one of them over all of it.
        self._exclusion_filter = Prefilter(required(e.regex) for e in rules.exclusions)
        self._escalators = tuple(
            _Escalator(
                re.compile(e.regex),
                e.categories,
                e.severity,
                re.compile(e.unless) if e.unless else None,
            )
            for e in rules.escalators
        )
        self._escalator_filter = Prefilter(required(e.regex) for e in rules.escalators)

    def scan(self, text: str) -> Detection:
        return self.scan_normalized(text)[0]

    def scan_normalized(self, text: str) -> tuple[Detection, str]:
        """``scan`` plus the normalised text it matched (what ``normalize`` returns), for
        callers that read the text again (the meaning layer): normalising costs as much as
        matching, so it is done once."""
        norm = normalize(text)
        found = self._prefilter.candidates(norm)
        asks = self._asks_slot in found
        found = found - {self._asks_slot}
        raw_hits = self._raw_hits(norm, found) if found else []
        if not raw_hits:
            someone_else = asks and self._for_someone_else(norm, False)
            return (FOR_SOMEONE_ELSE if someone_else else NOTHING), norm
        # The exclusions' index is read once for both uses below.
        possible = self._exclusion_filter.candidates(norm)
        hits = _first_per_rule(self._apply_exclusions(norm, raw_hits, possible))
        someone_else = (
            asks
            and not any(h.category == "crisis" for h in hits)
            and self._for_someone_else(
                norm, any(h.category == "crisis" for h in raw_hits), possible
            )
        )
        if not hits:
            return (FOR_SOMEONE_ELSE if someone_else else NOTHING), norm
        hits = self.escalate(norm, hits)
        hits = self._to_original_offsets(text, norm, hits)
        return detection_of(hits, someone_else), norm

    def scan_many(self, texts: list[str]) -> list[Detection]:
        return [self.scan(t) for t in texts]

    def _raw_hits(self, norm: str, branches: Iterable[int]) -> list[Hit]:
        """Hits of the given branches (numbers into ``_branches``)."""
        found: dict[tuple[int, int, int], Hit] = {}
        near_spans: dict[int, tuple[list[int], list[int]]] = {}  # per rule: (starts, ends)
        for branch in branches:
            i, regex = self._branches[branch]
            rule = self._patterns[i]
            for n, m in enumerate(regex.finditer(norm)):
                start, end = m.span()
                if (i, start, end) in found:
                    continue
                if rule.near is not None:
                    lo, hi = max(0, start - rule.window), end + rule.window
                    if n >= NEAR_WINDOWS and not self._near_meets(norm, i, lo, hi, near_spans):
                        continue
                    if self._near[i].search(norm, lo, hi) is None:
                        continue
                found[(i, start, end)] = Hit(rule.category, rule.severity, start, end, rule.id)
        return [found[key] for key in sorted(found)]

    def _near_meets(
        self, norm: str, i: int, lo: int, hi: int, spans: dict[int, tuple[list[int], list[int]]]
    ) -> bool:
        """Whether a match of rule ``i``'s ``near`` in the whole text (one pass, then kept)
        overlaps ``[lo, hi)``. A crafted message repeats a pattern's words hundreds of times
        ("tomei. tomei. ..."): a window search each cost 20 ms a message. A match the window
        finds is one of these or overlaps one (bar a word the window's end cuts short, which is
        no match in the text), so a window with none is skipped."""
        if i not in spans:
            found = [m.span() for m in self._near[i].finditer(norm)]
            spans[i] = ([s for s, _ in found], [e for _, e in found])
        starts, ends = spans[i]
        k = bisect_right(ends, lo)  # the first match ending after lo (ends rise with starts)
        return k < len(starts) and starts[k] < hi

    def _apply_exclusions(self, norm: str, hits: list[Hit], possible: set[int]) -> list[Hit]:
        """``hits`` less those an exclusion explains away; ``possible``: the exclusions the
        index found in ``norm``."""
        for i, exc in enumerate(self._exclusions):
            if not hits:
                break
            if i not in possible or not any(exc.applies_to(h) for h in hits):
                continue
            # The exclusion's own regex first: it is usually the rarer of the two (a question
            # with no first person), and long `unless` lists cost a full pass over the text.
            if exc.scope != "message":
                spans = exc.spans(norm)
                if spans and not exc.held_back(norm):
                    hits = [h for h in hits if not (exc.applies_to(h) and _overlaps(h, spans))]
            elif exc.regex.search(norm) and not exc.held_back(norm):
                hits = [h for h in hits if not exc.applies_to(h)]
        return hits

    def _for_someone_else(
        self, norm: str, crisis_removed: bool, possible: set[int] | None = None
    ) -> bool:
        """The writer asks how to help someone else in crisis: [supporter] asks, and someone
        else's crisis words: [supporter] about, or an exclusion marked ``supporter = true``.
        One limited to some patterns (``rules``) counts only where it removed a crisis hit.
        Called only where the index found the words ``asks`` needs; ``possible``: the
        exclusions the index found, where already read."""
        if self._asks is None or self._asks.search(norm) is None:
            return False
        if self._about is not None and self._about.search(norm) is not None:
            return True
        if possible is None:
            possible = self._exclusion_filter.candidates(norm)
        return any(
            i in possible
            and exc.supporter
            and (crisis_removed or not exc.rules)
            and exc.regex.search(norm) is not None
            and not exc.held_back(norm)
            for i, exc in enumerate(self._exclusions)
        )

    def excluded(self, norm: str, category: Category) -> bool:
        """Whether any exclusion for ``category`` holds anywhere in the normalised text."""
        return self.exclusion_spans(norm, category) != []

    def exclusion_spans(self, norm: str, category: Category) -> list[tuple[int, int]] | None:
        """How a hit without a span (the meaning layer's) is held to the same idiom, media,
        past-event, third-party and negation rules as the patterns: None where an exclusion
        for ``category`` covers the whole message, else the spans (or sentences) that span-
        and sentence-scoped ones explain away (empty: nothing holds). What lies outside them
        may still carry the signal (label rules: "not suicidal but i wouldn't mind not waking
        up" is crisis), so the scanner reads it again. An exclusion limited to some patterns
        (``rules``) guards those patterns' own words and is not asked: "he held the gun to
        my head" explains away a means-at-hand pattern, not the "part of me wishes he had"
        the model read elsewhere in the message (on blind_35/36 such exclusions silenced 23
        of the model's crisis finds and 2 of its errors)."""
        possible = self._exclusion_filter.candidates(norm)
        spans: list[tuple[int, int]] = []
        for i, exc in enumerate(self._exclusions):
            if i not in possible or exc.rules or category not in exc.categories:
                continue
            if exc.scope == "message":
                if exc.regex.search(norm) and not exc.held_back(norm):
                    return None
                continue
            found = exc.spans(norm)
            if found and not exc.held_back(norm):
                spans.extend(found)
        return spans

    def escalate(self, norm: str, hits: list[Hit]) -> list[Hit]:
        """Raise hits' severity where an escalator holds (a date, 'tonight', 'right now')."""
        possible = self._escalator_filter.candidates(norm)
        for i, esc in enumerate(self._escalators):
            if i not in possible or not any(h.category in esc.categories for h in hits):
                continue
            if not esc.holds(norm):
                continue
            rank = SEVERITY_RANK[esc.severity]
            hits = [
                replace(h, severity=esc.severity)
                if h.category in esc.categories and SEVERITY_RANK[h.severity] < rank
                else h
                for h in hits
            ]
        return hits

    @staticmethod
    def _to_original_offsets(text: str, norm: str, hits: list[Hit]) -> list[Hit]:
        if len(norm) == len(text) and text.isascii():
            return hits  # only one-for-one steps (case, leet) ran: offsets are unchanged
        mapped, offsets = normalize_with_map(text)
        if mapped != norm:  # cannot happen unless the two paths diverge; keep norm offsets
            return hits
        return [replace(h, start=offsets[h.start], end=offsets[h.end - 1] + 1) for h in hits]


def _first_per_rule(hits: list[Hit]) -> list[Hit]:
    """At most ``MAX_HITS_PER_RULE`` hits of each rule, the first ones: the same categories
    and severities (a rule has one of each, and escalators raise a whole category), while a
    message repeating a phrase a thousand times costs no more to escalate and map back.
    Applied after exclusions, so idioms cannot crowd a real hit out."""
    if len(hits) <= MAX_HITS_PER_RULE:
        return hits
    seen: dict[str, int] = {}
    kept = []
    for hit in hits:
        seen[hit.rule] = count = seen.get(hit.rule, 0) + 1
        if count <= MAX_HITS_PER_RULE:
            kept.append(hit)
    return kept


_SENTENCE_END = re.compile(r"[.!?;\n]+")


def _sentences(norm: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences holding each span of ``found`` (one pass over the text, however many
    spans a crafted message has), each once."""
    bounds = [m.span() for m in _SENTENCE_END.finditer(norm)]
    starts, ends = [b[0] for b in bounds], [b[1] for b in bounds]
    out: dict[tuple[int, int], None] = {}
    for start, end in found:
        before = bisect_right(ends, start)
        after = bisect_left(starts, end)
        out[
            (ends[before - 1] if before else 0, starts[after] if after < len(starts) else len(norm))
        ] = None
    return list(out)


def _overlaps(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    return any(s < hit.end and hit.start < e for s, e in spans)


#: Compiled detectors by the id of their rule set (see ``detector_for``). Each detector holds
#: its rules, so an id cannot be reused by another rule set while its entry is here.
_COMPILED: OrderedDict[int, Detector] = OrderedDict()
COMPILED_KEPT = 4  # rule sets: the content in use, plus a few reloads or test variants


def detector_for(rules: SafetyRules) -> Detector:
    """The detector for ``rules``, compiled once per rule set. Compiling costs about a second
    (the prefilter, thousands of regexes) and a Detector is pure, so everything built from the
    same loaded content shares one: a bot restarted in the same process, ``bridgeline scan``,
    every test's bot. Keyed by identity (the rules hold mappings, so they have no hash); the
    newest ``COMPILED_KEPT`` rule sets are kept."""
    found = _COMPILED.get(id(rules))
    if found is not None and found.rules is rules:
        _COMPILED.move_to_end(id(rules))
        return found
    detector = Detector(rules)
    _COMPILED[id(rules)] = detector
    while len(_COMPILED) > COMPILED_KEPT:
        _COMPILED.popitem(last=False)
    return detector


def load_detector(path: Path) -> Detector:
    """Build a detector from a safety.toml file; raises ValueError listing every problem."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    rules, problems = parse_safety_rules(data)
    if rules is None:
        listing = "; ".join(f"{where}: {msg}" for where, msg in problems)
        raise ValueError(f"{path}: {listing}")
    return Detector(rules)
