"""Lower bound on a model's M7 instructions with exact int8 SMLAD kernels (bench/kernels.md,
"Where the instructions still go"): the 1x1 and other convolutions' GEMM loops at 10
instructions per 16 MACs (two LDM and eight SMLAD, all 14 registers), 4 + 1 instructions to
requantize and store each convolution output, 5 multiply-accumulate instructions per
depthwise 3x3 output; nothing for loads outside the GEMM, loops, expansion or calls.

    python bench/floor.py [model.tflite ...]   (default: vww and person from ../shared/models)
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import mcugen  # noqa: E402
from mcugen.ops.registry import spec_for  # noqa: E402

GEMM = 10 / 16  # instructions per MAC in the GEMM loop
PER_OUTPUT = 4 + 1  # requantize, store
DW_MAC = 5  # SMLAD / SMLABB per 3x3 depthwise output


def floor(path: Path) -> None:
    compiled = mcugen.compile(path.read_bytes(), board="mps2-an500", kernels="simd", check_fit=False)
    graph = compiled.graph
    gemm_macs = dw_outputs = outputs = 0
    for op in graph.ops:
        if op.kind not in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            continue
        args, size = op.params["lowered"].args, graph.tensors[op.outputs[0]].size
        outputs += size
        if op.kind == "DEPTHWISE_CONV_2D" and args["in_c"] > 1:
            dw_outputs += size
        else:
            gemm_macs += spec_for(op).macs(graph, op)
    macs = sum(spec_for(op).macs(graph, op) for op in graph.ops)
    parts = {"GEMM loops": GEMM * gemm_macs, "requantize + store": PER_OUTPUT * outputs,
             "depthwise MACs": DW_MAC * dw_outputs}
    total = sum(parts.values())
    print(f"{path.stem}: {macs:,} MACs; " + ", ".join(f"{k} {v / 1e6:.2f}M" for k, v in parts.items())
          + f"; floor {total / 1e6:.2f}M = {total / macs:.3f} per MAC (0.8 is {0.8 * macs / 1e6:.2f}M)")


if __name__ == "__main__":
    models = [Path(p) for p in sys.argv[1:]] or [ROOT.parent / "shared" / "models" / f"{m}.tflite"
                                                 for m in ("vww_96_int8", "person_detect")]
    for model in models:
        floor(model)
