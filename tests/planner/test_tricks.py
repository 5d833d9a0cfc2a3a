"""Memory tricks of the planner: in-place depthwise, overlapping input/output buffers,
execution order. Each model is checked bit-exact against TFLM (host build with UBSan),
and every plan is checked by an independent simulation of the arena (check_plan)."""
from __future__ import annotations

import numpy as np
import pytest

import mcugen
from mcugen.frontend import load_tflite
from mcugen.passes import run_passes
from mcugen.planner import plan_memory
from tests.builder import ModelBuilder
from tests.helpers import SHARED_MODELS, assert_bit_exact
from tests.ops.models import conv_layer, fc_layer, input_act, pool_layer

# Layer-by-layer floor (largest set of live activations at any op), from issue 4.
FLOOR = {"kws_ref_model": 16_000, "vww_96_int8": 55_296, "pretrainedResnet_quant": 49_152,
         "person_detect": 55_296, "micro_speech_quantized": 5_968, "ad01_int8": 768}


def check_plan(plan) -> None:
    """No two buffers alive at one step share a byte, except an op's output with an input
    it is allowed to overlap (then the output lies below by the kernel's margin) or a
    depthwise conv run in place (same offset); scratch stays apart from everything."""
    from mcugen.planner.access import overlap_delta
    graph = plan.graph
    step = {index: n for n, index in enumerate(plan.order)}
    by_tensor = {t: b for b in plan.buffers for t in b.tensors}
    allowed = {}
    for index in plan.order:
        op = graph.ops[index]
        for position, t in enumerate(op.inputs):
            if t in by_tensor and index in plan.overlaps and t in plan.overlaps[index]:
                allowed[(by_tensor[t].tensors[0], by_tensor[op.outputs[0]].tensors[0])] = \
                    overlap_delta(graph, op, position)
        if index in plan.inplace:
            allowed[(by_tensor[op.inputs[0]].tensors[0], op.outputs[0])] = "same"
    for a in plan.buffers:
        assert a.offset % 16 == 0 and a.offset + a.size <= plan.arena_bytes
        for b in plan.buffers:
            if a is b or not a.overlaps_in_time(b):
                continue
            if a.offset + a.size <= b.offset or b.offset + b.size <= a.offset:
                continue
            key = (a.tensors[0] if a.tensors else None, b.tensors[0] if b.tensors else None)
            inp, out = (a, b) if key in allowed else (b, a)
            rule = allowed.get(key, allowed.get(key[::-1]))
            assert rule is not None, f"{a} and {b} share bytes while both alive"
            if rule == "same":
                assert inp.offset == out.offset
            else:
                assert out.offset - inp.offset <= rule, (inp, out, rule)
    assert set(step) == {op.index for op in graph.ops}


def plan_of(model) -> object:
    graph = run_passes(load_tflite(model) if not isinstance(model, bytes) else mcugen.frontend.parse_tflite(model))
    return plan_memory(graph)


def mobilenet_block(rng, shape=(1, 24, 24, 8), expand=6, stride=2, kernel=3):
    """Expand 1x1 -> depthwise -> project 1x1: the MobileNetV2 inverted bottleneck."""
    b = ModelBuilder()
    x = input_act(b, rng, shape)
    e = conv_layer(b, rng, x, shape[3] * expand, kernel=(1, 1), activation="RELU6")
    d = conv_layer(b, rng, e, depthwise=True, kernel=(kernel, kernel), stride=(stride, stride),
                   activation="RELU6")
    p = conv_layer(b, rng, d, shape[3], kernel=(1, 1))
    b.output(p.index)
    return b.build()


@pytest.mark.parametrize("stride,kernel,padding,dilation,channels", [
    (1, 3, "SAME", 1, 8), (2, 3, "SAME", 1, 16), (2, 3, "VALID", 1, 5), (1, 5, "SAME", 1, 3),
    (1, 3, "SAME", 2, 7), (2, 5, "VALID", 1, 1), (1, 1, "VALID", 1, 12)])
def test_depthwise_in_place_bit_exact(stride, kernel, padding, dilation, channels):
    rng = np.random.default_rng(500 + stride * 10 + kernel + channels)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 11, 13, channels))
    c = conv_layer(b, rng, x, channels, kernel=(1, 1), activation="RELU")
    d = conv_layer(b, rng, c, depthwise=True, kernel=(kernel, kernel), stride=(stride, stride),
                   padding=padding, dilation=(dilation, dilation), activation="RELU6")
    b.output(conv_layer(b, rng, d, 4, kernel=(1, 1)).index)
    model = b.build()
    compiled = assert_bit_exact(model, count=8, seed=3, memory="all", kernels="portable")
    assert compiled.plan.inplace == {1}, "the depthwise conv should run in place"
    assert "mcu_dwconv2d_inplace_s8" in compiled.files[f"{compiled.prefix}.c"]
    check_plan(compiled.plan)


def test_depthwise_not_in_place_when_input_lives_on():
    """x feeds the depthwise conv and a later ADD: x must survive, so no in-place."""
    rng = np.random.default_rng(7)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 8, 8, 4))
    c = conv_layer(b, rng, x, 4, kernel=(1, 1))
    d = conv_layer(b, rng, c, depthwise=True)
    y = b.output(b.tensor((1, 8, 8, 4), scale=float(c.scale + d.scale), zero_point=0))
    b.op("ADD", [c.index, d.index], [y])
    compiled = assert_bit_exact(b.build(), count=8, seed=3, memory="all", kernels="portable")
    assert not compiled.plan.inplace
    check_plan(compiled.plan)


@pytest.mark.parametrize("expand,stride", [(6, 2), (6, 1), (3, 2), (4, 1)])
def test_inverted_bottleneck_overlap_and_in_place(expand, stride):
    rng = np.random.default_rng(900 + expand * 10 + stride)
    compiled = assert_bit_exact(mobilenet_block(rng, expand=expand, stride=stride), count=8, seed=2,
                                kernels="portable", memory="all")
    plan = compiled.plan
    check_plan(plan)
    assert plan.inplace, plan.inplace
    assert plan.peaks["in place + overlap"] < plan.peaks["layer by layer"]
    assert plan.arena_bytes == plan.peaks["in place + overlap"]


@pytest.mark.parametrize("layer", ["pool_avg", "pool_max", "fc", "conv_s2", "add"])
def test_overlap_bit_exact(layer):
    """A chain whose every step can put its output over its consumed input."""
    rng = np.random.default_rng(1234 + len(layer))
    b = ModelBuilder()
    x = input_act(b, rng, (1, 16, 16, 8))
    h = conv_layer(b, rng, x, 16, kernel=(1, 1), activation="RELU")
    if layer.startswith("pool"):
        y = pool_layer(b, h, "AVERAGE_POOL_2D" if layer == "pool_avg" else "MAX_POOL_2D", (2, 2), stride=(2, 2))
    elif layer == "fc":
        y = fc_layer(b, rng, h, 16, depth=16)
    elif layer == "conv_s2":
        y = conv_layer(b, rng, h, 8, kernel=(3, 3), stride=(2, 2))
    else:
        g = conv_layer(b, rng, h, 16, kernel=(1, 1))
        t = b.tensor(g.shape, scale=float(h.scale + g.scale), zero_point=-2)
        b.op("ADD", [h.index, g.index], [t])
        y = type(g)(t, g.shape, float(h.scale + g.scale), -2)
    last = fc_layer(b, rng, y, 4) if layer == "fc" else conv_layer(b, rng, y, 4, kernel=(1, 1))
    b.output(last.index)
    compiled = assert_bit_exact(b.build(), count=8, seed=5, memory="all", kernels="portable")
    check_plan(compiled.plan)
    assert compiled.plan.overlaps, "expected at least one overlapping output"


def test_no_tricks_plan_is_layer_by_layer():
    rng = np.random.default_rng(3)
    graph = run_passes(mcugen.frontend.parse_tflite(mobilenet_block(rng)))
    plain = plan_memory(graph, "none")
    assert not plain.inplace and not plain.overlaps
    check_plan(plain)
    assert plan_memory(graph).arena_bytes < plain.arena_bytes


def shared(name):
    path = SHARED_MODELS / f"{name}.tflite"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


@pytest.mark.parametrize("name", sorted(FLOOR))
def test_shared_model_plans_are_valid_and_below_the_floor(name):
    plan = plan_of(shared(name))
    check_plan(plan)
    assert plan.peaks["layer by layer"] <= FLOOR[name]
    assert plan.arena_bytes <= plan.peaks["layer by layer"]


def test_tricks_lower_the_peak_of_mobilenets():
    """Measured: kws 16,000 -> 8,320; person 55,296 -> 37,440; vww 55,296 -> 46,080."""
    assert plan_of(shared("kws_ref_model")).arena_bytes < 0.6 * FLOOR["kws_ref_model"]
    assert plan_of(shared("person_detect")).arena_bytes < 0.7 * FLOOR["person_detect"]
    assert plan_of(shared("vww_96_int8")).arena_bytes < 0.85 * FLOOR["vww_96_int8"]


def test_auto_keeps_the_fast_depthwise_when_overlap_suffices():
    """vww: overlap alone reaches the in-place peak, so auto runs no depthwise in place
    (the in-place kernel is slower); kws needs in-place for its lowest peak."""
    vww = plan_of(shared("vww_96_int8"))
    assert not vww.inplace and vww.arena_bytes <= vww.peaks["in place + overlap"]
    kws = plan_of(shared("kws_ref_model"))
    assert kws.inplace and kws.arena_bytes == kws.peaks["in place + overlap"]


def test_in_place_plane_kernels_get_four_rings_where_the_peak_allows():
    """memory=auto gives an in-place plane depthwise kernel four rings (faster) only where
    its larger scratch leaves the arena as it was: vww gets them at the same peak; kws,
    whose peak they would raise, keeps one ring."""
    from mcugen.planner.arena import Tricks, plan_order

    vww = mcugen.compile(str(shared("vww_96_int8")), kernels="simd").plan
    assert vww.wide_inplace and vww.wide_inplace <= vww.inplace
    narrow = plan_order(vww.graph, vww.order, Tricks(inplace_only=vww.inplace))
    assert vww.arena_bytes == narrow.arena_bytes
    source = mcugen.compile(str(shared("vww_96_int8")), kernels="simd").files["vww_96_int8.c"]
    assert "mcu_dwconv2d_3x3_s8(" in source and ", 4, 1, " in source  # lanes 4, batch 1
    kws = mcugen.compile(str(shared("kws_ref_model")), kernels="simd").plan
    assert kws.inplace and not kws.wide_inplace
