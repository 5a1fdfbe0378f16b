"""The prefilter only skips regexes that cannot match."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_data import corpus_texts

from bot.safety.detector import Detector
from bot.safety.normalize import normalize
from bot.safety.prefilter import DIGITS, Prefilter, branches, required, word_form


def hits_without_prefilter(detector: Detector, norm: str) -> list[tuple[str, int, int]]:
    every_branch = range(len(detector._branches))
    return [(h.rule, h.start, h.end) for h in detector._raw_hits(norm, every_branch)]


def hits_with_prefilter(detector: Detector, norm: str) -> list[tuple[str, int, int]]:
    found = detector._prefilter.candidates(norm) - {detector._asks_slot}
    return [(h.rule, h.start, h.end) for h in detector._raw_hits(norm, found)]


def test_every_shipped_branch_has_strings_to_wait_for(detector: Detector) -> None:
    assert not detector._prefilter._always


def test_prefilter_and_single_branches_keep_every_hit_on_the_labelled_sets(
    detector: Detector,
) -> None:
    """Every branch run on every line (the slow reference): the prefilter skips none of its
    hits, and running branches one by one finds everything the whole patterns find."""
    whole = [re.compile(p.regex) for p in detector.rules.patterns]
    for text in corpus_texts():
        norm = normalize(text)
        every_branch = hits_without_prefilter(detector, norm)
        assert hits_with_prefilter(detector, norm) == every_branch, text
        by_whole = {
            (p.id, *m.span())
            for p, regex in zip(detector.rules.patterns, whole, strict=True)
            for m in regex.finditer(norm)
            if p.near is None
        }
        assert by_whole <= set(every_branch), text


def _vocabulary() -> list[str]:
    words = set()
    for text in corpus_texts():
        words.update(normalize(text).split())
    return sorted(words)


WORDS = _vocabulary()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
def test_prefilter_keeps_every_hit_on_mixed_words(detector: Detector, words: list[str]) -> None:
    norm = " ".join(words)
    assert hits_with_prefilter(detector, norm) == hits_without_prefilter(detector, norm)


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"\bkms\b", [{" kms "}]),
        (r"\bt(?:old|ells) me\b", [{" told", " tells"}, {" me "}]),
        (r"\bkil+ myself", [{" kil"}, {" myself"}]),
        (r"\b(?:he|she)'s\b", [{" he", " she"}]),
        (r"(?:🪦|⚰)", [{"🪦", "⚰"}]),
        (r"\w+ly", []),  # nothing long enough to be worth looking for
        (r"\bat \d+", [{" at "}, set(DIGITS)]),
        (r"[0-9]{1,2}pm", [set(DIGITS)]),
        (r"\bat \d*", [{" at "}]),  # a digit that may be absent is not needed
        (r"(?i)kill", []),  # unmodelled syntax: always run
    ],
)
def test_required_strings(regex: str, expected: list[set[str]]) -> None:
    assert [set(s) for s in required(regex)] == expected


def test_word_form_makes_every_non_word_character_a_space() -> None:
    assert word_form("he's, ok") == " he s  ok "
    assert word_form("café 😂 ok") == " café   ok "


def test_a_regex_runs_only_where_all_its_strings_occur() -> None:
    prefilter = Prefilter([required(r"\bsilent treatment\b.*\bagain\b"), required(r"(?i)x")])
    assert prefilter.candidates("the silent treatment") == {1}
    assert prefilter.candidates("the silent treatment, again") == {0, 1}
    assert prefilter.candidates("silent treatments again") == {1}  # the word edge counts


def test_a_time_needs_a_digit_of_any_script() -> None:
    """Python's \\d matches every decimal digit, so the prefilter waits for any of them."""
    prefilter = Prefilter([required(r"\bat \d+ ?(?:am|pm)\b")])
    assert prefilter.candidates("see you at noon") == set()
    assert prefilter.candidates("at 3am") == {0}
    assert re.search(r"\bat \d+", "at \u0663am")  # ARABIC-INDIC DIGIT THREE
    assert prefilter.candidates("at \u0663am") == {0}


def test_branches_keep_their_assertions() -> None:
    assert branches(r"\b(?:a|b c)\b") == [r"\b(?:a)\b", r"\b(?:b c)\b"]
    assert branches(r"(?i)x") is None


def test_exclusion_prefilter_changes_no_result(
    detector: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = corpus_texts()
    with_prefilter = [detector.scan(t) for t in texts]
    every = set(range(len(detector.rules.exclusions)))
    monkeypatch.setattr(detector._exclusion_filter, "candidates", lambda norm: every)
    assert [detector.scan(t) for t in texts] == with_prefilter
