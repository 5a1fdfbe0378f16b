"""``bridgeline train-semantic FILE...``: fit the meaning layer's head on labelled lines.

Run it after adding labelled lines (the shared dev set and our own sets), then commit the
rewritten ``bot/safety/model/semantic_head.json``; the file records which inputs it came from.
Thresholds were chosen while heldout_10 was still unseen by the head (for recall) and with
tests/safety/benign/chat_b for false alarms on ordinary chat: crisis lower, because a missed
crisis costs more than a gentle private note; danger and abuse higher, because the patterns
already find most of those. Give it ordinary chat too (tests/safety/benign/chat_a): without it,
calm everyday news looked like a goodbye to the head. Keep out what measures it: benign/chat_b
and chat_c (false alarms) and tests/safety/firstlook/ (sets nobody has tuned on yet); adding
chat_c cost crisis recall on unseen sets for one fewer false alarm in 250, so it stays out.
Issue 12 added the urgent lines (methods, means, places and acts, with their everyday
look-alikes, tests/safety/urgent/). Trained with them, a crisis threshold of 0.5 proposed crisis
for more look-alikes (medicine as directed, a bridge on the way to work), most of all in the
other languages, which this English model reads less well; 0.7 kept crisis recall on urgent
wording held out of training (five folds: English 83%, other languages 73%, against 73% and
55% for the patterns alone) and ordinary chat no noisier than before (chat_b 4 and chat_c 3
false alarms, the previous head 4 and 4).
The maintainers' command: ``bridgeline train-semantic ../shared/safety/dev_set.jsonl
tests/safety/*.jsonl tests/safety/benign/chat_a.jsonl tests/safety/meaning/train_extra.jsonl
tests/safety/urgent/*.jsonl``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.safety.evaluate import Example, parse_examples
from bot.safety.rules import Category

THRESHOLDS: dict[Category, float] = {"crisis": 0.7, "danger": 0.7, "abuse_sign": 0.8}
REGULARISATION = 10.0  # scikit-learn's C; 3 and 30 scored within a line of it on unseen sets


def train(paths: Sequence[Path], out: Path, stdout: TextIO) -> int:
    """Exit code 0, or 2 when an input is unreadable or not labelled."""
    from bot.safety.encoder import shared_encoder
    from bot.safety.normalize import normalize
    from bot.safety.semantic import fit_head

    examples: list[Example] = []
    sources: dict[str, str] = {}
    for path in paths:
        try:
            data = path.read_bytes()
            examples += parse_examples(data.decode("utf-8").splitlines())
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            stdout.write(f"{path}: {exc}\n")
            return 2
        sources[path.name] = hashlib.sha256(data).hexdigest()
    if not examples:
        stdout.write("no labelled lines given\n")
        return 2
    vectors = shared_encoder().encode([normalize(ex.text) for ex in examples])
    head = fit_head(vectors, [ex.labels for ex in examples], THRESHOLDS, sources, REGULARISATION)
    head.save(out)
    counts = {c: sum(c in ex.labels for ex in examples) for c in THRESHOLDS}
    stdout.write(
        f"trained on {len(examples)} lines from {len(paths)} files {counts}; wrote {out}\n"
    )
    return 0
