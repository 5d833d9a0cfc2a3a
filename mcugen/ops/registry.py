"""The op registry: what the pipeline knows about an operator, keyed by its kind.

Adding an int8 op with a portable kernel touches seven places today: its module in
mcugen/ops registering an OpSpec, that module's import in mcugen/ops/__init__.py, a kernel
header in runtime_c/, its code-size estimate in api.CODE_BYTES_ESTIMATE (a missing entry
counts as 500 bytes without a word), a call template in templates/ops/, a test file in
tests/ops/, and the table of ops in README.md. Kernel records (issue 16) are to bring it to
five: module, kernel header, template, test, docs.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mcugen.errors import McugenError
from mcugen.ir import Graph, Op


@dataclass(frozen=True)
class ConstArray:
    """A constant array the lowered op needs in flash (weights, bias, multipliers)."""

    role: str  # short name used in the template: consts.filter
    ctype: str  # "int8_t", "int32_t"
    values: np.ndarray
    tensor: int | None = None  # model tensor it comes from (shared between ops), if any


@dataclass(frozen=True)
class Lowered:
    """What codegen needs for one op: template arguments computed in Python."""

    args: dict  # scalar template arguments (ints), already final
    consts: tuple[ConstArray, ...] = ()
    kernel: str = ""  # runtime_c header providing the kernel ("" for views)
    function: str = ""  # C function called (some ops pick a specialization)
    scratch_bytes: int = 0  # scratch the kernel needs while it runs (shared by all layers)
    # a faster variant where the planner has room for more scratch: its args (added to
    # args when rendered) and scratch; {} and 0 for kernels without one
    roomy_args: dict = field(default_factory=dict)
    roomy_scratch_bytes: int = 0
    # a faster kernel for the op where the planner has room for its scratch (its own
    # scratch_bytes; in place tried before the roomy args): the depthwise image kernel
    roomy_lowered: Lowered | None = None


@dataclass(frozen=True)
class OpSpec:
    kind: str
    check: Callable[[Graph, Op], None]  # raises McugenError for what we cannot compile
    lower: Callable[[Graph, Op], Lowered]
    template: str | None  # templates/ops/<template>.c.j2; None for views
    macs: Callable[[Graph, Op], int] = lambda graph, op: 0
    view: bool = False  # output is the same bytes as input 0 (RESHAPE, SQUEEZE)
    scratch_bytes: Callable[[Graph, Op], int] = lambda graph, op: 0
    extra: dict = field(default_factory=dict)


REGISTRY: dict[str, OpSpec] = {}


def register(spec: OpSpec) -> OpSpec:
    REGISTRY[spec.kind] = spec
    return spec


def spec_for(op: Op) -> OpSpec:
    """The registry entry for an op, or a McugenError naming the op and its index."""
    spec = REGISTRY.get(op.kind)
    if spec is None:
        raise McugenError(unsupported_message(op))
    return spec


def unsupported_message(op: Op, layer: str = "") -> str:
    """The one-line refusal of an op kind mcugen has no registry entry for."""
    where = f", layer '{layer}'" if layer else ""
    return (f"op {op.index} ({op.kind}{where}) is not supported yet by mcugen "
            f"(supported: {', '.join(sorted(REGISTRY))})")
