"""The elementwise and activation kernels on emulated Cortex-M7 (QEMU mps2-an500): one
model chaining MUL, SUB, MAXIMUM, MINIMUM, PRELU, the table ops, broadcast ADD and
LOG_SOFTMAX, cross-compiled, run on three input sets and compared byte for byte with
the host build and TFLite Micro (check_on_board of tests/target/test_qemu.py)."""
from __future__ import annotations

import numpy as np

from tests.builder import ModelBuilder
from tests.ops import models_elementwise  # noqa: F401 - registers builder entries
from tests.target.test_qemu import M7, check_on_board, pytestmark  # noqa: F401 - same skips


def elementwise_chain_model() -> bytes:
    rng = np.random.default_rng(11)
    b = ModelBuilder()
    shape = (1, 7, 6, 5)

    def act(scale, zero_point):
        return b.tensor(shape, scale=scale, zero_point=zero_point)

    def const(values_shape, scale, zero_point, lo=-128, hi=127):
        return b.const(rng.integers(lo, hi + 1, size=values_shape, dtype=np.int8), scale=scale,
                       zero_point=zero_point)

    x1 = b.input(shape, scale=0.05, zero_point=-3)
    x2 = b.input((1, 1, 6, 1), scale=0.04, zero_point=7)
    m = act(0.06, 2)
    b.op("MUL", [x1, const((5,), 0.02, 1)], [m], fused_activation_function="NONE")
    s = act(0.09, -1)
    b.op("SUB", [m, x2], [s], fused_activation_function="RELU6")
    mx = act(0.09, -1)
    b.op("MAXIMUM", [s, const((1, 1, 1, 5), 0.09, -1)], [mx])
    mn = act(0.09, -1)
    b.op("MINIMUM", [mx, const((1, 7, 1, 1), 0.09, -1)], [mn])
    p = act(0.07, -20)
    b.op("PRELU", [mn, const((1, 1, 5), 0.01, 0, lo=0, hi=60)], [p])
    h = act(0.05, -60)
    b.op("HARD_SWISH", [p], [h])
    t = act(1 / 128, 0)
    b.op("TANH", [h], [t])
    q = act(0.01, 5)
    b.op("QUANTIZE", [t], [q])
    lr = act(0.008, 10)
    b.op("LEAKY_RELU", [q], [lr], alpha=0.1)
    lg = act(1 / 256, -128)
    b.op("LOGISTIC", [lr], [lg])
    r = act(1 / 256, -128)
    b.op("RELU", [lg], [r])
    r6 = act(1 / 256, -128)
    b.op("RELU6", [r], [r6])
    ad = act(0.02, -50)
    b.op("ADD", [r6, x2], [ad], fused_activation_function="NONE")
    y = b.output(b.tensor(shape, scale=16 / 256, zero_point=127))
    b.op("LOG_SOFTMAX", [ad], [y])
    return b.build()


def test_elementwise_chain_on_m7_matches_host_and_tflm(tmp_path):
    path = tmp_path / "elementwise_chain.tflite"
    path.write_bytes(elementwise_chain_model())
    counts = check_on_board(path, M7, tmp_path)
    assert len(counts) == 3
