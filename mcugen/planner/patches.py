"""Patch-based inference (MCUNetV2): run the first layers of the network tile by tile.

The stage is a prefix of the execution order made of windowed layers (CONV_2D,
DEPTHWISE_CONV_2D, AVERAGE/MAX_POOL_2D) and same-shape ADDs (residual blocks), with one
input X (a graph input) and one tensor T leaving it. T is split into a grid of tiles; for
each tile the receptive field gives, op by op backwards, the window of every tensor of the
stage that the tile needs (halos included, clipped at the image border; a tensor read by
several ops gets the bounding box of their needs). Each patch copies its window of X into
a dense local buffer, runs every op on local buffers with local sizes and paddings (the
kernels are unchanged: a clipped border is real padding, an interior halo is real data,
so results are the same bits), and pastes its tile into T. Only T and small local
buffers exist, never the big intermediate tensors; the halos cost extra MACs, which the
search bounds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mcugen.ir import Graph
from mcugen.ops import spec_for
from mcugen.planner.buffers import (
    Buffer,
    extent,
    inplace_candidates,
    kernel_scratch,
    overlap_pairs,
    place_buffers,
    really_overlaps,
    roots,
    tensor_buffers,
)
from mcugen.planner.plan import Plan, Tricks

WINDOWED = ("CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D")
ELEMENTWISE = ("ADD",)
GEOMETRY = ("in_h", "in_w", "out_h", "out_w", "pad_top", "pad_left")
MAX_GRID = 8
DEFAULT_MAX_EXTRA_MACS = 0.20


@dataclass(frozen=True)
class Layer:
    """One op of the stage. Windowed ops carry their full geometry; ADD only its shape."""

    op: int
    kind: str
    inputs: tuple[int, ...]  # activation tensors read
    output: int
    in_h: int
    in_w: int
    in_c: int
    out_h: int
    out_w: int
    out_c: int
    filter_h: int = 1
    filter_w: int = 1
    stride_h: int = 1
    stride_w: int = 1
    dilation_h: int = 1
    dilation_w: int = 1
    pad_top: int = 0
    pad_left: int = 0
    macs: int = 0

    @property
    def windowed(self) -> bool:
        return self.kind in WINDOWED


@dataclass(frozen=True)
class Window:
    """Rows [y0, y1) x cols [x0, x1) of a tensor."""

    y0: int
    y1: int
    x0: int
    x1: int

    @property
    def h(self) -> int:
        return self.y1 - self.y0

    @property
    def w(self) -> int:
        return self.x1 - self.x0

    def union(self, other: Window | None) -> Window:
        if other is None:
            return self
        return Window(min(self.y0, other.y0), max(self.y1, other.y1),
                      min(self.x0, other.x0), max(self.x1, other.x1))


@dataclass(frozen=True)
class Patch:
    windows: dict  # tensor -> Window of it this patch holds
    local_args: dict  # op -> local args (windowed: geometry; ADD: size)
    tile: Window  # of T


@dataclass(frozen=True)
class PatchStage:
    layers: tuple[Layer, ...]
    grid: tuple[int, int]
    patches: tuple[Patch, ...]
    channels: dict  # tensor -> channels
    local_offsets: dict  # tensor -> arena offset of its local buffer
    crop_offsets: dict  # (op, input position) -> arena offset of the crop buffer
    scratch: dict  # op index -> (offset, bytes) of kernel scratch inside the stage
    input_tensor: int
    output_tensor: int
    input_in_arena: bool  # False: patches read the caller's input buffer, the arena has no copy
    macs: int  # MACs of the stage run patch by patch
    extra_macs: int  # over running it layer by layer

    @property
    def ops(self) -> tuple[int, ...]:
        return tuple(layer.op for layer in self.layers)


def _activations(graph: Graph, index: int) -> tuple[int, ...]:
    return tuple(t for t in graph.ops[index].inputs if t >= 0 and not graph.tensors[t].is_const)


def _layer(graph: Graph, index: int) -> Layer | None:
    op = graph.ops[index]
    inputs = _activations(graph, index)
    if op.kind not in WINDOWED + ELEMENTWISE or not inputs or len(op.outputs) != 1:
        return None
    x, y = graph.tensors[inputs[0]], graph.tensors[op.outputs[0]]
    if len(x.shape) != 4 or x.shape[0] != 1 or len(y.shape) != 4 or x.dtype != "int8":
        return None
    shape: dict[str, Any] = dict(op=index, kind=op.kind, inputs=inputs, output=op.outputs[0], in_h=x.shape[1],
                 in_w=x.shape[2], in_c=x.shape[3], out_h=y.shape[1], out_w=y.shape[2], out_c=y.shape[3])
    if op.kind in ELEMENTWISE:
        if len(inputs) != 2 or any(graph.tensors[t].shape != y.shape for t in inputs):
            return None
        if op.params["lowered"].function not in ("mcu_add_s8", "mcu_add_table_s8"):
            return None
        return Layer(**shape)
    if len(inputs) != 1:
        return None
    a = spec_for(op).lower(graph, op).args  # the portable lowering holds the full geometry
    return Layer(**shape, filter_h=a["filter_h"], filter_w=a["filter_w"], stride_h=a["stride_h"],
                 stride_w=a["stride_w"], dilation_h=a.get("dilation_h", 1),
                 dilation_w=a.get("dilation_w", 1), pad_top=a["pad_top"], pad_left=a["pad_left"],
                 macs=spec_for(op).macs(graph, op))


def stage_candidates(graph: Graph, order: tuple[int, ...], start: int = 0,
                     max_ops: int = 24) -> list[list[Layer]]:
    """Segments of `order` from position `start` that patches can run, as layer lists:
    one activation tensor in, one out, every op windowed or a same-shape ADD."""
    consumers: dict[int, list[int]] = {}
    for op in graph.ops:
        for t in op.inputs:
            consumers.setdefault(t, []).append(op.index)
    layers: list[Layer] = []
    stages = []
    for index in order[start:start + max_ops]:
        layer = _layer(graph, index)
        if layer is None:
            break
        layers.append(layer)
        produced = {layer.output for layer in layers}
        inside = {layer.op for layer in layers}
        outside_inputs = {t for layer in layers for t in layer.inputs if t not in produced}
        if len(outside_inputs) != 1:
            break
        escaping = [t for t in produced if t in graph.outputs
                    or any(c not in inside for c in consumers.get(t, []))]
        if escaping == [layer.output] and layer.out_h > 1:
            stages.append(list(layers))
    return stages


def _split(n: int, parts: int) -> list[tuple[int, int]]:
    edges = [n * i // parts for i in range(parts + 1)]
    return [(edges[i], edges[i + 1]) for i in range(parts)]


def _back(lo: int, hi: int, size: int, kernel: int, stride: int, dilation: int, pad: int) -> tuple[int, int]:
    """Input rows [a, b) needed for output rows [lo, hi) of a windowed layer."""
    return max(0, lo * stride - pad), min(size, (hi - 1) * stride - pad + (kernel - 1) * dilation + 1)


def make_patches(layers: list[Layer], grid: tuple[int, int]) -> list[Patch] | None:
    last = layers[-1]
    if grid[0] > last.out_h or grid[1] > last.out_w:
        return None
    patches = []
    for ty0, ty1 in _split(last.out_h, grid[0]):
        for tx0, tx1 in _split(last.out_w, grid[1]):
            tile = Window(ty0, ty1, tx0, tx1)
            windows = {last.output: tile}
            for layer in reversed(layers):
                out = windows.get(layer.output)
                if out is None:
                    return None  # a dead output inside the stage
                for t in layer.inputs:
                    if layer.windowed:
                        y0, y1 = _back(out.y0, out.y1, layer.in_h, layer.filter_h, layer.stride_h,
                                       layer.dilation_h, layer.pad_top)
                        x0, x1 = _back(out.x0, out.x1, layer.in_w, layer.filter_w, layer.stride_w,
                                       layer.dilation_w, layer.pad_left)
                        if y1 <= y0 or x1 <= x0:
                            return None  # a tile whose window is all padding
                        need = Window(y0, y1, x0, x1)
                    else:
                        need = out
                    windows[t] = need.union(windows.get(t))
            args = {}
            for layer in layers:
                out, win = windows[layer.output], windows[layer.inputs[0]]
                if layer.windowed:
                    args[layer.op] = dict(in_h=win.h, in_w=win.w, out_h=out.h, out_w=out.w,
                                          pad_top=layer.pad_top + win.y0 - out.y0 * layer.stride_h,
                                          pad_left=layer.pad_left + win.x0 - out.x0 * layer.stride_w)
                else:
                    args[layer.op] = dict(size=out.h * out.w * layer.out_c)
            patches.append(Patch(windows, args, tile))
    return patches


def _stage_macs(layers: list[Layer], patches: list[Patch]) -> int:
    total = 0
    for layer in layers:
        if layer.windowed:
            per_pixel = layer.macs // max(layer.out_h * layer.out_w, 1)
            total += sum(p.local_args[layer.op]["out_h"] * p.local_args[layer.op]["out_w"]
                         for p in patches) * per_pixel
    return total


def crops(layers: list[Layer], patches: list[Patch]) -> set:
    """(op, input position) of ADD inputs whose window is larger than the output's."""
    needed = set()
    for layer in layers:
        if layer.windowed:
            continue
        for position, t in enumerate(layer.inputs):
            if any(p.windows[t] != p.windows[layer.output] for p in patches):
                needed.add((layer.op, position))
    return needed


def _step_map(order: tuple[int, ...], stages: list[list[Layer]]) -> tuple[dict, list[tuple[int, int]]]:
    """Op -> step; a stage of k ops takes k + 2 steps (copy-in, its ops, paste).
    Also each stage's (copy-in step, paste step)."""
    first_of = {layers[0].op: layers for layers in stages}
    in_stage = {layer.op for layers in stages for layer in layers}
    steps, spans, step = {}, [], 0
    for index in order:
        if index in first_of:
            layers = first_of[index]
            spans.append((step, step + len(layers) + 1))
            for j, layer in enumerate(layers):
                steps[layer.op] = step + 1 + j
            step += len(layers) + 2
        elif index not in in_stage:
            steps[index] = step
            step += 1
    return steps, spans


def plan_with_stages(graph: Graph, order: tuple[int, ...], chosen: list[tuple[list[Layer], tuple[int, int]]],
                     tricks: Tricks) -> Plan | None:
    """Arena plan running each chosen segment (layers, grid) patch by patch."""
    made = []
    for layers, grid in chosen:
        patches = make_patches(layers, grid)
        if patches is None:
            return None
        made.append((layers, grid, patches))
    stages = [layers for layers, _ in chosen]
    steps, spans = _step_map(order, stages)
    end_step = max(steps.values(), default=-1) + 1
    stage_ops = {layer.op for layers in stages for layer in layers}
    root = roots(graph)
    inplace = inplace_candidates(graph, order) - stage_ops if tricks.inplace else frozenset()
    scratch_rest = {i: s for i, s in kernel_scratch(graph, order, inplace).items() if i not in stage_ops}
    buffers = tensor_buffers(graph, order, scratch_rest)
    pairs: dict = {}
    overlaps: dict = {}
    if tricks.overlap:
        pairs, overlaps = overlap_pairs(graph, order, buffers, root, inplace | stage_ops)
    position = {index: n for n, index in enumerate(order)}

    def moved(p: int) -> int:  # a step of the plain order -> a step of this plan
        if p < 0:
            return p
        if p >= len(order):
            return end_step
        return steps[order[p]]

    interior = {layer.output for layers in stages for layer in layers[:-1]}
    t_roots = {root.get(layers[-1].output, layers[-1].output): span[0] for layers, span in zip(stages, spans)}
    x_last: dict[int, int] = {}
    for layers, span in zip(stages, spans):
        x = root.get(layers[0].inputs[0], layers[0].inputs[0])
        x_last[x] = max(x_last.get(x, -1), span[1])
    # A graph input read by the first stage alone stays in the caller's buffer.
    first_x = stages[0][0].inputs[0] if stages else None
    first_root = root.get(first_x, first_x)
    readers = [op for op in graph.ops if any(root.get(t, t) == first_root for t in op.inputs)]
    caller_input = (first_x in graph.inputs and all(op.index in stage_ops for op in readers)
                    and first_root not in {root.get(t, t) for t in graph.outputs}
                    and position[stages[0][0].op] == min(position[layer.op] for layer in stages[0]))
    to_place = []
    for b in buffers:
        key = b.tensors[0] if b.tensors else None
        if key in interior:
            continue  # never materialized
        if key == first_root and caller_input:
            continue
        first, last = moved(b.first_op), moved(b.last_op)
        if b.scratch_of is not None:
            first = last = steps[b.scratch_of]
        if key in x_last:
            last = max(last, x_last[key])
        if key in t_roots:
            first = t_roots[key]
        to_place.append(Buffer(b.tensors, b.size, first, last, 0, b.scratch_of))
    infos: list[tuple] = []
    for (layers, grid, patches), span in zip(made, spans):
        x_t, t_t = layers[0].inputs[0], layers[-1].output
        channels = {x_t: layers[0].in_c, **{layer.output: layer.out_c for layer in layers}}
        for layer in layers:
            for t in layer.inputs:
                channels.setdefault(t, layer.in_c)
        produced_at = {x_t: span[0], **{layer.output: steps[layer.op] for layer in layers}}
        last_use: dict[int, int] = {}
        for layer in layers:
            for t in layer.inputs:
                last_use[t] = max(last_use.get(t, 0), steps[layer.op])
        last_use[t_t] = span[1]
        for t, first in produced_at.items():
            size = max(p.windows[t].h * p.windows[t].w for p in patches) * channels[t]
            to_place.append(Buffer((), size, first, last_use[t], 0, scratch_of=("local", len(infos), t)))
        crop_set = crops(layers, patches)
        for op, pos in sorted(crop_set):
            layer = next(layer for layer in layers if layer.op == op)
            size = max(p.windows[layer.output].h * p.windows[layer.output].w for p in patches) * layer.out_c
            to_place.append(Buffer((), size, steps[op], steps[op], 0, scratch_of=("crop", op, pos)))
        for layer in layers:
            size = spec_for(graph.ops[layer.op]).scratch_bytes(graph, graph.ops[layer.op])
            if size > 0:
                to_place.append(Buffer((), size, steps[layer.op], steps[layer.op], 0, scratch_of=("stage", layer.op)))
        infos.append((layers, grid, patches, channels, produced_at, crop_set))
    same = {(root.get(graph.ops[i].inputs[0], graph.ops[i].inputs[0]), graph.ops[i].outputs[0])
            for i in inplace}
    placed = place_buffers(to_place, pairs, same)
    offsets: dict[int, int | None] = {t: b.offset for b in placed for t in b.tensors}
    if caller_input:
        offsets.update({t: None for t in graph.inputs if root.get(t, t) == first_root})
    tagged = {b.scratch_of: b for b in placed if isinstance(b.scratch_of, tuple)}
    result = []
    for n, (layers, grid, patches, channels, produced_at, crop_set) in enumerate(infos):
        macs = _stage_macs(layers, patches)
        result.append(PatchStage(
            layers=tuple(layers), grid=grid, patches=tuple(patches), channels=channels,
            local_offsets={t: tagged[("local", n, t)].offset for t in produced_at},
            crop_offsets={(op, pos): tagged[("crop", op, pos)].offset for op, pos in crop_set},
            scratch={layer.op: (tagged[("stage", layer.op)].offset, tagged[("stage", layer.op)].size)
                     for layer in layers if ("stage", layer.op) in tagged},
            input_tensor=layers[0].inputs[0], output_tensor=layers[-1].output,
            input_in_arena=not (n == 0 and caller_input), macs=macs,
            extra_macs=macs - sum(layer.macs for layer in layers)))
    schedule = tuple(i for i in order if i not in stage_ops and not spec_for(graph.ops[i]).view)
    return Plan(graph=graph, buffers=tuple(placed), offsets=offsets, arena_bytes=extent(placed),
                schedule=schedule, scratch={b.scratch_of: (b.offset, b.size) for b in placed
                                            if isinstance(b.scratch_of, int)},
                inplace=inplace, order=order, patches=tuple(result), steps=steps,
                overlaps={i: ts for i, ts in overlaps.items() if really_overlaps(placed, root, graph, i, ts)})


def plan_with_patches(graph: Graph, order: tuple[int, ...], layers: list[Layer],
                      grid: tuple[int, int], tricks: Tricks) -> Plan | None:
    """One segment run patch by patch (see plan_with_stages)."""
    return plan_with_stages(graph, order, [(layers, grid)], tricks)


GRIDS = (2, 3, 4, 5, 6, 8)


def live_by_step(plan: Plan) -> dict[int, int]:
    """Arena bytes in use at each step of a plan (union of the live buffers)."""
    last = max((b.last_op for b in plan.buffers), default=0)
    used = {}
    for step in range(-1, last + 1):
        spans = sorted((b.offset, b.offset + b.size) for b in plan.buffers if b.first_op <= step <= b.last_op)
        total, end = 0, -1
        for lo, hi in spans:
            if hi > end:
                total += hi - max(lo, end)
                end = hi
        used[step] = total
    return used


def _estimate(graph: Graph, layers: list[Layer], patches: list[Patch], x_counted: bool) -> int:
    """Bytes a segment needs at its worst step: X (if in the arena), T, and the local
    buffers, crops and scratch alive at that step, without any sharing between them."""
    x_t, t_t = layers[0].inputs[0], layers[-1].output
    full = graph.tensors[t_t].nbytes + (graph.tensors[x_t].nbytes if x_counted else 0)
    size = {x_t: max(p.windows[x_t].h * p.windows[x_t].w for p in patches) * layers[0].in_c}
    for layer in layers:
        size[layer.output] = max(p.windows[layer.output].h * p.windows[layer.output].w for p in patches) * layer.out_c
    last_use = {t_t: len(layers)}
    for j, layer in enumerate(layers):
        for t in layer.inputs:
            last_use[t] = max(last_use.get(t, 0), j)
    born = {x_t: -1, **{layer.output: j for j, layer in enumerate(layers)}}
    worst = 0
    for j, layer in enumerate(layers):
        live = sum(size[t] for t in size if born[t] <= j <= last_use.get(t, j))
        live += spec_for(graph.ops[layer.op]).scratch_bytes(graph, graph.ops[layer.op])
        if not layer.windowed:
            live += sum(size[layer.output] for t in layer.inputs if size[t] != size[layer.output])
        worst = max(worst, live)
    return full + worst


def partition_patches(graph: Graph, order: tuple[int, ...], base: Plan, total_macs: int, tricks: Tricks,
                      max_extra: float = DEFAULT_MAX_EXTRA_MACS, budget: int | None = None) -> Plan | None:
    """Segments chosen together by dynamic programming over the execution order: for a
    target peak P, the fewest extra MACs that keep every plain step and every segment's
    estimated need under P; the smallest P within the MAC cap (or the budget) wins, and
    its plan is then placed for real."""
    live = live_by_step(base)
    steps = base.steps or {index: n for n, index in enumerate(order)}
    plain = [live.get(steps[i], 0) for i in order]
    x_first = order[0]
    segments = []  # (start, end, grid, estimate, extra, layers)
    for start in range(len(order)):
        for layers in stage_candidates(graph, order, start):
            x = layers[0].inputs[0]
            counted = not (start == 0 and x in graph.inputs and graph.ops[x_first].inputs[0] == x)
            for n in GRIDS:
                patches = make_patches(layers, (n, n))
                if patches is None:
                    continue
                extra = _stage_macs(layers, patches) - sum(layer.macs for layer in layers)
                segments.append((start, start + len(layers), n, _estimate(graph, layers, patches, counted),
                                 extra, layers))
    if not segments:
        return None
    cap = max_extra * total_macs if budget is None else float("inf")
    targets = sorted({s[3] for s in segments} | set(plain))
    if budget is not None:
        targets = [t for t in targets if t <= budget] or [budget]
    by_start: dict[int, list] = {}
    for seg in segments:
        by_start.setdefault(seg[0], []).append(seg)

    def solve(target: int):
        best = [float("inf")] * (len(order) + 1)
        back: list[tuple[int, Any] | None] = [None] * (len(order) + 1)
        best[0] = 0
        for i in range(len(order)):
            if best[i] == float("inf"):
                continue
            if plain[i] <= target and best[i] < best[i + 1]:
                best[i + 1], back[i + 1] = best[i], (i, None)
            for seg in by_start.get(i, []):
                if seg[3] <= target and best[i] + seg[4] < best[seg[1]]:
                    best[seg[1]], back[seg[1]] = best[i] + seg[4], (i, seg)
        if best[len(order)] == float("inf") or best[len(order)] > cap:
            return None
        chosen, at = [], len(order)
        while at > 0:
            i, seg = back[at]  # type: ignore[misc]  # every step back to 0 was reached
            if seg is not None:
                chosen.append((seg[5], (seg[2], seg[2])))
            at = i
        return chosen[::-1]

    lo, hi, found = 0, len(targets) - 1, None
    while lo <= hi:  # the smallest feasible target
        mid = (lo + hi) // 2
        chosen = solve(targets[mid])
        if chosen is not None:
            found, hi = chosen, mid - 1
        else:
            lo = mid + 1
    if not found:
        return None
    plan = plan_with_stages(graph, order, found, tricks)
    for seg in list(found)[::-1]:  # estimates are optimistic: drop segments that do not pay
        if len(found) == 1 or plan is None:
            break
        fewer = [s for s in found if s is not seg]
        trial = plan_with_stages(graph, order, fewer, tricks)
        if trial is not None and trial.arena_bytes <= plan.arena_bytes and (
                budget is None or trial.arena_bytes <= budget):
            found, plan = fewer, trial
    return plan
