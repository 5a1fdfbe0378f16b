"""Issue 12 training lines: methods, means, places and acts, in English and in es, fr, de, pt,
it (nl and pl where present), written from the label rules ("Methods, means and acts in
progress") with their everyday look-alikes. Notes tagged ``imminent`` mark lines whose act is
under way or done, whose means are at hand or whose time is set.

The meaning layer is trained on these files (``bridgeline train-semantic``), so these figures
are for the patterns alone: they guard against losing what the patterns find. What either
layer finds on wording nobody has written down yet is measured on sets kept out of training.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.safety.detector import Detector
from bot.safety.evaluate import evaluate, parse_examples

URGENT = Path(__file__).resolve().parent / "urgent"
SETS = sorted(URGENT.glob("*.jsonl"))

# Per file: least crisis recall, least share of imminent-tagged crisis lines rated imminent,
# least danger recall, most false alarms on lines labelled none (patterns alone).
FLOORS = {
    "urgent_train_en.jsonl": (0.70, 0.68, 0.92, 0.06),
    "urgent_train_xx.jsonl": (0.50, 0.60, 0.78, 0.03),
    # The issue 12 first-look set, scored once blind and then retired into training.
    "firstlook_12.jsonl": (0.92, 0.92, 0.95, 0.04),
}


def test_the_urgent_sets_are_here_and_labelled() -> None:
    assert {p.name for p in SETS} == set(FLOORS)
    for path in SETS:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert len(rows) >= 100
        assert any("imminent" in r["note"] for r in rows)
        assert any(not r["categories"] for r in rows), "needs everyday look-alikes too"


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_patterns_keep_what_they_find_on_the_urgent_sets(detector: Detector, path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    with path.open(encoding="utf-8") as fh:
        report = evaluate(detector, parse_examples(fh))
    crisis_floor, imminent_floor, danger_floor, fp_ceiling = FLOORS[path.name]
    summary = report.format()
    assert report.scores["crisis"].recall >= crisis_floor, summary
    assert report.scores["danger"].recall >= danger_floor, summary
    assert report.false_positive_rate <= fp_ceiling, summary
    urgent = [r["text"] for r in rows if "crisis" in r["categories"] and "imminent" in r["note"]]
    rated = [d.severity_of("crisis") for d in detector.scan_many(urgent)]
    assert sum(s == "imminent" for s in rated) / len(urgent) >= imminent_floor
