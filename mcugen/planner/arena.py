"""Memory plan v1: one static arena, activation buffers placed by lifetime.

A buffer is a group of tensors sharing bytes (a tensor and its RESHAPE/SQUEEZE views).
Placement is first fit (lowest offset that does not clash with a buffer alive at the same
time) in several orders, TFLM's greedy largest-first among them, keeping the smallest.
"""
from __future__ import annotations

from dataclasses import dataclass

from mcugen.ir import Graph
from mcugen.ops import spec_for

ALIGNMENT = 16


@dataclass(frozen=True)
class Buffer:
    tensors: tuple[int, ...]  # tensor indices sharing these bytes; the first is the root
    size: int
    first_op: int  # -1: a graph input, alive before the first op
    last_op: int  # len(ops): a graph output, alive after the last op
    offset: int = 0

    def overlaps_in_time(self, other: "Buffer") -> bool:
        return self.first_op <= other.last_op and other.first_op <= self.last_op


@dataclass(frozen=True)
class Plan:
    graph: Graph
    buffers: tuple[Buffer, ...]
    offsets: dict  # tensor index -> byte offset in the arena
    arena_bytes: int
    schedule: tuple[int, ...]  # op indices that emit code, in order

    @property
    def peak_sram_bytes(self) -> int:
        return self.arena_bytes


def _align(n: int) -> int:
    return (n + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT


def _buffers(graph: Graph) -> list[Buffer]:
    root = {}
    for op in graph.ops:
        if spec_for(op).view:
            root[op.outputs[0]] = root.get(op.inputs[0], op.inputs[0])
    members: dict[int, list[int]] = {}
    for tensor in graph.tensors:
        if not tensor.is_const:
            members.setdefault(root.get(tensor.index, tensor.index), []).append(tensor.index)
    first, last = {}, {}
    for t in graph.inputs:
        first[root.get(t, t)] = -1
    for op in graph.ops:
        for t in op.outputs:
            first.setdefault(root.get(t, t), op.index)
        for t in op.inputs:
            if t >= 0 and not graph.tensors[t].is_const:
                last[root.get(t, t)] = op.index
    for t in graph.outputs:
        last[root.get(t, t)] = len(graph.ops)
    buffers = []
    for r, tensors in members.items():
        if r not in first:
            continue  # never written: an unused tensor
        size = max(graph.tensors[t].nbytes for t in tensors)
        buffers.append(Buffer(tuple(tensors), size, first[r], last.get(r, first[r])))
    return buffers


# Placement orders tried; the first is TFLM's (largest first), so the best is never worse.
ORDERINGS = (
    lambda b: (-b.size, b.first_op, b.tensors[0]),
    lambda b: (b.first_op, -b.size, b.tensors[0]),
    lambda b: (-(b.last_op - b.first_op), -b.size, b.tensors[0]),
    lambda b: (-b.size * (b.last_op - b.first_op + 1), b.tensors[0]),
)


def _place(buffers: list[Buffer], order) -> list[Buffer]:
    """First fit: each buffer at the lowest aligned offset free for its whole lifetime."""
    placed: list[Buffer] = []
    for buf in sorted(buffers, key=order):
        offset = 0
        for other in sorted((p for p in placed if p.overlaps_in_time(buf)), key=lambda p: p.offset):
            if offset + buf.size <= other.offset:
                break
            offset = max(offset, _align(other.offset + other.size))
        placed.append(Buffer(buf.tensors, buf.size, buf.first_op, buf.last_op, offset))
    return placed


def _extent(placed: list[Buffer]) -> int:
    return _align(max((b.offset + b.size for b in placed), default=0))


def plan_memory(graph: Graph) -> Plan:
    """Lifetimes and arena offsets for every activation tensor (best of several orders)."""
    buffers = _buffers(graph)
    placed = min((_place(buffers, order) for order in ORDERINGS), key=_extent)
    placed.sort(key=lambda b: (b.first_op, b.tensors[0]))
    offsets = {t: b.offset for b in placed for t in b.tensors}
    arena = _extent(placed)
    schedule = tuple(op.index for op in graph.ops if not spec_for(op).view)
    return Plan(graph=graph, buffers=tuple(placed), offsets=offsets, arena_bytes=arena,
                schedule=schedule)
