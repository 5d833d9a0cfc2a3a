"""PRELU, int8, alpha an int8 constant: bit-exact with TFLite Micro over alpha shapes
(per channel as converters emit it, full, scalar), alpha values of both signs and above
one, scales and zero points (incl. -128 and 127), odd and 1-element shapes."""
import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.ops import models_elementwise  # noqa: F401 - registers the PRELU builder entry

# id: (input shape, alpha shape, (in scale, zp), (alpha scale, zp), (out scale, zp), alpha range)
CASES = {
    "channels_hw1c":       ((1, 5, 7, 8), (1, 1, 8), (0.05, 3), (0.002, 0), (0.04, -20), (0, 127)),
    "channels_rank1":      ((1, 5, 7, 8), (8,), (0.05, 3), (0.002, 0), (0.04, -20), (0, 127)),
    "channels_rank4":      ((1, 5, 7, 8), (1, 1, 1, 8), (0.05, -128), (0.002, 0), (0.05, -128), (0, 127)),
    "full_alpha":          ((1, 3, 5, 7), (1, 3, 5, 7), (0.05, 127), (0.01, -10), (0.05, 100), (-128, 127)),
    "scalar_alpha":        ((1, 5, 7, 3), (1,), (0.05, 0), (0.001, 0), (0.03, 0), (100, 101)),
    "alpha_above_one":     ((1, 4, 4, 6), (1, 1, 6), (0.05, 0), (0.02, 0), (0.1, 0), (60, 127)),
    "alpha_negative":      ((1, 4, 4, 6), (1, 1, 6), (0.05, 0), (0.005, 0), (0.05, 0), (-128, -1)),
    "alpha_zero_point":    ((1, 4, 4, 6), (1, 1, 6), (0.05, 10), (0.004, -128), (0.05, 0), (-128, 127)),
    "output_fine":         ((1, 4, 4, 6), (1, 1, 6), (0.5, 0), (0.002, 0), (0.004, 0), (0, 127)),
    "output_coarse":       ((1, 4, 4, 6), (1, 1, 6), (0.004, 0), (0.002, 0), (0.5, 0), (0, 127)),
    "one_element":         ((1, 1, 1, 1), (1, 1, 1), (0.05, 0), (0.002, 0), (0.04, 0), (0, 127)),
    "rows_2d":             ((3, 11), (11,), (0.05, 5), (0.002, 0), (0.04, -2), (0, 127)),
    "odd_channels_13":     ((1, 3, 9, 13), (1, 1, 13), (0.03, -7), (0.003, 0), (0.03, -7), (-50, 127)),
}


def prelu_model(in_shape, alpha_shape, q_in, q_alpha, q_out, alpha_range, seed=0):
    rng = np.random.default_rng(seed)
    b = ModelBuilder()
    x = b.input(in_shape, scale=q_in[0], zero_point=q_in[1])
    alpha = b.const(rng.integers(alpha_range[0], alpha_range[1] + 1, size=alpha_shape, dtype=np.int8),
                    scale=q_alpha[0], zero_point=q_alpha[1])
    y = b.output(b.tensor(in_shape, scale=q_out[0], zero_point=q_out[1]))
    b.op("PRELU", [x, alpha], [y])
    return b.build()


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_prelu_bit_exact(case):
    assert_bit_exact(prelu_model(*CASES[case], seed=list(CASES).index(case)), count=12, seed=1)


def test_prelu_refuses_computed_alpha():
    b = ModelBuilder()
    x = b.input((1, 4, 4, 3), scale=0.05, zero_point=0)
    alpha = b.input((1, 1, 3), scale=0.01, zero_point=0)
    y = b.output(b.tensor((1, 4, 4, 3), scale=0.05, zero_point=0))
    b.op("PRELU", [x, alpha], [y])
    with pytest.raises(McugenError, match="must be an int8 constant"):
        mcugen.compile(b.build())


def test_prelu_refuses_per_channel_alpha_quantization():
    b = ModelBuilder()
    x = b.input((1, 4, 4, 3), scale=0.05, zero_point=0)
    alpha = b.const(np.ones((1, 1, 3), np.int8), scale=[0.01, 0.02, 0.03], zero_point=0, axis=2)
    y = b.output(b.tensor((1, 4, 4, 3), scale=0.05, zero_point=0))
    b.op("PRELU", [x, alpha], [y])
    with pytest.raises(McugenError, match="quantized per tensor"):
        mcugen.compile(b.build())
