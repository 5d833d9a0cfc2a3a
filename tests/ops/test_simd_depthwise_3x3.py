"""SIMD depthwise 3x3 in plane order (mcu_dwconv2d_3x3_s8: one channel at a time from a ring
of int16 rows, SMLAD on horizontally adjacent outputs, the short requantization), bit-exact
with TFLM: stride 1 and 2 in each direction, SAME and VALID, channel counts with and without
a four-channel group tail, odd and even widths, one-row and one-column images, activation
clamps inside and at the int8 range, out of place, in place and inside patch stages. The host
build runs the plain-C models of the DSP instructions, with ASan and UBSan.
"""
import numpy as np
import pytest

import mcugen
from mcugen.ops import conv2d
from mcugen.ops.dwconv2d_3x3 import inplace_safe
from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.ops.models import conv_layer, input_act, view_layer
from tests.ops.test_simd_depthwise_conv2d import depthwise_keeping_input

CALL = "mcu_dwconv2d_3x3_s8("


@pytest.fixture(autouse=True)
def plane_kernel_for_every_size(monkeypatch):
    """Out of place the compiler gives small images to the four-channel kernel
    (conv2d.prefers_plane) and some to the image kernel (conv2d.prefers_image); these tests
    want the plane kernel on every shape it accepts."""
    monkeypatch.setattr(conv2d, "prefers_image", lambda args: False)
    monkeypatch.setattr(conv2d, "prefers_plane", lambda args: True)

# id: (input NHWC, stride, padding, activation)
CASES = {
    "s1_same_12x12x8":        ((1, 12, 12, 8), (1, 1), "SAME", "RELU6"),
    "s1_same_odd_7x9x4":      ((1, 7, 9, 4), (1, 1), "SAME", "NONE"),
    "s1_valid_6x7x5":         ((1, 6, 7, 5), (1, 1), "VALID", "RELU"),
    "s1_same_c3":             ((1, 5, 5, 3), (1, 1), "SAME", "NONE"),
    "s1_same_c2":             ((1, 6, 5, 2), (1, 1), "SAME", "NONE"),
    "s1_same_c13_tail1":      ((1, 4, 6, 13), (1, 1), "SAME", "RELU6"),
    "s2_valid_13x13x16":      ((1, 13, 13, 16), (2, 2), "VALID", "NONE"),
    "s2_valid_even_12x10x8":  ((1, 12, 10, 8), (2, 2), "VALID", "RELU"),
    "s2_same_even_8x8x12":    ((1, 8, 8, 12), (2, 2), "SAME", "NONE"),
    "s2_same_odd_9x7x6":      ((1, 9, 7, 6), (2, 2), "SAME", "RELU6"),
    "s2x1_same_7x9x8":        ((1, 7, 9, 8), (2, 1), "SAME", "NONE"),
    "s1x2_same_7x9x7":        ((1, 7, 9, 7), (1, 2), "SAME", "NONE"),
    "one_row_1x9x4":          ((1, 1, 9, 4), (1, 1), "SAME", "NONE"),
    "one_col_9x1x4":          ((1, 9, 1, 4), (1, 1), "SAME", "NONE"),
    "one_pixel_1x1x8":        ((1, 1, 1, 8), (1, 1), "SAME", "NONE"),
    "one_row_s2_1x8x4":       ((1, 1, 8, 4), (2, 2), "SAME", "NONE"),
    "one_col_s2_8x1x5":       ((1, 8, 1, 5), (2, 2), "SAME", "RELU"),
    "batch2_s1_same_5x5x4":   ((2, 5, 5, 4), (1, 1), "SAME", "NONE"),
    "batch2_s2_valid_7x7x8":  ((2, 7, 7, 8), (2, 2), "VALID", "NONE"),
}


def _seeded(build, case_index: int):
    """The first seed whose random scales let the short requantization be proven exact
    (the kernel requires it; other layers keep the four-channel kernel)."""
    for attempt in range(40):
        rng = np.random.default_rng(5000 + 100 * case_index + attempt)
        model = build(rng)
        if _uses_kernel(model):
            return model
    raise AssertionError("no seed gave a layer the plane kernel takes")


def _uses_kernel(model: bytes, **kwargs) -> bool:
    compiled = mcugen.compile(model, kernels="simd", **kwargs)
    return CALL in compiled.files[f"{compiled.prefix}.c"]


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_out_of_place_bit_exact(case):
    in_shape, stride, padding, activation = CASES[case]
    model = _seeded(lambda rng: depthwise_keeping_input(
        rng, in_shape, kernel=(3, 3), stride=stride, padding=padding, activation=activation,
        per_channel=True), list(CASES).index(case))
    compiled = assert_bit_exact(model, count=8, seed=3, kernels="simd")
    assert CALL in compiled.files[f"{compiled.prefix}.c"]


def depthwise_alone(rng, in_shape, **kwargs) -> bytes:
    """The input dies at the depthwise conv: the planner may run it in place."""
    b = ModelBuilder()
    x = input_act(b, rng, in_shape)
    b.output(conv_layer(b, rng, x, depthwise=True, **kwargs).index)
    return b.build()


INPLACE = ["s1_same_12x12x8", "s1_same_odd_7x9x4", "s1_same_c13_tail1", "s2_valid_13x13x16",
           "s2_valid_even_12x10x8", "s2_same_odd_9x7x6", "s2x1_same_7x9x8", "s1x2_same_7x9x7",
           "one_row_1x9x4", "one_col_9x1x4", "one_col_s2_8x1x5", "s1_valid_6x7x5"]


@pytest.mark.parametrize("case", INPLACE, ids=INPLACE)
def test_in_place_bit_exact(case):
    in_shape, stride, padding, activation = CASES[case]
    model = _seeded(lambda rng: depthwise_alone(
        rng, in_shape, kernel=(3, 3), stride=stride, padding=padding, activation=activation,
        per_channel=True), list(CASES).index(case))
    compiled = assert_bit_exact(model, count=8, seed=3, kernels="simd", memory="all")
    text = compiled.files[f"{compiled.prefix}.c"]
    op = next(o for o in compiled.graph.ops if o.kind == "DEPTHWISE_CONV_2D")
    assert op.index in compiled.plan.inplace
    variant = op.params.get("inplace_lowered")  # the plane kernel as it runs in place
    if variant is not None and inplace_safe(variant.args):
        # the plane kernel itself, output over input, no one-channel temporary
        assert CALL in text and "mcu_dwconv2d_inplace_s8(" not in text
        assert compiled.plan.scratch[op.index][1] == variant.scratch_bytes
    else:
        assert "mcu_dwconv2d_inplace_s8(" in text


def test_inplace_safe_refuses_output_rows_ahead_of_the_reads():
    # 4x4 input, padding 2 on every side (a folded PAD): output row 0 covers input row 1
    args = dict(batches=1, in_h=4, in_w=4, out_h=6, out_w=6, stride_h=1, pad_top=2)
    assert not inplace_safe(args)
    assert inplace_safe(dict(args, out_h=4, out_w=4, pad_top=1))
    assert not inplace_safe(dict(args, out_h=4, out_w=4, pad_top=1, batches=2))


def test_extreme_inputs_and_weights():
    """All -128 / all 127 inputs (assert_bit_exact's first sets) with weights at -127..127."""
    for attempt in range(40):
        rng = np.random.default_rng(6000 + attempt)
        model = depthwise_keeping_input(rng, (1, 9, 11, 8), kernel=(3, 3), padding="SAME",
                                        per_channel=True)
        if _uses_kernel(model):
            break
    compiled = assert_bit_exact(model, count=12, seed=7, kernels="simd")
    assert CALL in compiled.files[f"{compiled.prefix}.c"]


def test_patch_stages_bit_exact():
    """conv -> depthwise s1 -> pointwise -> depthwise s2 -> pointwise run patch by patch: the
    kernel gets each patch's local geometry (padding only on the image borders)."""
    for attempt in range(60):
        rng = np.random.default_rng(7000 + attempt)
        b = ModelBuilder()
        x = input_act(b, rng, (1, 32, 32, 3))
        x = conv_layer(b, rng, x, out_c=16, activation="RELU6")
        x = conv_layer(b, rng, x, depthwise=True, activation="RELU6")
        x = conv_layer(b, rng, x, out_c=16, kernel=(1, 1), activation="RELU6")
        x = conv_layer(b, rng, x, depthwise=True, stride=(2, 2), activation="RELU6")
        x = conv_layer(b, rng, x, out_c=4, kernel=(1, 1))
        b.output(view_layer(b, x, "RESHAPE", (1, int(np.prod(x.shape)))).index)
        model = b.build()
        compiled = mcugen.compile(model, kernels="simd", patches="min")
        text = compiled.files[f"{compiled.prefix}.c"]
        if compiled.plan.patches and text.count(CALL) >= 2 * len(compiled.plan.patches[0].patches):
            break
    else:
        raise AssertionError("no seed put both depthwise layers on the plane kernel in a patch stage")
    assert_bit_exact(model, count=6, seed=3, kernels="simd", patches="min")


def test_layer_row_function_emitted_with_its_constants():
    """The generated model defines the layer's row function once, with its channel count,
    horizontal stride and activation bounds as constants, and passes it to the kernel (also
    from every patch of a patch stage)."""
    model = _seeded(lambda rng: depthwise_keeping_input(
        rng, (1, 20, 24, 12), kernel=(3, 3), stride=(2, 2), padding="SAME", activation="RELU",
        per_channel=True), 100)
    compiled = mcugen.compile(model, kernels="simd")
    text = compiled.files[f"{compiled.prefix}.c"]
    op = next(o for o in compiled.graph.ops if o.kind == "DEPTHWISE_CONV_2D")
    args = op.params["lowered"].args
    symbol = f"{compiled.prefix}_layer{op.index}_row"
    assert text.count(f"MCU_DWCONV2D_3X3_LAYER({symbol}, 12, 2, {args['act_min']}, 127)") == 1
    assert f"{CALL}{symbol}, " in text


def test_tall_images_are_taken_along_their_columns():
    """A tall narrow image (output 12 high, 5 wide): rows taken along the columns, so the row
    function's output stride is a whole output row (5 x 12 bytes) and its stride the vertical
    one; bit-exact out of place and in place (stride 1, same size)."""
    build = lambda rng: depthwise_keeping_input(  # noqa: E731
        rng, (1, 12, 5, 12), kernel=(3, 3), stride=(1, 1), padding="SAME", activation="RELU",
        per_channel=True)
    model = _seeded(build, 101)
    compiled = assert_bit_exact(model, count=6, seed=3, kernels="simd")
    text = compiled.files[f"{compiled.prefix}.c"]
    op = next(o for o in compiled.graph.ops if o.kind == "DEPTHWISE_CONV_2D")
    assert op.params["lowered"].args["transposed"] == 1
    symbol = f"{compiled.prefix}_layer{op.index}_row"
    assert f"MCU_DWCONV2D_3X3_LAYER({symbol}, 60, 1, " in text
    alone = _seeded(lambda rng: depthwise_alone(
        rng, (1, 12, 5, 12), kernel=(3, 3), padding="SAME", per_channel=True), 102)
    compiled = assert_bit_exact(alone, count=6, seed=3, kernels="simd", memory="all")
    op = next(o for o in compiled.graph.ops if o.kind == "DEPTHWISE_CONV_2D")
    assert op.index in compiled.plan.inplace and op.params["inplace_lowered"].args["transposed"] == 1
    assert "mcu_dwconv2d_inplace_s8(" not in compiled.files[f"{compiled.prefix}.c"]
