from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.safety_service.policy import (
    Flag,
    cooldown_verdict,
    flag_from_detection,
    member_plan,
    outcome_label,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Hit:
    category: str
    severity: str


@dataclass(frozen=True)
class Detection:
    categories: frozenset[str]
    severity: str | None
    hits: tuple[object, ...]
    flagged: bool = True


def test_per_category_severity_comes_from_the_hits() -> None:
    detection = Detection(
        frozenset({"crisis", "abuse_sign"}),
        "imminent",
        (Hit("abuse_sign", "concern"), Hit("crisis", "high"), Hit("crisis", "imminent")),
    )
    flag = flag_from_detection(detection)
    assert flag.severities == {"crisis": "imminent", "abuse_sign": "concern"}
    assert flag.categories == ("crisis", "abuse_sign")
    assert flag.severity == "imminent"


def test_hits_without_fields_fall_back_to_the_overall_severity() -> None:
    flag = flag_from_detection(Detection(frozenset({"danger"}), "high", ("span",)))
    assert flag.severities == {"danger": "high"}


def test_primary_prefers_an_imminent_category_then_crisis() -> None:
    assert Flag({"abuse_sign": "high", "danger": "imminent"}).primary == "danger"
    assert Flag({"abuse_sign": "high", "crisis": "concern"}).primary == "crisis"
    assert Flag({"abuse_sign": "high", "danger": "high"}).primary == "danger"


def test_touches_abuse_only_for_danger_or_abuse() -> None:
    assert not Flag({"crisis": "high"}).touches_abuse
    assert Flag({"crisis": "high", "abuse_sign": "concern"}).touches_abuse
    assert Flag({"danger": "high"}).touches_abuse


def test_encode_decode_round_trip_and_ignores_junk() -> None:
    flag = Flag({"danger": "imminent", "crisis": "high"})
    assert flag.encode() == "crisis:high,danger:imminent"
    assert Flag.decode(flag.encode()) == flag
    assert Flag.decode("crisis:high,bogus:x,danger:nope,,") == Flag({"crisis": "high"})


@pytest.mark.parametrize(
    ("category", "imminent", "last", "bypass", "expected"),
    [
        ("crisis", False, None, None, "reply"),
        ("crisis", False, NOW - timedelta(hours=5, minutes=59), None, "quiet"),
        ("crisis", False, NOW - timedelta(hours=6), None, "reply"),
        ("crisis", True, NOW - timedelta(minutes=5), None, "bypass"),
        ("crisis", True, NOW - timedelta(minutes=5), NOW - timedelta(minutes=59), "quiet"),
        ("crisis", True, NOW - timedelta(minutes=5), NOW - timedelta(hours=1), "bypass"),
        ("danger", True, NOW - timedelta(minutes=5), None, "quiet"),
        ("abuse_sign", False, NOW - timedelta(hours=7), None, "reply"),
    ],
)
def test_cooldown_verdict(
    category: str,
    imminent: bool,
    last: datetime | None,
    bypass: datetime | None,
    expected: str,
) -> None:
    assert cooldown_verdict(category, imminent, last, bypass, NOW) == expected


@dataclass(frozen=True)
class RuleHit:
    category: str
    severity: str
    rule: str


def test_a_flag_is_a_guess_only_when_every_hit_is_the_meaning_layers() -> None:
    from bot.safety.scanner import SEMANTIC_RULE
    from bot.safety_service.policy import public_nudge_allowed

    guess = flag_from_detection(
        Detection(frozenset({"crisis"}), "concern", (RuleHit("crisis", "concern", SEMANTIC_RULE),))
    )
    mixed = flag_from_detection(
        Detection(
            frozenset({"crisis", "danger"}),
            "high",
            (RuleHit("crisis", "concern", SEMANTIC_RULE), RuleHit("danger", "high", "hit_me")),
        )
    )
    raised = flag_from_detection(
        Detection(
            frozenset({"crisis"}), "imminent", (RuleHit("crisis", "imminent", SEMANTIC_RULE),)
        )
    )
    assert guess.guessed and not mixed.guessed and raised.guessed
    assert not public_nudge_allowed(guess)
    assert public_nudge_allowed(mixed) and public_nudge_allowed(raised)
    assert guess.only(["crisis"]).guessed  # narrowing by the cooldown keeps what it was


GUESSED_CRISIS = Flag({"crisis": "concern"}, guessed=True)
GUESSED_MIXED = Flag({"crisis": "concern", "abuse_sign": "concern"}, guessed=True)
GUESSED_ABUSE = Flag({"abuse_sign": "concern"}, guessed=True)
KNOWN = Flag({"crisis": "high"})
URGENT_GUESS = Flag({"crisis": "imminent"}, guessed=True)


def test_nudge_mode_nudges_known_phrases_and_dms_a_guessed_crisis() -> None:
    assert member_plan("nudge", KNOWN).routes == ("nudge",)
    assert member_plan("nudge", URGENT_GUESS).routes == ("nudge",)  # imminent: public allowed
    plan = member_plan("nudge", GUESSED_MIXED)
    assert plan.routes == ("dm",) and plan.flag.severities == {"crisis": "concern"}
    assert plan.flag.guessed
    quiet = member_plan("nudge", GUESSED_ABUSE)
    assert quiet.routes == () and quiet.quiet == "guess"  # no reply, no cooldown spent


def test_dm_mode_falls_back_to_the_nudge_only_when_public_is_allowed() -> None:
    assert member_plan("dm", KNOWN).routes == ("dm", "nudge")
    assert member_plan("dm", GUESSED_ABUSE).routes == ("dm",)
    assert member_plan("mods", URGENT_GUESS) == member_plan("mods", URGENT_GUESS)
    assert member_plan("mods", KNOWN).routes == () and member_plan("mods", KNOWN).quiet == "mods"


def test_outcome_labels() -> None:
    assert outcome_label("dm", KNOWN, dm_failed=False) == "dm"
    assert outcome_label("dm", GUESSED_CRISIS, dm_failed=False) == "guess_dm"
    assert outcome_label("nudge", KNOWN, dm_failed=True) == "dm_closed_nudge"
    assert outcome_label("nudge", KNOWN, dm_failed=False) == "nudge"
    assert outcome_label(None, GUESSED_CRISIS, dm_failed=True) == "guess_dm_closed"
    assert outcome_label(None, KNOWN, dm_failed=False) == "failed"
