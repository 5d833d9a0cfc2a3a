"""PAD and PADV2, int8: bit-exact with TFLite Micro for 1-D to 5-D tensors, paddings on
every axis (zero, one side, both sides), the output zero point or a constant pad value."""
import re

import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.helpers import assert_bit_exact
from tests.ops.models_shape import one_op_model


def pad_model(in_shape, paddings, kind="PAD", value=None, zero_point=None, seed=0):
    rng = np.random.default_rng(seed)
    scale = float(rng.uniform(0.01, 0.2))
    zp = int(rng.integers(-128, 128)) if zero_point is None else zero_point
    out_shape = tuple(d + a + b for d, (a, b) in zip(in_shape, paddings))
    consts = [np.asarray(paddings, np.int32)]
    if value is not None:
        consts.append(np.asarray(value, np.int8))
    return one_op_model(kind, [in_shape], [out_shape], consts, in_quant=(scale, zp))


# id: (input shape, paddings, kind, constant value, zero point)
CASES = {
    "nhwc_hw_1_1":             ((1, 5, 7, 3), [[0, 0], [1, 1], [1, 1], [0, 0]], "PAD", None, None),
    "nhwc_hw_0_1_odd":         ((1, 7, 9, 5), [[0, 0], [0, 1], [0, 1], [0, 0]], "PAD", None, None),
    "nhwc_hw_2_1_3_0":         ((1, 4, 5, 8), [[0, 0], [2, 1], [3, 0], [0, 0]], "PAD", None, None),
    "nhwc_channels":           ((1, 3, 3, 5), [[0, 0], [0, 0], [0, 0], [2, 3]], "PAD", None, None),
    "nhwc_batch_and_all":      ((2, 3, 4, 3), [[1, 1], [1, 2], [2, 1], [1, 1]], "PAD", None, None),
    "zp_minus128":             ((1, 4, 4, 2), [[0, 0], [1, 1], [1, 1], [0, 0]], "PAD", None, -128),
    "zp_127":                  ((1, 4, 4, 2), [[0, 0], [1, 1], [1, 1], [0, 0]], "PAD", None, 127),
    "no_padding":              ((1, 3, 3, 3), [[0, 0]] * 4, "PAD", None, None),
    "one_element":             ((1, 1, 1, 1), [[0, 0], [1, 1], [1, 1], [0, 0]], "PAD", None, None),
    "1d":                      ((7,), [[2, 3]], "PAD", None, None),
    "2d":                      ((3, 5), [[1, 0], [0, 2]], "PAD", None, None),
    "3d":                      ((2, 3, 5), [[0, 1], [2, 0], [1, 1]], "PAD", None, None),
    "5d":                      ((1, 2, 3, 2, 3), [[0, 0], [1, 0], [0, 1], [1, 1], [0, 2]], "PAD", None, None),
    "v2_value_minus128":       ((1, 5, 6, 3), [[0, 0], [1, 1], [2, 2], [0, 0]], "PADV2", -128, None),
    "v2_value_127":            ((1, 5, 6, 3), [[0, 0], [1, 0], [0, 1], [0, 0]], "PADV2", 127, None),
    "v2_value_0_channels":     ((1, 2, 2, 3), [[0, 0], [0, 0], [0, 0], [1, 4]], "PADV2", 0, None),
    "v2_3d":                   ((3, 4, 5), [[1, 1], [0, 2], [3, 0]], "PADV2", 17, None),
    "v2_without_value":        ((1, 3, 3, 2), [[0, 0], [1, 1], [1, 1], [0, 0]], "PADV2", None, None),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_pad_bit_exact(case):
    in_shape, paddings, kind, value, zp = CASES[case]
    model = pad_model(in_shape, paddings, kind, value, zp, seed=list(CASES).index(case))
    assert_bit_exact(model, count=6, seed=2)


def test_pad_is_one_memset_and_one_copy_call():
    compiled = mcugen.compile(pad_model((1, 5, 7, 3), [[0, 0], [1, 1], [1, 1], [0, 0]]))
    source = compiled.files[f"{compiled.prefix}.c"]
    assert source.count("mcu_pad_s8(") == 1


def _refusal(build, pattern):
    with pytest.raises(McugenError) as info:
        mcugen.compile(build())
    assert re.search(pattern, str(info.value)), str(info.value)
    assert "\n" not in str(info.value)


def test_pad_refusals():
    _refusal(lambda: pad_model((1, 3, 3, 2), [[0, 0], [-1, 1], [1, 1], [0, 0]]), r"op 0 \(PAD\).*negative")
    _refusal(lambda: one_op_model("PAD", [(1, 3, 3, 2)], [(1, 5, 5, 2)],
                                  [np.array([[0, 0], [1, 1], [1, 1], [0, 0]], np.int32)],
                                  in_quant=(0.1, 0), out_quant=(0.2, 0)), "quantization differ")
    _refusal(lambda: one_op_model("PAD", [(1, 3, 3, 2)], [(1, 5, 5, 2)],
                                  [np.array([[0, 0], [1, 1], [1, 1], [0, 0]], np.int64)]), "int32")
    _refusal(lambda: one_op_model("PAD", [(1, 1, 3, 3, 2, 1)], [(1, 1, 5, 5, 2, 1)],
                                  [np.array([[0, 0], [0, 0], [1, 1], [1, 1], [0, 0], [0, 0]], np.int32)]),
             "at most 5")
