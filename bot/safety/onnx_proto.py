"""Just enough of ONNX's protobuf encoding to write the encoder's graph for ONNX Runtime.

``import onnx`` took 0.6 s of the meaning layer's 1 s load (its ``ml_dtypes`` import alone
0.56 s) for nothing but ``helper.make_node`` and ``SerializeToString``. The few messages the
graph needs are written here field by field, in the order and form ``onnx`` writes them
(proto2: repeated numbers unpacked, fields in number order), so the bytes are the same.
Field numbers are those of ``onnx/onnx.proto``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

import numpy as np

FLOAT, UINT8, INT8, INT32, INT64 = 1, 2, 3, 6, 7  # TensorProto.DataType
_DATA_TYPES = {
    np.dtype(np.float32): FLOAT,
    np.dtype(np.uint8): UINT8,
    np.dtype(np.int8): INT8,
    np.dtype(np.int32): INT32,
    np.dtype(np.int64): INT64,
}
_ATTR_FLOAT, _ATTR_INT, _ATTR_INTS = 1, 2, 7  # AttributeProto.AttributeType


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative int64 values are written as their two's complement
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _number(field: int, n: int) -> bytes:
    return _varint(field << 3) + _varint(n)


def _header(field: int, size: int) -> bytes:
    return _varint(field << 3 | 2) + _varint(size)


def _bytes(field: int, payload: bytes) -> bytes:
    return _header(field, len(payload)) + payload


def _text(field: int, text: str) -> bytes:
    return _bytes(field, text.encode("utf-8"))


def tensor(name: str, array: np.ndarray) -> bytes:
    """A TensorProto holding ``array`` as raw little-endian bytes."""
    dims = b"".join(_number(1, d) for d in array.shape)
    data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).data.cast("B")
    head = dims + _number(2, _DATA_TYPES[array.dtype]) + _text(8, name) + _header(9, len(data))
    return b"".join([head, data])  # one copy of the weights, not one per concatenation


def _attribute(name: str, value: int | float | list[int]) -> bytes:
    if isinstance(value, list):
        body = b"".join(_number(8, v) for v in value) + _number(20, _ATTR_INTS)
    elif isinstance(value, float):
        body = _varint(2 << 3 | 5) + struct.pack("<f", value) + _number(20, _ATTR_FLOAT)
    else:
        body = _number(3, value) + _number(20, _ATTR_INT)
    return _text(1, name) + body


def node(
    op: str, inputs: Iterable[str], outputs: Iterable[str], **attrs: int | float | list[int]
) -> bytes:
    """A NodeProto; attributes sorted by name, as ``helper.make_node`` writes them."""
    parts = [_text(1, i) for i in inputs] + [_text(2, o) for o in outputs] + [_text(4, op)]
    parts += [_bytes(5, _attribute(k, v)) for k, v in sorted(attrs.items())]
    return b"".join(parts)


def value_info(name: str, data_type: int, dims: Iterable[int | str]) -> bytes:
    """A ValueInfoProto for a tensor; a str dimension is symbolic (any size)."""
    shape = b"".join(_bytes(1, _text(2, d) if isinstance(d, str) else _number(1, d)) for d in dims)
    tensor_type = _number(1, data_type) + _bytes(2, shape)
    return _text(1, name) + _bytes(2, _bytes(1, tensor_type))


def model(
    name: str,
    nodes: Iterable[bytes],
    initializers: Iterable[bytes],
    inputs: Iterable[bytes],
    outputs: Iterable[bytes],
    opset: int,
    ir_version: int,
) -> bytes:
    """A serialized ModelProto with one graph, importing the default domain at ``opset``.
    Joined once at the end: the initializers (the weights) are not copied on the way."""
    graph: list[bytes] = []

    def add(field: int, items: Iterable[bytes]) -> None:
        for item in items:
            graph.extend([_header(field, len(item)), item])

    add(1, nodes)
    add(2, [name.encode("utf-8")])
    add(5, initializers)
    add(11, inputs)
    add(12, outputs)
    opset_id = _text(1, "") + _number(2, opset)
    size = sum(len(part) for part in graph)
    return b"".join([_number(1, ir_version), _header(7, size), *graph, _bytes(8, opset_id)])
