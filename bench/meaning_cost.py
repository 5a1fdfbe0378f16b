"""What the safety meaning layer costs: load time, ms per message, resident memory.

Loads the shipped layer (encoder and head, ``load_meaning_layer``) in this fresh process and
times it, then runs the messages the meaning layer reads (``bench/scan_throughput.py``'s
generated chat, ``[meaning] min_words`` or more) through ``MeaningLayer.categories`` one at a
time and in batches of 32, in CPU seconds of this process (per core: other work on a shared
machine counts less against it). Issue 15's goals: <= 5 ms a message, <= 1 s to load, the
bot <= 250 MB resident (this prints the process's resident size after loading and running,
and its peak, which loading sets).

    .venv/bin/python bench/meaning_cost.py [--messages 256] [--seed S]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from encoder_speed import readable_messages  # noqa: E402

from bot.safety.scanner import load_meaning_layer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=256)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    messages = readable_messages(args.messages, args.seed)
    wall, cpu = time.perf_counter(), time.process_time()
    layer = load_meaning_layer()
    if layer is None:
        sys.exit("the meaning layer did not load (see the log line above)")
    print(
        f"load: {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU"
        f" (agreement check {'on' if layer.head.agreement > 0 else 'off'})"
    )
    for batch in (1, 32):
        start = time.process_time()
        for i in range(0, len(messages), batch):
            chunk = messages[i : i + batch]
            layer.categories(chunk, ["balanced"] * len(chunk))
        per = (time.process_time() - start) / len(messages) * 1000
        print(f"batches of {batch:>2}: {per:.2f} ms CPU a message ({len(messages)} messages)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"resident memory of this process now: {resident_mb():.0f} MB (peak {peak:.0f} MB)")


def resident_mb() -> float:
    """VmRSS: what the process holds now (ru_maxrss is only the peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main()
