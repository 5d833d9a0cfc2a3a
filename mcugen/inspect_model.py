"""`mcugen inspect`: the graph as the frontend reads it, and what mcugen cannot compile."""
from __future__ import annotations

from dataclasses import dataclass

from mcugen.errors import McugenError
from mcugen.ir import Graph, Tensor
from mcugen.ops import REGISTRY
from mcugen.ops.registry import unsupported_message
from mcugen.passes.lower import layer_name


@dataclass(frozen=True)
class OpReport:
    index: int
    kind: str
    layer: str
    inputs: tuple[str, ...]  # one described tensor per input ("-" for an omitted one)
    outputs: tuple[str, ...]
    problem: str = ""  # why mcugen cannot compile this op, "" if it can


@dataclass(frozen=True)
class GraphReport:
    name: str
    ops: tuple[OpReport, ...]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    verdict_problem: str = ""  # the first reason the whole model does not compile

    @property
    def unsupported(self) -> tuple[OpReport, ...]:
        return tuple(op for op in self.ops if op.problem)


def quant_text(tensor: Tensor) -> str:
    """'scale 0.05 zp -3', 'per-channel (8)' or 'not quantized'."""
    q = tensor.quant
    if q is None:
        return "not quantized"
    if q.per_channel:
        return f"per-channel ({q.scale.size}, axis {q.axis})"
    return f"scale {float(q.scale[0]):.6g} zp {int(q.zero_point[0])}"


def short(name: str, width: int = 40) -> str:
    """Converter tensor names run to hundreds of characters; the start is the telling part."""
    return name if len(name) <= width else name[:width - 3] + "..."


def tensor_text(graph: Graph, index: int) -> str:
    if index < 0:
        return "-  (omitted)"
    t = graph.tensors[index]
    shape = "x".join(str(d) for d in t.shape) or "scalar"
    const = "  const" if t.is_const else ""
    return f"{t.dtype:<7} {shape:<14} {quant_text(t):<28} t{index} '{short(t.name)}'{const}"


def _op_problem(graph: Graph, op) -> str:
    if op.kind not in REGISTRY:
        return unsupported_message(op, layer_name(graph, op))
    try:
        REGISTRY[op.kind].check(graph, op)
    except McugenError as exc:
        return str(exc)
    return ""


def inspect_graph(graph: Graph, board=None) -> GraphReport:
    """Describe every op and check each one on its own; then try the whole compile
    (graph-level checks, planning and, with a board, the fit)."""
    from mcugen.api import compile_graph

    ops = tuple(OpReport(index=op.index, kind=op.kind, layer=layer_name(graph, op),
                         inputs=tuple(tensor_text(graph, t) for t in op.inputs),
                         outputs=tuple(tensor_text(graph, t) for t in op.outputs),
                         problem=_op_problem(graph, op))
                for op in graph.ops)
    verdict = ""
    if not any(op.problem for op in ops):
        try:
            compile_graph(graph, board=board)  # graph-level checks (interface, ordering) and planning
        except McugenError as exc:
            verdict = str(exc)
    return GraphReport(name=graph.name, ops=ops,
                       inputs=tuple(tensor_text(graph, t) for t in graph.inputs),
                       outputs=tuple(tensor_text(graph, t) for t in graph.outputs),
                       verdict_problem=verdict)


def format_report(report: GraphReport, source: str) -> list[str]:
    """The lines `mcugen inspect` prints."""
    lines = [f"{source}: {len(report.ops)} ops, {len(report.inputs)} input(s), "
             f"{len(report.outputs)} output(s)"]
    lines += [f"  graph input   {text}" for text in report.inputs]
    lines += [f"  graph output  {text}" for text in report.outputs]
    for op in report.ops:
        mark = "!!" if op.problem else "  "
        lines.append(f"{mark}op {op.index:<3} {op.kind}")
        lines += [f"        in   {text}" for text in op.inputs]
        lines += [f"        out  {text}" for text in op.outputs]
        if op.problem:
            lines.append(f"        NOT SUPPORTED: {op.problem}")
    bad = report.unsupported
    if bad:
        kinds = ", ".join(dict.fromkeys(op.kind for op in bad))
        lines.append(f"verdict: cannot compile: {len(bad)} of {len(report.ops)} ops unsupported "
                     f"({kinds}); first: op {bad[0].index}")
    elif report.verdict_problem:
        lines.append(f"verdict: cannot compile: {report.verdict_problem}")
    else:
        lines.append(f"verdict: mcugen can compile all {len(report.ops)} ops")
    return lines
