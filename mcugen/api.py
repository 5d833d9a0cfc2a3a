"""The Python API: mcugen.compile(path, board=...) -> CompiledModel."""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mcugen.boards import Board, get_board
from mcugen.codegen import render_plan
from mcugen.codegen.render import CONST_BYTES, model_macs, running_lowered
from mcugen.errors import McugenError
from mcugen.frontend import load_tflite, parse_tflite
from mcugen.ir import Graph
from mcugen.passes import CONSTANT_CHANNEL_MODES, run_passes
from mcugen.passes.kernels import resolve_kernels, select_kernels
from mcugen.planner import Plan, plan_memory
from mcugen.planner.arena import MEMORY_MODES, PATCH_MODES
from mcugen.planner.patches import DEFAULT_MAX_EXTRA_MACS

# Rough Cortex-M code size of each kernel family at -O2 (thumb-2), plus per-layer call
# overhead; the real figure comes from arm-none-eabi-size once the firmware is built.
CODE_BYTES_ESTIMATE = {"mcu_conv2d_s8.h": 700, "mcu_dwconv2d_s8.h": 700, "mcu_fc_s8.h": 300,
                       "mcu_pool2d_s8.h": 700, "mcu_pool2d_ch4_s8.h": 400, "mcu_add_s8.h": 300,
                       "mcu_add_table_s8.h": 150, "mcu_softmax_s8.h": 1200,
                       "mcu_lut_s8.h": 100, "mcu_mul_s8.h": 300, "mcu_sub_s8.h": 400, "mcu_maxmin_s8.h": 300,
                       "mcu_prelu_s8.h": 400, "mcu_log_softmax_s8.h": 1400, "mcu_add_broadcast_s8.h": 400}
# data movement, MEAN, resize and the float interface (issue 6)
CODE_BYTES_ESTIMATE.update({"mcu_copy_s8.h": 250, "mcu_mean_s8.h": 300, "mcu_resize_s8.h": 500,
                            "mcu_quantize.h": 250})
CODE_BYTES_PER_LAYER = 64
# a layer's own specialized kernel function, by the macro that defines it (measured on the
# shared models' M7 builds: the assembly GEMM up to 16 groups unrolled, the 1x1 block around
# it, ...); others ~450
CODE_BYTES_PER_DEFINITION = {"MCU_GEMM_W16_LAYER": 650, "MCU_GEMM_W16_ONE": 450,
                             "MCU_CONV2D_1X1_W16_PAIRS_LAYER": 700, "MCU_FC_W16_LAYER": 450,
                             "MCU_CONV2D_1X1_W16_LAYER": 100, "MCU_DWCONV2D_3X3_LAYER": 600,
                             "MCU_DWCONV2D_3X3_IMAGE_LAYER": 450,
                             "MCU_ADD_TABLE_LAYER": 150}
CODE_BYTES_BASE = 256
_PREFIX_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PREFIX_MAX_CHARS = 64
# C keywords (C99 to C23, and GNU's asm): a prefix becomes the start of every symbol and
# file name, and `int_invoke` would compile, but `int.h` and `INT_...` invite confusion.
C_KEYWORDS = frozenset([
    "asm", "auto", "break", "case", "char", "const", "continue", "default", "do", "double",
    "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
    "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
    "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "alignas",
    "alignof", "bool", "constexpr", "false", "nullptr", "static_assert", "thread_local",
    "true", "typeof", "typeof_unqual",
])
# <prefix>.h beside the user's sources would shadow a standard header of that name for any
# file compiled with -I<folder> (the firmware harness, and most projects, use it).
C_HEADERS = frozenset([
    "assert", "complex", "ctype", "errno", "fenv", "float", "inttypes", "iso646", "limits",
    "locale", "math", "setjmp", "signal", "stdalign", "stdarg", "stdatomic", "stdbit",
    "stdbool", "stdckdint", "stddef", "stdint", "stdio", "stdlib", "stdnoreturn", "string",
    "tgmath", "threads", "time", "uchar", "wchar", "wctype", "arm_acle", "arm_neon",
    "arm_mve",
])


@dataclass
class Summary:
    ops: int
    layers: int
    macs: int
    peak_sram_bytes: int
    weights_bytes: int
    code_bytes_estimate: int
    extra_macs: int = 0  # halo recomputation of patch-based inference
    wide_weights_bytes: int = 0  # flash added by weights stored pre-extended to int16
    constant_macs: int = 0  # of macs, those in channels proven constant: not computed
    peaks: dict = field(default_factory=dict)  # peak SRAM without / with each trick
    patches: str = ""  # what runs patch by patch, if anything

    @property
    def flash_bytes(self) -> int:
        return self.weights_bytes + self.code_bytes_estimate


@dataclass
class CompiledModel:
    """A compiled model: its plan, its C files, and a host build on demand."""

    plan: Plan
    prefix: str
    files: dict[str, str]
    board: Board | None = None
    _host: object = field(default=None, repr=False)
    _tmp: object = field(default=None, repr=False)

    @property
    def graph(self) -> Graph:
        return self.plan.graph

    @property
    def summary(self) -> Summary:
        plan = self.plan
        kernels = {running_lowered(plan, i)[0].kernel for i in plan.code_ops}
        weights = _const_bytes(plan)
        stages = plan.patches
        calls = len(plan.schedule) + sum(len(st.patches) * (len(st.layers) + 2) for st in stages)
        # the per-layer functions the model defines (layers that would define the same ones
        # share them, codegen.render)
        defined = re.findall(r"^(MCU_\w+_(?:LAYER|ONE))\(", self.files[f"{self.prefix}.c"], re.M)
        code = (CODE_BYTES_BASE + CODE_BYTES_PER_LAYER * calls
                + sum(CODE_BYTES_PER_DEFINITION.get(d, 450) for d in defined)
                + sum(CODE_BYTES_ESTIMATE.get(k, 500) for k in kernels))
        described = "; ".join(
            f"ops {st.ops[0]}..{st.ops[-1]} on a {st.grid[0]}x{st.grid[1]} grid"
            + ("" if st.input_in_arena else " (input read from your buffer)") for st in stages)
        constant_macs = sum(op.params.get("constant_macs", 0) for op in self.graph.ops)
        return Summary(ops=len(self.graph.ops), layers=len(plan.code_ops),
                       macs=model_macs(plan.graph), constant_macs=constant_macs,
                       peak_sram_bytes=plan.peak_sram_bytes,
                       weights_bytes=weights, code_bytes_estimate=code,
                       wide_weights_bytes=_wide_weights_bytes(plan),
                       extra_macs=sum(st.extra_macs for st in stages), peaks=dict(plan.peaks),
                       patches=described)

    def write(self, folder: Path) -> list[Path]:
        """Write the generated files into folder (which the caller has checked)."""
        written = []
        for name, text in sorted(self.files.items()):
            path = Path(folder) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            written.append(path)
        return written

    def host(self, sanitize: bool = False):
        """The host build of the generated C, built once: loaded through cffi, or with
        sanitize=True built with -fsanitize=address,undefined and run in a child process."""
        if self._host is None:
            from mcugen.host import HostModel, build_host_library
            self._tmp = tempfile.TemporaryDirectory(prefix="mcugen-host-")
            folder = Path(self._tmp.name)
            self.write(folder)
            if sanitize:  # AddressSanitizer + UBSan: an executable in a child process
                from mcugen.host.runner import SanitizedHostModel, build_sanitized_runner
                self._host = SanitizedHostModel(build_sanitized_runner(folder, self.plan, self.prefix), self.plan)
            else:
                self._host = HostModel(build_host_library(folder, self.prefix), self.plan, self.prefix)
        return self._host

    def run(self, inputs) -> list[np.ndarray]:
        """Run one inference of the generated C on the host."""
        return self.host().run(inputs)


def _wide_weights_bytes(plan: Plan) -> int:
    """Flash the SIMD kernels' int16 weights add: what a GEMM or FC stream adds over int8
    weights (its args' wide_bytes), all of a stream kept beside them (role "wide": the
    4-channel depthwise kernel's 3x3 path)."""
    total = 0
    for i in plan.code_ops:
        lowered = running_lowered(plan, i)[0]
        if "wide_bytes" in lowered.args:  # an int16-weight GEMM stream (conv2d.gemm_stream)
            total += lowered.args["wide_bytes"]
            continue
        total += sum(c.values.size * 4 for c in lowered.consts if c.role == "wide")
    return total


def _const_bytes(plan: Plan) -> int:
    seen, total = set(), 0
    for index in plan.code_ops:
        for const in running_lowered(plan, index)[0].consts:
            key = const.tensor if const.tensor is not None else (index, const.role)
            if key not in seen:
                seen.add(key)
                total += const.values.size * CONST_BYTES[const.ctype]
    return total


def prefix_problem(prefix: str) -> str:
    """Why prefix cannot start the generated C symbols and file names, or ''."""
    if not _PREFIX_RE.fullmatch(prefix):
        return "is not a valid C identifier (letters, digits and _, not starting with a digit)"
    if len(prefix) > PREFIX_MAX_CHARS:
        return f"is {len(prefix)} characters long; at most {PREFIX_MAX_CHARS}"
    if prefix in C_KEYWORDS:
        return "is a C keyword"
    if prefix.startswith("__") or (prefix[0] == "_" and prefix[1:2].isupper()):
        return "is reserved by the C standard (starts with __ or _ and a capital)"
    if prefix.lower() in C_HEADERS:
        return f"would make {prefix}.h, the name of a standard C header"
    if prefix.lower().startswith("mcu_"):
        return "starts with mcu_, the namespace of mcugen's runtime kernels"
    return ""


def check_prefix(prefix: str) -> None:
    """Raise McugenError when prefix cannot be the symbol prefix (prefix_problem)."""
    problem = prefix_problem(prefix)
    if problem:
        shown = prefix if len(prefix) <= 40 and prefix.isprintable() else repr(prefix[:40])
        raise McugenError(f"prefix '{shown}' {problem}; pick another with --prefix")


def default_prefix(name: str) -> str:
    prefix = re.sub(r"[^0-9a-zA-Z_]", "_", name).lower().strip("_")[:PREFIX_MAX_CHARS] or "model"
    return prefix if not (prefix[0].isdigit() or prefix_problem(prefix)) else "m_" + prefix[:PREFIX_MAX_CHARS - 2]


def compile_graph(graph: Graph, board: str | Board | None = None, prefix: str | None = None,
                  check_fit: bool = True, kernels: str = "auto", memory: str = "auto",
                  patches: str = "auto", sram_budget: int | None = None,
                  max_extra_macs: float = DEFAULT_MAX_EXTRA_MACS, debug_guards: bool = False,
                  wide_weights: bool = True, constant_channels: str = "drop") -> CompiledModel:
    """Compile an IR graph: passes, kernel selection, memory plan, C rendering.

    kernels: "simd" (DSP-extension kernels; plain-C models of the instructions off target),
    "portable", or "auto" = "simd" unless the board has no DSP extension.
    memory: "auto" (in-place depthwise and overlapping buffers where they lower the peak),
    "all" (wherever legal) or "none" (layer by layer).
    patches: "auto" (patch-based inference only when the plan exceeds sram_budget, or the
    board's SRAM: then the fewest extra MACs that fit), "min" (the smallest peak within
    max_extra_macs, a fraction of the model's MACs) or "off".
    debug_guards: guard words around the arena, checked after each invoke (nonzero return).
    wide_weights: let the SIMD kernels store weights pre-extended to int16 (1x1, im2col, FC;
    an int16 copy for the 4-channel depthwise): twice their flash, fewer instructions;
    dropped anyway when the model would then not fit the board's flash.
    constant_channels: "drop" (channels proven to hold one value for every input are not
    computed, mcugen/passes/constant_channels.py) or "keep"."""
    prefix = default_prefix(graph.name) if prefix is None else prefix
    check_prefix(prefix)
    board = get_board(board) if isinstance(board, str) else board
    if constant_channels not in CONSTANT_CHANNEL_MODES:
        raise McugenError(f"constant channel mode '{constant_channels}' is not one of "
                          f"{', '.join(CONSTANT_CHANNEL_MODES)}")
    passed, kernel_set = run_passes(graph, constant_channels), resolve_kernels(kernels, board)
    lowered = select_kernels(passed, kernel_set, wide_weights)
    if board is not None and check_fit:
        check_tensors_fit(lowered, board)  # before planning, which costs time per element
    if memory not in MEMORY_MODES:
        raise McugenError(f"memory mode '{memory}' is not one of {', '.join(MEMORY_MODES)}")
    if patches not in PATCH_MODES:
        raise McugenError(f"patch mode '{patches}' is not one of {', '.join(PATCH_MODES)}")
    if sram_budget is not None and sram_budget <= 0:
        raise McugenError(f"SRAM budget {sram_budget} must be a positive number of bytes")
    if not 0 <= max_extra_macs <= 10:
        raise McugenError(f"max extra MACs {max_extra_macs:g} must be a fraction between 0 and 10")
    budget = sram_budget if sram_budget is not None else (
        board.sram_bytes if board is not None and check_fit else None)
    # max_extra_macs is a fraction of the model's MACs, constant channels included
    total_macs = model_macs(passed)
    plan = plan_memory(lowered, memory, patches, budget, max_extra_macs, total_macs)
    if sram_budget is not None and plan.peak_sram_bytes > sram_budget:
        raise McugenError(f"cannot meet the SRAM budget of {sram_budget:,} bytes: the best plan "
                          f"needs {plan.peak_sram_bytes:,} ({_tried(plan)})")
    model = CompiledModel(plan=plan, prefix=prefix, files=render_plan(plan, prefix, debug_guards),
                          board=board)
    if (board is not None and check_fit and model.summary.flash_bytes > board.flash_bytes
            and model.summary.wide_weights_bytes):
        # int16 pre-extended weights do not fit the flash: the int8 layout, same plan
        lowered = select_kernels(passed, kernel_set, wide_weights=False)
        plan = plan_memory(lowered, memory, patches, budget, max_extra_macs, total_macs)
        model = CompiledModel(plan=plan, prefix=prefix,
                              files=render_plan(plan, prefix, debug_guards), board=board)
    if board is not None and check_fit:
        check_fits(model.summary, board)
    return model


PATCH_SHRINK_LIMIT = 64


def _tried(plan: Plan) -> str:
    return ", ".join(f"{name} {value:,}" for name, value in plan.peaks.items())


def check_tensors_fit(graph: Graph, board: Board) -> None:
    """Refuse tensors far beyond the board before planning (which costs time per element)."""
    activations = [t for t in graph.tensors if not t.is_const]
    largest = max(activations, key=lambda t: t.nbytes, default=None)
    # Patch-based inference never materializes the big early tensors, but it cannot shrink
    # one by more than its grid (at most 8x8 tiles) allows.
    if largest is not None and largest.nbytes > PATCH_SHRINK_LIMIT * board.sram_bytes:
        raise McugenError(f"does not fit {board.name}: tensor '{largest.name}' alone needs "
                          f"{largest.nbytes:,} bytes of SRAM, the board has {board.sram_bytes:,}")


def check_fits(summary: Summary, board: Board) -> None:
    """Raise McugenError with the numbers when the model is too big for the board."""
    if summary.peak_sram_bytes > board.sram_bytes:
        tried = ", ".join(f"{name} {value:,}" for name, value in summary.peaks.items())
        raise McugenError(f"does not fit {board.name}: needs {summary.peak_sram_bytes:,} bytes of SRAM, "
                          f"the board has {board.sram_bytes:,} (peaks tried: {tried})")
    if summary.flash_bytes > board.flash_bytes:
        raise McugenError(f"does not fit {board.name}: needs about {summary.flash_bytes:,} bytes of flash "
                          f"({summary.weights_bytes:,} weights + ~{summary.code_bytes_estimate:,} code), "
                          f"the board has {board.flash_bytes:,}")


def compile(model, board: str | Board | None = None, prefix: str | None = None,
            check_fit: bool = True, kernels: str = "auto", memory: str = "auto",
            patches: str = "auto", sram_budget: int | None = None,
            max_extra_macs: float = DEFAULT_MAX_EXTRA_MACS, debug_guards: bool = False,
            wide_weights: bool = True, constant_channels: str = "drop") -> CompiledModel:
    """Compile a .tflite file (path) or its bytes into C; see CompiledModel."""
    if isinstance(model, (bytes, bytearray)):
        graph = parse_tflite(bytes(model))
    else:
        graph = load_tflite(model)
    return compile_graph(graph, board=board, prefix=prefix, check_fit=check_fit, kernels=kernels,
                         memory=memory, patches=patches, sram_budget=sram_budget,
                         max_extra_macs=max_extra_macs, debug_guards=debug_guards,
                         wide_weights=wide_weights, constant_channels=constant_channels)
