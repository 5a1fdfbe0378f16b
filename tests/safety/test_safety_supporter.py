"""A member worried about someone else: recognised (not the writer's risk, so no alert), and
answered with how to help and the crisis lines, never with the words they wrote."""

from __future__ import annotations

import tomllib

import pytest
from shared_data import SHIPPED

from bot.content import Content, default_content_dir, load_content
from bot.safety.detector import Detector
from bot.safety.rules import parse_safety_rules
from bot.safety_service.replies import compose_supporter

ASKING = (
    "my sister says she wants to die, what do i say?",
    "my friend told me she took a bunch of pills, what do i do",
    "my best friend texted me that she is going to kill herself tonight, im so scared",
    "my brother told me hes been thinking about jumping off the bridge, how do i help him",
    "mi hermana dice que quiere morir, ¿qué hago?",
    "ma sœur veut mourir, je fais quoi ?",
    "meine Schwester will sterben, was soll ich tun?",
    "minha irmã quer morrer, o que eu faço?",
    "mia sorella vuole morire, cosa faccio?",
    "mijn zus wil dood, wat moet ik doen?",
    "moja siostra chce umrzeć, co mam zrobić?",
)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(default_content_dir())


@pytest.mark.parametrize("text", ASKING)
def test_asking_how_to_help_someone_in_crisis_is_a_supporter(detector: Detector, text: str) -> None:
    found = detector.scan(text)
    assert found.for_someone_else and not found.flagged


@pytest.mark.parametrize(
    "text",
    [
        "i want to die, what do i do",  # the writer's own risk: flagged, not a supporter
        "my sister is doing fine, what do i say to her boss",  # no one in crisis
        "my sister says she wants to die",  # no question, no worry: nothing to answer
        "people say suicide is selfish, what do you think?",  # abstract
        "mi hermana dice que quiere morir",  # no question, no worry
    ],
)
def test_other_lines_are_not_supporters(detector: Detector, text: str) -> None:
    assert not detector.scan(text).for_someone_else


def test_the_supporter_note_has_the_lines_and_the_emergency_number(content: Content) -> None:
    responses = content.safety.responses
    note = compose_supporter(content, responses, "GB", "en")
    assert "116 123" in note.body and "999" in note.body and "{" not in note.body
    assert "worried about someone" in note.body and "only you can see this" in note.body
    german = compose_supporter(content, content.in_lang("de").safety.responses, "INTL", "de")
    assert "Sorgen um jemanden" in german.body and "112" in german.body


def test_a_bad_supporter_setting_is_reported() -> None:
    data = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    data["supporter"] = {"asks": "(unclosed", "about": "[unclosed"}
    rules, problems = parse_safety_rules(data)
    assert rules is None and {"supporter.asks", "supporter.about"} <= {p for p, _ in problems}
    data["supporter"] = "asks"
    assert "supporter" in {path for path, _ in parse_safety_rules(data)[1]}
