"""Per-kernel-family measurements: instructions per layer under QEMU (-icount), portable vs
SIMD kernels, on the layer shapes of the CMSIS-NN table in issue 5 (MobileNetV1-0.25 at
96x96, ResNet-8, the AD model) plus the kws first layer.

Run as `python bench/kernels.py [m7|m4]`; prints a table and writes bench/kernels_<m7|m4>.json.
`python bench/kernels.py m7 pointwise` measures only the SIMD kernels of the layers whose
name contains "pointwise" and writes nothing (for trying a kernel change).
Each layer is a one-op model built with tests/ops/models.py (random int8 weights and data,
per-channel requantization), checked bit-exact against the host build on the board.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import mcugen  # noqa: E402
from mcugen.codegen.render import plan_macs  # noqa: E402
from mcugen.target import build_firmware, run_firmware_batch  # noqa: E402
from tests.ops.models import conv2d_model, depthwise_model, fc_model  # noqa: E402

BOARDS = {"m7": "mps2-an500", "m4": "mps2-an386"}
# name: (builder, input shape, arguments, CMSIS-NN instructions on M7 from issue 5 or None)
LAYERS = {
    "conv 3x3 s2 96x96x3 -> 48x48x8 (valid)": (
        conv2d_model, (1, 97, 97, 3), dict(out_c=8, kernel=(3, 3), stride=(2, 2), padding="VALID"), 3_024_440),
    "depthwise 3x3 s1 48x48x8 (same)": (
        depthwise_model, (1, 48, 48, 8), dict(kernel=(3, 3), padding="SAME"), 1_469_160),
    "pointwise 48x48x8 -> 48x48x16": (
        conv2d_model, (1, 48, 48, 8), dict(out_c=16, kernel=(1, 1)), 1_973_360),
    "depthwise 3x3 s2 48x48x16 (valid)": (
        depthwise_model, (1, 48, 48, 16), dict(kernel=(3, 3), stride=(2, 2), padding="VALID"), 650_160),
    "pointwise 24x24x16 -> 24x24x32": (
        conv2d_model, (1, 24, 24, 16), dict(out_c=32, kernel=(1, 1)), 1_154_880),
    "pointwise 12x12x64 -> 12x12x64": (
        conv2d_model, (1, 12, 12, 64), dict(out_c=64, kernel=(1, 1)), 1_206_000),
    "conv 3x3 s1 32x32x16 -> 32x32x16 (same)": (
        conv2d_model, (1, 32, 32, 16), dict(out_c=16, kernel=(3, 3), padding="SAME"), 5_541_400),
    "conv 3x3 s1 8x8x64 -> 8x8x64 (same)": (
        conv2d_model, (1, 8, 8, 64), dict(out_c=64, kernel=(3, 3), padding="SAME"), 4_158_760),
    "fully connected 640 -> 128": (fc_model, (1, 640), dict(units=128), 160_040),
    "kws conv 10x4 s2 49x10x1 -> 25x5x64": (
        conv2d_model, (1, 49, 10, 1), dict(out_c=64, kernel=(10, 4), stride=(2, 2), padding="SAME"), None),
}


def measure(model: bytes, kernels: str, board: str, work: Path) -> tuple[int, int]:
    """(instructions of one inference, MACs); raises if QEMU differs from the host build."""
    compiled = mcugen.compile(model, board=board, kernels=kernels, memory="none", check_fit=False)
    shapes = [compiled.graph.tensors[t].shape for t in compiled.graph.inputs]
    inputs = [np.random.default_rng(1).integers(-128, 128, size=s, dtype=np.int8) for s in shapes]
    sizes = [compiled.graph.tensors[t].size for t in compiled.graph.outputs]
    elf = build_firmware(compiled, board, work)
    [(outputs, measurement)] = run_firmware_batch(elf, board, [inputs], sizes)
    for got, want in zip(outputs, compiled.run(inputs)):
        assert got.tobytes() == want.reshape(-1).tobytes(), f"{kernels} on {board}: QEMU != host"
    return measurement.instructions, plan_macs(compiled.plan)


def main() -> int:
    key = sys.argv[1] if len(sys.argv) > 1 else "m7"
    only = sys.argv[2] if len(sys.argv) > 2 else None
    board, rows = BOARDS[key], []
    with tempfile.TemporaryDirectory(prefix="mcugen-kernels-") as tmp:
        for n, (name, (builder, shape, args, cmsis)) in enumerate(LAYERS.items()):
            if only is not None and only not in name:
                continue
            rng = np.random.default_rng(n)
            kwargs = dict(args, per_channel=True)
            model = builder(rng, shape, kwargs.pop("out_c", None) or kwargs.pop("units"), **kwargs) \
                if builder is not depthwise_model else builder(rng, shape, **kwargs)
            row = dict(layer=name, cmsis_nn_m7=cmsis, portable=0)
            for kernels in ("simd",) if only else ("portable", "simd"):
                instructions, macs = measure(model, kernels, board, Path(tmp) / f"{n}_{kernels}")
                row.update(macs=macs, **{kernels: instructions})
            rows.append(row)
            print(f"{name:42s} {row['macs']:>9,} MACs  portable {row['portable'] / macs:5.2f}  "
                  f"simd {row['simd'] / macs:5.2f} i/MAC"
                  + (f"  (CMSIS-NN M7 {cmsis / macs:.2f})" if cmsis else ""), flush=True)
    if only is not None:
        return 0
    out = Path(__file__).resolve().parent / f"kernels_{key}.json"
    out.write_text(json.dumps(dict(board=board, opt="-O2", rows=rows), indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
