"""Memory plan: one static arena, activation buffers and kernel scratch placed by lifetime.

A buffer is a group of tensors sharing bytes (a tensor and its RESHAPE/SQUEEZE views, or a
depthwise conv run in place over its input), or one op's scratch. Time is the position
of an op in the execution order; a buffer is alive from the step that writes it to the
last step that reads it (graph inputs from before the first step, outputs past the last).

Two buffers alive at the same step may not share bytes, except an op's output and an
input that dies at that op when the kernel's access order allows it ("overlap"): the
output may then start `delta` bytes after the input's start, or lower (see
mcugen/planner/access.py). Placement is first fit in several orders (TFLM's greedy
largest-first among them), plus an exhaustive search for graphs of few buffers; the
smallest arena wins.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

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


@dataclass(frozen=True)
class Tricks:
    """Which memory tricks the planner may use."""

    inplace: bool = True  # depthwise conv over its own input
    overlap: bool = True  # output over the consumed part of an input
    inplace_only: frozenset | None = None  # if set, in place only these ops
    wide_inplace: frozenset = frozenset()  # in-place kernels given their roomy variant
    image: frozenset = frozenset()  # ops given their roomy kernel (Lowered.roomy_lowered)


NO_TRICKS = Tricks(inplace=False, overlap=False)


@dataclass(frozen=True)
class Plan:
    graph: Graph
    buffers: tuple[Buffer, ...]
    offsets: dict  # tensor index -> byte offset in the arena
    arena_bytes: int
    schedule: tuple[int, ...]  # op indices that emit code, in execution order
    scratch: dict = field(default_factory=dict)  # op index -> (offset, bytes)
    inplace: frozenset = frozenset()  # depthwise ops run in place
    wide_inplace: frozenset = frozenset()  # of those, the ones given their roomy variant
    image: frozenset = frozenset()  # ops run by their roomy kernel, in place or not
    overlaps: dict = field(default_factory=dict)  # op index -> inputs whose bytes its output overlaps
    order: tuple[int, ...] = ()  # all op indices (views included) in execution order
    peaks: dict = field(default_factory=dict)  # "layer by layer", "in place + overlap", ... -> bytes
    patches: tuple = ()  # patches.PatchStage of each segment run patch by patch
    steps: dict = field(default_factory=dict)  # op index -> planner step (when patches change them)

    @property
    def peak_sram_bytes(self) -> int:
        return self.arena_bytes

    @property
    def code_ops(self) -> tuple[int, ...]:
        """Every op that emits code: the patch stage's layers, then the schedule."""
        return tuple(i for stage in self.patches for i in stage.ops) + self.schedule


def align(n: int) -> int:
    return (n + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT


# ----------------------------------------------------------------------- buffers
def _roots(graph: Graph) -> dict:
    """Tensor -> the tensor whose bytes it is (RESHAPE/SQUEEZE views)."""
    root: dict[int, int] = {}
    for op in graph.ops:
        if spec_for(op).view:
            root[op.outputs[0]] = root.get(op.inputs[0], op.inputs[0])
    return root


def _buffers(graph: Graph, order: tuple[int, ...], scratch: dict) -> list[Buffer]:
    root = _roots(graph)
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


def _inplace_candidates(graph: Graph, order: tuple[int, ...]) -> frozenset:
    """Depthwise convs (multiplier 1, one batch) whose input buffer dies at them."""
    root = _roots(graph)
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


# ----------------------------------------------------------------------- placement
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


def _place(buffers: list[Buffer], pairs: dict, order_key, mirrored: bool = False,
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


def _extent(placed: list[Buffer]) -> int:
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
    candidates = [_place(buffers, pairs, key, mirrored, same) for key in _orderings(buffers)
                  for mirrored in modes]
    if exhaustive and len(buffers) <= EXHAUSTIVE_MAX_BUFFERS:
        ordered = sorted(buffers, key=lambda b: str(b.key))
        candidates += [_place(list(p), pairs, None, mirrored, same)
                       for p in itertools.permutations(ordered) for mirrored in modes]
    return min(candidates, key=_extent)


# ----------------------------------------------------------------------- plan
def _pairs(graph: Graph, order: tuple[int, ...], buffers: list[Buffer], root: dict,
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


def _scratch(graph: Graph, order: tuple[int, ...], inplace: frozenset,
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


def plan_order(graph: Graph, order: tuple[int, ...], tricks: Tricks = Tricks(),
               exhaustive: bool = False) -> Plan:
    """Arena offsets for the ops run in `order` with the given tricks."""
    inplace = _inplace_candidates(graph, order) if tricks.inplace else frozenset()
    if tricks.inplace_only is not None:
        inplace &= tricks.inplace_only
    wide_inplace = tricks.wide_inplace & inplace
    image = frozenset(i for i in tricks.image if i in order)
    scratch_sizes = _scratch(graph, order, inplace, wide_inplace, image)
    buffers = _buffers(graph, order, scratch_sizes)
    root = _roots(graph)
    pairs, overlaps = _pairs(graph, order, buffers, root, inplace) if tricks.overlap else ({}, {})
    same = {(root.get(graph.ops[i].inputs[0], graph.ops[i].inputs[0]), graph.ops[i].outputs[0])
            for i in inplace}
    placed = place_buffers(buffers, pairs, same, exhaustive)
    placed.sort(key=lambda b: (b.first_op, str(b.key)))
    offsets = {t: b.offset for b in placed for t in b.tensors}
    scratch = {b.scratch_of: (b.offset, b.size) for b in placed if b.scratch_of is not None}
    used = {index: ts for index, ts in overlaps.items() if _really_overlaps(placed, root, graph, index, ts)}
    schedule = tuple(i for i in order if not spec_for(graph.ops[i]).view)
    return Plan(graph=graph, buffers=tuple(placed), offsets=offsets, arena_bytes=_extent(placed),
                schedule=schedule, scratch=scratch, inplace=inplace, wide_inplace=wide_inplace,
                image=image, overlaps=used, order=order)


def _really_overlaps(placed, root, graph, index, tensors) -> list[int]:
    by_key = {b.key: b for b in placed}
    out_t = graph.ops[index].outputs[0]
    out = by_key[root.get(out_t, out_t)]
    hits = []
    for t in tensors:
        inp = by_key[root.get(t, t)]
        if out.offset < inp.offset + inp.size and inp.offset < out.offset + out.size:
            hits.append(t)
    return hits


def execution_orders(graph: Graph, limit: int = 64) -> list[tuple[int, ...]]:
    """The file's order first, then other topological orders (branches), up to limit."""
    producers = {t: op.index for op in graph.ops for t in op.outputs}
    deps = {op.index: {producers[t] for t in op.inputs if t in producers} for op in graph.ops}
    orders: list[tuple[int, ...]] = [tuple(op.index for op in graph.ops)]

    def walk(done: list[int], remaining: set[int]) -> None:
        if len(orders) >= limit:
            return
        if not remaining:
            if tuple(done) not in orders:
                orders.append(tuple(done))
            return
        for index in sorted(remaining):
            if deps[index] <= set(done):
                done.append(index)
                remaining.remove(index)
                walk(done, remaining)
                remaining.add(index)
                done.pop()
                if len(orders) >= limit:
                    return

    walk([], {op.index for op in graph.ops})
    return orders


def _best_order(graph: Graph, orders: list, tricks: Tricks) -> Plan:
    """Heuristic placement over every order, then the exhaustive one on the best order."""
    best = min((plan_order(graph, o, tricks) for o in orders), key=lambda p: p.arena_bytes)
    exhaustive = plan_order(graph, best.order, tricks, exhaustive=True)
    return exhaustive if exhaustive.arena_bytes < best.arena_bytes else best


MEMORY_MODES = ("auto", "none", "all")
PATCH_MODES = ("auto", "off", "min")


def _fewest_inplace(graph: Graph, plan: Plan) -> Plan:
    """The plan with in-place depthwise only where it holds the peak down: each in-place op
    is tried out of place (same execution order) and stays out where the arena does not
    grow, since the out-of-place kernels are the faster ones."""
    kept = set(plan.inplace)
    for index in sorted(plan.inplace):
        trial = plan_order(graph, plan.order, Tricks(inplace_only=frozenset(kept - {index})))
        if trial.arena_bytes <= plan.arena_bytes:
            kept.discard(index)
            plan = trial
    return plan


def _widen(graph: Graph, plan: Plan, tricks: Tricks, candidates, field: str,
           keep=lambda trial, index: True) -> Plan:
    """The plan with each candidate op, in turn, added to the plan's set `field` ("image" or
    "wide_inplace": the ops given their roomy kernel or roomy args) where that does not grow
    the arena nor change which ops run in place, and `keep(trial, index)` agrees (tricks:
    those the plan was made with)."""
    for index in candidates:
        image, wide = plan.image, plan.wide_inplace
        if field == "image":
            image = image | {index}
        else:
            wide = wide | {index}
        trial = plan_order(graph, plan.order, replace(tricks, inplace_only=plan.inplace, image=image,
                                                      wide_inplace=wide))
        if (trial.inplace == plan.inplace and trial.arena_bytes <= plan.arena_bytes
                and keep(trial, index)):
            plan = trial
    return plan


def _widen_inplace(graph: Graph, plan: Plan) -> Plan:
    """The plan with the roomy variants of in-place kernels where their larger scratch does not
    grow the arena: first the roomy kernel (Lowered.roomy_lowered: the image kernel, which
    beats four rings wherever it fits: person 7.405M -> 7.374M instructions on M7 with op 5's
    image instead of ops 1 and 5's four rings), then for the others the roomy arguments
    (Lowered.roomy_args: the ring kernel's four rings; vww 8.53M -> 8.33M at the same 38,080
    bytes)."""
    variants = {i: graph.ops[i].params.get("inplace_lowered") for i in sorted(plan.inplace)}
    plan = _widen(graph, plan, Tricks(), [i for i, v in variants.items()
                                          if v is not None and v.roomy_lowered is not None], "image")
    return _widen(graph, plan, Tricks(), [i for i, v in variants.items()
                                          if v is not None and v.roomy_args and i not in plan.image],
                  "wide_inplace")


def _widen_kernels(graph: Graph, plan: Plan, tricks: Tricks) -> Plan:
    """The plan with the roomy kernel (Lowered.roomy_lowered: the depthwise image kernel) for
    each op run out of place whose kernel has one, where its scratch does not grow the arena
    (tricks: those the plan was made with). Patch stages are planned without them, since
    their peak is what they are for (vww with patches: 16,352 bytes; 17,568 with the image
    kernel on every layer it suits). Not where the output would overlap the input: that was
    proven for the other kernel's access order (access.PIXEL_ORDER), and the image kernel
    reads a whole channel group before writing."""
    lowered = {i: graph.ops[i].params.get("lowered") for i in plan.schedule if i not in plan.inplace}
    return _widen(graph, plan, tricks, [i for i, low in lowered.items()
                                        if low is not None and low.roomy_lowered is not None],
                  "image", keep=lambda trial, index: index not in trial.overlaps)


def plan_memory(graph: Graph, mode: str = "auto", patches: str = "off", budget: int | None = None,
                max_extra_macs: float = 0.20, total_macs: int | None = None) -> Plan:
    """The smallest arena over the execution orders tried, with the tricks of `mode`.

    mode none: layer by layer; all: in-place depthwise and overlap wherever they are legal;
    auto: overlap where it lowers the peak, in-place depthwise (a slower kernel) only where
    it lowers it further, and only for the ops that hold the peak down.
    patches off: never; min: the split and grid with the smallest peak within
    max_extra_macs (a fraction of total_macs); auto: only when the plan exceeds `budget`,
    then the fewest extra MACs that fit it. Plan.peaks records every figure computed.
    """
    if mode not in MEMORY_MODES:
        raise ValueError(f"memory mode {mode!r} is not one of {MEMORY_MODES}")
    if patches not in PATCH_MODES:
        raise ValueError(f"patch mode {patches!r} is not one of {PATCH_MODES}")
    orders = execution_orders(graph)
    plain = _best_order(graph, orders, NO_TRICKS)
    peaks = {"layer by layer": plain.arena_bytes}
    best, best_tricks = plain, NO_TRICKS  # the plan and the tricks it was made with
    tricks = NO_TRICKS if mode == "none" else Tricks()
    if mode != "none":
        tricked = _best_order(graph, orders, tricks)
        peaks["in place + overlap"] = tricked.arena_bytes
        if mode == "all":
            best, best_tricks = tricked, tricks
        else:
            # Overlap costs nothing; in-place depthwise runs a slower kernel (one channel at a
            # time), so it is used only where it lowers the peak further.
            overlap = _best_order(graph, orders, Tricks(inplace=False))
            for candidate in (overlap, tricked):
                if candidate.arena_bytes < best.arena_bytes:
                    best, best_tricks = candidate, Tricks()
            best = _fewest_inplace(graph, best)
            best = _widen_inplace(graph, best)
            if best is not plain:  # in place where it matters can beat in place everywhere
                peaks["in place + overlap"] = min(peaks["in place + overlap"], best.arena_bytes)
    best = _widen_kernels(graph, best, best_tricks)
    wanted = patches == "min" or (patches == "auto" and budget is not None and best.arena_bytes > budget)
    if wanted:
        macs = total_macs if total_macs is not None else sum(spec_for(op).macs(graph, op) for op in graph.ops)
        start = min((plan_order(graph, orders[0], tricks), best), key=lambda p: p.arena_bytes) \
            if best.order == orders[0] else plan_order(graph, orders[0], tricks)
        from mcugen.planner.patches import partition_patches
        limit = budget if patches == "auto" else None
        patched = partition_patches(graph, orders[0], start, macs, tricks, max_extra_macs, limit)
        if patched is not None and patched.arena_bytes < best.arena_bytes:
            peaks["patches"] = patched.arena_bytes
            best = patched
    return Plan(**{**best.__dict__, "peaks": peaks})
