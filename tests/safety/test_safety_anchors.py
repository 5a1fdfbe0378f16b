"""The prefilter only skips patterns that cannot match, and reads literals without re internals."""

import re
from functools import cache
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_data import corpus_texts

from bot.safety.anchors import AnchorIndex
from bot.safety.detector import Detector
from bot.safety.normalize import normalize
from bot.safety.regex_literals import DIGIT, Unsupported, conditions, parse

HERE = Path(__file__).resolve().parent


def hits_without_prefilter(detector: Detector, norm: str) -> list[tuple[str, int, int]]:
    every_branch = list(detector._branches)
    return [(h.rule, h.start, h.end) for h in detector._raw_hits(norm, every_branch)]


def hits_with_prefilter(detector: Detector, norm: str) -> list[tuple[str, int, int]]:
    units = [*detector._candidates(norm)[0], *detector._whole]
    return [(h.rule, h.start, h.end) for h in detector._raw_hits(norm, units)]


@cache
def whole_patterns(detector: Detector) -> dict[int, re.Pattern[str]]:
    """Every pattern compiled whole: the detector compiles only those it cannot split."""
    return {i: re.compile(p.regex) for i, p in enumerate(detector.rules.patterns)}


def hits_of_whole_patterns(detector: Detector, norm: str) -> set[tuple[str, int, int]]:
    whole = [(i, None) for i in range(len(detector.rules.patterns))]
    with mock.patch.dict(detector._whole_regex, whole_patterns(detector)):
        return {(h.rule, h.start, h.end) for h in detector._raw_hits(norm, whole)}


def test_every_shipped_pattern_is_anchored(detector: Detector) -> None:
    assert not detector._index.always


def test_prefilter_and_single_branches_keep_every_hit_on_the_labelled_sets(
    detector: Detector,
) -> None:
    """Every branch run on every line (the slow reference, computed once for both checks):
    the prefilter skips none of its hits, and running branches one by one finds everything
    the whole patterns find."""
    for text in corpus_texts():
        norm = normalize(text)
        every_branch = hits_without_prefilter(detector, norm)
        assert hits_with_prefilter(detector, norm) == every_branch, text
        assert hits_of_whole_patterns(detector, norm) <= set(every_branch), text


# Text built from the words the patterns care about, so that many combinations match.
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
        (r"\bkms\b", [[{("kms", True, True)}]]),
        (r"\bt(?:old|ells) me\b", [[{("told", True, True), ("tells", True, True)}]]),
        (r"\bkil+ myself", [[{("kil", True, False)}, {("myself", True, False)}]]),
        (
            r"\b(?:want|wanna) to die\b|🪦",
            [
                [{("want", True, True), ("wanna", True, True)}, {("die", True, True)}],
                [{("🪦", False, False)}],
            ],
        ),
    ],
)
def test_required_literals(regex: str, expected: list[list[set[tuple[str, bool, bool]]]]) -> None:
    got = conditions(regex)
    assert got is not None
    # Two-letter words ("me", "to") are required too; leave them out of the comparison.
    long_sets = [[set(s) for s in alt if len(min(s)[0]) > 2 or not min(s)[1]] for alt in got]
    assert long_sets == expected


@pytest.mark.parametrize("regex", [r"(?i)kill", r"(a)\1", r"\p{L}", r"a{2"])
def test_unmodelled_syntax_is_refused(regex: str) -> None:
    with pytest.raises(Unsupported):
        conditions(regex)
        parse(regex)


def test_unmodelled_pattern_always_runs() -> None:
    index = AnchorIndex([(r"(?i)kill", None), (r"\bdie\b", None)])
    assert index.always == {0}
    assert index.candidates("nothing here") == {0}
    assert index.candidates("i could die") == {0, 1}


def test_near_words_are_required_too() -> None:
    index = AnchorIndex([(r"\bsilent treatment\b", r"\b(?:every time|again)\b")])
    assert index.candidates("the silent treatment") == set()
    assert index.candidates("the silent treatment again") == {0}


def test_a_number_at_a_word_start_is_a_key() -> None:
    index = AnchorIndex([(r"\b(?:\d{1,2}:\d\d|the \d{1,2}th)\W+thats when\b", None)])
    assert conditions(r"\b\d+ ?am\b") == [[{DIGIT}]]
    assert index.candidates("thats when it started") == set()
    assert index.candidates("11:45. thats when") == {0}
    assert index.candidates("the 9th. thats when") == {0}
    assert index.candidates("\u0661\u0661:45 thats when") == {0}  # any digit, not only ascii


def test_exclusion_prefilter_changes_no_result(
    detector: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = corpus_texts()
    with_prefilter = [detector.scan(t) for t in texts]
    every = set(range(len(detector.rules.exclusions)))
    monkeypatch.setattr(detector._exclusion_index, "candidates", lambda norm: every)
    assert [detector.scan(t) for t in texts] == with_prefilter
