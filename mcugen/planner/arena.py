"""The whole-tensor memory plan, and plan_memory on top of it and of patches.py.

plan_order places the buffers of one execution order with the given tricks (buffers.py);
plan_memory tries the execution orders, the tricks of the memory mode, the kernels that
want more scratch where the arena has room, and patch-based inference (patches.py), and
keeps the smallest arena.
"""
from __future__ import annotations

from dataclasses import replace

from mcugen.ir import Graph
from mcugen.ops import spec_for
from mcugen.planner.buffers import (
    extent,
    inplace_candidates,
    kernel_scratch,
    overlap_pairs,
    place_buffers,
    really_overlaps,
    roots,
    tensor_buffers,
)
from mcugen.planner.patches import partition_patches
from mcugen.planner.plan import ALL_TRICKS, NO_TRICKS, Plan, Tricks

__all__ = ["MEMORY_MODES", "NO_TRICKS", "PATCH_MODES", "Plan", "Tricks", "execution_orders", "plan_memory",
           "plan_order"]


def plan_order(graph: Graph, order: tuple[int, ...], tricks: Tricks = ALL_TRICKS,
               exhaustive: bool = False) -> Plan:
    """Arena offsets for the ops run in `order` with the given tricks."""
    inplace = inplace_candidates(graph, order) if tricks.inplace else frozenset()
    if tricks.inplace_only is not None:
        inplace &= tricks.inplace_only
    wide_inplace = tricks.wide_inplace & inplace
    image = frozenset(i for i in tricks.image if i in order)
    scratch_sizes = kernel_scratch(graph, order, inplace, wide_inplace, image)
    buffers = tensor_buffers(graph, order, scratch_sizes)
    root = roots(graph)
    pairs, overlaps = overlap_pairs(graph, order, buffers, root, inplace) if tricks.overlap else ({}, {})
    same = {(root.get(graph.ops[i].inputs[0], graph.ops[i].inputs[0]), graph.ops[i].outputs[0])
            for i in inplace}
    placed = place_buffers(buffers, pairs, same, exhaustive)
    placed.sort(key=lambda b: (b.first_op, str(b.key)))
    offsets = {t: b.offset for b in placed for t in b.tensors}
    scratch = {b.scratch_of: (b.offset, b.size) for b in placed if b.scratch_of is not None}
    used = {index: ts for index, ts in overlaps.items() if really_overlaps(placed, root, graph, index, ts)}
    schedule = tuple(i for i in order if not spec_for(graph.ops[i]).view)
    return Plan(graph=graph, buffers=tuple(placed), offsets=offsets, arena_bytes=extent(placed),
                schedule=schedule, scratch=scratch, inplace=inplace, wide_inplace=wide_inplace,
                image=image, overlaps=used, order=order)


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
        limit = budget if patches == "auto" else None
        patched = partition_patches(graph, orders[0], start, macs, tricks, max_extra_macs, limit)
        if patched is not None and patched.arena_bytes < best.arena_bytes:
            peaks["patches"] = patched.arena_bytes
            best = patched
    return Plan(**{**best.__dict__, "peaks": peaks})
