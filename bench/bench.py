"""Benchmark: size and instructions per inference of mcugen's C on emulated Cortex-M7 and M4.

Run as `python bench/bench.py` (needs arm-none-eabi-gcc and qemu-system-arm). Prints an
aligned table and writes bench/results.json. Instructions are counted by QEMU with
-icount shift=0 (see mcugen/target/qemu.py), resolution 40 instructions; QEMU does not
model pipelines or caches, so these are instruction counts, not cycles.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import mcugen  # noqa: E402
from mcugen.errors import McugenError  # noqa: E402
from mcugen.target import build_firmware, run_firmware_batch  # noqa: E402
from mcugen.target.sizes import flash_split  # noqa: E402

SHARED_MODELS = ROOT.parent / "shared" / "models"
DIGITS = ROOT / "examples" / "digits" / "digits_int8.tflite"
BOARDS = {"m7": "mps2-an500", "m4": "mps2-an386"}
# TFLM min arena in bytes, from ../shared/models/README.md ("TFLM min arena" column:
# smallest arena_size the tflite-micro Python interpreter accepts, bisected to 16 bytes).
TFLM_MIN_ARENA = {
    "kws_ref_model": 24_272,
    "vww_96_int8": 103_680,
    "pretrainedResnet_quant": 55_984,
    "ad01_int8": 4_640,
    "person_detect": 85_264,
    "micro_speech_quantized": 7_584,
    "hello_world_int8": 1_936,
}
def tflm_min_arena(path: Path) -> int | None:
    """The README figure, or the same bisection (to 16 bytes) for models not listed there."""
    if path.stem in TFLM_MIN_ARENA:
        return TFLM_MIN_ARENA[path.stem]
    try:
        from tflite_micro.python.tflite_micro import runtime
    except ImportError:
        return None
    data = path.read_bytes()

    def fits(size: int) -> bool:
        try:
            runtime.Interpreter.from_bytes(data, arena_size=size)
            return True
        except Exception:
            return False

    low, high = 16, 1 << 20
    saved = os.dup(2)  # TFLM prints every refused allocation on stderr: silence it
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            if not fits(high):
                return None
            while high - low > 16:
                mid = (low + high) // 2 // 16 * 16
                low, high = (low, mid) if fits(mid) else (mid, high)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    return high


def run_checked(elf, board: str, inputs, sizes, host, what: str):
    """One inference of elf on board, its measurement; McugenError unless its outputs are
    the host build's (the default build: SIMD kernels, constant channels dropped)."""
    [(outputs, measurement)] = run_firmware_batch(elf, board, [inputs], sizes)
    if any(a.tobytes() != b.tobytes() for a, b in zip(outputs, host)):
        raise McugenError(f"{what} differs from the host build")
    return measurement


def bench_model(path: Path, work: Path) -> dict:
    row = dict(model=path.stem)
    compiled = mcugen.compile(path, board=BOARDS["m7"])
    summary = compiled.summary
    row.update(macs=summary.macs, constant_macs=summary.constant_macs, peak_sram=summary.peak_sram_bytes,
               tflm_arena=tflm_min_arena(path), wide_weights=summary.wide_weights_bytes)
    shapes = [compiled.graph.tensors[t].shape for t in compiled.graph.inputs]
    rng = np.random.default_rng(0)
    inputs = [rng.integers(-128, 128, size=s, dtype=np.int8) for s in shapes]
    sizes = [compiled.graph.tensors[t].size for t in compiled.graph.outputs]
    host = [o.reshape(-1) for o in compiled.run(inputs)]
    for key, board in BOARDS.items():
        elf = build_firmware(compiled, board, work / f"{path.stem}_{board}")
        if key == "m7":
            split = flash_split(elf, compiled.prefix)
            row.update(flash=split.flash, weights=split.weights, model_code=split.model_code,
                       kernels=split.kernels, harness=split.harness)
        measurement = run_checked(elf, board, inputs, sizes, host, f"{path.name}: output on {board}")
        if key == "m7":
            row.update(stack=measurement.stack_bytes, sram_total=summary.peak_sram_bytes + measurement.stack_bytes)
        row[f"{key}_instructions"] = measurement.instructions
        row[f"{key}_per_mac"] = round(measurement.instructions / summary.macs, 2) if summary.macs else None
    if summary.constant_macs:  # the kernels' own speed: every channel computed
        every = mcugen.compile(path, board=BOARDS["m7"], constant_channels="keep")
        elf = build_firmware(every, BOARDS["m7"], work / f"{path.stem}_every_channel")
        measurement = run_checked(elf, BOARDS["m7"], inputs, sizes, host,
                                  f"{path.name}: output with every channel computed")
        row["m7_every_channel_per_mac"] = round(measurement.instructions / summary.macs, 2)
    row.update(portable_columns(path, work, inputs, sizes, host, summary.macs))
    row.update(memory_columns(path, work, inputs, sizes, host, summary))
    return row


def memory_columns(path: Path, work: Path, inputs, sizes, host, summary) -> dict:
    """Peak SRAM layer by layer, with in-place + overlap, and with patches (smallest peak
    within +20 % MACs); the patched build is run on the M7 too (same bytes, instructions)."""
    patched = mcugen.compile(path, board=BOARDS["m7"], patches="min")
    peaks = patched.summary.peaks
    columns = dict(peak_plain=peaks["layer by layer"], peak_tricks=peaks.get("in place + overlap"),
                   peak_patches=peaks.get("patches"), patches=patched.summary.patches)
    if patched.plan.patches:
        columns["patch_extra_pct"] = round(100 * patched.summary.extra_macs / summary.macs, 1)
        elf = build_firmware(patched, BOARDS["m7"], work / f"{path.stem}_patched")
        measurement = run_checked(elf, BOARDS["m7"], inputs, sizes, host,
                                  f"{path.name}: patched output on the M7")
        columns["m7_patched_instructions"] = measurement.instructions
        columns["patched_stack"] = measurement.stack_bytes
    return columns


def portable_columns(path: Path, work: Path, inputs, sizes, host, macs: int) -> dict:
    """The same model with kernels="portable": instructions and per MAC on each board (the
    main columns use the board's default kernels, the SIMD ones on M4/M7)."""
    compiled, columns = mcugen.compile(path, board=BOARDS["m7"], kernels="portable"), {}
    for key, board in BOARDS.items():
        elf = build_firmware(compiled, board, work / f"{path.stem}_{board}_portable")
        measurement = run_checked(elf, board, inputs, sizes, host,
                                  f"{path.name}: portable output on {board}")
        columns[f"{key}_portable_instructions"] = measurement.instructions
        columns[f"{key}_portable_per_mac"] = round(measurement.instructions / macs, 2) if macs else None
    return columns


COLUMNS = [("model", "model", "{}"), ("MACs", "macs", "{:,}"), ("constant", "constant_macs", "{:,}"),
           ("arena", "peak_sram", "{:,}"),
           ("stack", "stack", "{:,}"), ("SRAM", "sram_total", "{:,}"),
           ("TFLM arena", "tflm_arena", "{:,}"), ("flash", "flash", "{:,}"),
           ("weights", "weights", "{:,}"), ("of it int16", "wide_weights", "{:,}"),
           ("code", "model_code", "{:,}"), ("kernels", "kernels", "{:,}"),
           ("harness", "harness", "{:,}"),
           ("M7 instr", "m7_instructions", "{:,}"), ("M7 i/MAC", "m7_per_mac", "{:.2f}"),
           ("M7 i/MAC all ch", "m7_every_channel_per_mac", "{:.2f}"),
           ("M4 instr", "m4_instructions", "{:,}"), ("M4 i/MAC", "m4_per_mac", "{:.2f}"),
           ("M7 port i/MAC", "m7_portable_per_mac", "{:.2f}"), ("M4 port i/MAC", "m4_portable_per_mac", "{:.2f}")]


MEMORY_COLUMNS = [("model", "model", "{}"), ("TFLM arena", "tflm_arena", "{:,}"),
                  ("layer by layer", "peak_plain", "{:,}"), ("in place+overlap", "peak_tricks", "{:,}"),
                  ("patches", "peak_patches", "{:,}"), ("extra MACs %", "patch_extra_pct", "{:.1f}"),
                  ("M7 instr patched", "m7_patched_instructions", "{:,}"), ("stack", "patched_stack", "{:,}")]


def table(rows: list[dict], columns=COLUMNS) -> str:
    cells = [[title for title, _, _ in columns]]
    for row in rows:
        cells.append([("-" if row.get(key) is None else fmt.format(row[key])) for _, key, fmt in columns])
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = []
    for n, r in enumerate(cells):
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    models = [DIGITS] + (sorted(SHARED_MODELS.glob("*.tflite")) if SHARED_MODELS.is_dir() else [])
    rows, started = [], time.time()
    with tempfile.TemporaryDirectory(prefix="mcugen-bench-") as tmp:
        for path in models:
            try:
                rows.append(bench_model(path, Path(tmp)))
            except McugenError as exc:
                print(f"{path.name}: skipped: {exc}", file=sys.stderr)
    print(table(rows))
    print("\nMACs: the model's; constant: of them, those in channels proven to hold one value for "
          "every input, not computed (--constant-channels drop, the default); i/MAC: instructions "
          "per MAC of the model; M7 i/MAC all ch: the same with every channel computed "
          "(--constant-channels keep), '-' where no channel is constant.")
    print("arena: mcugen's planned arena (activations + kernel scratch, bytes); stack: invoke's "
          "stack high-water mark on mps2-an500 (painted); SRAM = arena + stack; TFLM arena: TFLM's "
          "minimum arena_size (its stack not included); flash: ELF .text+.data on mps2-an500 (-O2) "
          "split into weights (of it int16: what the SIMD kernels' weights pre-extended to int16 "
          "add), model code (invoke with inlined kernels), out-of-line and per-layer kernels and "
          "the test harness (startup, main, semihosting, libc); instr: instructions per inference "
          "counted by QEMU (-icount, +-40), random int8 input, with the board's default kernels "
          "(SIMD on M4/M7); port i/MAC: the same with --kernels portable.")
    print()
    print(table(rows, MEMORY_COLUMNS))
    print("\nPeak SRAM (arena bytes) of the same model layer by layer, with in-place depthwise and "
          "overlapping buffers, and with patch-based segments (--patches min: smallest peak within "
          "+20 % MACs; '-': no segment helps); the patched build's M7 instructions and stack. With "
          "patches the model input stays in the caller's buffer when the first segment reads it.")
    out = Path(__file__).resolve().parent / "results.json"
    out.write_text(json.dumps(dict(boards=BOARDS, opt="-O2", rows=rows), indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)} in {time.time() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
