"""Render a Plan into C: {prefix}.h, {prefix}.c, {prefix}_weights.c and runtime/ kernels.

All numbers are formatted here; the templates only place them. Same plan, same text.
"""
from __future__ import annotations

import re

import jinja2
import numpy as np

from mcugen import __version__
from mcugen.ir import Graph
from mcugen.ops import spec_for
from mcugen.paths import RUNTIME_C, TEMPLATES
from mcugen.planner import Plan

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


# C type of each graph input/output dtype: int8, or float32 at a QUANTIZE/DEQUANTIZE interface
IO_CTYPES = {"int8": "int8_t", "float32": "float"}


def _io(plan: Plan, tensor_index: int, kind: str, position: int, prefix: str) -> dict:
    t = plan.graph.tensors[tensor_index]
    quantized = t.dtype == "int8"
    return dict(kind=kind, position=position, name=t.name, arg=f"{kind}{position}",
                macro=f"{prefix.upper()}_{kind.upper()}{position}", size=t.size, nbytes=t.nbytes,
                ctype=IO_CTYPES[t.dtype], dtype=t.dtype, quantized=quantized,
                rank=len(t.shape), dims=", ".join(str(d) for d in t.shape),
                shape_text="x".join(str(d) for d in t.shape),
                scale=c_float(t.scale) if quantized else "", zero_point=t.zero_point if quantized else 0,
                offset=plan.offsets[tensor_index])


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


def render_plan(plan: Plan, prefix: str) -> dict[str, str]:
    """Render the plan's files as {relative path: text}."""
    graph: Graph = plan.graph
    consts, symbols_by_tensor, layers, headers = [], {}, [], set()
    for index in plan.schedule:
        op = graph.ops[index]
        lowered = op.params["lowered"]
        if index in plan.inplace:  # the in-place kernel takes the portable layout and args
            lowered = spec_for(op).lower(graph, op)
        names = {}
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
                                   nbytes=const.values.size * (1 if const.ctype == "int8_t" else 4)))
            names[const.role] = symbols_by_tensor[key]
        template_name, kernel = spec_for(op).template, lowered.kernel
        if index in plan.inplace:
            template_name, kernel = INPLACE_VARIANT[op.kind]
        headers.add(kernel)
        in_shapes = " + ".join("x".join(map(str, graph.tensors[t].shape))
                               for t in op.inputs if t >= 0 and not graph.tensors[t].is_const)
        out_shapes = " + ".join("x".join(map(str, graph.tensors[t].shape)) for t in op.outputs)
        comment = f"op {index}: {op.kind} {in_shapes} -> {out_shapes}"
        template = _ENV.get_template(f"ops/{template_name}.c.j2")
        scratch = f"arena + {plan.scratch[index][0]}" if index in plan.scratch else "0"
        layers.append(template.render(
            comment=comment, function=lowered.function,
            inputs=[f"arena + {plan.offsets[t]}" for t in op.inputs
                    if t >= 0 and not graph.tensors[t].is_const],
            output=f"arena + {plan.offsets[op.outputs[0]]}", scratch=scratch,
            outputs=[f"arena + {plan.offsets[t]}" for t in op.outputs],
            consts=names, a={k: c_int(v) for k, v in lowered.args.items()}).rstrip("\n"))
    kernels = kernel_files(headers)
    context = dict(
        prefix=prefix, PREFIX=prefix.upper(), guard=f"{prefix.upper()}_H", version=__version__,
        model_name=graph.name, arena_bytes=plan.arena_bytes, arena_alloc=max(plan.arena_bytes, 16),
        inputs=[_io(plan, t, "input", i, prefix) for i, t in enumerate(graph.inputs)],
        outputs=[_io(plan, t, "output", i, prefix) for i, t in enumerate(graph.outputs)],
        consts=consts, const_bytes=sum(c["nbytes"] for c in consts), layers=layers,
        kernels=[k for k in kernels if k in headers], macs=plan_macs(plan))
    files = {
        f"{prefix}.h": _ENV.get_template("model.h.j2").render(context),
        f"{prefix}.c": _ENV.get_template("model.c.j2").render(context),
        f"{prefix}_weights.c": _ENV.get_template("weights.c.j2").render(context),
    }
    for name in kernels:
        files[f"runtime/{name}"] = (RUNTIME_C / name).read_text()
    return files


def plan_macs(plan: Plan) -> int:
    return sum(spec_for(op).macs(plan.graph, op) for op in plan.graph.ops)
