"""The planner's lifetime and overlap rules, on layer shapes that stress them: every plan is
checked by a simulation of the arena that shares no code with the planner (lifetimes from the
execution order, byte ranges from the offsets), and every model bit-exact against TFLM:

- an expanding 1x1 layer (its output larger than its input: placed first by largest-first
  order, so the input is placed against it) and a padded 3x3 layer whose output may overlap
  its consumed input only by the margin its access order allows;
- a graph output that a later layer also reads, and one computed first and kept to the end;
- a depthwise layer whose input a residual ADD still reads (never in place);
- the SIMD kernels' scratch, alive exactly at its layer's step.
"""
from __future__ import annotations

import numpy as np
import pytest

from tests.builder import ModelBuilder
from tests.helpers import assert_bit_exact
from tests.ops.models import Act, conv_layer, input_act


def live_steps(plan) -> dict:
    """Arena byte range -> the steps at which it must hold its value, from the graph alone:
    a tensor from the step that writes it (graph inputs: before the first) to the last step
    that reads it (graph outputs: after the last); scratch at its op's step."""
    graph, order = plan.graph, plan.order
    step = {index: n for n, index in enumerate(order)}
    first, last = {}, {}
    for t in graph.inputs:
        first[t] = -1
    for index in order:
        op = graph.ops[index]
        for t in op.outputs:
            first.setdefault(t, step[index])
        for t in op.inputs:
            if t >= 0 and not graph.tensors[t].is_const:
                last[t] = max(last.get(t, -1), step[index])
    for t in graph.outputs:
        last[t] = len(order)
    ranges = {}
    for t, start in first.items():
        offset = plan.offsets.get(t)
        if offset is None:
            continue
        end = last.get(t, start)
        key = ("tensor", t)
        ranges[key] = (offset, offset + graph.tensors[t].nbytes, start, end)
    for index, (offset, size) in plan.scratch.items():
        ranges[("scratch", index)] = (offset, offset + size, step[index], step[index])
    return ranges


def allowed_pairs(plan) -> dict:
    """(input tensor, output tensor) -> "step" for the pairs that may share bytes at their one
    common step (a depthwise layer in place, an output the planner overlapped with an input
    dying there), "always" for a view and the tensor it views."""
    graph = plan.graph
    pairs = {}
    for index in plan.order:
        op = graph.ops[index]
        if op.kind in ("RESHAPE", "SQUEEZE"):
            pairs[(op.inputs[0], op.outputs[0])] = "always"
            continue
        if index in plan.inplace:
            pairs[(op.inputs[0], op.outputs[0])] = "step"
        for t in plan.overlaps.get(index, ()):
            pairs[(t, op.outputs[0])] = "step"
    return pairs


def check_lifetimes(plan) -> None:
    """No two ranges alive at a common step share a byte, except the allowed pairs (in place
    and overlapping ones only at the step where the input dies and the output is born)."""
    ranges = live_steps(plan)
    pairs = allowed_pairs(plan)
    items = sorted(ranges.items())
    for n, (a, (lo_a, hi_a, first_a, last_a)) in enumerate(items):
        assert lo_a % 16 == 0 and hi_a <= plan.arena_bytes, (a, lo_a, hi_a)
        for b, (lo_b, hi_b, first_b, last_b) in items[n + 1:]:
            if hi_a <= lo_b or hi_b <= lo_a or last_a < first_b or last_b < first_a:
                continue
            if a[0] == b[0] == "tensor":
                rule = pairs.get((a[1], b[1])) or pairs.get((b[1], a[1]))
                if rule == "always":
                    continue
                if rule == "step":
                    inp, out = (a, b) if (a[1], b[1]) in pairs else (b, a)
                    assert ranges[inp][3] == ranges[out][2], (inp, out)
                    continue
            pytest.fail(f"{a} and {b} share bytes [{max(lo_a, lo_b)}, {min(hi_a, hi_b)}) "
                        f"while both alive (steps {first_a}..{last_a}, {first_b}..{last_b})")


def check(model: bytes, **compile_args):
    compiled = assert_bit_exact(model, count=6, seed=7, **compile_args)
    check_lifetimes(compiled.plan)
    return compiled


def expand_chain(rng) -> bytes:
    """1x1 expansion 4 -> 24, a padded 3x3 24 -> 24, a 1x1 projection to 8."""
    b = ModelBuilder()
    x = input_act(b, rng, (1, 10, 10, 4))
    h = conv_layer(b, rng, x, 24, kernel=(1, 1), activation="RELU")
    h = conv_layer(b, rng, h, 24, kernel=(3, 3), padding="SAME", activation="RELU6")
    b.output(conv_layer(b, rng, h, 8, kernel=(1, 1)).index)
    return b.build()


@pytest.mark.parametrize("kernels", ["portable", "simd"])
@pytest.mark.parametrize("memory", ["none", "all"])
def test_expanding_and_padded_layers(memory, kernels):
    compiled = check(expand_chain(np.random.default_rng(41)), memory=memory, kernels=kernels)
    if memory == "all" and kernels == "portable":
        # the padded 3x3 layer's output overlaps its input: the margin is what is tested
        assert 1 in compiled.plan.overlaps
    if kernels == "simd":
        assert compiled.plan.scratch, "expected kernel scratch"


def test_padded_layer_overlap_margin_is_its_access_order():
    """The padded 3x3 layer reads input row oy - 1 for output row oy: its output may start
    at most (in_w + 2) pixels of output below its input's first unread byte."""
    from mcugen.frontend import parse_tflite
    from mcugen.passes import run_passes
    from mcugen.planner.access import overlap_delta
    graph = run_passes(parse_tflite(expand_chain(np.random.default_rng(41))))
    conv = graph.ops[1]
    # output pixel (1, 1) (the 12th) first reads input pixel (0, 0): 12 pixels of 24 bytes written
    assert overlap_delta(graph, conv, 0) == -(10 + 2) * 24


def test_graph_output_read_by_a_later_layer_lives_to_the_end():
    """Output 0 is also the next layer's input; the layers after that must not reuse it."""
    rng = np.random.default_rng(42)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 8, 8, 8))
    first = conv_layer(b, rng, x, 8, kernel=(1, 1))
    b.output(first.index)
    h = conv_layer(b, rng, first, 16, kernel=(1, 1), activation="RELU")
    h = conv_layer(b, rng, h, 16, kernel=(3, 3), padding="SAME")
    b.output(conv_layer(b, rng, h, 8, kernel=(1, 1)).index)
    for memory in ("none", "all"):
        check(b.build(), memory=memory, kernels="portable")


def test_output_computed_first_kept_to_the_end():
    rng = np.random.default_rng(43)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 8, 8, 8))
    b.output(conv_layer(b, rng, x, 4, kernel=(1, 1)).index)
    h = conv_layer(b, rng, x, 16, kernel=(1, 1), activation="RELU")
    h = conv_layer(b, rng, h, 16, kernel=(3, 3), padding="SAME")
    b.output(conv_layer(b, rng, h, 8, kernel=(1, 1)).index)
    check(b.build(), memory="all", kernels="portable")


@pytest.mark.parametrize("kernels", ["portable", "simd"])
def test_depthwise_whose_input_a_residual_add_reads(kernels):
    rng = np.random.default_rng(44)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 9, 9, 8))
    h = conv_layer(b, rng, x, 16, kernel=(1, 1), activation="RELU")
    d = conv_layer(b, rng, h, depthwise=True, kernel=(3, 3), padding="SAME")
    g = conv_layer(b, rng, d, 16, kernel=(1, 1))
    scale = float(h.scale + g.scale)
    t = b.tensor(g.shape, scale=scale, zero_point=-3)
    b.op("ADD", [h.index, g.index], [t])
    b.output(conv_layer(b, rng, Act(t, g.shape, scale, -3), 4, kernel=(1, 1)).index)
    compiled = check(b.build(), memory="all", kernels=kernels)
    depthwise = next(op.index for op in compiled.graph.ops if op.kind == "DEPTHWISE_CONV_2D")
    assert depthwise not in compiled.plan.inplace
