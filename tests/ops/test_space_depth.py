"""SPACE_TO_DEPTH and DEPTH_TO_SPACE, int8: bit-exact with TFLite Micro over block sizes
1 to 4, odd channel counts, batches, 1x1 outputs; refusals for indivisible shapes."""
import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.helpers import assert_bit_exact
from tests.ops.models_shape import one_op_model


def block_model(kind, shape, block, seed=0):
    n, h, w, c = shape
    if kind == "SPACE_TO_DEPTH":
        out_shape = (n, h // block, w // block, c * block * block)
    else:
        out_shape = (n, h * block, w * block, c // (block * block))
    return one_op_model(kind, [shape], [out_shape], rng=np.random.default_rng(seed), block_size=block)


S2D, D2S = "SPACE_TO_DEPTH", "DEPTH_TO_SPACE"
CASES = {
    "s2d_b2_4x6x3":     (S2D, (1, 4, 6, 3), 2),
    "s2d_b2_2x2x1":     (S2D, (1, 2, 2, 1), 2),
    "s2d_b3_6x9x5":     (S2D, (1, 6, 9, 5), 3),
    "s2d_b4_batch2":    (S2D, (2, 8, 4, 2), 4),
    "s2d_b1":           (S2D, (1, 3, 5, 7), 1),
    "d2s_b2_3x5x12":    (D2S, (1, 3, 5, 12), 2),
    "d2s_b2_1x1x4":     (D2S, (1, 1, 1, 4), 2),
    "d2s_b3_2x3x18":    (D2S, (1, 2, 3, 18), 3),
    "d2s_b4_batch2":    (D2S, (2, 2, 1, 32), 4),
    "d2s_b2_c4_to_1":   (D2S, (1, 4, 4, 4), 2),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_space_depth_bit_exact(case):
    kind, shape, block = CASES[case]
    assert_bit_exact(block_model(kind, shape, block, seed=list(CASES).index(case)), count=5, seed=6)


def test_refusals():
    with pytest.raises(McugenError, match=r"op 0 \(SPACE_TO_DEPTH\).*multiples"):
        mcugen.compile(one_op_model(S2D, [(1, 3, 4, 1)], [(1, 1, 2, 4)], block_size=2))
    with pytest.raises(McugenError, match=r"op 0 \(DEPTH_TO_SPACE\).*multiple"):
        mcugen.compile(one_op_model(D2S, [(1, 2, 2, 6)], [(1, 4, 4, 1)], block_size=2))
