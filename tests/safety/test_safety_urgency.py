"""The meaning layer's urgency reading: an act under way, done, at hand or timed makes a crisis
imminent whichever layer found the crisis, and adds nothing where there is no crisis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from shared_data import Proposes

from bot.safety import semantic
from bot.safety.detector import Detector
from bot.safety.rules import CATEGORIES, URGENT
from bot.safety.scanner import SEMANTIC_RULE, SafetyScanner
from bot.safety.semantic import SENSITIVITIES, fit_head, load_head
from bot.safety.train_semantic import (
    THRESHOLD_CEILING,
    THRESHOLD_FLOOR,
    THRESHOLDS,
    URGENCY_THRESHOLD,
)


@pytest.fixture(scope="module")
def patterns(detector: Detector) -> Detector:
    return detector


def test_urgent_makes_a_pattern_found_crisis_imminent(patterns: Detector) -> None:
    text = "i keep thinking about not waking up, honestly"
    alone = patterns.scan(text)
    assert "crisis" in alone.categories and alone.severity != "imminent"
    found = SafetyScanner(patterns, Proposes(URGENT)).scan(text)
    assert found.severity_of("crisis") == "imminent"
    assert found.hits[: len(alone.hits)] == alone.hits  # the pattern's spans stay for moderators
    assert found.hits[-1].rule == SEMANTIC_RULE


def test_urgent_with_the_models_own_crisis_is_one_imminent_hit(patterns: Detector) -> None:
    text = "everything feels pointless lately and i am so tired of all of it"
    assert not patterns.scan(text).flagged
    found = SafetyScanner(patterns, Proposes("crisis", URGENT)).scan(text)
    assert found.categories == {"crisis"} and found.severity == "imminent"
    assert len(found.hits) == 1


def test_urgent_without_a_crisis_adds_nothing(patterns: Detector) -> None:
    calm = "we repotted the succulents on the balcony this afternoon, it was lovely"
    assert SafetyScanner(patterns, Proposes(URGENT)).scan(calm) == patterns.scan(calm)
    scared = "he hit me again last night and i'm scared of him"
    found = SafetyScanner(patterns, Proposes(URGENT)).scan(scared)
    assert found == patterns.scan(scared)  # danger keeps its own severity


def test_the_urgency_logistic_is_fitted_on_crisis_lines_and_saved(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    urgent_direction = np.eye(384, dtype=np.float32)[0]
    rows, labels, marks = [], [], []
    for i in range(120):
        v = rng.normal(size=384).astype(np.float32) * 0.1
        crisis, urgent = i % 3 != 0, i % 3 == 1
        if crisis:
            v[1] += 1.0
        if urgent:
            v += urgent_direction
        rows.append(v / np.linalg.norm(v))
        labels.append(frozenset({"crisis"} if crisis else ()))
        marks.append(urgent)
    vectors = np.stack(rows)
    thresholds = {"crisis": 0.5, "danger": 0.5, "abuse_sign": 0.5}
    head = fit_head(vectors, labels, thresholds, {}, 10.0, marks, urgency_threshold=0.7)
    assert head.urgency is not None and head.urgency.threshold == 0.7
    proposals = head.categories(vectors)
    assert sum(URGENT in p for p, m in zip(proposals, marks, strict=True) if m) >= 35
    assert sum(URGENT in p for p, m in zip(proposals, marks, strict=True) if not m) <= 5
    path = tmp_path / "semantic_head.json"
    head.save(path)
    loaded = load_head(path)
    assert loaded.urgency is not None and loaded.urgency.threshold == head.urgency.threshold
    assert loaded.categories(vectors) == proposals


def test_the_shipped_head_reads_urgency() -> None:
    assert load_head().urgency is not None


def test_the_thresholds_live_with_the_trainer_and_match_the_shipped_head() -> None:
    """Category and urgency thresholds are both the trainer's (``train_semantic``); the head
    code only stores what it is given. A frozen-encoder head is balanced at ``THRESHOLDS``; a
    fine-tuned one at what ``pick_thresholds`` chose on its validation lines, inside the
    trainer's floor and ceiling, quiet never looser than balanced, sensitive never stricter."""
    assert not hasattr(semantic, "URGENCY_THRESHOLD")
    shipped = load_head()
    assert shipped.urgency is not None and shipped.urgency.threshold == URGENCY_THRESHOLD
    if "fine-tuned" not in shipped.model:
        assert shipped.thresholds_for("balanced") == THRESHOLDS
        return
    assert set(shipped.sensitivities) == {"quiet", "balanced", "sensitive"}
    quiet, balanced, sensitive = (shipped.thresholds_for(n) for n in SENSITIVITIES)
    for c in CATEGORIES:
        assert THRESHOLD_FLOOR <= sensitive[c] <= balanced[c] <= quiet[c] <= THRESHOLD_CEILING
    assert shipped.thresholds == balanced


def test_a_head_is_given_its_urgency_threshold_by_the_trainer() -> None:
    with pytest.raises(ValueError, match="urgency_threshold"):
        fit_head(
            np.eye(4, 384, dtype=np.float32), [frozenset()] * 4, THRESHOLDS, {}, 10.0, [False] * 4
        )
