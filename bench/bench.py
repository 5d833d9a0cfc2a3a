"""Benchmark: size and instructions per inference of mcugen's C on emulated Cortex-M7 and M4.

Run as `python bench/bench.py` (needs arm-none-eabi-gcc and qemu-system-arm). Prints an
aligned table and writes bench/results.json. Instructions are counted by QEMU with
-icount shift=0 (see mcugen/target/qemu.py), resolution 40 instructions; QEMU does not
model pipelines or caches, so these are instruction counts, not cycles.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
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
# Harness symbols in the ELF that are not the model: startup, main, semihosting, libc.
HARNESS_SYMBOLS = {"Reset_Handler", "Fault_Handler", "mcugen_vectors", "mcugen_exit", "main",
                   "memcpy", "memset", "memmove"}


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
        except Exception:  # noqa: BLE001 - TFLM refuses a too small arena with a RuntimeError
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


def flash_split(elf: Path, prefix: str) -> dict:
    """text/rodata of the ELF split into weights ({prefix}_t*, {prefix}_op*), model code, harness."""
    size = subprocess.run(["arm-none-eabi-size", "-A", str(elf)], capture_output=True, text=True,
                          check=True).stdout
    sections = {parts[0]: int(parts[1]) for parts in (l.split() for l in size.splitlines())
                if len(parts) >= 3 and parts[0].startswith(".") and parts[1].isdigit()}
    flash = sections.get(".text", 0) + sections.get(".ARM.exidx", 0) + sections.get(".data", 0)
    nm = subprocess.run(["arm-none-eabi-nm", "--size-sort", "-S", str(elf)], capture_output=True,
                        text=True, check=True).stdout
    weight_re = re.compile(rf"^{re.escape(prefix)}_(t\d+|op\d+_\w+)$")
    weights = harness = 0
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) != 4 or parts[2] in "bBdD":
            continue
        if weight_re.match(parts[3]):
            weights += int(parts[1], 16)
        elif parts[3] in HARNESS_SYMBOLS:
            harness += int(parts[1], 16)
    return dict(flash=flash, weights=weights, harness=harness, code=flash - weights - harness)


def bench_model(path: Path, work: Path) -> dict:
    row = dict(model=path.stem)
    compiled = mcugen.compile(path, board=BOARDS["m7"])
    summary = compiled.summary
    row.update(macs=summary.macs, peak_sram=summary.peak_sram_bytes, tflm_arena=tflm_min_arena(path))
    shapes = [compiled.graph.tensors[t].shape for t in compiled.graph.inputs]
    rng = np.random.default_rng(0)
    inputs = [rng.integers(-128, 128, size=s, dtype=np.int8) for s in shapes]
    sizes = [compiled.graph.tensors[t].size for t in compiled.graph.outputs]
    host = [o.reshape(-1) for o in compiled.run(inputs)]
    for key, board in BOARDS.items():
        elf = build_firmware(compiled, board, work / f"{path.stem}_{board}")
        if key == "m7":
            row.update(flash_split(elf, compiled.prefix))
        [(outputs, measurement)] = run_firmware_batch(elf, board, [inputs], sizes)
        if any(a.tobytes() != b.tobytes() for a, b in zip(outputs, host)):
            raise McugenError(f"{path.name}: output on {board} differs from the host build")
        row[f"{key}_instructions"] = measurement.instructions
        row[f"{key}_per_mac"] = round(measurement.instructions / summary.macs, 2) if summary.macs else None
    return row


COLUMNS = [("model", "model", "{}"), ("MACs", "macs", "{:,}"), ("SRAM", "peak_sram", "{:,}"),
           ("TFLM arena", "tflm_arena", "{:,}"), ("flash", "flash", "{:,}"),
           ("weights", "weights", "{:,}"), ("code", "code", "{:,}"), ("harness", "harness", "{:,}"),
           ("M7 instr", "m7_instructions", "{:,}"), ("M7 i/MAC", "m7_per_mac", "{:.2f}"),
           ("M4 instr", "m4_instructions", "{:,}"), ("M4 i/MAC", "m4_per_mac", "{:.2f}")]


def table(rows: list[dict]) -> str:
    cells = [[title for title, _, _ in COLUMNS]]
    for row in rows:
        cells.append([("n/a" if row.get(key) is None else fmt.format(row[key])) for _, key, fmt in COLUMNS])
    widths = [max(len(r[i]) for r in cells) for i in range(len(COLUMNS))]
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
    print("\nSRAM: mcugen's planned arena (bytes); TFLM arena: TFLM's minimum arena_size; flash: "
          "ELF .text+.data on mps2-an500 (-O2), split into weights, model code and the test "
          "harness (startup, main, memcpy); instr: instructions per inference counted by QEMU "
          "(-icount, +-40), random int8 input.")
    out = Path(__file__).resolve().parent / "results.json"
    out.write_text(json.dumps(dict(boards=BOARDS, opt="-O2", rows=rows), indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)} in {time.time() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
