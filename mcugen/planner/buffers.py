"""Lifetimes and placement: the buffers of a memory plan and their offsets in one arena.

A buffer is a group of tensors sharing bytes (a tensor and its RESHAPE/SQUEEZE views, or a
depthwise conv run in place over its input), or one op's scratch. Time is the position
of an op in the execution order; a buffer is alive from the step that writes it to the
last step that reads it (graph inputs from before the first step, outputs past the last).

Two buffers alive at the same step may not share bytes, except an op's output and an
input that dies at that op when the kernel's access order allows it ("overlap"): the
output may then start `delta` bytes after the input's start, or lower (see
mcugen/planner/access.py). Placement is first fit in several orders (TFLM's greedy
largest-first among them), plus an exhaustive search for graphs of few buffers; the
smallest arena wins. Both the whole-tensor planner (arena.py) and the patch planner
(patches.py) place their buffers here.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from mcugen.ir import Graph
from mcugen.ops import spec_for
from mcugen.planner.access import inplace_depthwise, overlap_delta

ALIGNMENT = 16
EXHAUSTIVE_MAX_BUFFERS = 6  # 6! = 720 orders (x2 mirrored), on the best execution order only


@dataclass(frozen=True)
class Buffer:
    tensors: tuple[int, ...]  # tensor indices sharing these bytes (the first is the root); () for scratch
    size: int
    first_op: int  # step that writes it first; -1: a graph input, alive before the first step
    last_op: int  # step that reads it last; len(order): a graph output, alive after the last step
    offset: int = 0
    # op index whose kernel scratch this is; patch stages tag theirs with tuples
    scratch_of: int | tuple | None = None

    @property
    def key(self):
        return ("scratch", self.scratch_of) if self.scratch_of is not None else self.tensors[0]

    def overlaps_in_time(self, other: Buffer) -> bool:
        return self.first_op <= other.last_op and other.first_op <= self.last_op


def align(n: int) -> int:
    return (n + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT


def roots(graph: Graph) -> dict:
    """Tensor -> the tensor whose bytes it is (RESHAPE/SQUEEZE views)."""
    root: dict[int, int] = {}
    for op in graph.ops:
        if spec_for(op).view:
            root[op.outputs[0]] = root.get(op.inputs[0], op.inputs[0])
    return root


def tensor_buffers(graph: Graph, order: tuple[int, ...], scratch: dict) -> list[Buffer]:
    root = roots(graph)
    step = {index: position for position, index in enumerate(order)}
    members: dict[int, list[int]] = {}
    for tensor in graph.tensors:
        if not tensor.is_const:
            members.setdefault(root.get(tensor.index, tensor.index), []).append(tensor.index)
    first, last = {}, {}
    for t in graph.inputs:
        first[root.get(t, t)] = -1
    for index in order:
        op = graph.ops[index]
        for t in op.outputs:
            first.setdefault(root.get(t, t), step[index])
        for t in op.inputs:
            if t >= 0 and not graph.tensors[t].is_const:
                last[root.get(t, t)] = step[index]
    for t in graph.outputs:
        last[root.get(t, t)] = len(order)
    buffers = []
    for r, tensors in members.items():
        if r not in first:
            continue  # never written: an unused tensor
        size = max(graph.tensors[t].nbytes for t in tensors)
        ordered = (r, *(t for t in tensors if t != r))  # the root first: it is the key
        buffers.append(Buffer(ordered, size, first[r], last.get(r, first[r])))
    for index, size in scratch.items():
        buffers.append(Buffer((), size, step[index], step[index], scratch_of=index))
    return buffers


def inplace_candidates(graph: Graph, order: tuple[int, ...]) -> frozenset:
    """Depthwise convs (multiplier 1, one batch) whose input buffer dies at them."""
    root = roots(graph)
    step = {index: position for position, index in enumerate(order)}
    last = {}
    for index in order:
        for t in graph.ops[index].inputs:
            if t >= 0 and not graph.tensors[t].is_const:
                last[root.get(t, t)] = step[index]
    outputs = {root.get(t, t) for t in graph.outputs}
    chosen = set()
    for index in order:
        op = graph.ops[index]
        if not inplace_depthwise(graph, op):
            continue
        r = root.get(op.inputs[0], op.inputs[0])
        if last.get(r) == step[index] and r not in outputs:
            chosen.add(index)
    return frozenset(chosen)


@dataclass(frozen=True)
class _Pair:
    """out.offset - inp.offset <= delta lets the two buffers share bytes."""

    inp: object  # Buffer.key
    out: object
    delta: int


def _forbidden(buf: Buffer, other: Buffer, pairs: dict) -> tuple[int, int] | None:
    """Open interval (lo, hi) of offsets buf may not start at, given other placed."""
    lo, hi = other.offset - buf.size, other.offset + other.size
    delta = pairs.get((other.key, buf.key))
    if delta is not None:  # buf is the output: may start at other.offset + delta or lower
        lo = max(lo, other.offset + delta)
    delta = pairs.get((buf.key, other.key))
    if delta is not None:  # buf is the input: may start at other.offset - delta or higher
        hi = min(hi, other.offset - delta)
    return (lo, hi) if hi - lo >= 2 else None


def _forbidden_mirrored(buf: Buffer, other: Buffer, pairs: dict) -> tuple[int, int] | None:
    """As _forbidden, with offsets counted down from the arena's end (sizes aligned)."""
    lo, hi = other.offset - align(buf.size), other.offset + align(other.size)
    delta = pairs.get((other.key, buf.key))
    if delta is not None:  # buf is the output: real offset <= input's + delta
        hi = min(hi, other.offset + align(other.size) - align(buf.size) - delta)
    delta = pairs.get((buf.key, other.key))
    if delta is not None:  # buf is the input
        lo = max(lo, other.offset - align(buf.size) + align(other.size) + delta)
    return (lo, hi) if hi - lo >= 2 else None


def _groups(buffers: list[Buffer], same: frozenset | set) -> list[list[Buffer]]:
    """Buffers that must start at the same offset (in-place chains), as lists."""
    group = {b.key: [b] for b in buffers}
    for a, b in same:
        if group[a] is not group[b]:
            merged = group[a] + group[b]
            for member in merged:
                group[member.key] = merged
    seen, result = set(), []
    for b in buffers:
        if id(group[b.key]) not in seen:
            seen.add(id(group[b.key]))
            result.append(group[b.key])
    return result


def place(buffers: list[Buffer], pairs: dict, order_key, mirrored: bool = False,
           same: frozenset | set = frozenset()) -> list[Buffer]:
    """First fit: each buffer at the lowest aligned offset allowed for its whole lifetime.

    Mirrored, offsets grow down from the arena's end, so an output that may overlap its
    input from below is placed under it, and the result is flipped back at the end.
    Buffers of a `same` group (a depthwise conv in place) are placed together, at one
    real offset.
    """
    forbidden = _forbidden_mirrored if mirrored else _forbidden
    groups = _groups(sorted(buffers, key=order_key) if order_key else buffers, same)
    placed: list[Buffer] = []
    for group in groups:
        top = max(align(b.size) for b in group)
        shift = {b.key: (top - align(b.size) if mirrored else 0) for b in group}
        intervals = []
        for buf in group:
            for other in placed:
                if other.overlaps_in_time(buf):
                    iv = forbidden(buf, other, pairs)
                    if iv is not None:
                        intervals.append((iv[0] - shift[buf.key], iv[1] - shift[buf.key]))
        candidates = sorted({0, *(align(hi) for _, hi in intervals if hi > 0)})
        anchor = next(c for c in candidates if not any(lo < c < hi for lo, hi in intervals))
        placed += [Buffer(b.tensors, b.size, b.first_op, b.last_op, anchor + shift[b.key], b.scratch_of)
                   for b in group]
    if mirrored:
        end = max((b.offset + align(b.size) for b in placed), default=0)
        placed = [Buffer(b.tensors, b.size, b.first_op, b.last_op, end - b.offset - align(b.size),
                         b.scratch_of) for b in placed]
    return placed


def extent(placed: list[Buffer]) -> int:
    return align(max((b.offset + b.size for b in placed), default=0))


def _degree(buffers: list[Buffer]) -> dict:
    return {b.key: sum(1 for o in buffers if o is not b and o.overlaps_in_time(b)) for b in buffers}


def _orderings(buffers: list[Buffer]):
    degree = _degree(buffers)
    return (
        lambda b: (-b.size, b.first_op, str(b.key)),  # TFLM's greedy: largest first
        lambda b: (b.first_op, -b.size, str(b.key)),
        lambda b: (-(b.last_op - b.first_op), -b.size, str(b.key)),
        lambda b: (-b.size * (b.last_op - b.first_op + 1), str(b.key)),
        lambda b: (-degree[b.key], -b.size, str(b.key)),
    )


def place_buffers(buffers: list[Buffer], pairs: dict, same: frozenset | set = frozenset(),
                  exhaustive: bool = False) -> list[Buffer]:
    """The smallest of the heuristic orders, or of all orders for few buffers."""
    modes = (False, True) if pairs or same else (False,)
    candidates = [place(buffers, pairs, key, mirrored, same) for key in _orderings(buffers)
                  for mirrored in modes]
    if exhaustive and len(buffers) <= EXHAUSTIVE_MAX_BUFFERS:
        ordered = sorted(buffers, key=lambda b: str(b.key))
        candidates += [place(list(p), pairs, None, mirrored, same)
                       for p in itertools.permutations(ordered) for mirrored in modes]
    return min(candidates, key=extent)


def overlap_pairs(graph: Graph, order: tuple[int, ...], buffers: list[Buffer], root: dict,
           inplace: frozenset) -> tuple[dict, dict]:
    """Overlap permissions: {(input key, output key): delta}, and op -> overlapped inputs."""
    by_key = {b.key: b for b in buffers}
    step = {index: position for position, index in enumerate(order)}
    pairs: dict = {}
    overlaps: dict = {}
    for index in order:
        op = graph.ops[index]
        if spec_for(op).view or index in inplace:
            continue
        out_key = root.get(op.outputs[0], op.outputs[0])
        for position, t in enumerate(op.inputs):
            if t < 0 or graph.tensors[t].is_const:
                continue
            in_key = root.get(t, t)
            buf = by_key.get(in_key)
            if buf is None or buf.last_op != step[index] or in_key == out_key:
                continue
            delta = overlap_delta(graph, op, position)
            if delta is not None:
                pairs[(in_key, out_key)] = min(delta, pairs.get((in_key, out_key), delta))
                overlaps.setdefault(index, []).append(t)
    return pairs, overlaps


def kernel_scratch(graph: Graph, order: tuple[int, ...], inplace: frozenset,
             wide_inplace: frozenset = frozenset(), image: frozenset = frozenset()) -> dict:
    sizes = {}
    for index in order:
        op = graph.ops[index]
        size = spec_for(op).scratch_bytes(graph, op)
        lowered = op.params.get("lowered")
        if index not in inplace:
            if index in image:  # out of place, the roomy kernel (only ops that have one)
                size = max(size, lowered.roomy_lowered.scratch_bytes)  # type: ignore[union-attr]
            elif lowered is not None:  # out of place a kernel gets its roomy variant
                size = max(size, lowered.roomy_scratch_bytes)
        elif "inplace_lowered" in op.params:  # the SIMD kernel that runs it in place
            variant = op.params["inplace_lowered"]
            size = variant.scratch_bytes
            if index in image:
                size = max(size, variant.roomy_lowered.scratch_bytes)
            elif index in wide_inplace:
                size = max(size, variant.roomy_scratch_bytes)
        else:  # the portable in-place kernel's temporary
            y = graph.tensors[op.outputs[0]]
            size = max(size, y.shape[1] * y.shape[2])  # one output channel
        if size > 0:
            sizes[index] = size
    return sizes


def really_overlaps(placed, root, graph, index, tensors) -> list[int]:
    by_key = {b.key: b for b in placed}
    out_t = graph.ops[index].outputs[0]
    out = by_key[root.get(out_t, out_t)]
    hits = []
    for t in tensors:
        inp = by_key[root.get(t, t)]
        if out.offset < inp.offset + inp.size and inp.offset < out.offset + out.size:
            hits.append(t)
    return hits
