"""MUL, int8: bit-exact with TFLite Micro over scales (output multiplier above and below
one, tiny and large), zero points (incl. -128 and 127), fused activations, odd and
1-element shapes, broadcasting patterns up to 4-D and constant operands."""
import numpy as np
import pytest

from tests.helpers import assert_bit_exact
from tests.ops.models_elementwise import binary_model

# id: (shape1, shape2, output shape, (scale1, zp1), (scale2, zp2), (out scale, out zp), activation)
CASES = {
    "same_7x9x3":             ((1, 7, 9, 3), (1, 7, 9, 3), (1, 7, 9, 3), (0.05, 3), (0.04, -7), (0.3, 2), "NONE"),
    "same_relu":              ((1, 5, 13, 8), (1, 5, 13, 8), (1, 5, 13, 8), (0.03, -20), (0.06, 11), (0.2, -100), "RELU"),
    "same_relu6":             ((1, 5, 13, 8), (1, 5, 13, 8), (1, 5, 13, 8), (0.1, 0), (0.1, 0), (6 / 255, -128), "RELU6"),
    "same_relu_n1_to_1":      ((2, 10), (2, 10), (2, 10), (0.01, 5), (0.02, -5), (2 / 255, 0), "RELU_N1_TO_1"),
    "zero_points_extreme":    ((1, 4, 4, 8), (1, 4, 4, 8), (1, 4, 4, 8), (0.02, -128), (0.03, 127), (0.5, 127), "NONE"),
    "zero_points_extreme_2":  ((1, 4, 4, 8), (1, 4, 4, 8), (1, 4, 4, 8), (0.02, 127), (0.03, -128), (0.5, -128), "NONE"),
    "multiplier_above_one":   ((1, 3, 5, 7), (1, 3, 5, 7), (1, 3, 5, 7), (0.5, 1), (0.8, -2), (0.01, 0), "NONE"),
    "multiplier_tiny":        ((1, 3, 5, 7), (1, 3, 5, 7), (1, 3, 5, 7), (0.001, 1), (0.002, -2), (0.5, 0), "NONE"),
    "large_scales":           ((1, 3, 5, 7), (1, 3, 5, 7), (1, 3, 5, 7), (4.0, 10), (3.0, -10), (5000.0, 3), "NONE"),
    "one_element":            ((1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1), (0.05, 0), (0.02, 9), (0.1, -4), "NONE"),
    "odd_1001":               ((1, 1001), (1, 1001), (1, 1001), (0.03, -3), (0.05, 60), (0.4, 8), "RELU"),
    "bcast_channels":         ((1, 5, 7, 8), (1, 1, 1, 8), (1, 5, 7, 8), (0.05, 3), (0.02, -1), (0.2, 0), "NONE"),
    "bcast_channels_rank1":   ((1, 5, 7, 8), (8,), (1, 5, 7, 8), (0.05, 3), (0.02, -1), (0.2, 0), "RELU"),
    "bcast_scalar":           ((1, 5, 7, 3), (1,), (1, 5, 7, 3), (0.05, -50), (0.02, 20), (0.1, 5), "NONE"),
    "bcast_scalar_rank0":     ((1, 5, 7, 3), (), (1, 5, 7, 3), (0.05, -50), (0.02, 20), (0.1, 5), "NONE"),
    "bcast_first_operand":    ((1, 1, 1, 8), (1, 5, 7, 8), (1, 5, 7, 8), (0.05, 3), (0.02, -1), (0.2, 0), "NONE"),
    "bcast_both_ways":        ((1, 5, 1, 8), (1, 1, 7, 1), (1, 5, 7, 8), (0.05, 3), (0.02, -1), (0.2, 0), "RELU6"),
    "bcast_middle_dims":      ((2, 3, 4, 5), (2, 1, 4, 1), (2, 3, 4, 5), (0.04, 0), (0.03, 30), (0.15, -30), "NONE"),
    "bcast_rows_2d":          ((3, 10), (3, 1), (3, 10), (0.04, 0), (0.03, 30), (0.15, -30), "NONE"),
    "bcast_3d":               ((5, 7, 8), (5, 1, 8), (5, 7, 8), (0.04, 100), (0.03, -90), (0.2, 1), "NONE"),
    "bcast_batch":            ((2, 3, 3, 4), (1, 3, 3, 4), (2, 3, 3, 4), (0.04, 1), (0.03, 2), (0.2, 3), "NONE"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_mul_bit_exact(case):
    shape1, shape2, out_shape, q1, q2, qout, activation = CASES[case]
    model = binary_model("MUL", shape1, shape2, out_shape, q1, q2, qout, activation)
    assert_bit_exact(model, count=12, seed=1)


@pytest.mark.parametrize("which", ["first", "second"])
@pytest.mark.parametrize("shape2", [(1, 5, 7, 8), (1, 1, 1, 8), (1,)], ids=["full", "channels", "scalar"])
def test_mul_constant_operand(which, shape2):
    rng = np.random.default_rng(5000)
    shape1 = (1, 5, 7, 8)
    if which == "first":
        model = binary_model("MUL", shape2, shape1, shape1, (0.02, -3), (0.05, 4), (0.2, 1),
                             "NONE", rng=rng, const1=True)
    else:
        model = binary_model("MUL", shape1, shape2, shape1, (0.05, 4), (0.02, -3), (0.2, 1),
                             "NONE", rng=rng, const2=True)
    assert_bit_exact(model, count=12, seed=1)


def test_mul_square_same_tensor():
    from tests.builder import ModelBuilder
    b = ModelBuilder()
    x = b.input((1, 6, 6, 5), scale=0.05, zero_point=-9)
    y = b.output(b.tensor((1, 6, 6, 5), scale=0.3, zero_point=-128))
    b.op("MUL", [x, x], [y], fused_activation_function="NONE")
    assert_bit_exact(b.build(), count=12, seed=1)
