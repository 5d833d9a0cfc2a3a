"""Patch halos and the patch stage's buffers, on a stage that stresses them: stride 2 with
SAME padding, dilation 2, a residual ADD whose first input a depthwise layer also reads (its
window is the union of a halo and a tile), and grids whose interior patches have halos on every
side.

- every patch window equals, row and column, the receptive field computed tap by tap (a
  window one row short, one row long or not the union of its readers' needs fails);
- every split and grid of the stage runs bit-exact against TFLM (host build, UBSan), its plan
  checked by tests/planner/test_tricks.py's independent arena simulation.
"""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.frontend import parse_tflite
from mcugen.passes import run_passes
from mcugen.planner.arena import Tricks, execution_orders
from mcugen.planner.patches import make_patches, plan_with_patches, stage_candidates
from tests.builder import ModelBuilder
from tests.ops.models import Act, conv_layer, fc_layer, input_act, pool_layer
from tests.planner.test_patches import assert_plan_bit_exact
from tests.planner.test_tricks import check_plan

GRIDS = [(2, 2), (3, 3), (2, 3), (4, 4)]


def residual_front(rng) -> bytes:
    """conv 3x3 s2 SAME, conv 3x3 SAME (A), depthwise 3x3 SAME dilation 2 (B), ADD(A, B),
    depthwise 3x3 s2 SAME, then a pooled head."""
    b = ModelBuilder()
    x = input_act(b, rng, (1, 23, 21, 3))
    h = conv_layer(b, rng, x, 8, kernel=(3, 3), stride=(2, 2), padding="SAME", activation="RELU")
    a = conv_layer(b, rng, h, 8, kernel=(3, 3), padding="SAME")
    d = conv_layer(b, rng, a, depthwise=True, kernel=(3, 3), padding="SAME", dilation=(2, 2))
    scale = float(a.scale + d.scale)
    t = b.tensor(d.shape, scale=scale, zero_point=5)
    b.op("ADD", [a.index, d.index], [t])
    h = conv_layer(b, rng, Act(t, d.shape, scale, 5), depthwise=True, kernel=(3, 3), stride=(2, 2),
                   padding="SAME")
    h = pool_layer(b, h, "AVERAGE_POOL_2D", (h.shape[1], h.shape[2]))
    b.output(fc_layer(b, rng, h, 5, depth=h.shape[3]).index)
    return b.build()


KINDS = ["CONV_2D", "CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "DEPTHWISE_CONV_2D"]


def stage_of(model: bytes, start: int = 0):
    """The longest stage from execution position `start` (0: from the graph input, which
    stays in the caller's buffer; 1: from the first layer's output, in the arena)."""
    graph = run_passes(parse_tflite(model))
    order = execution_orders(graph)[0]
    chain = stage_candidates(graph, order, start)[-1]
    assert [layer.kind for layer in chain] == KINDS[start:]
    return graph, order, chain


def receptive_rows(lo: int, hi: int, size: int, kernel: int, stride: int, dilation: int, pad: int):
    """[first, last + 1) of the input rows that output rows [lo, hi) read, tap by tap."""
    rows = [o * stride - pad + k * dilation for o in range(lo, hi) for k in range(kernel)]
    rows = [r for r in rows if 0 <= r < size]
    return min(rows), max(rows) + 1


def test_windows_are_exactly_the_receptive_field():
    _, _, chain = stage_of(residual_front(np.random.default_rng(7)))
    for grid in GRIDS:
        for patch in make_patches(chain, grid):
            want = {chain[-1].output: (patch.tile.y0, patch.tile.y1, patch.tile.x0, patch.tile.x1)}
            for layer in reversed(chain):
                y0, y1, x0, x1 = want[layer.output]
                for t in layer.inputs:
                    if layer.windowed:
                        need = (*receptive_rows(y0, y1, layer.in_h, layer.filter_h, layer.stride_h,
                                                layer.dilation_h, layer.pad_top),
                                *receptive_rows(x0, x1, layer.in_w, layer.filter_w, layer.stride_w,
                                                layer.dilation_w, layer.pad_left))
                    else:
                        need = (y0, y1, x0, x1)
                    if t in want:  # read by two layers: the bounding box of both needs
                        old = want[t]
                        need = (min(old[0], need[0]), max(old[1], need[1]),
                                min(old[2], need[2]), max(old[3], need[3]))
                    want[t] = need
            got = {t: (w.y0, w.y1, w.x0, w.x1) for t, w in patch.windows.items()}
            assert got == want, (grid, patch.tile)


@pytest.mark.parametrize("start,split", [(0, 2), (0, 5), (1, 3), (1, 4)])
def test_every_grid_of_a_residual_stage_is_bit_exact(start, split):
    """Stages from the graph input and from an arena tensor (whose bytes the patches read until
    the last one is pasted), through the ADD or to the end."""
    model = residual_front(np.random.default_rng(7))
    graph, order, chain = stage_of(model, start)
    tried = 0
    for grid in GRIDS:
        plan = plan_with_patches(graph, order, chain[:split], grid, Tricks())
        if plan is None:
            continue
        assert plan.patches[0].input_in_arena == (start > 0)
        check_plan(plan)
        assert_plan_bit_exact(plan, model, count=4)
        tried += 1
    assert tried >= 3
