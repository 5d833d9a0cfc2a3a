"""`mcugen compile --report`: per-layer memory, offsets, tricks and MACs of a compiled model.

Writes report.json beside the generated code (and report.png, a memory timeline in the
style of MCUNetV2's figures, when matplotlib is installed) and returns the table's lines.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

from mcugen.ops import spec_for
from mcugen.planner.patches import live_by_step


def _steps(plan) -> dict[int, int]:
    """Op index -> the planner's step (each patch segment adds a copy-in and a paste step)."""
    return plan.steps or {index: n for n, index in enumerate(plan.order)}


def layer_rows(model) -> list[dict]:
    plan, graph = model.plan, model.graph
    steps = _steps(plan)
    live = live_by_step(plan)
    stage_of = {i: st for st in plan.patches for i in st.ops}
    stage_ops = set(stage_of)
    rows = []
    for index in plan.code_ops:
        op, step = graph.ops[index], steps[index]
        trick = "-"
        extra = 0
        if index in stage_ops:
            stage = stage_of[index]
            layer = stage.layers[stage.ops.index(index)]
            if layer.windowed:
                per_pixel = layer.macs // max(layer.out_h * layer.out_w, 1)
                done = sum(p.local_args[index]["out_h"] * p.local_args[index]["out_w"]
                           for p in stage.patches)
                extra = done * per_pixel - layer.macs
            trick = f"patch {stage.grid[0]}x{stage.grid[1]}"
        elif index in plan.inplace:
            trick = "in place"
        elif index in plan.overlaps:
            trick = "overlap"

        def where(t, index=index):
            offset = plan.offsets.get(t)
            return None if offset is None or index in stage_ops else offset

        rows.append(dict(op=index, kind=op.kind, live_bytes=live[step], trick=trick,
                         macs=spec_for(op).macs(graph, op), extra_macs=extra,
                         constant_macs=op.params.get("constant_macs", 0),
                         inputs=[where(t) for t in op.inputs if t >= 0 and not graph.tensors[t].is_const],
                         outputs=[where(t) for t in op.outputs]))
    return rows


def render_report(model, folder: Path) -> tuple[list[str], dict[str, bytes]]:
    """report.json (and report.png) for folder: (table lines, file name -> content)."""
    rows = layer_rows(model)
    s = model.summary
    folder = Path(folder)
    data = dict(model=model.graph.name, peak_sram_bytes=s.peak_sram_bytes, peaks=s.peaks,
                macs=s.macs, constant_macs=s.constant_macs, extra_macs=s.extra_macs,
                patches=s.patches, layers=rows)
    files = {"report.json": (json.dumps(data, indent=2) + "\n").encode()}
    lines = ["  op  kind                      live bytes  trick        MACs        extra MACs  constant    "
             "in -> out offsets"]
    for r in rows:
        offsets = f"{r['inputs']} -> {r['outputs']}".replace("None", "patch")
        lines.append(f"  {r['op']:>3} {r['kind']:<25} {r['live_bytes']:>10,}  {r['trick']:<11} "
                     f"{r['macs']:>11,} {r['extra_macs']:>11,} {r['constant_macs']:>11,}  {offsets}")
    png = _plot(rows, s)
    if png is not None:
        files["report.png"] = png
        lines.append(f"  wrote {folder / 'report.json'} and {folder / 'report.png'}")
    else:
        lines.append(f"  wrote {folder / 'report.json'} (report.png needs matplotlib: pip install matplotlib)")
    return lines, files


def _plot(rows: list[dict], summary) -> bytes | None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    figure, axis = plt.subplots(figsize=(max(6.0, len(rows) * 0.25), 3.5))
    colors = {"-": "#888888", "in place": "#2a9d8f", "overlap": "#e9c46a"}
    axis.bar(range(len(rows)), [r["live_bytes"] / 1024 for r in rows],
             color=[colors.get(r["trick"], "#e76f51") for r in rows])
    axis.set_xlabel("layer (execution order); red: patch-based, green: in place, yellow: overlap")
    axis.set_ylabel("arena in use (KiB)")
    axis.set_title(f"peak {summary.peak_sram_bytes:,} bytes; " +
                   ", ".join(f"{k} {v:,}" for k, v in summary.peaks.items()), fontsize=8)
    figure.tight_layout()
    image = io.BytesIO()
    figure.savefig(image, format="png", dpi=100)
    plt.close(figure)
    return image.getvalue()
