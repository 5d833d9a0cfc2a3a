"""Flash of a harness ELF split into weights, model code, kernels and harness (nm symbols).

arm-none-eabi-size gives the sections; arm-none-eabi-nm the symbols in them. Weights are
the model's const arrays ({prefix}_t*, {prefix}_op*); kernels are the runtime_c functions
(mcu_*, with their local tables) that the compiler kept out of line and the layers' own
specialized kernels ({prefix}_layer*); the harness is our
startup, main, semihosting and the libc routines it links (memcpy, memset, ...). Model code
is the rest: invoke with the kernels it inlined, alignment and the exception index.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mcugen.target.firmware import require

HARNESS_SYMBOLS = {"Reset_Handler", "Fault_Handler", "mcugen_vectors", "mcugen_exit", "main"}
LIBC_SYMBOLS = {"memcpy", "memset", "memmove", "strlen"}
FLASH_SECTIONS = (".text", ".ARM.exidx", ".data")


@dataclass(frozen=True)
class FlashSplit:
    flash: int  # .text + .ARM.exidx + .data (its initial values live in flash)
    weights: int
    model_code: int
    kernels: int
    harness: int
    ram_static: int  # .data + .bss: the arena, I/O buffers of the harness


def _tool(name: str, elf: Path, *args: str) -> str:
    command = [require(name, "measuring the firmware's sizes"), *args, str(elf)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def flash_split(elf, prefix: str) -> FlashSplit:
    elf = Path(elf)
    sections = {}
    for parts in (line.split() for line in _tool("arm-none-eabi-size", elf, "-A").splitlines()):
        if len(parts) >= 3 and parts[0].startswith(".") and parts[1].isdigit():
            sections[parts[0]] = int(parts[1])
    flash = sum(sections.get(name, 0) for name in FLASH_SECTIONS)
    weight_re = re.compile(rf"^{re.escape(prefix)}_(t\d+|op\d+_\w+)$")
    layer_re = re.compile(rf"^{re.escape(prefix)}_layer\d+_\w+$")
    weights = kernels = harness = 0
    for parts in (line.split() for line in _tool("arm-none-eabi-nm", elf, "--size-sort", "-S").splitlines()):
        if len(parts) != 4 or parts[2] in "bBdD":
            continue  # RAM symbols
        size, kind, name = int(parts[1], 16), parts[2], parts[3]
        if weight_re.match(name):
            weights += size
        elif layer_re.match(name):
            kernels += size  # a layer's own specialized kernel (e.g. {prefix}_layer3_block)
        elif name in HARNESS_SYMBOLS or name in LIBC_SYMBOLS or name.startswith("sh_"):
            harness += size
        elif name.startswith("mcu_") or (kind in "tr" and not name.startswith(prefix)):
            kernels += size  # runtime_c functions and their static tables
    model_code = flash - weights - kernels - harness
    ram_static = sections.get(".data", 0) + sections.get(".bss", 0)
    return FlashSplit(flash=flash, weights=weights, model_code=model_code, kernels=kernels,
                      harness=harness, ram_static=ram_static)
