"""Bare-metal Cortex-M firmware around a generated model, for QEMU's mps2 boards.

build_firmware(compiled, board, out_dir) writes the model folder plus a small harness
(startup, linker script, main.c using semihosting), compiles it with arm-none-eabi-gcc and
returns the ELF. All numbers are computed here; the templates in templates/target/ only
place them.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import jinja2

from mcugen.boards import Board, get_board
from mcugen.codegen.render import IO_CTYPES
from mcugen.errors import McugenError
from mcugen.paths import TEMPLATES

GCC = "arm-none-eabi-gcc"
WARNINGS = ["-std=c99", "-Wall", "-Wextra", "-Werror"]
# The harness uses memcpy/memset from newlib-nano (the model code uses string.h) and its
# own startup: no crt0, no syscalls.
LINK_FLAGS = ["-nostartfiles", "--specs=nano.specs", "--specs=nosys.specs", "-Wl,--gc-sections"]

_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES / "target")),
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                          undefined=jinja2.StrictUndefined)

# Memory map of QEMU's mps2 boards (an385/an386/an500): 4 MiB SSRAM1 at 0 for code,
# 4 MiB SSRAM2/3 at 0x20000000 for data.
FLASH_ORIGIN = 0x0000_0000
RAM_ORIGIN = 0x2000_0000
QEMU_REGION_BYTES = 4 * 1024 * 1024
STACK_BYTES = 16 * 1024
# ARMv7-M system control block: CPACR, CP10 and CP11 full access (bits 20..23).
CPACR_ADDRESS = 0xE000_ED88
CPACR_FPU_BITS = 0xF << 20
VECTOR_COUNT = 16  # initial SP, reset and the 14 system exceptions; no IRQs are used
FAULT_EXIT_CODE = 3
# MPS2 FPGAIO COUNTER: a 32-bit free-running up counter at the board clock (QEMU
# hw/misc/mps2-fpgaio.c; base 0x40028000 on all mps2 images, register offset 0x18).
COUNTER_ADDRESS = 0x4002_8000 + 0x18
COUNTER_NAME = "MPS2 FPGAIO COUNTER"
# ARM semihosting operations and constants.
SEMIHOSTING = dict(sys_open=0x01, sys_close=0x02, sys_write0=0x04, sys_write=0x05, sys_read=0x06,
                   sys_exit_extended=0x20, mode_read_binary=1, mode_write_binary=5,
                   application_exit=0x20026)
INPUT_FILE = "input.bin"
OUTPUT_FILE = "output.bin"
TICK_TAG = "mcugen-ticks"
DONE_TAG = "mcugen-done"
STACK_PAINT = 0x5AC3_5AC3  # pattern painted over the free stack before invoke
HARNESS_FILES = ("harness.h", "link.ld", "startup.c", "main.c")


@dataclass(frozen=True)
class Firmware:
    elf: Path
    map_file: Path
    prefix: str


def require(tool: str, what: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise McugenError(f"{tool} not found on PATH: {what} needs it "
                          f"(Debian: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)")
    return path


def _board(board: str | Board) -> Board:
    return get_board(board) if isinstance(board, str) else board


def _hex(value: int) -> str:
    return f"{value:08X}"


def _render(template: str, path: Path, **values) -> Path:
    path.write_text(_ENV.get_template(template).render(**values))
    return path


def _harness_values(board: Board) -> dict:
    return dict(board_name=board.name, counter_hz=board.clock_hz, counter_name=COUNTER_NAME,
                counter_address=_hex(COUNTER_ADDRESS), tick_tag=TICK_TAG, done_tag=DONE_TAG,
                **{k: (f"{v:X}" if k.startswith("sys_") or k == "application_exit" else v)
                   for k, v in SEMIHOSTING.items()})


def _write_common(board: Board, folder: Path, data_bytes: int) -> Path:
    """harness.h, startup.c and link.ld for the board; returns startup.c."""
    if not board.qemu_machine:
        raise McugenError(f"board {board.name} has no qemu_machine: it is build-only, no firmware")
    flash_bytes = min(board.flash_bytes, QEMU_REGION_BYTES)
    ram_bytes = min(board.sram_bytes, QEMU_REGION_BYTES)
    if data_bytes + STACK_BYTES > ram_bytes:
        raise McugenError(f"does not fit {board.name}: the firmware needs {data_bytes + STACK_BYTES:,} "
                          f"bytes of RAM (model and buffers + {STACK_BYTES:,} stack), it has {ram_bytes:,}")
    _render("harness.h.j2", folder / "harness.h", **_harness_values(board))
    _render("link.ld.j2", folder / "link.ld", board_name=board.name, flash_origin=_hex(FLASH_ORIGIN),
            flash_bytes=flash_bytes, ram_origin=_hex(RAM_ORIGIN), ram_bytes=ram_bytes,
            stack_bytes=STACK_BYTES)
    startup = _render("startup.c.j2", folder / "startup.c", board_name=board.name,
                      enable_fpu=board.fpu != "none", cpacr_address=_hex(CPACR_ADDRESS),
                      cpacr_fpu_bits=_hex(CPACR_FPU_BITS), vector_count=VECTOR_COUNT,
                      fault_exit_code=FAULT_EXIT_CODE)
    return startup


def _gcc(args: list[str], cwd: Path) -> None:
    command = [require(GCC, "the Cortex-M build"), *args]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        first = next((line for line in result.stderr.splitlines() if "error" in line),
                     result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "")
        raise McugenError(f"{GCC} failed in {cwd}: {first}", detail=result.stderr)


def model_sources(compiled) -> list[str]:
    """The C files of the generated folder: {prefix}.c, {prefix}_weights.c and any runtime .c."""
    return sorted(name for name in compiled.files if name.endswith(".c"))


def _link(board: Board, folder: Path, sources: list[str], opt: str, name: str) -> Firmware:
    elf, map_file = folder / f"{name}.elf", folder / f"{name}.map"
    _gcc([*board.cflags, opt, *WARNINGS, "-ffunction-sections", "-fdata-sections", "-I.",
          *sources, "-T", "link.ld", *LINK_FLAGS, f"-Wl,-Map={map_file.name}", "-o", elf.name],
         folder)
    return Firmware(elf=elf, map_file=map_file, prefix=name)


def build_firmware(compiled, board: str | Board, out_dir, opt: str = "-O2") -> Path:
    """Write compiled's C plus the harness into out_dir, build it for board; returns the ELF."""
    board = _board(board)
    require(GCC, "the Cortex-M build")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    clash = sorted(set(compiled.files) & set(HARNESS_FILES))
    if clash:
        raise McugenError(f"the firmware harness writes {', '.join(clash)} itself: "
                          f"give the model another --prefix")
    compiled.write(folder)
    graph, prefix = compiled.graph, compiled.prefix
    # size: bytes read/written per set; count and ctype declare the buffer (int8_t or float)
    inputs = [dict(name=f"input{i}", size=graph.tensors[t].nbytes, count=graph.tensors[t].size,
                   ctype=IO_CTYPES[graph.tensors[t].dtype]) for i, t in enumerate(graph.inputs)]
    outputs = [dict(name=f"output{i}", size=graph.tensors[t].nbytes, count=graph.tensors[t].size,
                    ctype=IO_CTYPES[graph.tensors[t].dtype]) for i, t in enumerate(graph.outputs)]
    data_bytes = compiled.plan.peak_sram_bytes + sum(t["size"] for t in inputs + outputs)
    startup = _write_common(board, folder, data_bytes)
    _render("main.c.j2", folder / "main.c", prefix=prefix, board_name=board.name,
            input_file=INPUT_FILE, output_file=OUTPUT_FILE, tick_tag=TICK_TAG, done_tag=DONE_TAG,
            stack_paint=_hex(STACK_PAINT), buffers=inputs + outputs, inputs=inputs, outputs=outputs,
            call_args=", ".join(t["name"] for t in inputs + outputs))
    fw = _link(board, folder, [startup.name, "main.c", *model_sources(compiled)], opt, prefix)
    return fw.elf


# Loops of a known instruction count for calibrate(): name -> body (Thumb-2 assembly);
# each body runs once per iteration, the loop counter is %0.
CALIBRATION_LOOPS = {
    "loop2": ["subs %0, %0, #1", "bne 1b"],
    "loop3": ["nop", "subs %0, %0, #1", "bne 1b"],
    "loop5": ["nop", "nop", "nop", "subs %0, %0, #1", "bne 1b"],
}


def build_calibration(board: str | Board, out_dir, runs: list[tuple[str, int]],
                      opt: str = "-O2") -> Path:
    """A firmware timing CALIBRATION_LOOPS[name] for each (name, iterations) of runs."""
    board = _board(board)
    require(GCC, "the Cortex-M build")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    startup = _write_common(board, folder, 0)
    used = sorted({name for name, _ in runs})
    _render("calibrate.c.j2", folder / "calibrate.c", tick_tag=TICK_TAG, done_tag=DONE_TAG,
            loops=[dict(name=n, body=CALIBRATION_LOOPS[n]) for n in used],
            runs=[dict(loop=n, iterations=i) for n, i in runs])
    return _link(board, folder, [startup.name, "calibrate.c"], opt, "calibrate").elf


def cross_compile(compiled, board: str | Board, out_dir, opt: str = "-O2") -> list[Path]:
    """Compile (-c only, -Werror) the model's C for board; returns the object files."""
    board = _board(board)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    compiled.write(folder)
    objects = []
    for source in model_sources(compiled):
        obj = folder / (source.replace("/", "_")[:-2] + ".o")
        _gcc([*board.cflags, opt, *WARNINGS, "-c", source, "-o", obj.name], folder)
        objects.append(obj)
    return objects
