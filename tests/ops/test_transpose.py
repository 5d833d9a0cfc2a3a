"""TRANSPOSE, int8: bit-exact with TFLite Micro for every permutation of 2-D to 4-D
tensors, some 5-D ones, odd sizes and 1-element axes."""
import itertools

import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.helpers import assert_bit_exact
from tests.ops.models_shape import one_op_model


def transpose_model(shape, perm, seed=0):
    out_shape = tuple(shape[p] for p in perm)
    return one_op_model("TRANSPOSE", [shape], [out_shape], [np.asarray(perm, np.int32)],
                        rng=np.random.default_rng(seed))


CASES = {}
for shape in [(3, 5), (2, 3, 5), (2, 3, 1, 5)]:
    for perm in itertools.permutations(range(len(shape))):
        CASES[f"{'x'.join(map(str, shape))}_perm{''.join(map(str, perm))}"] = (shape, perm)
CASES["5d_perm43210"] = ((2, 1, 3, 2, 3), (4, 3, 2, 1, 0))
CASES["5d_perm02413"] = ((2, 3, 2, 1, 3), (0, 2, 4, 1, 3))
CASES["1d"] = ((7,), (0,))
CASES["nhwc_to_nchw"] = ((1, 5, 7, 3), (0, 3, 1, 2))


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_transpose_bit_exact(case):
    shape, perm = CASES[case]
    assert_bit_exact(transpose_model(shape, perm, seed=list(CASES).index(case)), count=4, seed=4)


def test_transpose_refuses_a_non_permutation():
    with pytest.raises(McugenError, match=r"op 0 \(TRANSPOSE\).*not a permutation"):
        mcugen.compile(one_op_model("TRANSPOSE", [(2, 3)], [(2, 3)], [np.array([0, 0], np.int32)]))
