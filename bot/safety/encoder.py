"""Sentence embeddings from the vendored all-MiniLM-L6-v2 (Apache-2.0), in NumPy.

Patterns catch what we thought to write down; an embedding catches meaning worded in ways we
did not ("the world keeps spinning without me"). The model is a 6-layer BERT; running it here
in NumPy (about 5 ms a message on one core) spares the bot PyTorch and any download. Weights
are int8 with a scale per row (``export_encoder.py`` re-creates them), widened once at load.
"""

from __future__ import annotations

import gzip
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

MODEL_DIR = Path(__file__).resolve().parent / "model"
_LAYERS = 6
_HEADS = 12
_EPS = 1e-12
MAX_TOKENS = 128  # longer messages are cut; what matters is rarely past the first 100 words


class Encoder:
    """Text to unit-length 384-dimensional vectors (mean of the last layer over real tokens)."""

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        # Stored gzipped: smaller, and its vocabulary is not plain text in the tree.
        packed_vocab = gzip.decompress((model_dir / "tokenizer.json.gz").read_bytes())
        self._tokenizer = Tokenizer.from_str(packed_vocab.decode("utf-8"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()  # the shipped file pads to 128; we pad per batch
        with np.load(model_dir / "minilm-l6-int8.npz") as packed:
            self._w = _widen(dict(packed))
        self.dimensions = int(self._w["embeddings.word_embeddings.weight"].shape[1])

    def encode(self, texts: list[str]) -> np.ndarray:
        """One row per text; messages of similar length are run together."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), 32):
            chunk = order[start : start + 32]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.float32)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1.0
            out[chunk] = self._forward(ids, mask)
        return out

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self._w
        batch, width = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:width]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w, "embeddings.LayerNorm")
        head = x.shape[-1] // _HEADS
        blocked = (1.0 - mask)[:, None, None, :] * -1e9
        for n in range(_LAYERS):
            p = f"encoder.layer.{n}."

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, width, _HEADS, head).transpose(0, 2, 1, 3)

            q = split(_linear(x, w, p + "attention.self.query"))
            k = split(_linear(x, w, p + "attention.self.key"))
            v = split(_linear(x, w, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + blocked
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, width, -1)
            x = _layer_norm(
                x + _linear(context, w, p + "attention.output.dense"),
                w,
                p + "attention.output.LayerNorm",
            )
            inner = _gelu(_linear(x, w, p + "intermediate.dense"))
            x = _layer_norm(x + _linear(inner, w, p + "output.dense"), w, p + "output.LayerNorm")
        pooled = (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)


@lru_cache(maxsize=1)
def shared_encoder() -> Encoder:
    """One encoder per process: loading widens 22 M weights (about 0.3 s, 90 MB)."""
    return Encoder()


def _widen(packed: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    weights: dict[str, np.ndarray] = {}
    for name, array in packed.items():
        if name.endswith(":s"):
            continue
        if name.endswith(":q"):
            base = name[:-2]
            weights[base] = array.astype(np.float32) * packed[base + ":s"][:, None]
        else:
            weights[name] = array.astype(np.float32)
    # Linear layers are stored (out, in) as PyTorch has them; keep them ready to multiply.
    for name in [n for n in weights if n.endswith(".weight") and n.startswith("encoder.")]:
        if weights[name].ndim == 2:
            weights[name] = np.ascontiguousarray(weights[name].T)
    return weights


def _linear(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    return np.asarray(x @ w[name + ".weight"] + w[name + ".bias"])


def _layer_norm(x: np.ndarray, w: dict[str, np.ndarray], name: str) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    normed = (x - mean) / np.sqrt(var + _EPS)
    return np.asarray(normed * w[name + ".weight"] + w[name + ".bias"])


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x), with erf from Abramowitz and Stegun 7.1.26 (|err| < 2e-7)."""
    z = x / math.sqrt(2.0)
    sign = np.sign(z)
    a = np.abs(z)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = sign * (1.0 - poly * np.exp(-a * a))
    return np.asarray(0.5 * x * (1.0 + erf))
