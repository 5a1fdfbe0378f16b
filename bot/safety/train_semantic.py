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
Issue 15 added 7,240 lines written from the label rules by six helpers with distinct voices
(tests/safety/training/: realistic English, the other languages, urgent lines and look-alikes,
the abuse/conflict and danger/abuse boundaries, more voices and thread replies, disguises; 42%
not English), near-duplicates of every evaluation line left out; and the urgency logistic.
Then the blind sets, once scored, were retired into training (tests/safety/retired/, issue
15's protocol) and the head got one hidden layer (``hidden_layer``): trained on blind_15a..21
and scored on blind_22 and blind_23, a logistic head gained under a point from those 5,241
lines (any-risk .851/.875, crisis .831/.803) where the hidden layer gained three (.886/.906,
crisis .862/.846, none flagged 24/294 and 16/280 against 26 and 17; another seed, 15 or 60
epochs, 1,024 units: all within a point or two). ``--keep-out`` names the sets still kept for measuring: training lines that nearly
repeat one of their lines (or a validation line) are left out, counted in the report.
Since December 2026 the shipped files come from ``--fine-tune`` (``train_fine_tuned``: the
encoder itself learns; the command and its figures are in bot/safety/model/README.md). Without
it, the command below fits a hidden-layer head over whatever encoder ships (the fine-tuned one
now). The frozen-encoder command: ``bridgeline train-semantic ../shared/safety/dev_set.jsonl
tests/safety/*.jsonl tests/safety/benign/chat_a.jsonl tests/safety/meaning/train_extra.jsonl
tests/safety/urgent/*.jsonl tests/safety/training/*.jsonl tests/safety/retired/*.jsonl
--validate tests/safety/firstlook/heldout_11.jsonl tests/safety/benign/chat_b.jsonl
tests/safety/benign/chat_c.jsonl --keep-out tests/safety/firstlook/urgent_12b.jsonl`` and any
blind set in tests/safety/firstlook/ not yet scored (--validate picks the quiet and sensitive
sets).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from bot.safety.evaluate import Example, parse_examples
from bot.safety.rules import CATEGORIES, Category

THRESHOLDS: dict[Category, float] = {"crisis": 0.7, "danger": 0.7, "abuse_sign": 0.8}
#: The urgency logistic's (``semantic.fit_urgency``), chosen by five-fold cross-validation on
#: the issue 15 training lines (tests/safety/training/): 0.5 rated 68% of held-out urgent lines
#: imminent and 18% of the other crisis lines; 0.7 rated 66% and 15%; 0.85 rated 64% and 11%;
#: the patterns and escalators alone 55%.
URGENCY_THRESHOLD = 0.7
REGULARISATION = 10.0  # scikit-learn's C; 3 and 30 scored within a line of it on unseen sets


def train(
    paths: Sequence[Path],
    out: Path,
    stdout: TextIO,
    validation: Sequence[Path] = (),
    keep_out: Sequence[Path] = (),
) -> int:
    """Exit code 0, or 2 when an input is unreadable or not labelled. With ``validation``
    (lines kept out of training) the quiet and sensitive threshold sets are picked on it
    (``pick_thresholds``, the neighbour check applied): quiet never looser than balanced,
    sensitive never stricter; balanced stays ``THRESHOLDS``. Training lines that nearly
    repeat a line of ``validation`` or ``keep_out`` (the blind sets) are left out."""
    from bot.safety.encoder import shared_encoder
    from bot.safety.near_duplicates import KeptLines
    from bot.safety.normalize import normalize
    from bot.safety.semantic import fit_head

    read = _read_labelled(paths, stdout)
    held = _read_labelled(validation, stdout)
    kept = _read_labelled(keep_out, stdout)
    if read is None or held is None or kept is None:
        return 2
    examples, sources = read
    checks = held[0]
    kept_lines = KeptLines([ex.text for ex in checks + kept[0]])
    near = [kept_lines.near(ex.text) for ex in examples]
    left_out = sum(near)
    examples = [ex for ex, is_near in zip(examples, near, strict=True) if not is_near]
    if not examples:
        stdout.write("no labelled lines given\n")
        return 2
    vectors = shared_encoder().encode([normalize(ex.text) for ex in examples])
    head = fit_head(
        vectors,
        [ex.labels for ex in examples],
        THRESHOLDS,
        sources,
        REGULARISATION,
        urgent=[ex.imminent for ex in examples],
        urgency_threshold=URGENCY_THRESHOLD,
        hidden=True,
    )
    if checks:
        head = replace(head, sensitivities=_sensitivities(head, checks))
        for name, values in head.sensitivities.items():
            stdout.write(f"{name}: " + ", ".join(f"{c} {values[c]:.2f}" for c in CATEGORIES) + "\n")
    head.save(out)
    counts = {c: sum(c in ex.labels for ex in examples) for c in THRESHOLDS}
    stdout.write(
        f"trained on {len(examples)} lines from {len(paths)} files {counts} "
        f"({left_out} left out: near a validation or kept-out line); wrote {out}\n"
    )
    return 0


# --- fine-tuning (issue 15) ----------------------------------------------------------------

#: Per sensitivity, the share of unlabelled validation lines (ordinary chat, venting, advice to
#: others) each category may flag; its threshold is the lowest probability that stays inside.
FALSE_ALARM_BUDGET: dict[str, float] = {"quiet": 0.005, "balanced": 0.015, "sensitive": 0.04}
THRESHOLD_FLOOR = 0.3  # never lower than this, whatever the budget allows
THRESHOLD_CEILING = 0.95


def train_fine_tuned(
    paths: Sequence[Path],
    validation: Sequence[Path],
    out: Path,
    stdout: TextIO,
    base: Path | None = None,
    epochs: int | None = None,
    keep_out: Sequence[Path] = (),
    layers: int | None = None,
) -> int:
    """Fine-tune the encoder and a head (three categories and urgency) on ``paths``; pick the
    three threshold sets on ``validation``; write the int8 encoder beside ``out``. Exit code 0,
    or 2 on bad input. As in ``train``, training lines that nearly repeat a validation or
    ``keep_out`` line are left out; ``layers`` is how many of the encoder's top layers learn
    (``TRAINED_LAYERS``)."""
    import shutil

    from bot.safety import finetune
    from bot.safety.encoder import MODEL_DIR, Encoder
    from bot.safety.export_encoder import read_safetensors, write_int8
    from bot.safety.near_duplicates import KeptLines
    from bot.safety.normalize import normalize
    from bot.safety.semantic import SemanticHead, fit_urgency

    loaded = _read_labelled(paths, stdout)
    held = _read_labelled(validation, stdout)
    kept = _read_labelled(keep_out, stdout)
    if loaded is None or held is None or kept is None:
        return 2
    examples, sources = loaded
    checks, _ = held
    kept_lines = KeptLines([ex.text for ex in checks + kept[0]])
    near = [kept_lines.near(ex.text) for ex in examples]
    examples = [ex for ex, is_near in zip(examples, near, strict=True) if not is_near]
    stdout.write(f"{sum(near)} training lines left out: near a validation or kept-out line\n")
    if not examples or not checks:
        stdout.write("no labelled lines given (training and --validate both need some)\n")
        return 2
    try:
        base_dir = base or finetune.base_model_dir()
        start = read_safetensors(base_dir / "model.safetensors")
    except (ImportError, OSError) as exc:
        stdout.write(f"no base model to start from ({exc}); pass --base MODEL_DIR\n")
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.parent.resolve() != MODEL_DIR.resolve():
        shutil.copy(MODEL_DIR / "tokenizer.json.gz", out.parent / "tokenizer.json.gz")
    tokenizer = _tokenizer(out.parent)
    train_ids = [tokenizer.encode(normalize(ex.text)).ids for ex in examples]
    check_texts = [normalize(ex.text) for ex in checks]
    check_ids = [tokenizer.encode(t).ids for t in check_texts]
    marks = _marks(examples)
    stdout.write(f"fine-tuning on {len(examples)} lines from {len(paths)} files\n")
    # Urgency is a fourth target: trained on the three categories alone, the model drew its
    # crisis lines together and the urgency logistic over its vectors lost acts under way
    # ("took too many. scared now") that it had read over the original model's.
    urgent = np.array([[ex.imminent] for ex in examples], dtype=bool)
    trained = finetune.fine_tune(
        train_ids,
        np.hstack([marks, urgent]),
        start,
        lambda line: stdout.write(line + "\n") and stdout.flush(),
        epochs=epochs or finetune.EPOCHS,
        trained_layers=layers or finetune.TRAINED_LAYERS,
    )
    write_int8(trained.weights, out.parent)
    _write_reference(trained, tokenizer, out.parent / REFERENCE_FILE)
    encoder = Encoder(out.parent)
    weights = {c: trained.head_weights[col] for col, c in enumerate(CATEGORIES)}
    bias = {c: float(trained.head_bias[col]) for col, c in enumerate(CATEGORIES)}
    memory = encoder.encode([normalize(ex.text) for ex in examples])
    probe = SemanticHead(weights, bias, dict(THRESHOLDS), sources, memory, marks)
    probs = probe.probabilities(encoder.encode(check_texts))
    quantised = np.stack([probs[c] for c in CATEGORIES], axis=1)
    reference = finetune.float_probabilities(trained, check_ids, 128)
    stdout.write(
        f"int8 against float on {len(checks)} validation lines: max probability difference "
        f"{np.abs(quantised - reference).max():.4f}\n"
    )
    sets = pick_thresholds(quantised, _marks(checks))
    head = SemanticHead(
        weights,
        bias,
        sets["balanced"],
        sources,
        memory,
        marks,
        sensitivities=sets,
        model="all-MiniLM-L6-v2 fine-tuned with this head (int8), mean pooled, unit length",
        urgency=fit_urgency(
            memory, marks, [ex.imminent for ex in examples], URGENCY_THRESHOLD, REGULARISATION
        ),
    )
    head.save(out)
    for name, values in sets.items():
        stdout.write(f"{name}: " + ", ".join(f"{c} {values[c]:.2f}" for c in CATEGORIES) + "\n")
    stdout.write(f"wrote {out} and {out.parent / 'minilm-l6-int8.npz'}\n")
    return 0


#: Texts whose float vectors are kept beside the int8 weights: the runtime's copy is tested
#: against them (plain, a distressed line, French with an emoji).
REFERENCE_TEXTS = (
    "we made pasta and watched a film, best evening in ages",
    "lately i keep thinking everyone would do just fine if i quietly stopped being around",
    "Ça va mieux depuis qu'on s'est parlé 🙂 — merci à tous!",
)
REFERENCE_FILE = "reference_vectors.json"


def _write_reference(trained: Any, tokenizer: Any, path: Path) -> None:
    """The float model's vectors for ``REFERENCE_TEXTS``, before rounding to int8."""
    import json

    from bot.safety import finetune

    ids = [tokenizer.encode(text).ids for text in REFERENCE_TEXTS]
    vectors = finetune.float_vectors(trained.weights, ids, 128)
    record = {
        "source": "the fine-tuned weights in float32 (PyTorch), bridgeline train-semantic",
        "texts": list(REFERENCE_TEXTS),
        "vectors": [[round(float(x), 7) for x in row] for row in vectors],
    }
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")


def _sensitivities(head: Any, checks: Sequence[Example]) -> dict[str, dict[Category, float]]:
    """Three threshold sets for a frozen-encoder head, picked on ``checks``."""
    from bot.safety.encoder import shared_encoder
    from bot.safety.normalize import normalize

    vectors = shared_encoder().encode([normalize(ex.text) for ex in checks])
    probs = head.probabilities(vectors)
    agree = head.neighbour_share(vectors) >= head.agreement
    stacked = np.stack([probs[c] * agree[:, col] for col, c in enumerate(CATEGORIES)], axis=1)
    picked = pick_thresholds(stacked, _marks(checks))
    balanced = dict(THRESHOLDS)
    return {
        "quiet": {c: max(picked["quiet"][c], balanced[c]) for c in CATEGORIES},
        "balanced": balanced,
        "sensitive": {c: min(picked["sensitive"][c], balanced[c]) for c in CATEGORIES},
    }


def pick_thresholds(probs: np.ndarray, marks: np.ndarray) -> dict[str, dict[Category, float]]:
    """Per sensitivity and category: the lowest threshold (0.01 steps) at which no more than
    the budget's share of the unlabelled validation lines would be flagged for it."""
    unlabelled = ~marks.any(axis=1)
    sets: dict[str, dict[Category, float]] = {}
    for name, budget in FALSE_ALARM_BUDGET.items():
        chosen: dict[Category, float] = {}
        for col, category in enumerate(CATEGORIES):
            scores = probs[unlabelled, col]
            threshold = THRESHOLD_CEILING
            for step in np.arange(THRESHOLD_CEILING, THRESHOLD_FLOOR - 1e-9, -0.01):
                if (scores >= step).mean() > budget:
                    break
                threshold = float(round(step, 2))
            chosen[category] = threshold
        sets[name] = chosen
    return sets


def _read_labelled(
    paths: Sequence[Path], stdout: TextIO
) -> tuple[list[Example], dict[str, str]] | None:
    examples: list[Example] = []
    sources: dict[str, str] = {}
    for path in paths:
        try:
            data = path.read_bytes()
            examples += parse_examples(data.decode("utf-8").splitlines())
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            stdout.write(f"{path}: {exc}\n")
            return None
        sources[path.name] = hashlib.sha256(data).hexdigest()
    return examples, sources


def _marks(examples: Sequence[Example]) -> np.ndarray:
    return np.array([[c in ex.labels for c in CATEGORIES] for ex in examples], dtype=bool)


def _tokenizer(model_dir: Path) -> Any:
    import gzip

    from tokenizers import Tokenizer

    packed = gzip.decompress((model_dir / "tokenizer.json.gz").read_bytes()).decode("utf-8")
    tokenizer = Tokenizer.from_str(packed)
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer
