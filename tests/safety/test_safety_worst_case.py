"""No message, however built, holds the event loop: the detector's worst case over a generated
family of adversarial 4,000-character messages stays under a bound (issue 13 item 6).

Timing is CPU time of this thread (``time.thread_time``: other processes on a shared machine do
not count), the best of a few repeats, and the bound is generous: 10 ms against a measured worst
of about 4 ms on a 2-core machine; the quadratic cases this guards against took 150-270 ms.
``bench/worst_case.py`` prints the figures.
"""

from __future__ import annotations

import time

import pytest

from bot.safety.adversarial import LENGTH, adversarial_messages
from bot.safety.detector import MAX_HITS_PER_RULE, Detector

BOUND_S = 0.010
REPEATS = 3
SUSPECTS = 40  # the slowest messages of the first pass are timed again


def _cpu_time(detector: Detector, text: str) -> float:
    start = time.thread_time()
    detector.scan(text)
    return time.thread_time() - start


def test_worst_case_scan_stays_under_10_ms(detector: Detector) -> None:
    family = list(adversarial_messages(detector.rules))
    assert len(family) > 1000 and all(len(text) == LENGTH for _, text in family)
    for _, text in family[:50]:  # warm the per-word and per-character caches
        detector.scan(text)
    first = sorted(((_cpu_time(detector, text), label, text) for label, text in family))
    worst = []
    for _, label, text in first[-SUSPECTS:]:
        best = min(_cpu_time(detector, text) for _ in range(REPEATS))
        worst.append((best, label))
    slowest, label = max(worst)
    assert slowest < BOUND_S, f"{label}: {slowest * 1000:.1f} ms"


@pytest.mark.parametrize(
    "text",
    [
        "alive dont" + "\u2028" * 3990,  # crisis.patterns.not_alive: \s+ ... \s* on a run
        "exist i dont" + "\t" * 3988,
        "live dont" + "\r" * 3991,
        "k1" * 2000,  # the stretched-letter step on one long word
        ("tomei. " * 600)[:LENGTH],  # a near window searched at every one of 571 matches
    ],
)
def test_reported_quadratic_inputs_are_fast(detector: Detector, text: str) -> None:
    best = min(_cpu_time(detector, text) for _ in range(REPEATS))
    assert best < BOUND_S, f"{best * 1000:.1f} ms"


def test_a_repeated_phrase_keeps_a_few_spans_per_rule(detector: Detector) -> None:
    text = ("kill myself " * 400)[:LENGTH]
    found = detector.scan(text)
    assert found.categories == {"crisis"}
    rules = [hit.rule for hit in found.hits]
    assert all(rules.count(rule) <= MAX_HITS_PER_RULE for rule in rules)
    assert found.severity == detector.scan("kill myself").severity
    # the cap applies after exclusions: negated lines cannot crowd out a real one
    negated = "he never hit me. " * 20
    crowded = detector.scan(negated + "then he hit me")
    assert crowded.categories == {"danger"}
    assert all(hit.start >= len(negated) for hit in crowded.hits)


def test_a_near_condition_far_into_many_matches_still_holds(detector: Detector) -> None:
    """Past the first few matches a ``near`` window is searched only where the condition's
    words occur in the text; the goodbye after 200 of them still makes a hit."""
    text = "tomei. " * 200 + "tomei. adeus a todos"
    assert detector.scan(text).severity_of("crisis") == "imminent"
    assert not detector.scan("tomei. " * 200).flagged
