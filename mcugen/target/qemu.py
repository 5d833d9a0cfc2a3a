"""Run a harness firmware on qemu-system-arm and count instructions per inference.

QEMU runs with -icount shift=0,sleep=off: the virtual clock advances exactly 1 ns per guest
instruction and never with host time (sleep=off keeps runs repeatable). The harness reads
the MPS2 FPGAIO counter (board clock, 25 MHz on mps2) around the invoke call, so one
counter tick is 1e9 / 25e6 = 40 instructions; the resolution is one tick (40
instructions) and the count is deterministic.
"""
from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mcugen.boards import Board, get_board
from mcugen.errors import McugenError
from mcugen.target.firmware import DONE_TAG, INPUT_FILE, OUTPUT_FILE, TICK_TAG, require

QEMU = "qemu-system-arm"
ICOUNT_SHIFT = 0  # 2**shift ns of virtual time per instruction
NS_PER_SECOND = 1_000_000_000
DEFAULT_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class Measurement:
    ticks: int
    empty_ticks: int
    instructions_per_tick: float
    stack_bytes: int = 0  # stack high-water mark of invoke (painting), 0 if not measured

    @property
    def instructions(self) -> int:
        return round((self.ticks - self.empty_ticks) * self.instructions_per_tick)


def instructions_per_tick(board: Board) -> float:
    return NS_PER_SECOND / (board.clock_hz * (1 << ICOUNT_SHIFT))


def qemu_command(elf: Path, board: Board) -> list[str]:
    if not board.qemu_machine:
        raise McugenError(f"board {board.name} has no qemu_machine: it cannot be emulated")
    return [require(QEMU, "running the firmware"), "-M", board.qemu_machine, "-nographic",
            "-monitor", "none", "-serial", "none",
            "-semihosting-config", "enable=on,target=native",
            "-icount", f"shift={ICOUNT_SHIFT},sleep=off", "-kernel", str(Path(elf).resolve())]


def run_qemu(elf, board: str | Board, workdir: Path, timeout: float = DEFAULT_TIMEOUT_S) -> list[str]:
    """Run elf in workdir (where semihosting opens its files); returns its console lines."""
    board = get_board(board) if isinstance(board, str) else board
    command = qemu_command(Path(elf), board)
    try:
        result = subprocess.run(command, cwd=workdir, capture_output=True, text=True,
                                timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise McugenError(f"{QEMU} timed out after {timeout:g} s running {elf}") from None
    # QEMU 7.2 prints the semihosting console (SYS_WRITE0) on stderr; older ones on stdout.
    lines = (result.stdout + "\n" + result.stderr).splitlines()
    if result.returncode != 0 or DONE_TAG not in lines:
        tail = " | ".join((result.stdout + result.stderr).strip().splitlines()[-5:])
        raise McugenError(f"firmware {elf} failed on {board.qemu_machine} "
                          f"(exit code {result.returncode}): {tail}")
    return lines


def _ticks(lines: list[str]) -> list[list[str]]:
    return [line.split()[1:] for line in lines if line.startswith(TICK_TAG + " ")]


def _raw_bytes(array: np.ndarray) -> bytes:
    """The bytes the harness reads: float32 and int16 arrays as they are, anything else as int8."""
    array = np.asarray(array)
    dtype = array.dtype if array.dtype in (np.float32, np.int16) else np.int8
    return np.ascontiguousarray(array, dtype=dtype).tobytes()


def run_firmware_batch(elf, board: str | Board, input_sets: list[list[np.ndarray]],
                       output_sizes: list[int], timeout: float = DEFAULT_TIMEOUT_S,
                       output_dtypes: list | None = None):
    """Run several input sets in one QEMU launch; returns [(outputs, Measurement)] per set.

    output_sizes count elements; output_dtypes (default int8) give their types."""
    board = get_board(board) if isinstance(board, str) else board
    per_tick = instructions_per_tick(board)
    dtypes = [np.dtype(d) for d in (output_dtypes or [np.int8] * len(output_sizes))]
    with tempfile.TemporaryDirectory(prefix="mcugen-qemu-") as tmp:
        work = Path(tmp)
        payload = b"".join(_raw_bytes(a) for inputs in input_sets for a in inputs)
        (work / INPUT_FILE).write_bytes(payload)
        lines = run_qemu(elf, board, work, timeout)
        data = (work / OUTPUT_FILE).read_bytes()
    ticks = _ticks(lines)
    per_set = sum(size * d.itemsize for size, d in zip(output_sizes, dtypes))
    if len(ticks) != len(input_sets) or len(data) != per_set * len(input_sets):
        raise McugenError(f"firmware {elf} ran {len(ticks)} of {len(input_sets)} input sets "
                          f"and wrote {len(data)} of {per_set * len(input_sets)} output bytes")
    results = []
    for n, (t, empty, stack) in enumerate(ticks):
        chunk, outputs, at = data[n * per_set:(n + 1) * per_set], [], 0
        for size, dtype in zip(output_sizes, dtypes):
            outputs.append(np.frombuffer(chunk[at:at + size * dtype.itemsize], dtype=dtype).copy())
            at += size * dtype.itemsize
        results.append((outputs, Measurement(int(t), int(empty), per_tick, int(stack))))
    return results


def _output_sizes_from_header(elf: Path) -> list[int]:
    """The {PREFIX}_OUTPUTn_SIZE macros of the model header next to the ELF."""
    header = Path(elf).with_suffix(".h")
    if not header.is_file():
        raise McugenError(f"cannot find {header.name} next to {elf}: pass output_sizes")
    sizes = {}
    for line in header.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "#define" and "_OUTPUT" in parts[1] and parts[1].endswith("_SIZE"):
            index = parts[1].rsplit("_OUTPUT", 1)[1][:-len("_SIZE")]
            if index.isdigit():
                sizes[int(index)] = int(parts[2])
    return [sizes[i] for i in sorted(sizes)]


def run_firmware(elf, board: str | Board, inputs: list[np.ndarray], output_sizes: list[int] | None = None,
                 timeout: float = DEFAULT_TIMEOUT_S) -> tuple[list[np.ndarray], int]:
    """One inference on the emulated board: (flat int8 outputs, instructions in invoke)."""
    if isinstance(inputs, np.ndarray):
        inputs = [inputs]
    sizes = output_sizes if output_sizes is not None else _output_sizes_from_header(Path(elf))
    [(outputs, measurement)] = run_firmware_batch(elf, board, [list(inputs)], sizes, timeout)
    return outputs, measurement.instructions


def run_calibration(elf, board: str | Board, timeout: float = 60.0) -> list[tuple[str, int, Measurement]]:
    """Run a build_calibration() firmware: [(loop name, iterations, Measurement)]."""
    board = get_board(board) if isinstance(board, str) else board
    with tempfile.TemporaryDirectory(prefix="mcugen-qemu-") as tmp:
        lines = run_qemu(elf, board, Path(tmp), timeout)
    per_tick = instructions_per_tick(board)
    return [(name, int(iters), Measurement(int(t), int(empty), per_tick))
            for name, iters, t, empty in _ticks(lines)]
