"""A member worried about someone else: recognised (not the writer's risk, so no alert), and
answered with how to help and the crisis lines, never with the words they wrote."""

from __future__ import annotations

import re
import tomllib

import pytest
from shared_data import SHIPPED, corpus_texts

from bot.content import Content, default_content_dir, load_content
from bot.safety.detector import Detector, load_detector
from bot.safety.normalize import normalize
from bot.safety.rules import parse_safety_rules
from bot.safety_service.replies import compose_supporter

ASKING = (
    "my sister says she wants to die, what do i say?",
    "my friend told me she took a bunch of pills, what do i do",
    "someone in my group chat says they've swallowed their meds, what should i say to them?",
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


class _CountingSearch:
    """A compiled regex that counts its searches."""

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex, self.searches = regex, 0

    def search(self, text: str) -> re.Match[str] | None:
        self.searches += 1
        return self.regex.search(text)


def test_asks_is_read_only_where_its_words_occur(monkeypatch: pytest.MonkeyPatch) -> None:
    """[supporter] asks runs on every message nobody was flagged for: the word index keeps it
    off chat without its words, as it does the patterns."""
    detector = load_detector(SHIPPED)
    assert detector._asks is not None
    asks = _CountingSearch(detector._asks)
    monkeypatch.setattr(detector, "_asks", asks)
    for text in ("good morning ☀️", "made pasta and we watched a film", "bonjour à tous"):
        assert detector.scan(text) == detector.scan(text) and not detector.scan(text).flagged
    assert asks.searches == 0
    assert detector.scan(ASKING[0]).for_someone_else and asks.searches == 1


def test_the_index_never_hides_a_line_asks_matches(detector: Detector) -> None:
    asks = detector._asks
    assert asks is not None
    matched = 0
    for text in [*corpus_texts(), *ASKING]:
        norm = normalize(text)
        if asks.search(norm) is not None:
            matched += 1
            assert detector._asks_slot in detector._prefilter.candidates(norm), text
    assert matched > 50
