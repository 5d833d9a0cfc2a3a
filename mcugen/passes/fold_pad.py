"""Fold PAD / PADV2 into the CONV_2D or DEPTHWISE_CONV_2D that reads it.

A conv reads its implicit padding as the input zero point (x + input_offset = 0), so a PAD
that fills with that same zero point, on the spatial axes only, and feeds one conv and
nothing else, is the same as a conv with a larger padding: the conv reads the PAD's input
and gets op.params["folded_pad"] = (top, bottom, left, right). The padded copy never
exists in SRAM. Anything else (pads on batch or channels, another pad value, a PAD read
twice) keeps its PAD kernel. Op indices are renumbered after the fold.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from mcugen.ir import Graph

FOLDABLE_INTO = ("CONV_2D", "DEPTHWISE_CONV_2D")


def _spatial_pads(graph: Graph, op) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) if op is a zero-point PAD of a 4-D tensor's H and W only."""
    if op.kind not in ("PAD", "PADV2") or len(op.inputs) < 2 or len(op.outputs) != 1:
        return None
    x, y = graph.tensor(op.inputs[0]), graph.tensors[op.outputs[0]]
    paddings = graph.tensor(op.inputs[1])
    if (x is None or paddings is None or not paddings.is_const or len(x.shape) != 4
            or x.dtype != "int8" or y.dtype != "int8" or x.quant is None or y.quant is None
            or x.qparams.per_channel or y.qparams.per_channel):
        return None
    if paddings.values.size != 8 or x.zero_point != y.zero_point or x.scale != y.scale:
        return None
    pads = [int(v) for v in np.asarray(paddings.data).reshape(-1)]
    if min(pads) < 0 or pads[0] or pads[1] or pads[6] or pads[7]:
        return None
    if op.kind == "PADV2" and len(op.inputs) > 2 and op.inputs[2] >= 0:
        value = graph.tensor(op.inputs[2])
        if (value is None or not value.is_const or value.values.size != 1
                or int(value.values.reshape(-1)[0]) != y.zero_point):
            return None
    return pads[2], pads[3], pads[4], pads[5]


def fold_pads(graph: Graph) -> Graph:
    readers: dict[int, list[int]] = {}
    for op in graph.ops:
        for t in op.inputs:
            readers.setdefault(t, []).append(op.index)
    folded, changed = set(), {}
    for op in graph.ops:
        pads = _spatial_pads(graph, op)
        if pads is None or op.outputs[0] in graph.outputs:
            continue
        users = readers.get(op.outputs[0], [])
        if len(users) != 1:
            continue
        conv = graph.ops[users[0]]
        if conv.kind not in FOLDABLE_INTO or conv.inputs[0] != op.outputs[0] or conv.index in changed:
            continue
        if conv.options.get("padding", "VALID") not in ("SAME", "VALID"):
            continue
        folded.add(op.index)
        changed[conv.index] = replace(conv, inputs=(op.inputs[0], *conv.inputs[1:]),
                                      params={**conv.params, "folded_pad": pads})
    if not folded:
        return graph
    ops = [changed.get(op.index, op) for op in graph.ops if op.index not in folded]
    return replace(graph, ops=tuple(replace(op, index=n) for n, op in enumerate(ops)))
