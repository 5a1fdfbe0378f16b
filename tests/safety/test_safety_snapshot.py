"""The detector gives exactly the results it gave before the speed work, line for line.

``snapshot/detections.json`` was written by the detector as it stood before the prefilter was
rebuilt (commit e30cda9), with the rule set pinned in ``snapshot/safety.toml`` so that later
pattern tuning in content/ does not invalidate it. It covers every line of the labelled sets
here and the shared dev set, and every distinct message the throughput bench generates.
Regenerate only for a deliberate behaviour change:
``.venv/bin/python tests/safety/test_safety_snapshot.py --write``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from shared_data import DEV_SET

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.safety.detector import Detection, Detector, load_detector  # noqa: E402

PINNED_RULES = HERE / "snapshot" / "safety.toml"
SNAPSHOT = HERE / "snapshot" / "detections.json"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "scan_throughput", ROOT / "bench" / "scan_throughput.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def labelled_texts() -> list[str]:
    texts: list[str] = []
    for path in [*sorted(HERE.glob("*.jsonl")), DEV_SET]:
        if path.exists():
            texts += [json.loads(x)["text"] for x in path.read_text(encoding="utf-8").splitlines()]
    return list(dict.fromkeys(texts))


def bench_texts() -> list[str]:
    bench = _bench()
    return list(dict.fromkeys(bench.make_messages(50_000, 20240601)))


def as_record(detection: Detection) -> list[Any]:
    return [
        sorted(detection.categories),
        detection.severity,
        [[h.rule, h.category, h.severity, h.start, h.end] for h in detection.hits],
    ]


@pytest.fixture(scope="module")
def pinned() -> Detector:
    return load_detector(PINNED_RULES)


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return data


def test_labelled_lines_match_the_snapshot(pinned: Detector, snapshot: dict[str, Any]) -> None:
    expected = snapshot["labelled"]
    texts = [t for t in labelled_texts() if t in expected]  # lines added later have no record
    assert len(texts) >= 1500
    mismatches = [t for t in texts if as_record(pinned.scan(t)) != expected[t]]
    assert not mismatches, mismatches[:5]


def test_bench_messages_match_the_snapshot(pinned: Detector, snapshot: dict[str, Any]) -> None:
    flagged = snapshot["bench_flagged"]
    texts = bench_texts()
    assert len(texts) == snapshot["bench_distinct"]
    got = {t: as_record(d) for t in texts if (d := pinned.scan(t)).flagged}
    assert got == flagged


def write_snapshot() -> None:
    detector = load_detector(PINNED_RULES)
    labelled = {t: as_record(detector.scan(t)) for t in labelled_texts()}
    bench = bench_texts()
    flagged = {t: as_record(d) for t in bench if (d := detector.scan(t)).flagged}
    data = {"labelled": labelled, "bench_distinct": len(bench), "bench_flagged": flagged}
    SNAPSHOT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(labelled)} labelled lines, {len(bench)} bench messages ({len(flagged)} flagged)")


if __name__ == "__main__" and "--write" in sys.argv:
    write_snapshot()
