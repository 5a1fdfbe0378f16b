"""The hand-written ONNX protobuf: a small graph using every kind of field the encoder's graph
uses (initializers, symbolic and fixed dimensions, int, float and ints attributes, negative
numbers) must load in ONNX Runtime and compute what NumPy does."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort

from bot.safety import onnx_proto as proto


def test_a_written_graph_runs_in_onnx_runtime() -> None:
    nodes = [
        proto.node("Add", ["x", "bias"], ["shifted"]),
        proto.node("ReduceMax", ["shifted"], ["largest"], axes=[-1], keepdims=1),
        proto.node("LayerNormalization", ["shifted", "gain", "bias"], ["normed"], epsilon=1e-5),
        proto.node("Cast", ["largest"], ["whole"], to=proto.INT64),
    ]
    bias = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    initializers = [proto.tensor("bias", bias), proto.tensor("gain", np.ones(3, np.float32))]
    inputs = [proto.value_info("x", proto.FLOAT, ["rows", 3])]
    outputs = [
        proto.value_info("largest", proto.FLOAT, ["rows", 1]),
        proto.value_info("normed", proto.FLOAT, ["rows", 3]),
        proto.value_info("whole", proto.INT64, ["rows", 1]),
    ]
    model = proto.model("check", nodes, initializers, inputs, outputs, opset=17, ir_version=8)
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    x = np.array([[1.0, 2.0, 3.0], [-4.0, 0.0, 1.5]], dtype=np.float32)
    largest, normed, whole = session.run(None, {"x": x})
    shifted = x + bias
    assert np.allclose(largest, shifted.max(axis=1, keepdims=True))
    centred = shifted - shifted.mean(axis=1, keepdims=True)
    expected = centred / np.sqrt((centred**2).mean(axis=1, keepdims=True) + 1e-5) + bias
    assert np.allclose(normed, expected, atol=1e-5)
    assert whole.dtype == np.int64 and np.array_equal(whole, np.trunc(largest).astype(np.int64))
