"""The benchmark's MLP written with NumPy: the same algorithm as bench/mlp-model.ts
(784-300-100-10 ReLU/softmax, softmax cross-entropy, mini-batch SGD, float32, shuffled
batches), run by bench/mlp.bench.ts for comparison.

Usage: python3 mlp-numpy.py SAMPLES BATCH WARMUP_EPOCHS TIMED_EPOCHS
Prints one JSON line: {"samples_per_s": ..., "seconds": ..., "samples": ..., "loss": ..., "numpy": ...}.
"""
import json
import sys
import time

import numpy as np

samples, batch, warmup, epochs = (int(a) for a in sys.argv[1:5])
sizes = [784, 300, 100, 10]
rng = np.random.default_rng(1)
x = rng.random((samples, sizes[0]), dtype=np.float32)
y = rng.integers(0, sizes[-1], samples)
Ws = [((rng.random((a, b), dtype=np.float32) * 2 - 1) * np.float32(np.sqrt(6 / a))) for a, b in zip(sizes, sizes[1:])]
bs = [np.zeros((1, b), np.float32) for b in sizes[1:]]
lr = np.float32(0.05)


def step(X, Y):
    Zs = []
    A = X
    for l, (W, b) in enumerate(zip(Ws, bs)):
        Z = A @ W + b
        if l < len(Ws) - 1:
            np.maximum(Z, 0, out=Z)
        Zs.append(Z)
        A = Z
    Z = Zs[-1]
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    P = E / E.sum(axis=1, keepdims=True)
    n = X.shape[0]
    loss = -np.log(P[np.arange(n), Y]).mean()
    dZ = P
    dZ[np.arange(n), Y] -= 1
    dZ /= n
    for l in range(len(Ws) - 1, -1, -1):
        Aprev = X if l == 0 else Zs[l - 1]
        dW = Aprev.T @ dZ
        db = dZ.sum(axis=0, keepdims=True)
        if l > 0:
            dZprev = dZ @ Ws[l].T
            dZprev *= Zs[l - 1] > 0
        Ws[l] -= lr * dW
        bs[l] -= lr * db
        if l > 0:
            dZ = dZprev
    return loss


def epoch():
    order = rng.permutation(samples)
    loss = 0.0
    for s in range(0, samples, batch):
        idx = order[s:s + batch]
        loss = step(x[idx], y[idx])
    return float(loss)


for _ in range(warmup):
    epoch()
t0 = time.perf_counter()
for _ in range(epochs):
    loss = epoch()
dt = time.perf_counter() - t0
print(json.dumps({"samples_per_s": samples * epochs / dt, "seconds": dt, "samples": samples * epochs, "loss": loss, "numpy": np.__version__}))
