"""One hidden layer for the meaning layer's head, trained with NumPy alone.

A logistic per category over the frozen embeddings had stopped gaining from more lines:
adding 5,241 blind-written lines (blind_15a..21) moved blind_22 and blind_23 by under a point.
The same lines through one ReLU layer of 512 units found more of both sets at fewer false
alarms (figures in ``train_semantic``). NumPy rather than PyTorch because the bot and CI
must train and load it without the optional ``[train]`` extra; it is a few thousand
mini-batch steps (about 10 s on two cores for 16,000 lines).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HIDDEN_UNITS = 512
EPOCHS = 30
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 1e-2
BATCH = 64
INPUT_DROPOUT = 0.1
HIDDEN_DROPOUT = 0.2


@dataclass(frozen=True)
class HiddenLayer:
    """``relu(vectors @ weights + bias)``: what the categories' logistics then read."""

    weights: np.ndarray  # (embedding size, units)
    bias: np.ndarray  # (units,)

    def features(self, vectors: np.ndarray) -> np.ndarray:
        return np.asarray(np.maximum(vectors @ self.weights + self.bias, 0.0))


def fit_hidden_layer(
    vectors: np.ndarray, marks: np.ndarray, units: int = HIDDEN_UNITS, seed: int = 15
) -> tuple[HiddenLayer, np.ndarray, np.ndarray]:
    """The hidden layer and, per category (``marks``' columns), output weights and bias:
    multi-label cross-entropy with each category's positives weighted up to balance its
    negatives (as the logistic head's class weights did), AdamW, dropout, fixed seed."""
    rng = np.random.default_rng(seed)
    x = vectors.astype(np.float32)
    y = marks.astype(np.float32)
    rows, size = x.shape
    outputs = y.shape[1]
    first, second = 1 / np.sqrt(size), 1 / np.sqrt(units)
    params = [
        rng.uniform(-first, first, (size, units)).astype(np.float32),
        rng.uniform(-first, first, units).astype(np.float32),
        rng.uniform(-second, second, (units, outputs)).astype(np.float32),
        rng.uniform(-second, second, outputs).astype(np.float32),
    ]
    adam = _AdamW(params)
    positive_weight = ((rows - y.sum(0)) / np.maximum(y.sum(0), 1)).astype(np.float32)
    for _ in range(EPOCHS):
        order = rng.permutation(rows)
        for start in range(0, rows, BATCH):
            batch = order[start : start + BATCH]
            inputs = x[batch] * _dropout(rng, (len(batch), size), INPUT_DROPOUT)
            w1, b1, w2, b2 = params
            before = inputs @ w1 + b1
            keep = _dropout(rng, before.shape, HIDDEN_DROPOUT)
            hidden = np.maximum(before, 0.0) * keep
            p = sigmoid(hidden @ w2 + b2)
            target = y[batch]
            grad_out = (p * (positive_weight * target + 1 - target) - positive_weight * target) / (
                len(batch) * outputs
            )
            grad_hidden = (grad_out @ w2.T) * keep * (before > 0)
            adam.step(
                [inputs.T @ grad_hidden, grad_hidden.sum(0), hidden.T @ grad_out, grad_out.sum(0)]
            )
    w1, b1, w2, b2 = params
    return HiddenLayer(w1, b1), w2, b2


class _AdamW:
    """PyTorch's AdamW update (decoupled weight decay), in place on ``params``."""

    def __init__(self, params: list[np.ndarray]) -> None:
        self.params = params
        self.first = [np.zeros_like(p) for p in params]
        self.second = [np.zeros_like(p) for p in params]
        self.steps = 0

    def step(self, grads: list[np.ndarray], beta1: float = 0.9, beta2: float = 0.999) -> None:
        self.steps += 1
        for p, g, m, v in zip(self.params, grads, self.first, self.second, strict=True):
            p *= 1 - LEARNING_RATE * WEIGHT_DECAY
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g * g
            m_hat = m / (1 - beta1**self.steps)
            v_hat = v / (1 - beta2**self.steps)
            p -= LEARNING_RATE * m_hat / (np.sqrt(v_hat) + 1e-8)


def _dropout(rng: np.random.Generator, shape: tuple[int, ...], rate: float) -> np.ndarray:
    return ((rng.random(shape) >= rate) / (1 - rate)).astype(np.float32)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))))
