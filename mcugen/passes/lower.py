"""Check every op against the registry, then precompute its kernel arguments."""
from __future__ import annotations

import math
from dataclasses import replace

from mcugen.errors import McugenError
from mcugen.ir import Graph, Op
from mcugen.ops import REGISTRY, spec_for
from mcugen.ops.registry import unsupported_message


def _check_interface_type(graph: Graph, t: int) -> None:
    """int8 or int16 graph inputs/outputs, or float32 ones that only feed QUANTIZE / come from DEQUANTIZE."""
    tensor = graph.tensors[t]
    if tensor.dtype in ("int8", "int16"):  # the ops reading/writing them check the rest
        return
    if tensor.dtype == "float32":
        readers = [op for op in graph.ops if t in op.inputs]
        writers = [op for op in graph.ops if t in op.outputs]
        if t in graph.inputs and t not in graph.outputs and readers and \
                all(op.kind == "QUANTIZE" for op in readers):
            return
        if t in graph.outputs and t not in graph.inputs and writers and \
                all(op.kind == "DEQUANTIZE" for op in writers):
            return
        kinds = sorted({op.kind for op in readers + writers}) or ["no op"]
        raise McugenError(f"graph input/output '{tensor.name}' is float32 and connects to "
                          f"{', '.join(kinds)}; a float32 input must feed only QUANTIZE and a "
                          f"float32 output must come from DEQUANTIZE (otherwise use an int8 model)")
    raise McugenError(f"graph input/output '{tensor.name}' is {tensor.dtype}; "
                      f"only int8, int16 (or float32 through QUANTIZE/DEQUANTIZE) interfaces are supported")


def check_supported(graph: Graph) -> None:
    """Raise McugenError for the first op or graph feature mcugen cannot compile."""
    for t in graph.inputs + graph.outputs:
        tensor = graph.tensors[t]
        _check_interface_type(graph, t)
        if tensor.is_const:
            raise McugenError(f"graph input/output '{tensor.name}' is a constant tensor")
        quant = tensor.quant  # an integer interface's scale and zero point go into the header
        limit = {"int8": 128, "int16": 32768}.get(tensor.dtype)
        if limit and (quant is None or quant.per_channel or not math.isfinite(tensor.scale)
                      or tensor.scale <= 0 or not -limit <= tensor.zero_point < limit):
            raise McugenError(f"graph input/output '{tensor.name}' needs one positive scale and an {tensor.dtype} "
                              f"zero point (its quantization is {_quant_text(quant)})")
    produced = set(graph.inputs)
    for op in graph.ops:
        if op.kind not in REGISTRY:
            raise McugenError(unsupported_message(op, layer_name(graph, op)))
        spec = spec_for(op)
        for t in op.inputs:
            read = graph.tensor(t)
            if read is not None and not read.is_const and t not in produced:
                raise McugenError(f"op {op.index} ({op.kind}) reads tensor '{read.name}' "
                                  f"before any op produces it (cycle or bad ordering)")
        for t in op.outputs:
            if t in produced or graph.tensors[t].is_const:
                raise McugenError(f"op {op.index} ({op.kind}) writes tensor "
                                  f"'{graph.tensors[t].name}', which already has a value")
            produced.add(t)
        if len(op.outputs) != 1 and not spec.extra.get("multi_output", False):
            raise McugenError(f"op {op.index} ({op.kind}) has {len(op.outputs)} outputs; expected 1")
        spec.check(graph, op)
    for t in graph.outputs:
        if t not in produced:
            raise McugenError(f"graph output '{graph.tensors[t].name}' is never computed")


def _quant_text(quant) -> str:
    if quant is None:
        return "missing"
    if quant.per_channel:
        return f"per-channel ({quant.scale.size})"
    return f"scale {float(quant.scale[0]):.6g}, zero point {int(quant.zero_point[0])}"


def layer_name(graph: Graph, op: Op) -> str:
    """A layer's name as the converter left it: the name of the op's first output tensor."""
    name = graph.tensors[op.outputs[0]].name if op.outputs else ""
    return name if len(name) <= 60 else name[:57] + "..."


def lower_ops(graph: Graph) -> Graph:
    """Attach each op's Lowered kernel arguments as op.params['lowered']."""
    ops = tuple(replace(op, params={**op.params, "lowered": spec_for(op).lower(graph, op)})
                for op in graph.ops)
    return replace(graph, ops=ops)
