"""The sentence encoder on one core: the float32 NumPy pass vs. ONNX Runtime int8, side by side.

Both start from the same vendored int8 weights. The NumPy pass below (the one the bot used
before ONNX Runtime, kept here as the reference) widens them to float32; a float32 ONNX
Runtime graph of the same arithmetic gave the same vectors to 1e-7 at 178 msg/s in batches of
32, so the NumPy pass stands for both float paths. ``bot/safety/encoder.py`` keeps them int8
and runs integer kernels. They run on the same messages: the ones the meaning layer reads (``[meaning] min_words`` or more, no joke
marker) from ``bench/scan_throughput.py``'s generated chat. BLAS and ONNX Runtime are pinned
to one thread, and times are CPU seconds of this process, so the figures are per core and
other work on a shared machine counts less against them (caches and clock still do).
Variants run interleaved, each --repeat times; printed as min / median / max messages a second.
It also prints how close the int8 vectors are to the float pass and to the original model's
(the three texts ``tests/safety/test_safety_meaning.py`` checks), as cosines.

    .venv/bin/python bench/encoder_speed.py [--messages 256] [--repeat 3] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scan_throughput import make_messages  # noqa: E402

from bot.safety.detector import load_detector  # noqa: E402
from bot.safety.encoder import MODEL_DIR, Encoder  # noqa: E402
from bot.safety.inference import pin_native_threads  # noqa: E402
from bot.safety.normalize import normalize  # noqa: E402
from bot.safety.scanner import SafetyScanner  # noqa: E402

_LAYERS, _HEADS, _EPS = 6, 12, 1e-12
REFERENCE = MODEL_DIR / "reference_vectors.json"  # the float model the int8 copy came from


def _widen(packed: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The stored int8 weights as float32 (``NAME:q`` times its row's ``NAME:s``), linear
    layers transposed to (in, out)."""
    weights: dict[str, np.ndarray] = {}
    for name, array in packed.items():
        if name.endswith(":s"):
            continue
        if name.endswith(":q"):
            base = name[:-2]
            weights[base] = array.astype(np.float32) * packed[base + ":s"][:, None]
        else:
            weights[name] = array.astype(np.float32)
    for name in [n for n in weights if n.endswith(".weight") and n.startswith("encoder.")]:
        if weights[name].ndim == 2:
            weights[name] = np.ascontiguousarray(weights[name].T)
    return weights


class NumpyForward:
    """The forward pass the bot ran in NumPy until ONNX Runtime replaced it (reference)."""

    def __init__(self) -> None:
        with np.load(MODEL_DIR / "minilm-l6-int8.npz") as packed:
            self.w = _widen(dict(packed))

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.w
        batch, width = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:width]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._layer_norm(x, "embeddings.LayerNorm")
        head = x.shape[-1] // _HEADS
        blocked = (1.0 - mask)[:, None, None, :] * -1e9

        def split(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, width, _HEADS, head).transpose(0, 2, 1, 3)

        for n in range(_LAYERS):
            p = f"encoder.layer.{n}."
            q = split(self._linear(x, p + "attention.self.query"))
            k = split(self._linear(x, p + "attention.self.key"))
            v = split(self._linear(x, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + blocked
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, width, -1)
            x = self._layer_norm(
                x + self._linear(context, p + "attention.output.dense"),
                p + "attention.output.LayerNorm",
            )
            inner = self._gelu(self._linear(x, p + "intermediate.dense"))
            x = self._layer_norm(
                x + self._linear(inner, p + "output.dense"), p + "output.LayerNorm"
            )
        pooled = (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return np.asarray(x @ self.w[name + ".weight"] + self.w[name + ".bias"])

    def _layer_norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        normed = (x - mean) / np.sqrt(var + _EPS)
        return np.asarray(normed * self.w[name + ".weight"] + self.w[name + ".bias"])

    @staticmethod
    def _gelu(x: np.ndarray) -> np.ndarray:
        z = x / math.sqrt(2.0)
        a = np.abs(z)
        t = 1.0 / (1.0 + 0.3275911 * a)
        poly = t * (
            0.254829592
            + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
        )
        erf = np.sign(z) * (1.0 - poly * np.exp(-a * a))
        return np.asarray(0.5 * x * (1.0 + erf))


def readable_messages(n: int, seed: int) -> list[str]:
    """The first ``n`` generated chat messages the meaning layer would read (normalised)."""
    scanner = SafetyScanner(load_detector(ROOT / "content" / "safety.toml"), None)
    out: list[str] = []
    for text in make_messages(n * 20, seed):
        norm = normalize(text)
        if scanner._readable(norm):
            out.append(norm)
            if len(out) == n:
                break
    return out


def cpu_rate(run: Callable[[], object], count: int) -> float:
    start = time.process_time()
    run()
    return count / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()

    pin_native_threads(1)
    messages = readable_messages(args.messages, args.seed)
    onnx = Encoder(threads=1)
    numpy = Encoder(threads=1)
    numpy.forward = NumpyForward()  # type: ignore[method-assign]
    tokens = [len(onnx._tokenizer.encode(m).ids) for m in messages]
    print(
        f"{len(messages)} messages the meaning layer reads; tokens mean {statistics.fmean(tokens):.1f}"
        f", max {max(tokens)}; one thread each; CPU time"
    )
    near = (onnx.encode(messages) * numpy.encode(messages)).sum(axis=1)
    print(
        f"cosine int8 to float pass, {len(messages)} messages: min {near.min():.4f}, mean {near.mean():.4f}"
    )
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    original = np.asarray(reference["vectors"], dtype=np.float32)
    for name, encoder in (("int8", onnx), ("float", numpy)):
        cosines = (encoder.encode(reference["texts"]) * original).sum(axis=1)
        shown = ", ".join(f"{c:.4f}" for c in cosines)
        print(f"cosine {name:<5} to the original model (3 texts): {shown}")

    variants: dict[str, Callable[[], object]] = {
        "numpy  one at a time": lambda: [numpy.encode([m]) for m in messages],
        "numpy  batches of 32": lambda: [
            numpy.encode(messages[i : i + 32]) for i in range(0, len(messages), 32)
        ],
        "int8   one at a time": lambda: [onnx.encode([m]) for m in messages],
        "int8   batches of 32": lambda: [
            onnx.encode(messages[i : i + 32]) for i in range(0, len(messages), 32)
        ],
    }
    for run in variants.values():  # warm caches and allocators
        run()
    rates: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.repeat):
        for name, run in variants.items():
            rates[name].append(cpu_rate(run, len(messages)))
    print(f"{'variant':<22} {'min':>8} {'median':>8} {'max':>8}  msg/s on one core")
    for name, found in rates.items():
        print(f"{name:<22} {min(found):8.0f} {statistics.median(found):8.0f} {max(found):8.0f}")
    base = statistics.median(rates["numpy  batches of 32"])
    best = statistics.median(rates["int8   batches of 32"])
    print(f"int8 / numpy, batches of 32 (medians): {best / base:.2f}x")


if __name__ == "__main__":
    main()
