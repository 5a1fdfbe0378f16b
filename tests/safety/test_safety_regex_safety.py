"""Content regexes that can backtrack catastrophically are refused when the rules are read."""

from __future__ import annotations

import pytest

from bot.safety.regex_safety import backtracking_problem
from bot.safety.rules import parse_safety_rules


@pytest.mark.parametrize(
    "regex",
    [
        r"\bzz(?:\w+\s?)+zz\b",  # the example: seconds on "zz" and 25 letters
        r"(a+)+b",
        r"(?:a+)*x",
        r"(?:\w+ ?){0,4}zz",  # bounded, still 250 ms on 128 letters
        r"(?:[a-z]+[0-9]*)+x",
        r"(?:\w+[ .]\w*)+!",
        r"(?:\w+ \w+)+!",
        r"(?:(?:ab)+)+c",
        r"\b(?:i|we) (?:(?:really|so)\s*\w*)+ tired",  # nested inside a larger pattern
        r"(?=x)(?:\s*\w+)*y",
    ],
)
def test_catastrophic_regexes_are_refused(regex: str) -> None:
    problem = backtracking_problem(regex)
    assert problem is not None and "backtrack catastrophically" in problem


@pytest.mark.parametrize(
    "regex",
    [
        r"(?: \w+){0,3}",  # a space starts each round
        r"(?:\w+\s+){0,2}",  # spaces end it
        r"(?:\w+ )+",
        r"(?:a+b+)+",
        r"(?:x\d+)*",
        r"[^.!?\n]{0,40}",
        r"\b(?:wish|want)\b(?: (?:i|id|could|be able to|get to|so))*? (?:to )?die",
        r"\bkil+(?:ing)? (?:my ?self|me)\b",
        r"(?<!could )\bsleep(?:ing)? forever\b",
    ],
)
def test_ordinary_repeats_pass(regex: str) -> None:
    assert backtracking_problem(regex) is None


def test_the_rules_report_the_field_and_the_fragment() -> None:
    data = {
        "crisis": {"patterns": [{"id": "zz", "severity": "high", "regex": r"\bzz(?:\w+\s?)+zz\b"}]},
        "danger": {"patterns": []},
        "abuse_sign": {"patterns": []},
        "macros": {"words": r"(?:\w+,?)+"},
    }
    rules, problems = parse_safety_rules(data)
    assert rules is None
    where = {path: message for path, message in problems}
    assert where["crisis.patterns[0].regex"].startswith(r"(?:\w+\s?)+ repeats (unbounded)")
    assert where["macros.words"].startswith(r"(?:\w+,?)+ repeats (unbounded)")
