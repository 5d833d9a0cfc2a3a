"""SOFTMAX and LOG_SOFTMAX (int8) bit-exact with TFLite Micro over every input difference and
every scale class: for each input scale (one per left shift of the kernel's input multiplier,
17 to 31, with power-of-two and other multipliers), every row [m, m - d1, m - d2] with
0 <= d1 <= d2 <= 255. SOFTMAX also on rows whose outputs lie next to a rounding tie (found by
tests/ops/softmax_ties.py), where a kernel a hair off, e.g. one digit of an exp constant,
shows, and on rows whose sum of exps reaches 256 (the largest exponent TFLM accepts)."""
from __future__ import annotations

import numpy as np

import mcugen
from mcugen.ops.softmax import softmax_params
from tests.builder import ModelBuilder
from tests.ops import models_elementwise  # noqa: F401  (the builder's LOG_SOFTMAX entry)
from tests.ops.softmax_ties import softmax_steps
from tests.tflm import run_tflm

# one input scale per left shift 17 .. 31 of the input multiplier (beta 1)
SCALES = [0.001, 0.003, 0.005, 0.01, 0.0234, 1 / 32, 0.05, 0.1, 0.2, 0.25, 0.3, 0.7, 1.0, 3.0, 4.0, 8.5,
          16.0]

# scale: rows [127, 127 - a, 127 - b, 127 - c] whose nearest value to a rounding tie is
# closest (relative to the value), of every such row: softmax_ties.nearest_ties(scale, 16).
TIE_ROWS = {
    0.25: [  # within 1.8e-06 of a tie
        [127, 102, 85, 71], [127, 126, 114, 104], [127, 109, 107, 87], [127, 113, 105, 88],
        [127, 118, 96, 71], [127, 112, 112, 71], [127, 117, 110, 81], [127, 120, 108, 84],
        [127, 113, 95, 93], [127, 112, 111, 91], [127, 118, 96, 75], [127, 125, 103, 85],
        [127, 115, 101, 87], [127, 106, 97, 90], [127, 121, 104, 101], [127, 124, 120, 92],
    ],
    0.1: [  # within 1.8e-07 of a tie
        [127, 119, 99, 41], [127, 109, 81, 63], [127, 64, 36, 10], [127, 98, 74, 22],
        [127, 116, 80, -1], [127, 120, 73, 70], [127, 103, 57, 29], [127, 113, 89, 62],
        [127, 100, 63, 22], [127, 114, 107, 87], [127, 92, 47, 42], [127, 113, 92, 15],
        [127, 126, 56, 56], [127, 112, 69, 63], [127, 124, 76, 58], [127, 108, 76, 34],
    ],
    0.05: [  # within 3.9e-08 of a tie
        [127, 96, 90, 25], [127, 111, 71, -45], [127, 92, 12, -70], [127, 102, 65, 39],
        [127, 2, -86, -119], [127, 122, 118, -42], [127, 100, 11, 1], [127, 69, 21, -83],
        [127, 110, 10, -107], [127, 89, 82, -92], [127, 112, 51, 29], [127, 126, 101, -54],
        [127, 116, 83, -40], [127, 116, 102, 92], [127, 121, 26, -42], [127, 118, 84, 36],
    ],
    0.003: [  # within 1.7e-08 of a tie
        [127, 82, 32, -22], [127, 22, 19, -50], [127, 100, -73, -105], [127, 84, -57, -89],
        [127, 13, -24, -51], [127, -27, -36, -95], [127, 107, 14, -79], [127, 78, 66, -115],
        [127, 75, -49, -73], [127, 112, 79, -70], [127, 123, 104, -12], [127, 103, 14, -20],
        [127, 115, 94, -109], [127, 115, 0, -68], [127, -11, -17, -113], [127, 116, 28, -125],
    ],
    0.01: [  # within 2.3e-08 of a tie
        [127, -23, -39, -63], [127, -77, -85, -95], [127, 68, 63, -63], [127, 45, -21, -96],
        [127, 122, 17, -106], [127, 17, -108, -123], [127, 49, 35, -13],
        [127, -51, -107, -127], [127, 49, 6, -6], [127, 117, 11, -94], [127, 59, 41, -45],
        [127, 6, -38, -121], [127, 82, -33, -111], [127, 25, 25, -67], [127, 38, 28, -70],
        [127, 122, 94, 3],
    ],
    0.5: [  # within 1.1e-05 of a tie
        [127, 118, 117, 107], [127, 120, 111, 110], [127, 126, 115, 106], [127, 121, 114, 107],
        [127, 126, 119, 112], [127, 121, 121, 114], [127, 126, 115, 105], [127, 122, 115, 115],
        [127, 123, 112, 107], [127, 122, 111, 106], [127, 114, 111, 109], [127, 124, 123, 110],
        [127, 126, 115, 104], [127, 113, 113, 109], [127, 124, 124, 122], [127, 121, 120, 115],
    ],
}
# the probe's row: TFLM's byte 8 is -102; one digit off in exp(-1/8) gives -103
PROBE_ROW = (0.25, [22, 98, 69, -77, -27, -75, -90, 63, 96, 104, -57, -41])


def _model(shapes, scales, kind: str = "SOFTMAX") -> bytes:
    """One SOFTMAX (or LOG_SOFTMAX) per (shape, scale), each with its own input and output."""
    b = ModelBuilder()
    for n, (shape, scale) in enumerate(zip(shapes, scales)):
        x = b.input(shape, scale=scale, zero_point=n % 7 - 3)
        if kind == "SOFTMAX":
            y = b.output(b.tensor(shape, scale=1 / 256, zero_point=-128))
            b.op(kind, [x], [y], beta=1.0)
        else:
            y = b.output(b.tensor(shape, scale=16 / 256, zero_point=127))
            b.op(kind, [x], [y])
    return b.build()


def _assert_same(inputs: list[np.ndarray], scales: list[float], kind: str = "SOFTMAX") -> None:
    model = _model([x.shape for x in inputs], scales, kind)
    compiled = mcugen.compile(model)
    compiled.host(sanitize=True)
    got = compiled.run(inputs)
    want = run_tflm(model, inputs)
    for x, scale, g, w in zip(inputs, scales, got, want):
        differ = np.flatnonzero(np.any(g != w, axis=1))
        assert differ.size == 0, (f"{kind} scale {scale}: {differ.size} of {len(x)} rows differ, first "
                                  f"{x[differ[0]].tolist()}: TFLM {w[differ[0]].tolist()}, "
                                  f"mcugen {g[differ[0]].tolist()}")


def _every_pair() -> np.ndarray:
    d1, d2 = np.triu_indices(256)
    return np.stack([np.full(d1.size, 127), 127 - d1, 127 - d2], axis=1).astype(np.int8)


def test_scales_cover_every_left_shift():
    assert sorted({softmax_params(s, 1.0)["input_left_shift"] for s in SCALES}) == list(range(17, 32))


def test_every_difference_pair_every_scale_class():
    pairs = _every_pair()
    # the maximum in each of the three places
    inputs = [np.roll(pairs, n, axis=1) for n in range(len(SCALES))]
    _assert_same(inputs, SCALES)


def test_log_softmax_every_difference_pair_every_scale_class():
    pairs = _every_pair()
    _assert_same([np.roll(pairs, n, axis=1) for n in range(len(SCALES))], SCALES, "LOG_SOFTMAX")


def test_rows_next_to_rounding_ties():
    scales = [*TIE_ROWS, PROBE_ROW[0]]
    _assert_same([np.array(rows, np.int8) for rows in TIE_ROWS.values()]
                 + [np.array([PROBE_ROW[1]], np.int8)], scales)


def test_tie_rows_are_next_to_ties():
    """The copy of TFLM's arithmetic that found TIE_ROWS still agrees with TFLM on them, and
    they are still within 2e-5 (relative) of a tie."""
    for scale, rows in TIE_ROWS.items():
        rows = np.array(rows, np.int8)
        outputs, closeness, _, _ = softmax_steps(rows, scale)
        assert np.array_equal(outputs, run_tflm(_model([rows.shape], [scale]), [rows])[0])
        assert closeness.min(axis=1).max() < 2e-5, scale


def test_sum_of_exps_in_the_last_exponent():
    """256 to 511 equal maxima, the rest of the row 145 steps lower: sums of exps in
    [256, 512), exponent 31, each maximum 1/sum (one step or less)."""
    rows = []
    for depth in (256, 300, 400, 511):
        row = np.full(511, -128, np.int8)
        row[:depth] = 17
        rows.append(row)
    x = np.stack(rows)
    _assert_same([x, x], [0.001, 0.003])
