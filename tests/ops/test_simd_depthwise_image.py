"""SIMD depthwise 3x3, stride 1, four channels' whole int16 images at a time
(mcu_dwconv2d_3x3_image_s8), bit-exact with TFLM: SAME and VALID, odd and even widths down to
two outputs a row, one-row images, channel counts whose output stride takes the STRB immediate
or not, two batches, activation clamps inside and at the int8 range, out of place and in place.
The host build runs the plain-C models of the DSP instructions, with ASan and UBSan; the
assembly runs on QEMU in tests/target/test_qemu_depthwise.py. Also which layers the compiler
gives it.
"""
import numpy as np
import pytest

import mcugen
from mcugen.ops import conv2d, dwconv2d_3x3
from mcugen.ops.dwconv2d_3x3 import image_accepts, image_scratch_bytes
from mcugen.planner import arena
from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.ops.models import conv_layer, input_act
from tests.ops.test_simd_depthwise_3x3 import depthwise_alone
from tests.ops.test_simd_depthwise_conv2d import depthwise_keeping_input

CALL = "mcu_dwconv2d_3x3_image_s8("

# id: (input NHWC, padding, activation)
CASES = {
    "same_6x6x16":         ((1, 6, 6, 16), "SAME", "RELU6"),
    "same_odd_7x9x8":      ((1, 7, 9, 8), "SAME", "NONE"),
    "valid_6x7x12":        ((1, 6, 7, 12), "VALID", "RELU"),
    "valid_odd_5x7x4":     ((1, 5, 7, 4), "VALID", "NONE"),
    "same_two_wide_5x2x4": ((1, 5, 2, 4), "SAME", "NONE"),
    "valid_two_wide_4x4x8": ((1, 4, 4, 8), "VALID", "RELU"),
    "same_three_wide_4x3x4": ((1, 4, 3, 4), "SAME", "RELU6"),
    "one_row_1x8x8":       ((1, 1, 8, 8), "SAME", "NONE"),
    "same_12x12x64":       ((1, 12, 12, 64), "SAME", "RELU6"),
    "same_ch128_4x5x128":  ((1, 4, 5, 128), "SAME", "NONE"),
    "same_ch256_3x3x256":  ((1, 3, 3, 256), "SAME", "RELU"),
    "batch2_same_5x6x8":   ((2, 5, 6, 8), "SAME", "NONE"),
}
INPLACE = ["same_6x6x16", "same_odd_7x9x8", "valid_6x7x12", "same_two_wide_5x2x4",
           "same_ch256_3x3x256"]


@pytest.fixture(autouse=True)
def image_kernel_for_every_size(monkeypatch):
    """The compiler offers the image kernel to layers with 4 outputs a row and more
    (conv2d.prefers_image); these tests want it on every shape it accepts."""
    monkeypatch.setattr(conv2d, "prefers_image", lambda args: True)


def _seeded(build, case_index: int, **compile_args):
    """The first seed whose random scales let the short requantization be proven exact (the
    SIMD kernels require it)."""
    for attempt in range(40):
        rng = np.random.default_rng(9000 + 100 * case_index + attempt)
        model = build(rng)
        compiled = mcugen.compile(model, kernels="simd", **compile_args)
        if CALL in compiled.files[f"{compiled.prefix}.c"]:
            return model
    raise AssertionError("no seed gave a layer the image kernel takes")


def image_everywhere(monkeypatch):
    """The planner's plan with every depthwise layer that has the image kernel as its roomy
    kernel given it, in place or not, as arena._widen_inplace and arena._widen_kernels do
    where the arena has room: on one-layer test models the room is rarely there."""
    real = arena.plan_memory

    def plan(graph, mode="auto", *args, **kwargs):
        found = real(graph, mode, *args, **kwargs)
        image = set()
        for op in graph.ops:
            key = "inplace_lowered" if op.index in found.inplace else "lowered"
            if getattr(op.params.get(key), "roomy_lowered", None) is not None:
                image.add(op.index)
        tricks = arena.Tricks(inplace_only=found.inplace, image=frozenset(image))
        return arena.plan_order(graph, found.order, tricks)
    monkeypatch.setattr(mcugen.api, "plan_memory", plan)


@pytest.fixture(autouse=True)
def image_kernel_where_offered(monkeypatch):
    image_everywhere(monkeypatch)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_out_of_place_bit_exact(case):
    in_shape, padding, activation = CASES[case]
    model = _seeded(lambda rng: depthwise_keeping_input(
        rng, in_shape, kernel=(3, 3), padding=padding, activation=activation, per_channel=True),
        list(CASES).index(case))
    compiled = assert_bit_exact(model, count=8, seed=3, kernels="simd")
    assert CALL in compiled.files[f"{compiled.prefix}.c"]


@pytest.mark.parametrize("case", INPLACE, ids=INPLACE)
def test_in_place_bit_exact(case):
    in_shape, padding, activation = CASES[case]
    model = _seeded(lambda rng: depthwise_alone(
        rng, in_shape, kernel=(3, 3), padding=padding, activation=activation, per_channel=True),
        list(CASES).index(case), memory="all")
    compiled = assert_bit_exact(model, count=8, seed=3, kernels="simd", memory="all")
    op = next(o for o in compiled.graph.ops if o.kind == "DEPTHWISE_CONV_2D")
    assert op.index in compiled.plan.inplace and op.index in compiled.plan.image
    text = compiled.files[f"{compiled.prefix}.c"]
    assert CALL in text and "mcu_dwconv2d_inplace_s8(" not in text
    output = compiled.plan.offsets[op.outputs[0]]
    assert f"{CALL}{compiled.prefix}_layer{op.index}_image, arena + {output}, arena + {output}," in text
    assert compiled.plan.scratch[op.index][1] == image_scratch_bytes(op.params["inplace_lowered"].args)


def one_wide_rows(monkeypatch):
    """Let the kernel take a layer with one output a row, as patch stages can hand it one (the
    compiler would not choose it): the assembly then runs the C loops."""
    real = dwconv2d_3x3.image_accepts
    monkeypatch.setattr(dwconv2d_3x3, "image_accepts", lambda args: real({**args, "out_w": 2}))
    return _seeded(lambda rng: depthwise_keeping_input(
        rng, (1, 5, 1, 8), kernel=(3, 3), padding="SAME", activation="RELU", per_channel=True), 99)


def test_rows_of_one_output(monkeypatch):
    compiled = assert_bit_exact(one_wide_rows(monkeypatch), count=8, seed=3, kernels="simd")
    assert CALL in compiled.files[f"{compiled.prefix}.c"]


def test_layer_image_function_emitted_with_its_constants():
    """The generated model defines the layer's image function once, with its channel count,
    image row length (MCU_DW3X3_ROW_LEN of its output width) and bounds as constants."""
    model = _seeded(lambda rng: depthwise_keeping_input(
        rng, (1, 6, 7, 12), kernel=(3, 3), padding="SAME", activation="RELU", per_channel=True),
        100)
    compiled = mcugen.compile(model, kernels="simd")
    text = compiled.files[f"{compiled.prefix}.c"]
    op = next(o for o in compiled.graph.ops if o.kind == "DEPTHWISE_CONV_2D")
    act_min = op.params["lowered"].args["act_min"]
    symbol = f"{compiled.prefix}_layer{op.index}_image"
    assert text.count(f"MCU_DWCONV2D_3X3_IMAGE_LAYER({symbol}, 12, 10, {act_min}, 127)") == 1
    assert f"{CALL}{symbol}, " in text


def test_what_it_accepts():
    base = dict(filter_h=3, filter_w=3, depth_multiplier=1, stride_h=1, stride_w=1,
                dilation_h=1, dilation_w=1, in_c=8, out_w=6)
    assert image_accepts(base)
    assert not image_accepts(dict(base, in_c=6))  # four channels at a time
    assert not image_accepts(dict(base, stride_w=2))
    assert not image_accepts(dict(base, stride_h=2))
    assert not image_accepts(dict(base, out_w=1))  # two outputs a row at least
    assert not image_accepts(dict(base, dilation_h=2))
    assert not image_accepts(dict(base, out_w=253))  # rows past the LDRD immediates
    assert image_accepts(dict(base, out_w=252))


def test_compiler_offers_it_from_four_outputs_a_row(monkeypatch):
    monkeypatch.undo()  # the compiler's own choice
    assert conv2d.prefers_image(dict(out_w=4))
    assert not conv2d.prefers_image(dict(out_w=3))  # short rows: the 4-channel kernel


def _depthwise_then(rng, out_c):
    """6x6x16 -> depthwise 3x3 -> 1x1 conv to out_c channels."""
    b = ModelBuilder()
    x = input_act(b, rng, (1, 6, 6, 16))
    y = conv_layer(b, rng, x, depthwise=True, per_channel=True)
    b.output(conv_layer(b, rng, y, out_c, kernel=(1, 1)).index)
    return b.build()


@pytest.mark.parametrize("memory", ["auto", "none"])
def test_compiler_takes_it_only_where_the_arena_has_room(monkeypatch, memory):
    """The image kernel's scratch (512 bytes here) may not grow the arena: after a depthwise
    layer whose input and output make the peak it is not taken; before a 1x1 layer to 128
    channels, whose 4,608-byte output makes a higher peak, it is. Bit-exact either way."""
    monkeypatch.undo()  # the compiler's own choice
    for out_c, taken in ((8, False), (128, True)):
        model = _seeded(lambda rng, out_c=out_c: _depthwise_then(rng, out_c), 200 + out_c, memory=memory) \
            if taken else _depthwise_then(np.random.default_rng(300), out_c)
        compiled = assert_bit_exact(model, count=4, seed=5, kernels="simd", memory=memory)
        op = next(o for o in compiled.graph.ops if o.kind == "DEPTHWISE_CONV_2D")
        assert (CALL in compiled.files[f"{compiled.prefix}.c"]) == taken
        assert (op.index in compiled.plan.image) == taken
        monkeypatch.setattr(conv2d, "prefers_image", lambda args: False)
        without = mcugen.compile(model, kernels="simd", memory=memory)
        monkeypatch.undo()
        assert compiled.plan.arena_bytes == without.plan.arena_bytes


def test_patch_stages_keep_the_other_kernels(monkeypatch):
    """Patched plans are made without the roomy kernels (their peak is the point): vww with
    patches has the same peak as when the image kernel is never offered."""
    from tests.planner.test_patches import shared
    monkeypatch.undo()
    model = shared("vww_96_int8").read_bytes()
    compiled = mcugen.compile(model, kernels="simd", patches="min")
    assert compiled.plan.patches and not compiled.plan.image
    monkeypatch.setattr(conv2d, "prefers_image", lambda args: False)
    without = mcugen.compile(model, kernels="simd", patches="min")
    assert compiled.plan.arena_bytes == without.plan.arena_bytes
    # out of patches, the same model has image kernels where the arena has room
    assert mcugen.compile(model, kernels="simd").plan.image


def test_summary_counts_the_kernel_that_runs(monkeypatch):
    """The compile summary's weight bytes are those of the arrays the generated model holds
    (the image kernel's stream, not the 4-channel kernel's it replaced), and its int16 bytes
    count no stream of a kernel that does not run."""
    monkeypatch.undo()  # the compiler's own choice
    model = _seeded(lambda rng: _depthwise_then(rng, 128), 328)
    compiled = mcugen.compile(model, kernels="simd")
    assert compiled.plan.image
    weights = compiled.files[f"{compiled.prefix}_weights.c"]
    assert f"({compiled.summary.weights_bytes} bytes)" in weights.splitlines()[1]
    monkeypatch.setattr(conv2d, "prefers_image", lambda args: False)
    other = mcugen.compile(model, kernels="simd")
    assert "mcu_dwconv2d_ch4_3x3_s8(" in other.files[f"{other.prefix}.c"]
    # the 4-channel kernel keeps an int16 stream beside the int8 filter; the image kernel not
    assert other.summary.wide_weights_bytes > compiled.summary.wide_weights_bytes
