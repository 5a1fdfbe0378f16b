"""Where the shared labelled dev set lives: `../shared/` beside the repository (as CI lays it
out), else the workplace copy. Tests that need it skip when neither exists."""

from pathlib import Path

from bot.safety.rules import Category, Clear, Proposal, Urgent

_REPO = Path(__file__).resolve().parents[2]
_CANDIDATES = (
    _REPO.parent / "shared" / "safety" / "dev_set.jsonl",
    Path("/work/shared/safety/dev_set.jsonl"),
)
DEV_SET = next((p for p in _CANDIDATES if p.is_file()), _CANDIDATES[0])

#: The shipped rules the detector tests run against.
SHIPPED = _REPO / "content" / "safety.toml"
HERE = Path(__file__).resolve().parent


def corpus_texts() -> list[str]:
    """Every labelled line we have: our own sets, the issue 12 urgent sets (methods, means and
    acts) and, where present, the shared dev set."""
    import json

    texts: list[str] = []
    for path in [*sorted(HERE.glob("*.jsonl")), *sorted(HERE.glob("urgent/*.jsonl")), DEV_SET]:
        if path.exists():
            texts += [json.loads(x)["text"] for x in path.read_text(encoding="utf-8").splitlines()]
    return texts


class Proposes:
    """A stand-in meaning layer that proposes the same categories (and URGENT or CLEAR marks,
    if given) for every text it reads, and remembers what it read."""

    def __init__(self, *marks: Category | Urgent | Clear) -> None:
        self.proposal: Proposal = frozenset(marks)
        self.read: list[str] = []

    def categories(self, texts: list[str], levels: list[str]) -> list[Proposal]:
        self.read += texts
        return [self.proposal for _ in texts]
