"""What the memory planner decides: the Plan the renderer reads, and the Tricks it may use."""
from __future__ import annotations

from dataclasses import dataclass, field

from mcugen.ir import Graph
from mcugen.planner.buffers import Buffer


@dataclass(frozen=True)
class Tricks:
    """Which memory tricks the planner may use."""

    inplace: bool = True  # depthwise conv over its own input
    overlap: bool = True  # output over the consumed part of an input
    inplace_only: frozenset | None = None  # if set, in place only these ops
    wide_inplace: frozenset = frozenset()  # in-place kernels given their roomy variant
    image: frozenset = frozenset()  # ops given their roomy kernel (Lowered.roomy_lowered)


NO_TRICKS = Tricks(inplace=False, overlap=False)
ALL_TRICKS = Tricks()


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
