"""The speed shortcuts give the same answers as the plain computations they replace."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from shared_data import SHIPPED, corpus_texts

from bot.safety import anchors
from bot.safety.detector import Detector, load_detector
from bot.safety.normalize import (
    ascii_needs_steps,
    needs_steps,
    normalize,
    prepare,
    word_has_repeat,
)

HERE = Path(__file__).resolve().parent


def random_texts(count: int, seed: int) -> list[str]:
    """Short strings over the characters each disguise test looks at."""
    rng = random.Random(seed)
    alphabet = [*"ab _.-*@$!|1 '\tkKx", "é", "😂", "\u200b", "’", "а", "Σ", "☀️", "ß", "ﬁ"]
    return ["".join(rng.choices(alphabet, k=rng.randint(1, 12))) for _ in range(count)]


def test_word_level_disguise_test_equals_the_text_level_one() -> None:
    for text in [*corpus_texts(), *random_texts(20_000, 1)]:
        t, raw, words = prepare(text)
        if raw is not None:
            repeats = any(word_has_repeat(w) for w in words)
            assert ascii_needs_steps(t, raw, repeats) == needs_steps(t), repr(text)


def test_scan_normalized_returns_what_normalize_returns(detector: Detector) -> None:
    """Callers read that text again instead of normalising twice (``scanner.py``)."""
    for text in [*corpus_texts(), *random_texts(20_000, 2)]:
        assert detector.scan_normalized(text)[1] == normalize(text), repr(text)


def test_prepare_splits_only_text_whose_word_characters_are_ascii() -> None:
    assert prepare("Café 😂 day")[1:] == (b"cafe ? day", [b"cafe", b"day"])
    assert prepare("привет мир")[1] is None  # Cyrillic words stay on the general path


def test_split_near_conditions_agree_with_the_whole_regex(detector: Detector) -> None:
    checked = 0
    for text in corpus_texts():
        norm = normalize(text)
        near_mask = detector._near_index.text_mask(norm)
        for i, rule in enumerate(detector.rules.patterns):
            if rule.near is None:
                continue
            near = re.compile(rule.near)
            for lo, hi in ((0, len(norm)), (len(norm) // 3, len(norm) // 3 + 40)):
                expected = near.search(norm, lo, hi) is not None
                assert detector._near_found(i, near_mask, norm, lo, hi) == expected, (rule.id, text)
                checked += expected
    assert checked > 100  # the near conditions do match somewhere in the corpus


def test_results_survive_word_caches_being_cleared(
    detector: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = corpus_texts()[:400]
    before = [detector.scan(t) for t in texts]
    monkeypatch.setattr(anchors, "_CACHE_LIMIT", 3)
    fresh = load_detector(SHIPPED)
    assert [fresh.scan(t) for t in texts] == before
    assert len(fresh._ascii_words) <= 3


def test_one_pattern_alternatives_are_the_text_candidates_of_that_pattern(
    detector: Detector,
) -> None:
    index = detector._near_index
    slots = {slot for slot, _ in index.alternative_regex}
    for text in corpus_texts():
        mask = index.text_mask(normalize(text))
        every = index.alternatives_for_mask(mask)
        for slot in slots:
            assert index.pattern_alternatives(mask, slot) == {a for a in every if a[0] == slot}
