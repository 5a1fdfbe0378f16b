"""CPU milliseconds of sanitize_public (bot/public_text.py) on adversarial 4,000-character
posts (the check-in body is at most 1,000; 4,000 is Discord's longest message), best of R.
tests/test_public_text.py bounds the worst at 50 ms.
Usage: .venv/bin/python bench/public_text.py [--repeat R]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.public_text import sanitize_public  # noqa: E402

LENGTH = 4000
UNITS = [
    "-  ", ">  ", "1. ", "a.", "discord.", "discord.gg/", "[", "[a](", "](", "%2E", "ｄ",
    "</", "<id:", "@", "\\", "\\[", "# ", "\n# ", "www.", "discord . ", "invite?code=",
    "a b c ", "ok\n",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for unit in UNITS:
        text = (unit * (LENGTH // len(unit) + 1))[:LENGTH]
        best = float("inf")
        for _ in range(args.repeat):
            start = time.thread_time()
            sanitize_public(text)
            best = min(best, time.thread_time() - start)
        rows.append((best * 1000, unit))
    for ms, unit in sorted(rows, reverse=True):
        print(f"{ms:7.2f} ms  {unit!r} repeated to {LENGTH:,} characters")


if __name__ == "__main__":
    main()
