"""The detector's slowest messages among generated adversarial ones (bot/safety/adversarial.py).

Every message of the family (4,000 characters each) is scanned once; the slowest are timed
again and their best of R runs is printed, in CPU milliseconds of this thread (other work on a
shared machine does not count). tests/safety/test_safety_worst_case.py bounds the worst at 10 ms.
With --normalize it also times normalize() and normalize_with_map() alone on the same messages.
Usage: .venv/bin/python bench/worst_case.py [--top N] [--repeat R] [--normalize]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.safety.adversarial import adversarial_messages  # noqa: E402
from bot.safety.detector import load_detector  # noqa: E402
from bot.safety.normalize import normalize, normalize_with_map  # noqa: E402


def cpu_ms(run: Callable[[str], object], text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.thread_time()
        run(text)
        best = min(best, time.thread_time() - start)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--normalize", action="store_true")
    args = parser.parse_args()
    detector = load_detector(ROOT / "content" / "safety.toml")
    family = list(adversarial_messages(detector.rules))
    for _, text in family:  # warm the caches, as in a running bot
        detector.scan(text)
    first = sorted(((cpu_ms(detector.scan, text, 1), label, text) for label, text in family))
    total = sum(ms for ms, _, _ in first)
    print(f"messages: {len(family):,}  length: {len(family[0][1]):,} chars")
    print(f"detector: mean {total / len(family):.2f} ms, median {first[len(first) // 2][0]:.2f} ms")
    rows = [
        (cpu_ms(detector.scan, text, args.repeat), label, text)
        for _, label, text in first[-args.top * 2 :]
    ]
    rows.sort(reverse=True)
    print(f"slowest {args.top} (best of {args.repeat}, CPU ms):")
    for ms, label, text in rows[: args.top]:
        extra = ""
        if args.normalize:
            extra = (
                f"  normalize {cpu_ms(normalize, text, args.repeat):5.2f}"
                f"  with_map {cpu_ms(normalize_with_map, text, args.repeat):5.2f}"
            )
        print(f"  {ms:6.2f}{extra}  {label}")


if __name__ == "__main__":
    main()
