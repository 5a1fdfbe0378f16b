"""``bridgeline scan``: classify JSON lines from stdin, or report quality on a labelled file.

Kept free of argument parsing side effects (no sys.exit, no sys.stdout) so bot/cli.py and the
tests can call ``run_scan`` with their own streams.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from bot.safety.evaluate import ScansMany, evaluate, parse_examples
from bot.safety.rules import CATEGORIES

BATCH = 64


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bridgeline scan",
        description=(
            "Read JSON lines {'id', 'text'} from stdin and write one JSON line per input with "
            "the detected categories and severity. With --eval FILE, print precision, recall, "
            "F1, the false-positive rate and the misses for a labelled file instead."
        ),
    )
    parser.add_argument("--eval", metavar="FILE", type=Path, help="labelled JSON lines file")
    return parser


def run_scan(argv: list[str], stdin: TextIO, stdout: TextIO, detector: ScansMany) -> int:
    """Returns the exit code: 0 normally, 2 for bad arguments or an unreadable --eval file."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage error
        return exc.code if isinstance(exc.code, int) else 2
    if args.eval is not None:
        return _run_eval(args.eval, stdout, detector)
    pending: list[tuple[int, str]] = []
    for number, line in enumerate(stdin, 1):
        if line.strip():
            pending.append((number, line))
        if len(pending) == BATCH:  # the meaning layer is much faster over many lines at once
            _write_batch(pending, stdout, detector)
            pending = []
    _write_batch(pending, stdout, detector)
    stdout.flush()
    return 0


def _write_batch(lines: list[tuple[int, str]], stdout: TextIO, detector: ScansMany) -> None:
    parsed = [_parse_line(number, line) for number, line in lines]
    texts = [row["text"] for row in parsed if "error" not in row]
    found = iter(detector.scan_many(texts))
    for row in parsed:
        if "error" not in row:
            detection = next(found)
            row = {
                "id": row.get("id"),
                "categories": [c for c in CATEGORIES if c in detection.categories],
                "severity": detection.severity,
            }
        stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def _parse_line(number: int, line: str) -> dict[str, Any]:
    """``{"id", "text"}`` of a good line, or the output row describing what is wrong."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"line": number, "error": f"invalid JSON: {exc.msg}"}
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        ident = row.get("id") if isinstance(row, dict) else None
        return {"id": ident, "line": number, "error": "expected an object with a string 'text'"}
    return {"id": row.get("id"), "text": row["text"]}


def _run_eval(path: Path, stdout: TextIO, detector: ScansMany) -> int:
    try:
        with path.open(encoding="utf-8") as fh:
            examples = parse_examples(fh)
    except (OSError, UnicodeDecodeError) as exc:
        stdout.write(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}\n")
        return 2
    except ValueError as exc:
        stdout.write(f"{path}: {exc}\n")
        return 2
    stdout.write(evaluate(detector, examples).format() + "\n")
    return 0
