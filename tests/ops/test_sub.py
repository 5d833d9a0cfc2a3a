"""SUB, int8: bit-exact with TFLite Micro over input scales (equal, close, one much larger
than the other), zero points (incl. -128 and 127), output scales, fused activations, odd
and 1-element shapes, broadcasting patterns up to 4-D and constant operands."""
import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.helpers import assert_bit_exact
from tests.ops.models_elementwise import binary_model

# id: (shape1, shape2, output shape, (scale1, zp1), (scale2, zp2), (out scale, out zp), activation)
CASES = {
    "close_scales_7x9x3":     ((1, 7, 9, 3), (1, 7, 9, 3), (1, 7, 9, 3), (0.05, 3), (0.04, -7), (0.1, 2), "NONE"),
    "equal_scales_relu6":     ((1, 5, 13, 8), (1, 5, 13, 8), (1, 5, 13, 8), (0.03, -1), (0.03, 4), (6 / 255, -128), "RELU6"),
    "first_250x_larger":      ((1, 7, 9, 3), (1, 7, 9, 3), (1, 7, 9, 3), (0.5, 10), (0.002, -10), (0.6, 0), "NONE"),
    "second_250x_larger_relu": ((1, 7, 9, 3), (1, 7, 9, 3), (1, 7, 9, 3), (0.002, 1), (0.5, 2), (0.6, -128), "RELU"),
    "second_1000x_larger":    ((1, 4, 4, 8), (1, 4, 4, 8), (1, 4, 4, 8), (0.001, 0), (1.0, 0), (1.2, 0), "NONE"),
    "relu_n1_to_1":           ((1, 7, 9, 3), (1, 7, 9, 3), (1, 7, 9, 3), (0.02, 9), (0.03, -9), (2 / 255, 0), "RELU_N1_TO_1"),
    "output_finer":           ((1, 7, 9, 3), (1, 7, 9, 3), (1, 7, 9, 3), (0.05, 0), (0.07, 0), (0.01, 0), "NONE"),
    "output_much_coarser":    ((1, 7, 9, 3), (1, 7, 9, 3), (1, 7, 9, 3), (0.05, 0), (0.07, 0), (1.5, -100), "RELU"),
    "zero_points_extreme":    ((1, 4, 4, 8), (1, 4, 4, 8), (1, 4, 4, 8), (0.02, -128), (0.03, 127), (0.06, 127), "NONE"),
    "zero_points_extreme_2":  ((1, 4, 4, 8), (1, 4, 4, 8), (1, 4, 4, 8), (0.02, 127), (0.03, -128), (0.06, -128), "NONE"),
    "tiny_scales":            ((1, 5, 13, 3), (1, 5, 13, 3), (1, 5, 13, 3), (0.001, 5), (0.0015, 6), (0.003, 7), "NONE"),
    "large_scales":           ((1, 5, 13, 3), (1, 5, 13, 3), (1, 5, 13, 3), (2.0, 5), (1.5, 6), (4.0, 7), "RELU6"),
    "one_element":            ((1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1), (0.05, 0), (0.02, 9), (0.1, -4), "NONE"),
    "odd_1001":               ((1, 1001), (1, 1001), (1, 1001), (0.03, -3), (0.05, 60), (0.1, 8), "RELU"),
    "bcast_channels":         ((1, 5, 7, 8), (1, 1, 1, 8), (1, 5, 7, 8), (0.05, 3), (0.02, -1), (0.1, 0), "NONE"),
    "bcast_scalar":           ((1, 5, 7, 3), (1,), (1, 5, 7, 3), (0.05, -50), (0.02, 20), (0.1, 5), "NONE"),
    "bcast_first_operand":    ((1, 1, 1, 8), (1, 5, 7, 8), (1, 5, 7, 8), (0.05, 3), (0.02, -1), (0.1, 0), "RELU"),
    "bcast_both_ways":        ((1, 5, 1, 8), (1, 1, 7, 1), (1, 5, 7, 8), (0.05, 3), (0.02, -1), (0.1, 0), "NONE"),
    "bcast_middle_dims":      ((2, 3, 4, 5), (2, 1, 4, 1), (2, 3, 4, 5), (0.04, 0), (0.03, 30), (0.08, -30), "NONE"),
    "bcast_rows_2d":          ((3, 10), (3, 1), (3, 10), (0.04, 0), (0.03, 30), (0.08, -30), "NONE"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_sub_bit_exact(case):
    shape1, shape2, out_shape, q1, q2, qout, activation = CASES[case]
    model = binary_model("SUB", shape1, shape2, out_shape, q1, q2, qout, activation)
    assert_bit_exact(model, count=12, seed=1)


@pytest.mark.parametrize("which", ["first", "second"])
def test_sub_constant_operand(which):
    rng = np.random.default_rng(5100)
    shape, channels = (1, 5, 7, 8), (1, 1, 1, 8)
    if which == "first":
        model = binary_model("SUB", channels, shape, shape, (0.02, -3), (0.05, 4), (0.1, 1),
                             "NONE", rng=rng, const1=True)
    else:
        model = binary_model("SUB", shape, channels, shape, (0.05, 4), (0.02, -3), (0.1, 1),
                             "NONE", rng=rng, const2=True)
    assert_bit_exact(model, count=12, seed=1)


def test_sub_refuses_output_scale_too_small():
    model = binary_model("SUB", (1, 4), (1, 4), (1, 4), (1.0, 0), (1.0, 0), (1e-7, 0), "NONE")
    with pytest.raises(McugenError, match="multiplier below one"):
        mcugen.compile(model)
