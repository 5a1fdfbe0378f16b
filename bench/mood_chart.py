"""The /checkin history mood chart: what drawing it costs.

Prints Pillow's import time (a fresh interpreter each round, so nothing is cached), its
installed size, and the time and PNG size of a 30- and a 90-day chart. For comparison it also
times importing matplotlib (with the Agg backend) when that happens to be installed; Bridgeline
does not depend on it. Figures are printed, never asserted.

    .venv/bin/python bench/mood_chart.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

IMPORT_PIL = "import PIL.Image, PIL.ImageDraw, PIL.ImageFont"
IMPORT_MPL = "import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot"


def import_ms(statement: str, rounds: int) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        * 1000
        for _ in range(rounds)
    ]
    return statistics.median(runs)


def package_mb(name: str) -> float | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"Pillow import: {import_ms(IMPORT_PIL, args.rounds):.0f} ms (median of {args.rounds})")
    print(f"Pillow installed: {package_mb('PIL') or 0:.1f} MB")
    if importlib.util.find_spec("matplotlib") is not None:
        print(
            f"matplotlib import: {import_ms(IMPORT_MPL, args.rounds):.0f} ms "
            f"(installed {package_mb('matplotlib') or 0:.1f} MB, without its dependencies)"
        )
    else:
        print("matplotlib: not installed (not a dependency)")

    from bot.moodchart.render import render_png
    from bot.moodchart.series import build_series

    today = date(2026, 3, 28)
    for window in (30, 90):
        daily = {today - timedelta(days=n): float(1 + n % 5) for n in range(window) if n % 4}
        series = build_series(daily, 3, today, window)
        render_png(series)  # the first call loads the font
        times = []
        for _ in range(args.rounds * 4):
            start = time.perf_counter()
            png = render_png(series)
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"{window}-day chart: {statistics.median(times):.1f} ms median, "
            f"{len(png) / 1000:.1f} KB PNG"
        )


if __name__ == "__main__":
    main()
