"""Messages per second of the safety detector on one core, for realistic chat.

Prints three figures measured in the same run on the same generated messages:
  detector  Detector.scan (normalise, match, exclusions, offsets)
  baseline  a naive scan: lowercase, then re.search with each pattern in a loop
  floor     unicodedata NFKC + casefold alone (what any Unicode-aware scan must pay)
The detector's best run is with Python's regex cache and the interpreter warm, as in a running
bot. It also prints one pass of a freshly built detector.
Times are CPU seconds of this process (best of R runs), so other work on a shared machine
does not count against the detector; the floor is tiny per call, so its figure is the noisiest.
Then the meaning layer (embedding + head, bot/safety/scanner.py), which runs only on messages
long enough to read ([meaning] min_words in safety.toml): its messages per second over the same
chat in batches (as `bridgeline scan` runs it) and one message at a time (as the bot does).
Usage: .venv/bin/python bench/scan_throughput.py [--messages N] [--repeat R] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.safety.detector import load_detector  # noqa: E402
from bot.safety.scanner import SafetyScanner, load_meaning_layer  # noqa: E402

OPENERS = ["", "", "", "ok so ", "ugh ", "lol ", "honestly ", "update: ", "hey all, ", "tbh "]
SUBJECTS = ["he", "she", "my partner", "my bf", "my gf", "we", "i", "my husband", "my wife"]
VERBS = [
    "went quiet for a bit after dinner",
    "asked if we could talk tomorrow",
    "made pasta and we watched a film",
    "forgot to buy milk again",
    "needed some space after the argument",
    "said sorry and we hugged it out",
    "is working late all week",
    "booked a weekend away for us",
    "was annoyed about the dishes",
    "went for a run to cool off",
]
TAILS = [
    "",
    "",
    " 😂",
    " anyway how was everyone's day?",
    ", feeling better now",
    " ❤️",
    ". any tips for talking after a fight?",
    ". the workbook exercise helped a lot",
    " and honestly i'm proud of us for once",
]
SHORT = ["lol", "same", "thank you!!", "good morning ☀️", "omg yes", "this ^", "ty 💜", "brb"]
LONG_EXTRA = (
    " we have been together for four years and most of the time it is good, but when work"
    " gets busy we both get short with each other and it takes a day to reset. the pause"
    " thing from the pinned post really helps, we agreed to come back within an hour."
)
RISKY = [
    "i want to die, nothing is getting better",
    "he hit me again last night",
    "he checks my phone every single night",
    "i dont want to be here anymore",
    "he gives me the silent treatment every time i see my friends",
    "my feet are killing me after that shift lol",
    "k1lled it at the interview today",
    "that boss fight killed me 3 times",
]
ACCENTED = ["café date went well 🥰", "naïve of me i know", "on s'est réconciliés ce matin"]


def make_messages(n: int, seed: int) -> list[str]:
    """Mostly benign chat of mixed length; about 4% risky and 5% non-ASCII."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.04:
            out.append(rng.choice(RISKY))
        elif roll < 0.09:
            out.append(rng.choice(ACCENTED))
        elif roll < 0.29:
            out.append(rng.choice(SHORT))
        else:
            text = rng.choice(OPENERS) + rng.choice(SUBJECTS) + " " + rng.choice(VERBS)
            text += rng.choice(TAILS)
            if rng.random() < 0.15:
                text += LONG_EXTRA
            out.append(text)
    return out


def rate(fn: Callable[[str], object], messages: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for m in messages:
            fn(m)
        best = min(best, time.process_time() - start)
    return len(messages) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()

    detector = load_detector(ROOT / "content" / "safety.toml")
    messages = make_messages(args.messages, args.seed)
    singles = [re.compile(p.regex) for p in detector.rules.patterns]

    def baseline(text: str) -> bool:
        low = text.lower()
        return any(p.search(low) for p in singles)

    def floor(text: str) -> str:
        return unicodedata.normalize("NFKC", text).casefold()

    start = time.process_time()
    flagged = sum(detector.scan(m).flagged for m in messages)  # also the cold first pass
    cold = len(messages) / (time.process_time() - start)
    det = rate(detector.scan, messages, args.repeat)
    base = rate(baseline, messages[: max(1, len(messages) // 10)], args.repeat)
    flo = rate(floor, messages, args.repeat)
    avg = sum(map(len, messages)) / len(messages)
    print(f"messages: {len(messages)}  avg length: {avg:.0f} chars  flagged: {flagged}")
    print(f"patterns: {len(singles)}  (baseline timed on a tenth of the messages)")
    print(f"detector : {det:12,.0f} msg/s   (first pass of a new detector: {cold:,.0f} msg/s)")
    print(f"baseline : {base:12,.0f} msg/s   detector/baseline = {det / base:6.1f}x")
    print(f"floor    : {flo:12,.0f} msg/s   floor/detector    = {flo / det:6.1f}x")

    layer = load_meaning_layer()
    if layer is None:
        print("meaning layer: not available")
        return
    scanner = SafetyScanner(detector, layer)
    sample = messages[:2000]
    start = time.perf_counter()
    scanner.scan_many(sample)
    batched = len(sample) / (time.perf_counter() - start)
    start = time.perf_counter()
    for m in sample[:300]:
        scanner.scan(m)
    single = 300 / (time.perf_counter() - start)
    print(
        f"patterns + meaning layer: {batched:,.0f} msg/s in batches, {single:,.0f} msg/s one "
        f"at a time (wall clock; NumPy may use both cores)"
    )


if __name__ == "__main__":
    main()
