"""A short reply read with the message it answers (bot/safety/context.py): what it may take on,
and what stays the other member's. Patterns only, so each case is about the rule, not the model."""

from __future__ import annotations

import asyncio

import pytest
from shared_data import SHIPPED

from bot.safety import scanner as scanner_module
from bot.safety.context import CONTEXT_RULE, Context, agrees, read_together
from bot.safety.detector import NOTHING, Detection, Detector, Hit, load_detector
from bot.safety.rules import Category, ContextRules, parse_safety_rules
from bot.safety.scanner import SafetyScanner

CRISIS = "honestly i just want to die"


@pytest.fixture(scope="module")
def scanner(detector: Detector) -> SafetyScanner:
    return SafetyScanner(detector, None)


def read(
    scanner: SafetyScanner, reply: str, parent: str, *, same_author: bool = False
) -> Detection:
    return asyncio.run(scanner.scan_in_context(reply, Context(parent, same_author)))


def test_agreeing_with_a_crisis_message_is_the_writers_crisis(scanner: SafetyScanner) -> None:
    assert not scanner.scan("same").flagged
    for reply in ("same", "Same 😔", "me too", "ich auch", "ik ook"):
        found = read(scanner, reply, CRISIS)
        assert found.categories == {"crisis"}, reply
        assert found.hits[-1].rule == CONTEXT_RULE


def test_answering_a_crisis_message_with_support_stays_quiet(scanner: SafetyScanner) -> None:
    for reply in ("please call someone", "you matter to us", "are you safe?"):
        assert not read(scanner, reply, CRISIS).flagged, reply


def test_agreeing_with_an_ordinary_message_adds_nothing(scanner: SafetyScanner) -> None:
    assert not read(scanner, "same", "he went quiet after our fight but we talked later").flagged


class ReadsTogether:
    """A stand-in meaning layer that sees crisis only where a plan and a time are both there."""

    def categories(self, texts: list[str], levels: list[str]) -> list[frozenset[Category]]:
        both = ("planning", "tonight")
        return [frozenset({"crisis"} if all(w in t for w in both) else ()) for t in texts]


def test_an_answer_that_completes_a_question_is_read_with_it(detector: Detector) -> None:
    together = SafetyScanner(detector, ReadsTogether())
    found = read(together, "tonight", "when are you planning to do it?")
    assert found.categories == {"crisis"}
    assert found.severity == "imminent"  # "tonight" escalates what the two say together
    assert not read(together, "tonight", "when are you free to talk?").flagged


def test_the_writers_own_earlier_words_can_raise_the_severity(scanner: SafetyScanner) -> None:
    earlier = "i can't keep going like this"
    assert scanner.scan(earlier).severity != "imminent"
    assert read(scanner, "tonight.", earlier, same_author=True).severity == "imminent"
    # Another member's despair plus "tonight." is not this writer's plan.
    assert not read(scanner, "tonight.", earlier).flagged


def test_long_messages_are_read_on_their_own(scanner: SafetyScanner) -> None:
    reply = "same, he does that to me all the time and i never know what to say"
    assert read(scanner, reply, CRISIS) == scanner.scan(reply)


def test_the_reply_is_normalised_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its scan already normalised the reply; reading it with its context reuses that text."""
    patterns = load_detector(SHIPPED)
    reads: list[str] = []
    scan_normalized = patterns.scan_normalized

    def counting(text: str) -> tuple[Detection, str]:
        reads.append(text)
        return scan_normalized(text)

    def refuse(text: str) -> str:
        raise AssertionError("the reply was normalised a second time")

    monkeypatch.setattr(patterns, "scan_normalized", counting)
    monkeypatch.setattr(scanner_module, "normalize", refuse, raising=False)
    found = read(SafetyScanner(patterns, None), "same", CRISIS)
    assert found.categories == {"crisis"}
    assert reads == ["same", CRISIS, f"{CRISIS}\nsame"]


def test_read_together_keeps_the_replys_own_hits_and_adds_only_what_is_new() -> None:
    own = Detection(frozenset({"danger"}), "high", (Hit("danger", "high", 0, 4, "hit"),))
    parent = Detection(frozenset({"crisis"}), "high", (Hit("crisis", "high", 0, 9, "x"),))
    joined = Detection(frozenset({"crisis", "danger"}), "high", parent.hits + own.hits)
    context = Context("...", same_author=False)
    found = read_together(own, parent, joined, length=4, context=context, agreeing=True)
    assert found.categories == {"crisis", "danger"}
    assert found.hits[0] == own.hits[0] and found.hits[1] == Hit(
        "crisis", "high", 0, 4, CONTEXT_RULE
    )
    assert read_together(own, parent, joined, length=4, context=context, agreeing=False) == own
    assert (
        read_together(NOTHING, NOTHING, NOTHING, length=4, context=context, agreeing=True)
        == NOTHING
    )


def test_agreement_is_the_whole_reply(detector: Detector) -> None:
    rules = detector.rules.context
    assert agrees("same", rules) and agrees("me too!!", rules)
    assert not agrees("same time tomorrow?", rules) and not agrees("no", rules)
    assert not agrees("same", ContextRules())


def test_bad_context_settings_are_reported() -> None:
    import tomllib

    data = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    data["context"] = {"max_words": 0, "agreement": "(unclosed"}
    rules, problems = parse_safety_rules(data)
    assert rules is None
    assert {path for path, _ in problems} >= {"context.max_words", "context.agreement"}
