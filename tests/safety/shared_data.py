"""Where the shared labelled dev set lives: `../shared/` beside the repository (as CI lays it
out), else the workplace copy. Tests that need it skip when neither exists."""

from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]
_CANDIDATES = (
    _REPO.parent / "shared" / "safety" / "dev_set.jsonl",
    Path("/work/shared/safety/dev_set.jsonl"),
)
DEV_SET = next((p for p in _CANDIDATES if p.is_file()), _CANDIDATES[0])
