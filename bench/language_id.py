"""Which local language identifier tells our five languages apart on short support-server lines.

The labelled set: every line under tests/safety/ (except firstlook/, kept blind) and
../shared/safety/dev_set.jsonl whose note says `lang=xx`, plus English lines (no lang) from the
dev set. Lines in it/nl/pl are distractors: the right answer for them is "unknown", since a
wrong guess would answer someone in a language they did not write.

For each candidate it prints, per true language: right, unknown (abstained) and wrong (another
of our languages: the harmful case); then time per message, the memory its models add to the
process (RSS after loading minus before) and load time. Each candidate runs in a fresh
interpreter so its memory is its own.
Usage: .venv/bin/python bench/language_id.py [--english N] [--candidate NAME]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OURS = ("en", "es", "fr", "de", "pt")
DISTRACTORS = ("it", "nl", "pl")
_LANG = re.compile(r"lang=([a-z]{2})\b")
CANDIDATES = ("chosen", "lingua-high", "lingua-low", "py3langid")


def labelled_lines(english: int, seed: int = 7) -> list[tuple[str, str]]:
    """(text, true language) with it/nl/pl kept as themselves."""
    files = [p for p in (ROOT / "tests" / "safety").rglob("*.jsonl") if "firstlook" not in p.parts]
    dev = ROOT.parent.parent / "shared" / "safety" / "dev_set.jsonl"
    if not dev.exists():
        dev = ROOT.parent / "shared" / "safety" / "dev_set.jsonl"
    files.append(dev)
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    english_pool: list[str] = []
    for path in files:
        for raw in path.read_text(encoding="utf-8").splitlines():
            if not raw.strip():
                continue
            row = json.loads(raw)
            text = row.get("text", "")
            if not text or text in seen:
                continue
            seen.add(text)
            found = _LANG.search(str(row.get("note", "")))
            if found:
                out.append((text, found[1]))
            elif path == dev:
                english_pool.append(text)
    random.Random(seed).shuffle(english_pool)
    out += [(text, "en") for text in english_pool[:english]]
    return out


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _build(name: str) -> Callable[[str], str]:
    if name == "chosen":
        from bot.i18n.detect import detect_language, load

        load()
        return detect_language
    if name.startswith("lingua"):
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        langs = [
            Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper()))
            for c in OURS + DISTRACTORS
        ]
        builder = LanguageDetectorBuilder.from_languages(*langs).with_preloaded_language_models()
        if name == "lingua-low":
            builder = builder.with_low_accuracy_mode()
        detector = builder.build()

        def lingua_guess(text: str) -> str:
            values = detector.compute_language_confidence_values(text)
            if not values or values[0].value < 0.5:
                return "unknown"
            return values[0].language.iso_code_639_1.name.lower()

        return lingua_guess
    if name == "py3langid":
        from py3langid.langid import _load_identifier

        identifier = _load_identifier(norm_probs=True, langs=list(OURS + DISTRACTORS))

        def langid_guess(text: str) -> str:
            lang, prob = identifier.classify(text)
            return str(lang) if prob >= 0.9 else "unknown"

        return langid_guess
    raise SystemExit(f"unknown candidate {name}")


def run_one(name: str, english: int) -> dict[str, object]:
    lines = labelled_lines(english)
    import numpy  # noqa: F401  (the bot loads numpy anyway; do not count it)

    before = _rss_mb()
    started = time.perf_counter()
    guess = _build(name)
    guess("warm up")
    load_s = time.perf_counter() - started
    added = _rss_mb() - before
    tally: dict[str, Counter[str]] = {}
    started = time.process_time()
    for text, truth in lines:
        said = guess(text)
        said = said if said in OURS else "unknown"
        if truth in OURS:
            outcome = "right" if said == truth else "unknown" if said == "unknown" else "wrong"
        else:
            outcome = "right" if said == "unknown" else "wrong"
        tally.setdefault(truth, Counter())[outcome] += 1
    per_msg_ms = (time.process_time() - started) / len(lines) * 1000
    return {
        "name": name,
        "load_s": load_s,
        "rss_mb": added,
        "ms": per_msg_ms,
        "tally": {k: dict(v) for k, v in tally.items()},
    }


def show(result: dict[str, object]) -> None:
    tally = result["tally"]
    assert isinstance(tally, dict)
    print(
        f"\n{result['name']}: load {result['load_s']:.2f} s, +{result['rss_mb']:.0f} MB RSS, "
        f"{result['ms']:.3f} ms/message (CPU)"
    )
    print(f"  {'lang':8} {'n':>4} {'right':>7} {'unknown':>8} {'wrong':>7}")
    total = Counter[str]()
    for lang in (*OURS, *DISTRACTORS):
        counts = Counter(tally.get(lang, {}))
        n = sum(counts.values())
        if not n:
            continue
        total.update(counts)
        note = " (right = unknown)" if lang in DISTRACTORS else ""
        print(
            f"  {lang:8} {n:>4} {counts['right'] / n:>7.1%} {counts['unknown'] / n:>8.1%} "
            f"{counts['wrong'] / n:>7.1%}{note}"
        )
    n = sum(total.values())
    print(
        f"  {'all':8} {n:>4} {total['right'] / n:>7.1%} {total['unknown'] / n:>8.1%} "
        f"{total['wrong'] / n:>7.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--english", type=int, default=300)
    parser.add_argument("--candidate", choices=CANDIDATES)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.candidate:
        result = run_one(args.candidate, args.english)
        print(json.dumps(result) if args.json else "", end="")
        if not args.json:
            show(result)
        return
    lines = labelled_lines(args.english)
    print(f"{len(lines)} labelled lines: {dict(Counter(lang for _, lang in lines))}")
    for name in CANDIDATES:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--candidate",
                name,
                "--english",
                str(args.english),
                "--json",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(f"\n{name}: failed\n{done.stderr[-800:]}")
            continue
        show(json.loads(done.stdout))


if __name__ == "__main__":
    main()
