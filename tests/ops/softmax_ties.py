"""Rows of int8 SOFTMAX inputs whose outputs sit next to a rounding tie, where a kernel that
is a hair off (a low digit of an exp constant) gives a different byte.

TFLM's int8 softmax ends with out = RoundingDivideByPOT(v, exponent) - 128; an error of one
unit in v changes the output only when v is within a unit of half a step, about one output
in 2^22 for random inputs. `tie_rows` finds such rows with a numpy copy of TFLM's integer
steps (reference_ops::Softmax<int8_t, int8_t>, gemmlowp fixed point; the exp of each of
the 256 differences comes from mcugen.ops.fixedpoint, which the LUT tests check against
TFLM), so tests can run TFLM and mcugen on them. The copy only chooses inputs; TFLM
decides what is right. `python -m tests.ops.softmax_ties 0.25 0.1` prints the rows of
tests/ops/test_softmax_exhaustive.py for those scales.
"""
from __future__ import annotations

import numpy as np

from mcugen.ops import fixedpoint as fx
from mcugen.ops.softmax import SCALED_DIFF_INTEGER_BITS, softmax_params

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


def _wrap32(x):
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def _srdhm(a, b):
    ab = a * b  # |ab| <= 2^62: no int64 overflow
    total = ab + np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    quotient = np.where(total >= 0, total >> 31, -((-total) >> 31))  # C truncation
    return np.where((a == INT32_MIN) & (b == INT32_MIN), INT32_MAX, _wrap32(quotient))


def _rdivpot(x, exponent):
    mask = (np.int64(1) << exponent) - 1
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + ((x & mask) > threshold)


def _sat_shl(x, exponent: int):
    threshold = (1 << (31 - exponent)) - 1
    return np.where(x > threshold, INT32_MAX,
                    np.where(x < -threshold, INT32_MIN, _wrap32(x << exponent)))


def _one_over_one_plus_x(a):
    total = a + INT32_MAX
    half_denominator = _wrap32(np.where(total >= 0, (total + 1) // 2, -((-total + 1) // 2)))
    x = _wrap32(1515870810 + _srdhm(half_denominator, np.int64(-1010580540)))
    for _ in range(3):
        one_minus = _wrap32((1 << 29) - _srdhm(half_denominator, x))
        x = _wrap32(x + _sat_shl(_srdhm(x, one_minus), 2))
    return _sat_shl(x, 1)


def _leading_zeros(x):
    x = x.astype(np.uint64) & 0xFFFFFFFF
    bits = np.zeros(x.shape, np.int64)
    for shift in (16, 8, 4, 2, 1):
        big = x >= (np.uint64(1) << np.uint64(32 - shift))
        bits = np.where(big, bits, bits + shift)
        x = np.where(big, x, x << np.uint64(shift))
    return np.where(x == 0, 32, bits)


def exp_table(scale: float, beta: float = 1.0) -> tuple[np.ndarray, int]:
    """exp of every difference 0, -1, .., -255 (index = -difference) in Q0.31, and diff_min."""
    p = softmax_params(scale, beta)
    table = [fx.exp_on_negative_values(
        fx.srdhm(fx.wrap32(-d << p["input_left_shift"]), p["input_multiplier"]),
        SCALED_DIFF_INTEGER_BITS) for d in range(256)]
    return np.array(table, np.int64), p["diff_min"]


def softmax_steps(rows: np.ndarray, scale: float, beta: float = 1.0):
    """(outputs, closeness, sum, exps): TFLM's int8 softmax of each row, per value how far the
    value v it rounds is from a tie relative to v (an error of that relative size in v
    would change the byte; inf where the value is below the input radius), each row's sum
    of exps (Q12.19) and each value's exp (Q0.31)."""
    exps, diff_min = exp_table(scale, beta)
    rows = rows.astype(np.int64)
    diffs = rows - rows.max(axis=1, keepdims=True)
    live = diffs >= diff_min
    e = exps[-diffs]
    total = np.where(live, _rdivpot(e, 12), 0).sum(axis=1)  # Q12.19, below 2^31 for depth < 4096
    headroom = _leading_zeros(total)
    shifted = _wrap32((total << headroom) - (1 << 31))
    reciprocal = _one_over_one_plus_x(shifted)
    exponent = (12 - headroom + 31 - 8)[:, None]
    assert np.all(exponent <= 31), "a row TFLM aborts on (sum of exps of 512 or more)"
    v = _srdhm(reciprocal[:, None], e)
    outputs = np.where(live, np.clip(_rdivpot(v, exponent) - 128, -128, 127), -128)
    half = np.int64(1) << (exponent - 1)
    distance = np.abs((v & ((half << 1) - 1)) - half) + 0.5  # v ties to round away at half
    closeness = np.where(live & (v > 0), distance / np.maximum(v, 1), np.inf)
    return outputs.astype(np.int8), closeness, total, e


def nearest_ties(scale: float, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Of every row [127, 127 - a, 127 - b, 127 - c] with 0 <= a <= b <= c within the input
    radius, the count whose values come closest to a rounding tie (relative to the value),
    and that closeness."""
    _, diff_min = exp_table(scale)
    span = min(255, -diff_min)
    rows_found, closeness_found, keys = [], [], set()
    for a in range(span + 1):
        b, c = np.triu_indices(span + 1 - a)
        rows = 127 - np.stack([np.zeros_like(b), np.full_like(b, a), a + b, a + c], axis=1)
        _, closeness, total, exps = softmax_steps(rows, scale)
        nearest = closeness.argmin(axis=1)
        closeness = closeness[np.arange(len(rows)), nearest]
        for i in np.argsort(closeness, kind="stable")[:count]:
            # rows with the same sum and the same exp at their tie are the same case
            key = (int(total[i]), int(exps[i, nearest[i]]))
            if key not in keys:
                keys.add(key)
                rows_found.append(rows[i])
                closeness_found.append(closeness[i])
    order = np.argsort(closeness_found, kind="stable")[:count]
    return np.array(rows_found, np.int8)[order], np.array(closeness_found)[order]


if __name__ == "__main__":
    import sys
    for scale in map(float, sys.argv[1:] or ["0.25"]):
        rows, closeness = nearest_ties(scale, 16)
        print(f"    {scale}: {rows.tolist()},  # {closeness.max():.1e}", flush=True)
