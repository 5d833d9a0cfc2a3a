"""Render a Plan into C: {prefix}.h, {prefix}.c, {prefix}_weights.c and runtime/ kernels.

All numbers are formatted here; the templates only place them. Same plan, same text.
"""
from __future__ import annotations

import functools
import re
from dataclasses import replace

import jinja2
import numpy as np

from mcugen import __version__
from mcugen.ir import Graph
from mcugen.ops import spec_for
from mcugen.paths import RUNTIME_C, TEMPLATES
from mcugen.planner import Plan
from mcugen.planner.patches import GEOMETRY

_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), trim_blocks=True,
                          lstrip_blocks=True, keep_trailing_newline=True,
                          undefined=jinja2.StrictUndefined)
VALUES_PER_LINE = 16
# op kind -> (template, kernel header) of its in-place variant
INPLACE_VARIANT = {"DEPTHWISE_CONV_2D": ("dwconv2d_inplace", "mcu_dwconv2d_inplace_s8.h")}
_INCLUDE = re.compile(r'^#include "([^"]+)"', re.M)


def c_int(value: int) -> str:
    """An int32 as a C literal (INT32_MIN cannot be written as a negative literal)."""
    value = int(value)
    return "(-2147483647 - 1)" if value == -(1 << 31) else str(value)


def c_float(value: float) -> str:
    return repr(float(np.float32(value)))


def _const_lines(values: np.ndarray) -> list[str]:
    flat = [c_int(v) for v in values.reshape(-1)]
    return [", ".join(flat[i:i + VALUES_PER_LINE]) + ","
            for i in range(0, len(flat), VALUES_PER_LINE)]


# C type of each graph input/output dtype: int8, int16, or float32 at a QUANTIZE/DEQUANTIZE interface
IO_CTYPES = {"int8": "int8_t", "int16": "int16_t", "float32": "float"}
CONST_BYTES = {"int8_t": 1, "int16_t": 2, "int32_t": 4, "int64_t": 8, "float": 4}  # flash bytes per value


def _io(plan: Plan, tensor_index: int, kind: str, position: int, prefix: str) -> dict:
    t = plan.graph.tensors[tensor_index]
    quantized = t.dtype in ("int8", "int16")
    return dict(kind=kind, position=position, name=t.name, arg=f"{kind}{position}",
                macro=f"{prefix.upper()}_{kind.upper()}{position}", size=t.size, nbytes=t.nbytes,
                ctype=IO_CTYPES[t.dtype], dtype=t.dtype, quantized=quantized,
                rank=len(t.shape), dims=", ".join(str(d) for d in t.shape),
                shape_text="x".join(str(d) for d in t.shape),
                scale=c_float(t.scale) if quantized else "", zero_point=t.zero_point if quantized else 0,
                offset=plan.offsets[tensor_index])


@functools.cache
def _has_template(name: str) -> bool:
    """Whether templates/<name> exists (an op's optional per-layer definitions)."""
    return (TEMPLATES / name).is_file()


def kernel_files(headers: set[str]) -> list[str]:
    """The runtime_c headers needed, following their #include lines."""
    needed, todo = set(), list(headers)
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        todo.extend(_INCLUDE.findall((RUNTIME_C / name).read_text()))
    return sorted(needed)


def running_lowered(plan: Plan, index: int):
    """The Lowered that runs op `index` outside patch stages in this plan, and the roomy args
    it gets (or None): the op's kernel, its roomy kernel or args where the planner gave them
    room, its in-place SIMD kernel, or the portable kernel for the in-place variant, which
    takes the portable layout and args."""
    op = plan.graph.ops[index]
    lowered = op.params["lowered"]
    if index not in plan.inplace:
        if index in plan.image:  # arena._widen_kernels gave it room
            return lowered.roomy_lowered, None
        return lowered, lowered.roomy_args or None  # buffers.kernel_scratch gave it room
    if "inplace_lowered" in op.params:  # a SIMD kernel that writes over its input
        variant = op.params["inplace_lowered"]
        if index in plan.image:  # arena._widen_inplace gave it room
            return variant.roomy_lowered, None
        return variant, variant.roomy_args if index in plan.wide_inplace else None
    return spec_for(op).lower(plan.graph, op), None


def render_plan(plan: Plan, prefix: str, debug_guards: bool = False) -> dict[str, str]:
    """Render the plan's files as {relative path: text}; debug_guards puts checked guard
    words around the arena (see templates/model.c.j2)."""
    graph: Graph = plan.graph
    consts, symbols_by_tensor, layers, headers = [], {}, [], set()
    definitions: dict[str, str] = {}  # per-layer specialized kernel functions, by symbol
    shared_definitions: dict[str, str] = {}  # a definition's text (symbol elided) -> its symbol

    def const_names(index: int, lowered) -> dict:
        op, names = graph.ops[index], {}
        for const in lowered.consts:
            key = const.tensor if const.tensor is not None else (index, const.role)
            if key not in symbols_by_tensor:
                symbol = (f"{prefix}_t{const.tensor}" if const.tensor is not None
                          else f"{prefix}_op{index}_{const.role}")
                symbols_by_tensor[key] = symbol
                source = (f"tensor '{graph.tensors[const.tensor].name}'" if const.tensor is not None
                          else f"op {index} ({op.kind}) {const.role}")
                consts.append(dict(symbol=symbol, ctype=const.ctype, count=const.values.size,
                                   lines=_const_lines(const.values), comment=source,
                                   nbytes=const.values.size * CONST_BYTES[const.ctype]))
            names[const.role] = symbols_by_tensor[key]
        return names

    def emit(index: int, lowered, inputs: list[str], outputs: list[str], scratch: str,
             template_name: str | None = None, kernel: str | None = None, args: dict | None = None,
             note: str = "") -> str:
        op = graph.ops[index]
        names = const_names(index, lowered)
        headers.add(kernel or lowered.kernel)
        in_shapes = " + ".join("x".join(map(str, graph.tensors[t].shape))
                               for t in op.inputs if t >= 0 and not graph.tensors[t].is_const)
        out_shapes = " + ".join("x".join(map(str, graph.tensors[t].shape)) for t in op.outputs)
        comment = f"op {index}: {op.kind} {in_shapes} -> {out_shapes}{note}"
        name = template_name or spec_for(op).template
        context = dict(comment=comment, function=lowered.function, inputs=inputs,
                       output=outputs[0], scratch=scratch, outputs=outputs, consts=names,
                       index=index, symbol=f"{prefix}_layer{index}",
                       a={k: c_int(v) for k, v in {**lowered.args, **(args or {})}.items()})
        symbol = context["symbol"]
        if symbol not in definitions and _has_template(f"ops/{name}.def.c.j2"):
            text = _ENV.get_template(f"ops/{name}.def.c.j2").render(context).strip("\n")
            # a layer whose functions would be the same as an earlier layer's (same sizes and
            # bounds: vww's five 128 -> 128 blocks) names that layer's instead
            key = "\n".join(line.replace(symbol, "@") for line in text.splitlines()
                            if not line.startswith("/*"))
            same = shared_definitions.get(key) if key else None
            if same is None:
                shared_definitions[key] = symbol
                definitions[symbol] = text
            else:
                suffixes = sorted(set(re.findall(rf"\b{symbol}(_\w+)", text)))
                definitions[symbol] = "\n".join(
                    [f"/* op {index}: the same functions as {same} */"]
                    + [f"#define {symbol}{suffix} {same}{suffix}" for suffix in suffixes])
        return _ENV.get_template(f"ops/{name}.c.j2").render(context).rstrip("\n")

    stage_at = {stage.ops[0]: stage for stage in plan.patches}
    in_stage = {i for stage in plan.patches for i in stage.ops}
    scheduled = set(plan.schedule)
    for index in plan.order or plan.schedule:
        if index in stage_at:
            layers.append(_render_stage(plan, stage_at[index], emit, headers))
        if index in in_stage or index not in scheduled:
            continue
        op = graph.ops[index]
        lowered, args = running_lowered(plan, index)
        template_name = kernel = None
        if index in plan.inplace and "inplace_lowered" not in op.params:
            template_name, kernel = INPLACE_VARIANT[op.kind]  # the portable in-place kernel
        scratch = f"arena + {plan.scratch[index][0]}" if index in plan.scratch else "0"
        layers.append(emit(index, lowered,
                           [f"arena + {plan.offsets[t]}" for t in op.inputs
                            if t >= 0 and not graph.tensors[t].is_const],
                           [f"arena + {plan.offsets[t]}" for t in op.outputs], scratch,
                           template_name, kernel, args))
    kernels = kernel_files(headers)
    context = dict(
        prefix=prefix, PREFIX=prefix.upper(), guard=f"{prefix.upper()}_H", version=__version__,
        model_name=graph.name, debug_guards=debug_guards, arena_bytes=plan.arena_bytes,
        arena_alloc=max(plan.arena_bytes, 16),
        inputs=[_io(plan, t, "input", i, prefix) for i, t in enumerate(graph.inputs)],
        outputs=[_io(plan, t, "output", i, prefix) for i, t in enumerate(graph.outputs)],
        consts=consts, const_bytes=sum(c["nbytes"] for c in consts), layers=layers,
        definitions=[text for text in definitions.values() if text],
        kernels=[k for k in kernels if k in headers], macs=plan_macs(plan))
    files = {
        f"{prefix}.h": _ENV.get_template("model.h.j2").render(context),
        f"{prefix}.c": _ENV.get_template("model.c.j2").render(context),
        f"{prefix}_weights.c": _ENV.get_template("weights.c.j2").render(context),
    }
    for name in kernels:
        files[f"runtime/{name}"] = (RUNTIME_C / name).read_text()
    return files


PATCH_HEADER = "mcu_patch.h"


def _render_stage(plan: Plan, stage, emit, headers: set) -> str:
    """A patch-based segment: per patch, copy the input window, run the ops on local
    buffers with local geometry, paste the tile into the segment's output tensor."""
    graph = plan.graph
    headers.add(PATCH_HEADER)
    x, t_out = stage.input_tensor, stage.output_tensor
    if stage.input_in_arena:
        source = f"arena + {plan.offsets[x]}"
    else:
        source = f"input{list(graph.inputs).index(x)}"
    local = {t: f"arena + {offset}" for t, offset in stage.local_offsets.items()}
    first, last = stage.layers[0], stage.layers[-1]
    rows, cols = stage.grid
    text = [f"    /* ops {stage.ops[0]}..{stage.ops[-1]} run patch by patch on a {rows}x{cols} grid "
            f"({stage.extra_macs:,} extra MACs for the halos) */"]
    for n, patch in enumerate(stage.patches):
        w_in, tile = patch.windows[x], patch.tile
        text.append(f"    /* patch {n}: output rows {tile.y0}..{tile.y1 - 1}, cols {tile.x0}..{tile.x1 - 1} */")
        text.append(f"    mcu_window_copy_s8({local[x]}, {source}, {first.in_w}, {first.in_c}, "
                    f"{w_in.y0}, {w_in.x0}, {w_in.h}, {w_in.w});")
        for layer in stage.layers:
            op = graph.ops[layer.op]
            lowered = op.params["lowered"]
            out = patch.windows[layer.output]
            inputs = []
            for position, t in enumerate(layer.inputs):
                crop = stage.crop_offsets.get((layer.op, position))
                if crop is None:
                    inputs.append(local[t])
                    continue
                win = patch.windows[t]
                text.append(f"    mcu_window_copy_s8(arena + {crop}, {local[t]}, {win.w}, "
                            f"{stage.channels[t]}, {out.y0 - win.y0}, {out.x0 - win.x0}, {out.h}, {out.w});")
                inputs.append(f"arena + {crop}")
            if layer.windowed and any(key not in lowered.args for key in GEOMETRY):
                lowered = spec_for(op).lower(graph, op)  # a kernel without runtime geometry
            if lowered.args.get("transposed"):  # patches run along rows (scratch has room)
                lowered = replace(lowered, args={**lowered.args, "transposed": 0})
            scratch = f"arena + {stage.scratch[layer.op][0]}" if layer.op in stage.scratch else "0"
            text.append(emit(layer.op, lowered, inputs, [local[layer.output]], scratch,
                             args={**patch.local_args[layer.op], "in_stage": 1}, note=f", patch {n}"))
        text.append(f"    mcu_window_paste_s8(arena + {plan.offsets[t_out]}, {last.out_w}, {last.out_c}, "
                    f"{tile.y0}, {tile.x0}, {tile.h}, {tile.w}, {local[t_out]});")
    return "\n".join(text)


def plan_macs(plan: Plan) -> int:
    return sum(spec_for(op).macs(plan.graph, op) for op in plan.graph.ops)


def model_macs(graph) -> int:
    """The model's MACs: those the graph computes and those of the channels left out as
    constant (mcugen/passes/constant_channels.py)."""
    return sum(spec_for(op).macs(graph, op) + op.params.get("constant_macs", 0) for op in graph.ops)
