"""Pure decisions: what a detection means for the reply, and whether the cooldown allows one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot.safety.rules import CATEGORIES, SEVERITY_RANK
from bot.safety.scanner import SEMANTIC_RULE

COOLDOWN = timedelta(hours=6)
IMMINENT_BYPASS_EVERY = timedelta(hours=1)
Verdict = Literal["reply", "bypass", "quiet"]
Route = Literal["dm", "nudge"]


class DetectionLike(Protocol):
    """The part of `bot.safety` Detection this package reads."""

    @property
    def categories(self) -> frozenset[str]: ...

    @property
    def severity(self) -> str | None: ...

    @property
    def hits(self) -> Iterable[object]: ...


def _max_severity(severities: Iterable[str]) -> str:
    return max(severities, key=lambda s: SEVERITY_RANK.get(s, -1), default="concern")


@dataclass(frozen=True)
class Flag:
    """A flagged text reduced to categories and the severity of each (no text, no spans)."""

    severities: Mapping[str, str]
    guessed: bool = False  # only the meaning layer saw it: a resemblance, not a known phrase

    @property
    def categories(self) -> tuple[str, ...]:
        """Canonical order: crisis, danger, abuse_sign."""
        return tuple(c for c in CATEGORIES if c in self.severities)

    @property
    def severity(self) -> str:
        return _max_severity(self.severities.values())

    def is_imminent(self, category: str) -> bool:
        return self.severities.get(category) == "imminent"

    @property
    def is_urgent(self) -> bool:
        """Any category imminent: the emergency number leads the reply (safe-messaging R5)."""
        return any(self.is_imminent(c) for c in self.categories)

    def only(self, categories: Iterable[str]) -> Flag:
        keep = set(categories)
        return Flag({c: s for c, s in self.severities.items() if c in keep}, self.guessed)

    @property
    def primary(self) -> str:
        """The category whose reply text leads: an imminent one first (crisis before danger),
        else crisis, danger, abuse_sign in that order."""
        ordered = self.categories
        imminent = [c for c in ordered if self.is_imminent(c)]
        return (imminent or list(ordered))[0]

    @property
    def touches_abuse(self) -> bool:
        """Danger or abuse signs: add the device-safety hint, never suggest couples counselling."""
        return "danger" in self.severities or "abuse_sign" in self.severities

    def encode(self) -> str:
        """'crisis:imminent,abuse_sign:high' for storage next to an offered button."""
        return ",".join(f"{c}:{self.severities[c]}" for c in self.categories)

    @classmethod
    def decode(cls, text: str) -> Flag:
        pairs = (part.split(":", 1) for part in text.split(",") if ":" in part)
        return cls({c: s for c, s in pairs if c in CATEGORIES and s in SEVERITY_RANK})


def flag_from_detection(detection: DetectionLike) -> Flag:
    """Per-category severity from the hits when they carry it, else the overall severity."""
    overall = detection.severity or "concern"
    per: dict[str, list[str]] = {}
    for hit in detection.hits:
        category = getattr(hit, "category", None)
        severity = getattr(hit, "severity", None)
        if isinstance(category, str) and isinstance(severity, str):
            per.setdefault(category, []).append(severity)
    rules = [getattr(hit, "rule", None) for hit in detection.hits]
    return Flag(
        {
            c: _max_severity(per[c]) if c in per else overall
            for c in CATEGORIES
            if c in detection.categories
        },
        guessed=bool(rules) and all(rule == SEMANTIC_RULE for rule in rules),
    )


def public_nudge_allowed(flag: Flag) -> bool:
    """A public nudge names the member in the channel: not for a guess of the meaning layer
    (about 1 ordinary message in 60 resembles a concern), unless it is imminent. Moderators
    still get the alert, and DM mode still answers privately."""
    return not flag.guessed or flag.severity == "imminent"


@dataclass(frozen=True)
class Plan:
    """How to answer the member for a flagged server message: the routes to try in order (the
    first that reaches them wins), the part of the flag the reply covers, and what the alert
    says when no route applies ("mods": the server chose moderators only; "guess": a
    resemblance that is not crisis, left to moderators, and no cooldown is spent on it)."""

    routes: tuple[Route, ...]
    flag: Flag
    quiet: str | None = None


def member_plan(mode: str, flag: Flag) -> Plan:
    """dm: a DM, else the nudge if a public nudge is allowed. nudge: the nudge if allowed; a
    guessed crisis gets a DM instead (private, nothing public, the crisis part only), because a
    crisis must never go unanswered for want of a known phrase. mods: nothing."""
    if mode == "mods":
        return Plan((), flag, "mods")
    public = public_nudge_allowed(flag)
    if mode == "dm":
        return Plan(("dm", "nudge") if public else ("dm",), flag)
    if public:
        return Plan(("nudge",), flag)
    if "crisis" in flag.severities:
        return Plan(("dm",), flag.only(("crisis",)))
    return Plan((), flag, "guess")


def outcome_label(route: Route | None, flag: Flag, dm_failed: bool) -> str:
    """The alert's `member_reply` for where the reply went (None: nowhere could be reached)."""
    if route == "dm":
        return "guess_dm" if flag.guessed else "dm"
    if route == "nudge":
        return "dm_closed_nudge" if dm_failed else "nudge"
    return "guess_dm_closed" if flag.guessed and dm_failed else "failed"


def cooldown_verdict(
    category: str,
    imminent: bool,
    last_reply_at: datetime | None,
    last_bypass_at: datetime | None,
    now: datetime,
) -> Verdict:
    """One reply per member per category per 6 h; an imminent crisis may break through, at most
    once an hour, because a stated plan must never go unanswered for hours."""
    if last_reply_at is None or now - last_reply_at >= COOLDOWN:
        return "reply"
    if (
        category == "crisis"
        and imminent
        and (last_bypass_at is None or now - last_bypass_at >= IMMINENT_BYPASS_EVERY)
    ):
        return "bypass"
    return "quiet"
