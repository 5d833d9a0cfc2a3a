"""ADD with broadcasting or a constant operand (mcu_add_broadcast_s8), int8: bit-exact with
TFLite Micro over broadcasting patterns up to 4-D, scales, zero points and activations.
Same-shape ADD of two activations stays on mcu_add_s8 (tests/ops/test_add.py)."""
import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.helpers import assert_bit_exact
from tests.ops.models_elementwise import binary_model

# id: (shape1, shape2, output shape, (scale1, zp1), (scale2, zp2), (out scale, out zp), activation)
CASES = {
    "bcast_channels":         ((1, 5, 7, 8), (1, 1, 1, 8), (1, 5, 7, 8), (0.05, 3), (0.02, -1), (0.08, 0), "NONE"),
    "bcast_channels_rank1":   ((1, 5, 7, 8), (8,), (1, 5, 7, 8), (0.05, 3), (0.02, -1), (0.08, -128), "RELU"),
    "bcast_scalar":           ((1, 5, 7, 3), (1,), (1, 5, 7, 3), (0.05, -50), (0.5, 20), (0.6, 5), "NONE"),
    "bcast_first_operand":    ((1, 1, 1, 8), (1, 5, 7, 8), (1, 5, 7, 8), (0.002, 3), (0.5, -1), (0.5, 0), "RELU6"),
    "bcast_both_ways":        ((1, 5, 1, 8), (1, 1, 7, 1), (1, 5, 7, 8), (0.05, 127), (0.02, -128), (0.08, 0), "NONE"),
    "bcast_middle_dims":      ((2, 3, 4, 5), (2, 1, 4, 1), (2, 3, 4, 5), (0.04, 0), (0.03, 30), (0.08, -30), "RELU_N1_TO_1"),
    "bcast_rows_2d":          ((3, 10), (3, 1), (3, 10), (0.001, 0), (1.0, 30), (1.1, -30), "NONE"),
    "bcast_one_element_out":  ((1, 1), (1,), (1, 1), (0.05, 0), (0.02, 9), (0.1, -4), "NONE"),
    "same_shape_rank_differs": ((1, 4, 6), (4, 6), (1, 4, 6), (0.05, 1), (0.05, 2), (0.1, 3), "NONE"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_add_broadcast_bit_exact(case):
    shape1, shape2, out_shape, q1, q2, qout, activation = CASES[case]
    model = binary_model("ADD", shape1, shape2, out_shape, q1, q2, qout, activation)
    compiled = assert_bit_exact(model, count=12, seed=1)
    assert any("mcu_add_broadcast_s8(" in line for line in compiled.files[f"{compiled.prefix}.c"].splitlines())


@pytest.mark.parametrize("which", ["first", "second"])
@pytest.mark.parametrize("shape2", [(1, 5, 7, 8), (8,)], ids=["full", "channels"])
def test_add_constant_operand(which, shape2):
    """A bias-like constant added to an activation."""
    rng = np.random.default_rng(5300)
    shape1 = (1, 5, 7, 8)
    if which == "first":
        model = binary_model("ADD", shape2, shape1, shape1, (0.01, -3), (0.05, 4), (0.07, 1),
                             "RELU", rng=rng, const1=True)
    else:
        model = binary_model("ADD", shape1, shape2, shape1, (0.05, 4), (0.01, -3), (0.07, 1),
                             "RELU", rng=rng, const2=True)
    assert_bit_exact(model, count=12, seed=1)


def test_add_broadcast_refuses_output_scale_too_small():
    model = binary_model("ADD", (1, 4), (1,), (1, 4), (1.0, 0), (1.0, 0), (1e-7, 0), "NONE")
    with pytest.raises(McugenError, match="multiplier below one"):
        mcugen.compile(model)


def test_add_broadcast_refuses_mismatched_shapes():
    model = binary_model("ADD", (1, 4, 3), (1, 2, 3), (1, 4, 3), (0.05, 0), (0.05, 0), (0.1, 0), "NONE")
    with pytest.raises(McugenError, match="do not broadcast"):
        mcugen.compile(model)
