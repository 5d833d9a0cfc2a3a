"""SOFTMAX, int8 (output scale 1/256, zero point -128): bit-exact with TFLite Micro over
depths, rows, input scales and beta."""
import numpy as np
import pytest

import mcugen
from mcugen.verify import run_tflm, tflm_interpreter
from tests.helpers import assert_bit_exact
from tests.ops.models import run_isolated, softmax_model

# id: (shape, input scale, beta)
CASES = {
    "depth1":                    ((1, 1), 0.1, 1.0),
    "depth1_scale_1e-3_b0.5":    ((1, 1), 1e-3, 0.5),
    "depth2":                    ((1, 2), 0.05, 1.0),
    "depth2_scale2_beta0.5":     ((1, 2), 2.0, 0.5),
    "depth10_scale_1e-3":        ((1, 10), 1e-3, 1.0),
    "depth10_scale_1_16":        ((1, 10), 1 / 16, 1.0),
    "depth10_scale0.1_beta0.5":  ((1, 10), 0.1, 0.5),
    "depth10_scale2":            ((1, 10), 2.0, 1.0),
    "depth100_scale_1e-3_b0.5":  ((1, 100), 1e-3, 0.5),
    "depth100_scale0.01":        ((1, 100), 0.01, 1.0),
    "depth100_scale0.5_beta0.5": ((1, 100), 0.5, 0.5),
    "depth100_scale1":           ((1, 100), 1.0, 1.0),
    "depth500_scale0.003":       ((1, 500), 0.003, 1.0),
    "rows3_depth10_scale0.05":   ((1, 3, 10), 0.05, 1.0),
    "rows3_depth10_scale2_b0.5": ((1, 3, 10), 2.0, 0.5),
    "rows3_depth10_scale_1e-3":  ((1, 3, 10), 1e-3, 1.0),
    "4d_1x1x1x10_scale0.25":     ((1, 1, 1, 10), 0.25, 1.0),
    "rows10_2x5x7_scale1_b0.5":  ((2, 5, 7), 1.0, 0.5),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_softmax_bit_exact(case):
    shape, in_scale, beta = CASES[case]
    rng = np.random.default_rng(5000 + list(CASES).index(case))
    assert_bit_exact(softmax_model(rng, shape, in_scale, beta=beta), count=12, seed=1)


# Depth >= 512: TFLM aborts the process (TFLITE_CHECK(exponent <= 31) in the reference
# kernel) on any row whose sum of exponentials reaches 512.0, e.g. the all -128 and all
# 127 inputs assert_bit_exact always starts with.  So these depths are compared on rows
# whose float sum of exponentials stays well below 512.
def _exp_sum(row, scale, beta):
    row = row.astype(np.float64)
    return float(np.sum(np.exp(beta * scale * (row - row.max()))))


def _deep_rows(rng, depth, scale, beta, count):
    rows = []
    one_hot = np.full(depth, -128, np.int8)
    one_hot[depth // 3] = 127
    rows.append(one_hot)                                          # one clear winner
    ramp = np.linspace(-128, 127, depth).round().astype(np.int8)
    rows.append(ramp)
    while len(rows) < count:
        rows.append(rng.integers(-128, 128, size=depth, dtype=np.int8))
    return [r for r in rows if _exp_sum(r, scale, beta) < 400]


@pytest.mark.parametrize("in_scale, beta", [(0.1, 1.0), (0.05, 0.5), (2.0, 1.0), (0.02, 1.0)],
                         ids=["scale0.1", "scale0.05_beta0.5", "scale2", "scale0.02"])
def test_softmax_depth1001(in_scale, beta):
    rng = np.random.default_rng(5100)
    model = softmax_model(rng, (1, 1001), in_scale, beta=beta)
    compiled = mcugen.compile(model)
    compiled.host(sanitize=True)
    interpreter = tflm_interpreter(model)
    rows = _deep_rows(rng, 1001, in_scale, beta, count=12)
    assert len(rows) >= 3, "too few rows TFLM can run"
    for n, row in enumerate(rows):
        x = row.reshape(1, 1001)
        expected = run_tflm(interpreter, [x])[0]
        got = compiled.run([x])[0]
        diff = np.flatnonzero(expected.reshape(-1) != got.reshape(-1))
        assert diff.size == 0, (f"row {n}: {diff.size} values differ, first at {diff[0]}: "
                                f"TFLM {expected.reshape(-1)[diff[0]]}, mcugen {got.reshape(-1)[diff[0]]}")


def _check_uniform_rows(depth):
    model = softmax_model(np.random.default_rng(5200), (2, depth), 0.05)
    compiled = mcugen.compile(model)
    compiled.host(sanitize=True)
    for value in (-128, 0, 127):
        got = compiled.run([np.full((2, depth), value, np.int8)])[0]
        assert np.all(got == -128), f"all {value}: outputs {np.unique(got)}"


@pytest.mark.parametrize("depth", [512, 1001])
def test_softmax_deep_uniform_row_all_minus128(depth):
    """All-equal rows of depth >= 512, where TFLM aborts: each probability is 1/depth,
    below half a step of 1/256, so every output is -128 (and the kernel must have no
    undefined behaviour; it runs in a child process so a UBSan abort fails only this)."""
    run_isolated(_check_uniform_rows, depth)
