"""The speed shortcuts give the same answers as the plain computations they replace."""

from __future__ import annotations

import random
from pathlib import Path

from shared_data import corpus_texts

from bot.safety.detector import Detector
from bot.safety.normalize import (
    ascii_needs_steps,
    needs_steps,
    normalize,
    prepare,
)

HERE = Path(__file__).resolve().parent


def random_texts(count: int, seed: int) -> list[str]:
    """Short strings over the characters each disguise test looks at."""
    rng = random.Random(seed)
    alphabet = [*"ab _.-*@$!|1 '\tkKx", "é", "😂", "\u200b", "’", "а", "Σ", "☀️", "ß", "ﬁ"]
    return ["".join(rng.choices(alphabet, k=rng.randint(1, 12))) for _ in range(count)]


def test_byte_level_disguise_test_equals_the_text_level_one() -> None:
    for text in [*corpus_texts(), *random_texts(20_000, 1)]:
        t, raw = prepare(text)
        if raw is not None:
            assert ascii_needs_steps(t, raw) == needs_steps(t), repr(text)


def test_scan_normalized_returns_what_normalize_returns(detector: Detector) -> None:
    """Callers read that text again instead of normalising twice (``scanner.py``)."""
    for text in [*corpus_texts(), *random_texts(20_000, 2)]:
        assert detector.scan_normalized(text)[1] == normalize(text), repr(text)


def test_prepare_gives_bytes_only_for_text_whose_word_characters_are_ascii() -> None:
    assert prepare("Café 😂 day")[1] == b"cafe ? day"
    assert prepare("привет мир")[1] is None  # Cyrillic words stay on the general path
