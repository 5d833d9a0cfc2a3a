"""Patch-based inference (MCUNetV2): run the first layers of the network tile by tile.

The stage is a chain of windowed layers at the start of the execution order (CONV_2D,
DEPTHWISE_CONV_2D, AVERAGE/MAX_POOL_2D, one batch). Its last output T is split into a
grid of tiles; for each tile the receptive field gives, layer by layer backwards, the
window of each intermediate tensor it needs (halo included, clipped at the image border).
Each patch copies its window of the stage input into a dense local buffer, runs every
layer on local buffers with local sizes and paddings (the kernels are unchanged: a
clipped border is real padding, an interior halo is real data, so results are the same
bits), and pastes its tile into T. Only T and the small local buffers exist, never the
big intermediate tensors; the halos cost extra MACs, which the search bounds.
"""
from __future__ import annotations

from dataclasses import dataclass

from mcugen.ir import Graph
from mcugen.ops import spec_for
from mcugen.planner.arena import (Buffer, Plan, Tricks, _buffers, _extent, _inplace_candidates, _pairs,
                                  _roots, _scratch, place_buffers)

WINDOWED = ("CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D")
GEOMETRY = ("in_h", "in_w", "out_h", "out_w", "pad_top", "pad_left")
MAX_GRID = 8
DEFAULT_MAX_EXTRA_MACS = 0.20


@dataclass(frozen=True)
class Layer:
    """One layer of the stage: full geometry from its lowered args."""

    op: int
    in_h: int
    in_w: int
    in_c: int
    out_h: int
    out_w: int
    out_c: int
    filter_h: int
    filter_w: int
    stride_h: int
    stride_w: int
    dilation_h: int
    dilation_w: int
    pad_top: int
    pad_left: int
    macs: int


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


@dataclass(frozen=True)
class Patch:
    windows: tuple[Window, ...]  # windows[j]: of layer j's input; windows[-1]: the tile of T
    local_args: tuple[dict, ...]  # per layer: in_h, in_w, out_h, out_w, pad_top, pad_left


@dataclass(frozen=True)
class PatchStage:
    layers: tuple[Layer, ...]
    grid: tuple[int, int]
    patches: tuple[Patch, ...]
    local_sizes: tuple[int, ...]  # bytes of local buffer j (input of layer j; last: the tile)
    local_offsets: tuple[int, ...]  # arena offsets of the local buffers
    scratch: dict  # op index -> (offset, bytes) of kernel scratch inside the stage
    input_tensor: int
    output_tensor: int
    input_in_arena: bool  # False: patches read the caller's input buffer, the arena has no copy
    macs: int  # MACs of the stage run patch by patch
    extra_macs: int  # over running it layer by layer

    @property
    def ops(self) -> tuple[int, ...]:
        return tuple(layer.op for layer in self.layers)


def _layer(graph: Graph, index: int) -> Layer | None:
    op = graph.ops[index]
    if op.kind not in WINDOWED:
        return None
    x, y = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    if len(x.shape) != 4 or x.shape[0] != 1 or len(y.shape) != 4:
        return None
    a = spec_for(op).lower(graph, op).args  # the portable lowering holds the full geometry
    return Layer(op=index, in_h=x.shape[1], in_w=x.shape[2], in_c=x.shape[3], out_h=y.shape[1],
                 out_w=y.shape[2], out_c=y.shape[3], filter_h=a["filter_h"], filter_w=a["filter_w"],
                 stride_h=a["stride_h"], stride_w=a["stride_w"], dilation_h=a.get("dilation_h", 1),
                 dilation_w=a.get("dilation_w", 1), pad_top=a["pad_top"], pad_left=a["pad_left"],
                 macs=spec_for(op).macs(graph, op))


def stage_candidates(graph: Graph, order: tuple[int, ...]) -> list[Layer]:
    """The longest chain of windowed layers at the start of `order` that patches can run."""
    uses: dict[int, int] = {}
    for op in graph.ops:
        for t in op.inputs:
            uses[t] = uses.get(t, 0) + 1
    chain: list[Layer] = []
    for index in order:
        op = graph.ops[index]
        if spec_for(op).view:
            break
        layer = _layer(graph, index)
        if layer is None:
            break
        if chain:
            previous = graph.ops[chain[-1].op].outputs[0]
            if op.inputs[0] != previous or uses.get(previous, 0) != 1 or previous in graph.outputs:
                break
        elif op.inputs[0] not in graph.inputs:
            break
        chain.append(layer)
    return chain


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
            windows, args = [Window(ty0, ty1, tx0, tx1)], []
            for layer in reversed(layers):
                out = windows[0]
                y0, y1 = _back(out.y0, out.y1, layer.in_h, layer.filter_h, layer.stride_h,
                               layer.dilation_h, layer.pad_top)
                x0, x1 = _back(out.x0, out.x1, layer.in_w, layer.filter_w, layer.stride_w,
                               layer.dilation_w, layer.pad_left)
                if y1 <= y0 or x1 <= x0:
                    return None  # an output row whose window is all padding: not worth it
                windows.insert(0, Window(y0, y1, x0, x1))
                args.insert(0, dict(in_h=y1 - y0, in_w=x1 - x0, out_h=out.h, out_w=out.w,
                                    pad_top=layer.pad_top + y0 - out.y0 * layer.stride_h,
                                    pad_left=layer.pad_left + x0 - out.x0 * layer.stride_w))
            patches.append(Patch(tuple(windows), tuple(args)))
    return patches


def _stage_macs(layers: list[Layer], patches: list[Patch]) -> int:
    total = 0
    for j, layer in enumerate(layers):
        per_pixel = layer.macs // max(layer.out_h * layer.out_w, 1)
        total += sum(p.local_args[j]["out_h"] * p.local_args[j]["out_w"] for p in patches) * per_pixel
    return total


def plan_with_patches(graph: Graph, order: tuple[int, ...], layers: list[Layer],
                      grid: tuple[int, int], tricks: Tricks) -> Plan | None:
    """Arena plan running layers (a prefix of order) patch by patch on a grid."""
    patches = make_patches(layers, grid)
    if patches is None:
        return None
    k = len(layers)
    stage_ops = {layer.op for layer in layers}
    first_op = graph.ops[layers[0].op]
    x_t, t_t = first_op.inputs[0], graph.ops[layers[-1].op].outputs[0]
    rest = tuple(i for i in order if i not in stage_ops)
    # The rest of the graph as usual, with the stage's output T as if produced at step 0.
    inplace = _inplace_candidates(graph, order) - stage_ops if tricks.inplace else frozenset()
    scratch_rest = {i: s for i, s in _scratch(graph, order, inplace).items() if i not in stage_ops}
    root = _roots(graph)
    buffers = _buffers(graph, order, scratch_rest)
    pairs = {}
    if tricks.overlap:
        pairs, _ = _pairs(graph, order, buffers, root, inplace | stage_ops)
        pairs = {(a, b): d for (a, b), d in pairs.items() if a != root.get(x_t, x_t)}
    shift = 2  # the stage takes k + 2 steps: copy-in, k layers, paste
    stage_tensors = {graph.ops[layer.op].outputs[0] for layer in layers[:-1]}

    def moved(step: int) -> int:
        return step if step < 0 else step + shift

    placed_input = []
    x_root, t_root = root.get(x_t, x_t), root.get(t_t, t_t)
    # A graph input read by the stage alone stays in the caller's buffer: no arena copy.
    readers = [op for op in graph.ops if any(root.get(t, t) == x_root for t in op.inputs)]
    input_in_arena = not (x_t in graph.inputs and len(readers) == 1 and x_root not in
                          {root.get(t, t) for t in graph.outputs})
    for b in buffers:
        if b.tensors and b.tensors[0] in stage_tensors:
            continue  # never materialized
        if b.tensors and b.tensors[0] == x_root and not input_in_arena:
            continue
        first, last = moved(b.first_op), moved(b.last_op)
        if b.tensors and b.tensors[0] == x_root:
            last = max(last, k + 1)
        if b.tensors and b.tensors[0] == t_root:
            first = 0
        placed_input.append(Buffer(b.tensors, b.size, first, last, 0, b.scratch_of))
    local_sizes = []
    for j in range(k + 1):
        channels = layers[j].in_c if j < k else layers[-1].out_c
        local_sizes.append(max(p.windows[j].h * p.windows[j].w for p in patches) * channels)
        placed_input.append(Buffer((), local_sizes[-1], j, j + 1, 0, scratch_of=("local", j)))
    for j, layer in enumerate(layers):
        size = spec_for(graph.ops[layer.op]).scratch_bytes(graph, graph.ops[layer.op])
        if size > 0:
            placed_input.append(Buffer((), size, j + 1, j + 1, 0, scratch_of=("stage", layer.op)))
    same = {(root.get(graph.ops[i].inputs[0], graph.ops[i].inputs[0]), graph.ops[i].outputs[0])
            for i in inplace}
    placed = place_buffers(placed_input, pairs, same)
    offsets = {t: b.offset for b in placed for t in b.tensors}
    if not input_in_arena:
        offsets.update({t: None for t in graph.inputs if root.get(t, t) == x_root})
    locals_ = {b.scratch_of[1]: b.offset for b in placed
               if isinstance(b.scratch_of, tuple) and b.scratch_of[0] == "local"}
    stage_scratch = {b.scratch_of[1]: (b.offset, b.size) for b in placed
                     if isinstance(b.scratch_of, tuple) and b.scratch_of[0] == "stage"}
    scratch = {b.scratch_of: (b.offset, b.size) for b in placed if isinstance(b.scratch_of, int)}
    macs = _stage_macs(layers, patches)
    stage = PatchStage(layers=tuple(layers), grid=grid, patches=tuple(patches),
                       local_sizes=tuple(local_sizes), local_offsets=tuple(locals_[j] for j in range(k + 1)),
                       scratch=stage_scratch, input_tensor=x_t, output_tensor=t_t,
                       input_in_arena=input_in_arena, macs=macs,
                       extra_macs=macs - sum(layer.macs for layer in layers))
    schedule = tuple(i for i in rest if not spec_for(graph.ops[i]).view)
    return Plan(graph=graph, buffers=tuple(placed), offsets=offsets, arena_bytes=_extent(placed),
                schedule=schedule, scratch=scratch, inplace=inplace, overlaps={}, order=order,
                patches=stage)


def search_patches(graph: Graph, order: tuple[int, ...], total_macs: int, tricks: Tricks,
                   max_extra: float = DEFAULT_MAX_EXTRA_MACS, budget: int | None = None) -> Plan | None:
    """Best split x grid: the smallest peak within max_extra extra MACs, or, with a
    budget, the fewest extra MACs whose peak fits it (None when nothing qualifies)."""
    chain = stage_candidates(graph, order)
    best, best_key = None, None
    for k in range(1, len(chain) + 1):
        for n in range(2, MAX_GRID + 1):
            plan = plan_with_patches(graph, order, chain[:k], (n, n), tricks)
            if plan is None:
                continue
            extra = plan.patches.extra_macs
            if budget is None:
                if extra > max_extra * total_macs:
                    continue
                key = (plan.arena_bytes, extra, k, n)
            else:
                if plan.arena_bytes > budget:
                    continue
                key = (extra, plan.arena_bytes, k, n)
            if best_key is None or key < best_key:
                best, best_key = plan, key
    return best
