"""Fine-tuning (``train-semantic --fine-tune``): threshold sets per sensitivity, and a whole run
on a tiny random BERT that the NumPy/ONNX runtime must then load. Needs the ``[train]`` extra
(PyTorch); without it the training test skips, the rest still runs."""

from __future__ import annotations

import hashlib
import io
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from bot.safety.encoder import Encoder
from bot.safety.semantic import AGREEMENT, SENSITIVITIES, SemanticHead, load_head, thresholds_for
from bot.safety.train_semantic import (
    FALSE_ALARM_BUDGET,
    REFERENCE_FILE,
    REFERENCE_TEXTS,
    THRESHOLD_CEILING,
    pick_thresholds,
    train_fine_tuned,
)

HERE = Path(__file__).resolve().parent


def _head(sensitivities: dict[str, dict[str, float]]) -> SemanticHead:
    zeros = {c: np.zeros(4, np.float32) for c in ("crisis", "danger", "abuse_sign")}
    return SemanticHead(
        weights=zeros,  # type: ignore[arg-type]
        bias=dict.fromkeys(zeros, 0.0),  # type: ignore[arg-type]
        thresholds={"crisis": 0.7, "danger": 0.7, "abuse_sign": 0.8},
        trained_on={},
        memory=np.zeros((1, 4), np.float32),
        memory_labels=np.zeros((1, 3), bool),
        sensitivities=sensitivities,  # type: ignore[arg-type]
    )


def test_thresholds_for_each_sensitivity_and_a_clear_error_otherwise() -> None:
    sets = {
        "quiet": {"crisis": 0.9, "danger": 0.9, "abuse_sign": 0.95},
        "balanced": {"crisis": 0.6, "danger": 0.7, "abuse_sign": 0.8},
        "sensitive": {"crisis": 0.4, "danger": 0.5, "abuse_sign": 0.6},
    }
    head = _head(sets)
    for name in SENSITIVITIES:
        assert head.thresholds_for(name) == sets[name]
    with pytest.raises(ValueError, match="quiet, balanced, sensitive"):
        head.thresholds_for("loud")


def test_a_head_with_one_threshold_set_uses_it_at_every_sensitivity() -> None:
    head = _head({})
    assert {n: head.thresholds_for(n) for n in SENSITIVITIES} == dict.fromkeys(
        SENSITIVITIES, head.thresholds
    )


def test_shipped_head_answers_every_sensitivity_quieter_to_more_sensitive() -> None:
    quiet, balanced, sensitive = (thresholds_for(n) for n in SENSITIVITIES)
    for category in quiet:
        assert quiet[category] >= balanced[category] >= sensitive[category]


def test_picked_thresholds_keep_unlabelled_lines_within_each_budget() -> None:
    rng = np.random.default_rng(3)
    unlabelled = rng.uniform(0, 1, (400, 3)) ** 4  # mostly low, a tail of high scores
    risky = rng.uniform(0.5, 1, (100, 3))
    probs = np.vstack([unlabelled, risky])
    marks = np.vstack([np.zeros((400, 3), bool), np.ones((100, 3), bool)])
    sets = pick_thresholds(probs, marks)
    assert list(sets) == list(SENSITIVITIES)
    for name, budget in FALSE_ALARM_BUDGET.items():
        for col, category in enumerate(("crisis", "danger", "abuse_sign")):
            threshold = sets[name][category]  # type: ignore[index]
            within = (unlabelled[:, col] >= threshold).mean() <= budget
            assert within or threshold == THRESHOLD_CEILING
    assert sets["quiet"]["crisis"] > sets["sensitive"]["crisis"]


# --- a whole run, on a tiny random BERT ----------------------------------------------------


def _tiny_base(folder: Path, dim: int = 24) -> Path:
    """A 6-layer BERT of width ``dim`` (random weights) as a .safetensors file, in the
    original's names and vocabulary size, so the real tokenizer's ids fit."""
    rng = np.random.default_rng(0)
    shapes: dict[str, tuple[int, ...]] = {
        "embeddings.word_embeddings.weight": (30522, dim),
        "embeddings.position_embeddings.weight": (512, dim),
        "embeddings.token_type_embeddings.weight": (2, dim),
    }
    for n in range(6):
        p = f"encoder.layer.{n}."
        for name in ("attention.self.query", "attention.self.key", "attention.self.value"):
            shapes[p + name + ".weight"] = (dim, dim)
            shapes[p + name + ".bias"] = (dim,)
        shapes[p + "attention.output.dense.weight"] = (dim, dim)
        shapes[p + "attention.output.dense.bias"] = (dim,)
        shapes[p + "intermediate.dense.weight"] = (4 * dim, dim)
        shapes[p + "intermediate.dense.bias"] = (4 * dim,)
        shapes[p + "output.dense.weight"] = (dim, 4 * dim)
        shapes[p + "output.dense.bias"] = (dim,)
    norms = ["embeddings.LayerNorm"] + [
        f"encoder.layer.{n}.{k}.LayerNorm" for n in range(6) for k in ("attention.output", "output")
    ]
    arrays = {n: rng.normal(0, 0.1, s).astype(np.float32) for n, s in shapes.items()}
    for name in norms:
        arrays[name + ".weight"] = np.ones(dim, np.float32)
        arrays[name + ".bias"] = np.zeros(dim, np.float32)
    header: dict[str, object] = {}
    offset = 0
    for name, array in arrays.items():
        header[name] = {
            "dtype": "F32",
            "shape": list(array.shape),
            "data_offsets": [offset, offset + array.nbytes],
        }
        offset += array.nbytes
    encoded = json.dumps(header).encode()
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(
        struct.pack("<Q", len(encoded)) + encoded + b"".join(a.tobytes() for a in arrays.values())
    )
    return folder


def _labelled(path: Path, rows: list[tuple[str, list[str]]]) -> Path:
    path.write_text(
        "".join(
            json.dumps({"id": i, "text": t, "categories": c}) + "\n"
            for i, (t, c) in enumerate(rows)
        ),
        encoding="utf-8",
    )
    return path


TRAIN_ROWS = [
    ("i dont see the point of going on", ["crisis"]),
    ("everyone would be better without me around", ["crisis"]),
    ("he shoved me into the wall", ["danger"]),
    ("she threatened me with a knife", ["danger"]),
    ("he reads all my messages and tracks my location", ["abuse_sign"]),
    ("she punishes me with silence every time i see friends", ["abuse_sign"]),
    ("we had a lovely walk today", []),
    ("the new cafe near work is great", []),
]
CHECK_ROWS = [
    ("i am going to end it tonight", ["crisis"]),
    ("he hit me again last night", ["danger"]),
    ("he checks my phone every evening", ["abuse_sign"]),
    ("baked bread this morning", []),
    ("my cat knocked over a plant", []),
]


def test_fine_tune_writes_weights_and_a_head_the_runtime_loads(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    base = _tiny_base(tmp_path / "base")
    train_file = _labelled(tmp_path / "tiny.jsonl", TRAIN_ROWS)
    check_file = _labelled(tmp_path / "check.jsonl", CHECK_ROWS)
    out, report = tmp_path / "model" / "semantic_head.json", io.StringIO()
    assert train_fine_tuned([train_file], [check_file], out, report, base, epochs=1) == 0
    head = load_head(out)
    assert head.trained_on == {"tiny.jsonl": hashlib.sha256(train_file.read_bytes()).hexdigest()}
    assert set(head.sensitivities) == set(SENSITIVITIES)
    assert head.thresholds == head.thresholds_for("balanced")
    assert head.agreement == AGREEMENT  # measured: the neighbour check still removes false alarms
    vectors = Encoder(out.parent).encode([t for t, _ in CHECK_ROWS])
    assert vectors.shape == (len(CHECK_ROWS), 24)
    assert len(head.categories(vectors)) == len(CHECK_ROWS)
    # int8 copy against the float model it came from, on the validation lines
    line = next(x for x in report.getvalue().splitlines() if "max probability difference" in x)
    assert float(line.rsplit(" ", 1)[1]) < 0.02
    # and its float vectors, kept beside the weights for the runtime's reference test
    reference = json.loads((out.parent / REFERENCE_FILE).read_text(encoding="utf-8"))
    assert reference["texts"] == list(REFERENCE_TEXTS)
    ours = Encoder(out.parent).encode(reference["texts"])
    assert ((ours * np.asarray(reference["vectors"])).sum(axis=1) > 0.95).all()


def test_fine_tune_leaves_out_training_lines_near_a_validation_or_kept_out_line(
    tmp_path: Path,
) -> None:
    train_file = _labelled(tmp_path / "tiny.jsonl", TRAIN_ROWS)
    check_file = _labelled(tmp_path / "check.jsonl", [TRAIN_ROWS[0], CHECK_ROWS[3]])
    kept_file = _labelled(tmp_path / "blind.jsonl", [(TRAIN_ROWS[1][0] + "!!", TRAIN_ROWS[1][1])])
    out, report = tmp_path / "model" / "semantic_head.json", io.StringIO()
    code = train_fine_tuned(
        [train_file], [check_file], out, report, tmp_path / "none", keep_out=[kept_file]
    )
    assert code == 2  # no base model here; the lines were counted before it was looked for
    assert "2 training lines left out: near a validation or kept-out line" in report.getvalue()
    assert not out.exists()


def test_fine_tune_without_a_base_model_says_so(tmp_path: Path) -> None:
    train_file = _labelled(tmp_path / "tiny.jsonl", TRAIN_ROWS)
    check_file = _labelled(tmp_path / "check.jsonl", CHECK_ROWS)
    report = io.StringIO()
    out = tmp_path / "model" / "semantic_head.json"
    assert train_fine_tuned([train_file], [check_file], out, report, tmp_path / "none") == 2
    assert "pass --base MODEL_DIR" in report.getvalue()
