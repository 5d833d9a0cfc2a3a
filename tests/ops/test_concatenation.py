"""CONCATENATION, int8: bit-exact with TFLite Micro on every axis (positive and negative),
1-D to 6-D, 1 to 10 inputs, odd sizes, extreme zero points; refusals where TFLM refuses."""
import re

import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.helpers import assert_bit_exact
from tests.ops.models_shape import one_op_model


def concat_model(shapes, axis, quant=None, out_quant=None, activation="NONE", seed=0):
    rank = len(shapes[0])
    a = axis + rank if axis < 0 else axis
    out_shape = tuple(sum(s[a] for s in shapes) if d == a else shapes[0][d] for d in range(rank))
    return one_op_model("CONCATENATION", shapes, [out_shape], in_quant=quant, out_quant=out_quant,
                        rng=np.random.default_rng(seed), axis=axis,
                        fused_activation_function=activation)


# id: (input shapes, axis, (scale, zero point) or None for random)
CASES = {
    "channels_2":        ([(1, 4, 5, 3), (1, 4, 5, 7)], 3, None),
    "channels_neg1_3":   ([(1, 3, 3, 1), (1, 3, 3, 2), (1, 3, 3, 5)], -1, None),
    "width":             ([(1, 4, 5, 3), (1, 4, 2, 3)], 2, None),
    "height":            ([(1, 1, 5, 3), (1, 6, 5, 3)], 1, None),
    "batch":             ([(1, 2, 3, 4), (2, 2, 3, 4)], 0, None),
    "batch_neg4":        ([(2, 2, 3, 4), (1, 2, 3, 4)], -4, None),
    "ten_inputs":        ([(1, 2, 2, k + 1) for k in range(10)], 3, None),
    "single_input":      ([(1, 3, 5, 7)], 3, None),
    "one_element_each":  ([(1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1)], 3, None),
    "1d":                ([(5,), (3,), (1,)], 0, None),
    "2d_axis1":          ([(3, 4), (3, 9)], 1, None),
    "3d_axis1":          ([(2, 3, 5), (2, 1, 5)], 1, None),
    "5d_axis2":          ([(1, 2, 3, 2, 2), (1, 2, 1, 2, 2)], 2, None),
    "6d_axis5":          ([(1, 2, 1, 2, 1, 3), (1, 2, 1, 2, 1, 2)], 5, None),
    "zp_minus128":       ([(1, 3, 3, 2), (1, 3, 3, 2)], 3, (0.05, -128)),
    "zp_127":            ([(1, 3, 3, 2), (1, 3, 3, 2)], 3, (0.05, 127)),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_concatenation_bit_exact(case):
    shapes, axis, quant = CASES[case]
    assert_bit_exact(concat_model(shapes, axis, quant, seed=list(CASES).index(case)), count=6, seed=3)


def test_channel_concat_copies_runs():
    compiled = mcugen.compile(concat_model([(1, 4, 5, 3), (1, 4, 5, 7)], 3))
    assert compiled.files[f"{compiled.prefix}.c"].count("mcu_copy_nd_s8(") == 2


def _refused(model, pattern):
    with pytest.raises(McugenError) as info:
        mcugen.compile(model)
    assert re.search(pattern, str(info.value)), str(info.value)


def test_concatenation_refusals():
    # TFLM refuses both: int8 inputs must share the output's scale and zero point, and
    # only activation NONE is accepted.
    _refused(concat_model([(1, 2, 2, 3), (1, 2, 2, 3)], 3, (0.1, 0), (0.2, 0)),
             r"op 0 \(CONCATENATION\).*quantization differs")
    _refused(concat_model([(1, 2, 2, 3), (1, 2, 2, 3)], 3, activation="RELU"), "fused activation RELU")
    _refused(concat_model([(1, 1, 1, 1)] * 11, 3), "1 to 10")
