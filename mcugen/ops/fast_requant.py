"""The short requantization the SIMD kernels use where the compiler can prove it exact.

TFLM's MultiplyByQuantizedMultiplier rounds twice: q = SRDHM(acc, m), then q / 2^right
rounded half away from zero. For a layer whose every channel has shift <= -1 (right >= 1,
no left shift) and whose accumulators provably stay within |acc| < 2^30, it is

    q   = SMMULR(2 acc, m)                 = floor((acc m + 2^30) / 2^31) = SRDHM(acc, m)
    out = (q + c + (q >> 31)) >> right     with c = 2^(right-1) + (output_offset << right)

Why: gemmlowp's nudged truncating division equals floor((acc m + 2^30) / 2^31) for both
signs, and SMMULR computes floor((a b + 2^31) / 2^32) exactly, so a = 2 acc (no overflow
below 2^30) gives it. RoundingDivideByPOT is (q + 2^(right-1) - [q < 0]) >> right, and
adding output_offset << right, a multiple of 2^right, adds output_offset after the shift.
Every sum stays within int32 when |acc| + |c| + 1 < 2^31, which is checked here too.

Five instructions (LSL, SMMULR, ADD, ADD ASR, ASR) instead of about twenty; the table holds
(multiplier, c, right) per channel. The accumulator bound is the layer's worst case,
|bias| + sum|w| * max|x + input_offset|, computed from the constant weights.

A channel whose weights are all zero (pruned) always accumulates its bias, so its output
is a constant v computed here with TFLM's arithmetic; its entry (0, 2 v + 1, 1) gives q = 0
and out = (2 v + 1) >> 1 = v whatever the accumulator (such channels often carry biases near
2^30), and so does mcu_requant_doubled's (2 v + 1 - 1) >> 1 when the accumulator is negative.

mcu_requant_doubled (the int16-weight GEMMs, whose weights and bias are stored doubled) takes
the -1 from the accumulator's sign: (SMMULR(2 acc, m) + c - [acc < 0]) >> right. With m >= 0,
q >= 0 when acc >= 0 and q <= 0 when acc < 0; the signs differ only at q == 0, acc < 0, where
c >> right == (c - 1) >> right since c's low `right` bits are 2^(right-1) (right >= 1).
"""
from __future__ import annotations

import numpy as np

from mcugen.ops.fixedpoint import mbqm

ACC_LIMIT = 1 << 30


def accumulator_bound(bias: np.ndarray, rows: np.ndarray, input_offset: int) -> np.ndarray:
    """Per output channel, the largest |acc| any int8 input can give: bias plus each weight
    times the largest |x + input_offset| (padding taps contribute 0, which is smaller)."""
    widest = max(abs(-128 + int(input_offset)), abs(127 + int(input_offset)))
    rows = rows.reshape(rows.shape[0], -1).astype(np.int64)
    return np.abs(bias.astype(np.int64).reshape(-1)) + np.abs(rows).sum(axis=1) * widest


def requant_entry(multiplier: int, shift: int, output_offset: int,
                  bound: int) -> tuple[int, int, int] | None:
    """(multiplier, c, right) for accumulators with |acc| <= bound, or None when the short
    form is not provably exact for them (a left shift or none, or the bound too wide)."""
    right = -int(shift)
    if not 1 <= right <= 31 or not 0 <= multiplier < (1 << 31) or bound >= ACC_LIMIT:
        return None
    c = (1 << (right - 1)) + (int(output_offset) << right)
    if bound + abs(c) + 1 >= (1 << 31):
        return None
    return int(multiplier), c, right


def fast_requant_table(multipliers, shifts, output_offset: int, bias: np.ndarray,
                       rows: np.ndarray, input_offset: int) -> np.ndarray | None:
    """(multiplier, c, right) per output channel (rows: that channel's weights), flattened
    as int32, or None when some live channel cannot use the short form (a left shift or
    none, or an accumulator bound too wide)."""
    rows = rows.reshape(rows.shape[0], -1)
    bounds = accumulator_bound(bias, rows, input_offset)
    table = []
    for m, s, b, bound, row in zip(multipliers, shifts, bias.reshape(-1), bounds, rows):
        m, s, bound = int(m), int(s), int(bound)
        if not row.any():
            value = mbqm(int(b), m, s) + int(output_offset)
            if abs(2 * value) + 1 >= (1 << 31):
                return None
            table.append((0, 2 * value + 1, 1))
            continue
        entry = requant_entry(m, s, output_offset, bound)
        if entry is None:
            return None
        table.append(entry)
    if not table:
        return None
    return np.array(table, np.int64).astype(np.int32).reshape(-1)


def fast_requant(acc: int, multiplier: int, c: int, right: int) -> int:
    """The C arithmetic of mcu_requant_bounded on Python ints (for tests)."""
    q = (2 * acc * multiplier + (1 << 31)) >> 32
    return (q + c + (q >> 31)) >> right


def doubled_requant(acc: int, multiplier: int, c: int, right: int) -> int:
    """The C arithmetic of mcu_requant_doubled(2 acc, ...) on Python ints (for tests)."""
    q = (2 * acc * multiplier + (1 << 31)) >> 32
    return (q + c - (1 if acc < 0 else 0)) >> right
