"""SPLIT and SPLIT_V, int8 (several outputs): bit-exact with TFLite Micro on every axis
(positive and negative), 1 to 6 outputs, uneven SPLIT_V sizes incl. an inferred -1;
the split outputs feed later ops and the graph outputs in any order."""
import numpy as np
import pytest

import mcugen
from mcugen.errors import McugenError
from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.ops.models_shape import one_op_model


def _out_shapes(shape, axis, sizes):
    a = axis + len(shape) if axis < 0 else axis
    return [tuple(s if d == a else shape[d] for d in range(len(shape))) for s in sizes]


def split_model(shape, axis, parts, seed=0):
    a = axis + len(shape) if axis < 0 else axis
    sizes = [shape[a] // parts] * parts
    return one_op_model("SPLIT", [shape], _out_shapes(shape, axis, sizes),
                        [np.asarray(axis, np.int32)], const_first=True,
                        rng=np.random.default_rng(seed), num_splits=parts)


def split_v_model(shape, axis, sizes, seed=0):
    a = axis + len(shape) if axis < 0 else axis
    real = [s if s >= 0 else shape[a] - (sum(sizes) + 1) for s in sizes]
    return one_op_model("SPLIT_V", [shape], _out_shapes(shape, axis, real),
                        [np.asarray(sizes, np.int32), np.asarray([axis], np.int32)],
                        rng=np.random.default_rng(seed), num_splits=len(sizes))


SPLIT_CASES = {
    "channels_2":      ((1, 4, 5, 6), 3, 2),
    "channels_neg1_3": ((1, 3, 3, 9), -1, 3),
    "height_4":        ((1, 8, 3, 5), 1, 4),
    "width_5":         ((1, 2, 5, 3), 2, 5),
    "batch_2":         ((2, 3, 3, 3), 0, 2),
    "one_output":      ((1, 3, 3, 3), 3, 1),
    "1d_6":            ((12,), 0, 6),
    "2d_axis1":        ((3, 8), 1, 2),
    "3d_axis_neg2":    ((2, 6, 5), -2, 3),
    "single_elements": ((1, 1, 1, 4), 3, 4),
}
SPLIT_V_CASES = {
    "channels_1_2_3":   ((1, 4, 5, 6), 3, [1, 2, 3]),
    "channels_inferred": ((1, 3, 3, 10), -1, [3, -1, 2]),
    "height_uneven":    ((1, 7, 3, 2), 1, [5, 2]),
    "width_4_1_1": ((1, 2, 6, 3), 2, [4, 1, 1]),
    "batch":            ((3, 2, 2, 2), 0, [1, 2]),
    "2d":               ((4, 9), 1, [2, 3, 4]),
    "one_output":       ((1, 3, 4, 3), 2, [4]),
}


@pytest.mark.parametrize("case", list(SPLIT_CASES), ids=list(SPLIT_CASES))
def test_split_bit_exact(case):
    shape, axis, parts = SPLIT_CASES[case]
    assert_bit_exact(split_model(shape, axis, parts, seed=list(SPLIT_CASES).index(case)), count=5, seed=7)


@pytest.mark.parametrize("case", list(SPLIT_V_CASES), ids=list(SPLIT_V_CASES))
def test_split_v_bit_exact(case):
    shape, axis, sizes = SPLIT_V_CASES[case]
    assert_bit_exact(split_v_model(shape, axis, sizes, seed=list(SPLIT_V_CASES).index(case)), count=5, seed=8)


def test_split_outputs_feed_later_ops():
    """SPLIT -> (second part) CONCATENATION with the first part reversed in order; one split
    output is not consumed at all but is still a graph output; outputs listed out of order."""
    b = ModelBuilder()
    q = dict(scale=0.07, zero_point=-3)
    x = b.input((1, 3, 4, 6), **q)
    axis = b.const(np.asarray(3, np.int32))
    parts = [b.tensor((1, 3, 4, 2), **q) for _ in range(3)]
    b.op("SPLIT", [axis, x], parts, num_splits=3)
    y = b.tensor((1, 3, 4, 4), **q)
    b.op("CONCATENATION", [parts[2], parts[0]], [y], axis=3)
    b.output(y)
    b.output(parts[1])
    compiled = assert_bit_exact(b.build(), count=5, seed=9)
    assert compiled.graph.outputs == (y, parts[1])


def test_split_refusals():
    with pytest.raises(McugenError, match=r"op 0 \(SPLIT\).*equal"):
        mcugen.compile(one_op_model("SPLIT", [(1, 5)], [(1, 2), (1, 3)], [np.asarray(1, np.int32)],
                                    const_first=True, num_splits=2))
    with pytest.raises(McugenError, match=r"op 0 \(SPLIT_V\).*add up"):
        mcugen.compile(one_op_model("SPLIT_V", [(1, 5)], [(1, 2), (1, 2)],
                                    [np.asarray([2, 2], np.int32), np.asarray([1], np.int32)],
                                    num_splits=2))


def test_single_output_ops_still_refuse_several_outputs():
    b = ModelBuilder()
    x = b.input((1, 4), scale=0.1, zero_point=0)
    y1, y2 = b.tensor((1, 4), scale=0.1, zero_point=0), b.tensor((1, 4), scale=0.1, zero_point=0)
    b.op("TRANSPOSE", [x, b.const(np.asarray([0, 1], np.int32))], [y1, y2])
    b.output(y1)
    b.output(y2)
    with pytest.raises(McugenError, match=r"op 0 \(TRANSPOSE\) has 2 outputs"):
        mcugen.compile(b.build())
