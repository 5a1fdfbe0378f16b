"""The MiniLM forward pass (6-layer BERT, mean pooled, unit length) as an ONNX graph.

Built in memory at load time from the vendored int8 weights, widened to float32 by
``encoder._widen``, with the ``onnx`` helper API: no PyTorch, no exported file to keep in step
with the weights, no download. ONNX Runtime runs it in C++ without Python between the layers
and without holding the interpreter lock. It is the same arithmetic as the NumPy pass it
replaced (kept as the reference in ``bench/encoder_speed.py``): vectors agree to about 1e-7.
BERT's GELU is exact here (``Erf``); attention adds -1e9 where the mask is 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

_LAYERS = 6
_HEADS = 12
_EPS = 1e-12
_OPSET = 17  # LayerNormalization


def build_graph(w: dict[str, np.ndarray]) -> bytes:
    """A serialized ONNX model: (input_ids int64 [B, T], attention_mask float [B, T]) ->
    unit-length mean-pooled vectors float [B, 384]. ``w`` is ``encoder._widen``'s output
    (linear weights already transposed to (in, out))."""
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    # The weights go straight into the model's graph: make_graph and make_model would each copy
    # all 90 MB of them once more, and that peak (about 600 MB) is what a small host runs out of.
    model = helper.make_model(
        helper.make_graph([], "minilm-l6", [], []),
        opset_imports=[helper.make_opsetid("", _OPSET)],
    )
    counter = iter(range(1_000_000))

    def init(name: str, array: np.ndarray) -> str:
        model.graph.initializer.add().CopyFrom(
            numpy_helper.from_array(np.ascontiguousarray(array), name)
        )
        return name

    def node(op: str, inputs: list[str], **attrs: Any) -> str:
        out = f"{op.lower()}_{next(counter)}"
        nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    def linear(x: str, name: str) -> str:
        mm = node("MatMul", [x, init(name + ".weight", w[name + ".weight"])])
        return node("Add", [mm, init(name + ".bias", w[name + ".bias"])])

    def layer_norm(x: str, name: str) -> str:
        g = init(name + ".weight", w[name + ".weight"])
        b = init(name + ".bias", w[name + ".bias"])
        return node("LayerNormalization", [x, g, b], axis=-1, epsilon=_EPS)

    dim = int(w["embeddings.word_embeddings.weight"].shape[1])
    head = dim // _HEADS
    init("c_heads", np.array([0, 0, _HEADS, head], dtype=np.int64))
    init("c_merge", np.array([0, 0, dim], dtype=np.int64))
    init("c_zero", np.array([0], dtype=np.int64))
    init("c_one_idx", np.array([1], dtype=np.int64))
    init("c_axis1", np.array([1], dtype=np.int64))
    init("c_axis2", np.array([2], dtype=np.int64))
    init("c_one", np.array(1.0, dtype=np.float32))
    init("c_block", np.array(-1e9, dtype=np.float32))
    init("c_scale", np.array(1.0 / math.sqrt(head), dtype=np.float32))
    init("c_half", np.array(0.5, dtype=np.float32))
    init("c_rsqrt2", np.array(1.0 / math.sqrt(2.0), dtype=np.float32))
    init("c_tiny", np.array(1e-12, dtype=np.float32))

    words = node("Gather", [init("word", w["embeddings.word_embeddings.weight"]), "input_ids"])
    width = node("Gather", [node("Shape", ["input_ids"]), "c_one_idx"])
    pos = node("Slice", [init("pos", w["embeddings.position_embeddings.weight"]), "c_zero", width])
    token_type = init("token_type", w["embeddings.token_type_embeddings.weight"][0])
    x = node("Add", [node("Add", [words, pos]), token_type])
    x = layer_norm(x, "embeddings.LayerNorm")
    keep = node("Unsqueeze", [node("Unsqueeze", ["attention_mask", "c_axis1"]), "c_axis1"])
    blocked = node("Mul", [node("Sub", ["c_one", keep]), "c_block"])  # [B, 1, 1, T]
    for n in range(_LAYERS):
        p = f"encoder.layer.{n}."

        def heads(t: str, perm: list[int]) -> str:
            return node("Transpose", [node("Reshape", [t, "c_heads"])], perm=perm)

        q = heads(linear(x, p + "attention.self.query"), [0, 2, 1, 3])
        k = heads(linear(x, p + "attention.self.key"), [0, 2, 3, 1])
        v = heads(linear(x, p + "attention.self.value"), [0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k]), "c_scale"]), blocked])
        attn = node("Softmax", [scores], axis=-1)
        ctx = node("Transpose", [node("MatMul", [attn, v])], perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, "c_merge"])
        x = layer_norm(
            node("Add", [x, linear(ctx, p + "attention.output.dense")]),
            p + "attention.output.LayerNorm",
        )
        inner = linear(x, p + "intermediate.dense")
        erf = node("Erf", [node("Mul", [inner, "c_rsqrt2"])])
        gelu = node("Mul", [node("Mul", [inner, "c_half"]), node("Add", [erf, "c_one"])])
        x = layer_norm(node("Add", [x, linear(gelu, p + "output.dense")]), p + "output.LayerNorm")
    mask3 = node("Unsqueeze", ["attention_mask", "c_axis2"])  # [B, T, 1]
    summed = node("ReduceSum", [node("Mul", [x, mask3]), "c_axis1"], keepdims=0)
    count = node("ReduceSum", ["attention_mask", "c_axis1"], keepdims=1)
    pooled = node("Div", [summed, count])
    norm = node("Max", [node("ReduceL2", [pooled], axes=[1], keepdims=1), "c_tiny"])
    nodes.append(helper.make_node("Div", [pooled, norm], ["vectors"]))

    model.graph.node.extend(nodes)
    model.graph.input.extend(
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "width"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["batch", "width"]),
        ]
    )
    model.graph.output.append(
        helper.make_tensor_value_info("vectors", TensorProto.FLOAT, ["batch", dim])
    )
    model.ir_version = 8
    return bytes(model.SerializeToString())
