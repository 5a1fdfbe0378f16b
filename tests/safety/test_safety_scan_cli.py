"""run_scan: JSON lines in, JSON lines out, and the --eval report."""

import io
import json
from pathlib import Path

from bot.safety.detector import Detector
from bot.safety.scan_cli import run_scan


def scan(detector: Detector, argv: list[str], stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = run_scan(argv, io.StringIO(stdin), out, detector)
    return code, out.getvalue()


def test_lines_in_order_with_errors_inline(detector: Detector) -> None:
    stdin = "\n".join(
        [
            json.dumps({"id": 1, "text": "he slapped me"}),
            "{not json",
            json.dumps({"id": "b", "text": "nice weather"}),
            json.dumps({"id": "c"}),
            "",
            json.dumps({"id": "d", "text": "i want to die and he hit me"}),
        ]
    )
    code, out = scan(detector, [], stdin)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert rows[0] == {"id": 1, "categories": ["danger"], "severity": "high"}
    assert "error" in rows[1] and rows[1]["line"] == 2
    assert rows[2] == {"id": "b", "categories": [], "severity": None}
    assert rows[3]["id"] == "c" and "error" in rows[3]
    assert rows[4]["id"] == "d" and rows[4]["categories"] == ["crisis", "danger"]
    assert len(rows) == 5


def test_eval_prints_the_report(detector: Detector, tmp_path: Path) -> None:
    labelled = tmp_path / "set.jsonl"
    labelled.write_text(
        json.dumps({"id": "a", "text": "he slapped me", "categories": ["danger"]})
        + "\n"
        + json.dumps({"id": "b", "text": "he pushed me", "categories": []})
        + "\n"
    )
    code, out = scan(detector, ["--eval", str(labelled)])
    assert code == 0
    assert "danger" in out and "recall" in out
    assert "false positives on none-labelled lines: 1/1" in out
    assert "any-risk recall (one of its categories found): 1/1" in out
    assert "b  expected=none  got=danger" in out


def test_eval_counts_lines_marked_imminent_that_were_rated_imminent(
    detector: Detector, tmp_path: Path
) -> None:
    rows = [
        ("a", "i am going to kill myself tonight", "plan | imminent"),
        ("b", "i want to die", "explicit_ideation | imminent"),  # high, not imminent
        ("c", "i want to die", "explicit_ideation"),  # not marked: not counted
    ]
    labelled = tmp_path / "set.jsonl"
    labelled.write_text(
        "".join(
            json.dumps({"id": i, "text": t, "categories": ["crisis"], "note": n}) + "\n"
            for i, t, n in rows
        )
    )
    code, out = scan(detector, ["--eval", str(labelled)])
    assert code == 0
    assert "lines marked imminent rated imminent: 1/2 = 0.500" in out


def test_eval_missing_file_is_one_clear_line(detector: Detector, tmp_path: Path) -> None:
    code, out = scan(detector, ["--eval", str(tmp_path / "nope.jsonl")])
    assert code == 2
    assert out.count("\n") == 1 and "cannot read" in out


def test_eval_bad_content_is_one_clear_line(detector: Detector, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "x"}\n')
    code, out = scan(detector, ["--eval", str(bad)])
    assert code == 2 and "line 1" in out


def test_unknown_option_is_a_usage_error(detector: Detector) -> None:
    code, _ = scan(detector, ["--bogus"])
    assert code == 2
