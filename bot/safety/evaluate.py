"""Precision/recall report of a detector against labelled JSON lines (the dev set format)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.safety.detector import Detection
from bot.safety.rules import CATEGORIES


class ScansMany(Protocol):
    """A Detector (patterns) or a SafetyScanner (patterns and meaning)."""

    def scan_many(self, texts: list[str]) -> list[Detection]: ...


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    labels: frozenset[str]
    #: The writer of the line marked it `imminent` in its note (an act under way or done, means
    #: at hand, a time set): the report counts how many of those were rated imminent.
    imminent: bool = False


@dataclass(frozen=True)
class Miss:
    id: str
    expected: tuple[str, ...]
    got: tuple[str, ...]
    text: str


@dataclass
class CategoryScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    scores: dict[str, CategoryScore] = field(
        default_factory=lambda: {c: CategoryScore() for c in CATEGORIES}
    )
    none_total: int = 0
    none_flagged: int = 0
    #: Lines with any label, and those flagged with at least one of their own categories
    risk_total: int = 0
    risk_found: int = 0
    imminent_total: int = 0
    imminent_rated: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def false_positive_rate(self) -> float:
        return self.none_flagged / self.none_total if self.none_total else 0.0

    def format(self) -> str:
        lines = [
            f"{'category':<12} {'prec':>6} {'recall':>6} {'f1':>6} {'tp':>4} {'fp':>4} {'fn':>4}"
        ]
        for cat, s in self.scores.items():
            lines.append(
                f"{cat:<12} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"
                f" {s.tp:4d} {s.fp:4d} {s.fn:4d}"
            )
        if self.risk_total:
            lines.append(
                f"any-risk recall (one of its categories found): {self.risk_found}/"
                f"{self.risk_total} = {self.risk_found / self.risk_total:.3f}"
            )
        lines.append(
            f"false positives on none-labelled lines: {self.none_flagged}/{self.none_total}"
            f" = {self.false_positive_rate:.3f}"
        )
        if self.imminent_total:
            lines.append(
                f"lines marked imminent rated imminent: {self.imminent_rated}/"
                f"{self.imminent_total} = {self.imminent_rated / self.imminent_total:.3f}"
            )
        lines.append(f"misses: {len(self.misses)}")
        for m in self.misses:
            exp = ",".join(m.expected) or "none"
            got = ",".join(m.got) or "none"
            lines.append(f"  {m.id}  expected={exp}  got={got}  {m.text!r}")
        return "\n".join(lines)


def parse_examples(lines: Iterable[str]) -> list[Example]:
    """Reads ``{"id", "text", "categories"}`` lines; raises ValueError naming the bad line."""
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            labels = frozenset(row["categories"])
            imminent = "imminent" in str(row.get("note", "")).split(" | ")
            out.append(Example(str(row["id"]), str(row["text"]), labels, imminent))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"line {n}: not a labelled example ({exc})") from exc
    return out


def evaluate(scanner: ScansMany, examples: Sequence[Example]) -> Report:
    report = Report()
    found = scanner.scan_many([ex.text for ex in examples])
    for ex, detection in zip(examples, found, strict=True):
        got = detection.categories
        for cat in CATEGORIES:
            score = report.scores[cat]
            if cat in got and cat in ex.labels:
                score.tp += 1
            elif cat in got:
                score.fp += 1
            elif cat in ex.labels:
                score.fn += 1
        if ex.imminent:
            report.imminent_total += 1
            report.imminent_rated += detection.severity == "imminent"
        if not ex.labels:
            report.none_total += 1
            report.none_flagged += bool(got)
        else:
            report.risk_total += 1
            report.risk_found += bool(got & ex.labels)
        if set(got) != set(ex.labels):
            order = CATEGORIES.index
            report.misses.append(
                Miss(
                    ex.id,
                    tuple(sorted(ex.labels, key=order)),
                    tuple(sorted(got, key=order)),
                    ex.text,
                )
            )
    return report
