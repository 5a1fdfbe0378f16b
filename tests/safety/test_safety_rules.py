"""parse_safety_rules reports every problem with its dotted path and accepts the shipped file."""

import copy
import tomllib
from typing import Any

import pytest
from shared_data import SHIPPED

from bot.safety.rules import parse_safety_rules


@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    with SHIPPED.open("rb") as fh:
        return tomllib.load(fh)


def problems_for(data: dict[str, Any]) -> list[tuple[str, str]]:
    rules, problems = parse_safety_rules(data)
    assert (rules is None) == bool(problems)
    return problems


def test_shipped_rules_parse_cleanly(shipped: dict[str, Any]) -> None:
    rules, problems = parse_safety_rules(shipped)
    assert problems == []
    assert rules is not None
    assert {p.category for p in rules.patterns} == {"crisis", "danger", "abuse_sign"}


def test_invalid_regex_is_reported_with_its_path(shipped: dict[str, Any]) -> None:
    data = copy.deepcopy(shipped)
    data["crisis"]["patterns"][3]["regex"] = "(unclosed"
    problems = problems_for(data)
    assert problems[0][0] == "crisis.patterns[3].regex"
    assert "invalid regex" in problems[0][1]


def test_capturing_groups_and_empty_matches_are_refused(shipped: dict[str, Any]) -> None:
    data = copy.deepcopy(shipped)
    data["danger"]["patterns"][0]["regex"] = "(he) hit"
    data["danger"]["patterns"][1]["regex"] = "x*"
    paths = {p for p, _ in problems_for(data)}
    assert {"danger.patterns[0].regex", "danger.patterns[1].regex"} <= paths


def test_unknown_macro_severity_and_duplicate_id(shipped: dict[str, Any]) -> None:
    data = copy.deepcopy(shipped)
    pats = data["abuse_sign"]["patterns"]
    pats[0]["regex"] = "%nosuchmacro% x"
    pats[1]["severity"] = "severe"
    pats[2]["id"] = pats[3]["id"]
    found = dict(problems_for(data))
    assert "unknown macro" in found["abuse_sign.patterns[0].regex"]
    assert "severity" in " ".join(found)
    assert "duplicate id" in found["abuse_sign.patterns[3].id"]


def test_exclusion_naming_an_unknown_rule(shipped: dict[str, Any]) -> None:
    data = copy.deepcopy(shipped)
    data["exclusions"][0]["rules"] = ["no_such_rule"]
    data["exclusions"][1]["scope"] = "paragraph"
    paths = {p for p, _ in problems_for(data)}
    assert {"exclusions[0].rules", "exclusions[1].scope"} <= paths


def test_response_texts_are_required_and_limited(shipped: dict[str, Any]) -> None:
    data = copy.deepcopy(shipped)
    del data["responses"]["danger"]["title"]
    data["responses"]["crisis"]["body"] = "x" * 5000
    data["responses"]["abuse_sign"]["body"] = "call {emergency} now {helplines}"
    data["responses"]["crisis"]["imminent_body"] = "hello\n{emergency} {helplines}"
    data["responses"]["nudge"]["button"] = "{nonsense}"
    found = problems_for(data)
    paths = {p for p, _ in found}
    assert "responses.danger.title" in paths
    assert ("responses.crisis.body", "longer than 4096 characters") in found
    assert "responses.abuse_sign.body" in paths  # emergency number only when imminent
    assert "responses.crisis.imminent_body" in paths  # emergency number must come first
    assert "responses.nudge.button" in paths


def test_missing_sections(shipped: dict[str, Any]) -> None:
    paths = {p for p, _ in problems_for({"macros": {}})}
    assert {"crisis", "danger", "abuse_sign", "responses"} <= paths


def test_response_texts_follow_the_safe_messaging_rules(shipped: dict[str, Any]) -> None:
    rules, _ = parse_safety_rules(shipped)
    assert rules is not None
    r = rules.responses
    for cat in ("crisis", "danger", "abuse_sign"):
        body = r.for_category(cat).body.lower()  # type: ignore[arg-type]
        assert "automated" in body and "not a counsellor" in body
        assert "{helplines}" in body and "{emergency}" not in body
    for text in (r.abuse_sign.body, r.danger.body, r.device_safety):
        assert "couple" not in text.lower()
    assert "not your fault" in r.abuse_sign.body and "not your fault" in r.danger.body
    assert r.crisis.imminent_body and r.crisis.imminent_body.startswith("**If you")
    assert "{emergency}" in r.crisis.imminent_body.splitlines()[0]
    assert "suicid" not in r.nudge_text.lower() and "abuse" not in r.nudge_text.lower()


def test_meaning_table_is_validated(shipped: dict[str, Any]) -> None:
    rules, _ = parse_safety_rules(shipped)
    assert rules is not None and rules.meaning.veto is not None
    data = copy.deepcopy(shipped)
    data["meaning"] = {"min_words": 0, "veto": "(lol", "veto_unless": "%no_such_macro%"}
    problems = dict(problems_for(data))
    assert {"meaning.min_words", "meaning.veto", "meaning.veto_unless"} <= problems.keys()
    data["meaning"] = "everything"
    assert problems_for(data) == [
        ("meaning", "must be a table (min_words, veto, veto_unless, overrule)")
    ]
    del data["meaning"]  # optional: defaults apply
    rules, problems = parse_safety_rules(data)
    assert problems == [] and rules is not None and rules.meaning.min_words == 3


def test_what_the_model_may_overrule_is_validated(shipped: dict[str, Any]) -> None:
    rules, _ = parse_safety_rules(shipped)
    assert rules is not None
    assert rules.meaning.may_overrule("abuse_sign", "concern")
    assert not rules.meaning.may_overrule("abuse_sign", "imminent")
    assert not rules.meaning.may_overrule("danger", "high")
    assert not rules.meaning.may_overrule("crisis", "concern")
    data = copy.deepcopy(shipped)
    for bad in (["danger"], ["abuse_sign", "crisis"], "abuse_sign"):
        data["meaning"]["overrule"] = bad
        assert problems_for(data) == [
            ("meaning.overrule", "may list only abuse_sign (or nothing)")
        ], bad
