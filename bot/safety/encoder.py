"""Sentence embeddings from the vendored all-MiniLM-L6-v2 (Apache-2.0), on ONNX Runtime.

Patterns catch what we thought to write down; an embedding catches meaning worded in ways we
did not ("the world keeps spinning without me"). The model is a 6-layer BERT. Weights are int8
with a scale per row (``export_encoder.py`` re-creates them) and stay int8 in an ONNX graph
built in memory at load (``onnx_graph.py``), run with ONNX Runtime's integer kernels: no
PyTorch, no download. On one thread it is about 2.3x as fast as float32 ONNX Runtime and 4x
the hand-written NumPy pass before it (``bench/encoder_speed.py`` compares them).
"""

from __future__ import annotations

import gzip
import platform
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Tokenizer

from bot.native_memory import return_freed_memory
from bot.safety.inference import pin_native_threads
from bot.safety.onnx_graph import build_graph

MODEL_DIR = Path(__file__).resolve().parent / "model"
MAX_TOKENS = 128  # longer messages are cut; what matters is rarely past the first 100 words
BATCH = 32
# Rows x width per run: bounds the memory one run needs. ONNX Runtime's arena keeps its peak:
# 1,024 tokens held 27 MB, 512 hold 14. The cost a message is the same either way (one thread,
# 32 x 30 tokens against 17 x 30: 3.0 and 2.9 ms a message; 8 x 128 against 4 x 128: 14.3 and
# 13.9), since it grows with the tokens, not the runs.
BATCH_TOKENS = 512
SPREAD = 1.25  # a batch's longest message has at most this many times its shortest's tokens


class Encoder:
    """Text to unit-length 384-dimensional vectors (mean of the last layer over real tokens)."""

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int = 1) -> None:
        # Stored gzipped: smaller, and its vocabulary is not plain text in the tree.
        packed_vocab = gzip.decompress((model_dir / "tokenizer.json.gz").read_bytes())
        self._tokenizer = Tokenizer.from_str(packed_vocab.decode("utf-8"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()  # the shipped file pads to 128; we pad per batch
        with np.load(model_dir / "minilm-l6-int8.npz") as packed:
            weights = dict(packed)
        self.dimensions = int(weights["embeddings.word_embeddings.weight:q"].shape[1])
        graph = build_graph(weights, signed_weights=int8_products_are_exact())
        del weights  # the session gets them from the graph: not held twice while it loads
        self._session = _session(graph, threads)
        del graph
        self._shrink = _shrinking_run()
        self.release_scratch()  # also the first run, which sets up the kernels

    def release_scratch(self) -> None:
        """Hands ONNX Runtime's scratch memory back: its arena keeps every chunk a run has
        needed (after runs of four batch shapes, 23 MB that this gave back), and an idle bot
        need not hold it. One tiny run with arena shrinkage frees the chunks no run is using;
        the next burst takes what it needs again (``inference.py`` calls this when its thread
        goes idle)."""
        self._session.run(
            ["vectors"],
            {
                "input_ids": np.zeros((1, 1), np.int64),
                "attention_mask": np.ones((1, 1), np.float32),
            },
            self._shrink,
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        """One row per text. Messages of similar length run together (padding a short message
        to a long one's width costs more than running it apart)."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        # One text at a time: encode_batch would start a thread pool of its own.
        ids = [self._tokenizer.encode(t).ids for t in texts]
        for chunk in length_groups([len(i) for i in ids]):
            width = max(len(ids[i]) for i in chunk)
            tokens = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.float32)
            for row, i in enumerate(chunk):
                tokens[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1.0
            out[chunk] = self.forward(tokens, mask)
        return out

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Unit vectors for padded token ids (int64) and their mask (1.0 real, 0.0 padding)."""
        (vectors,) = self._session.run(["vectors"], {"input_ids": ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)


def length_groups(lengths: list[int]) -> list[list[int]]:
    """Indices grouped by similar length: at most ``BATCH`` each and ``BATCH_TOKENS`` once
    padded, the longest at most ``SPREAD`` times the shortest (plus two tokens), shortest
    first."""
    groups: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        current = groups[-1] if groups else None
        if (
            current is None
            or len(current) >= BATCH
            or (len(current) + 1) * lengths[i] > BATCH_TOKENS
            or lengths[i] > SPREAD * lengths[current[0]] + 2
        ):
            groups.append([i])
        else:
            current.append(i)
    return groups


def _session(model: bytes, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # no notes about initializers the optimiser folded away
    session = ort.InferenceSession(
        model, options, providers=["CPUExecutionProvider"], enable_fallback=0
    )
    # ONNX Runtime's Python session keeps the model's bytes for building itself again on
    # another provider (its own comment: "bad as we're holding the memory indefinitely"):
    # 22 MB here, never used with the CPU provider alone and no fallback.
    if getattr(session, "_model_bytes", None) is model:
        session._model_bytes = None
    return session


def _shrinking_run() -> Any:
    """Run options that free the arena's idle chunks after the run."""
    import onnxruntime as ort

    options = ort.RunOptions()
    options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    return options


@lru_cache(maxsize=1)
def shared_encoder() -> Encoder:
    """One encoder per process: loading builds the graph and its session."""
    pin_native_threads()
    encoder = Encoder()
    return_freed_memory()
    return encoder


def int8_products_are_exact() -> bool:
    """Whether ONNX Runtime's fast uint8 x int8 kernel gives exact integer products here:
    on x86 only with VNNI (``vpdpbusd``); without it the kernel adds pairs of products in 16
    bits, which saturate for full-range int8 weights (microsoft/onnxruntime#12088). Where that
    is unknown (no /proc/cpuinfo), the exact uint8 x uint8 kernel. ARM widens: exact."""
    if platform.machine().lower() not in {"x86_64", "amd64", "i386", "i686"}:
        return True
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "avx512_vnni" in flags or "avx_vnni" in flags
