"""Boards: one TOML file each in boards/, read with stdlib tomllib."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from mcugen.errors import McugenError
from mcugen.paths import BOARDS


@dataclass(frozen=True)
class Board:
    name: str
    description: str
    core: str  # "cortex-m7", ...
    sram_bytes: int
    flash_bytes: int
    clock_hz: int
    dsp: bool
    fpu: str  # "none", "fpv4-sp-d16", "fpv5-d16", ...
    cflags: tuple[str, ...]
    qemu_machine: str = ""  # qemu-system-arm -M value, for emulated boards


def _load(path: Path) -> Board:
    try:
        data = tomllib.loads(path.read_text())
        return Board(name=path.stem, description=data["description"], core=data["core"],
                     sram_bytes=int(data["sram_kib"] * 1024), flash_bytes=int(data["flash_kib"] * 1024),
                     clock_hz=int(data["clock_mhz"] * 1_000_000), dsp=bool(data["dsp"]),
                     fpu=data["fpu"], cflags=tuple(data["cflags"]),
                     qemu_machine=data.get("qemu_machine", ""))
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise McugenError(f"board file {path} is invalid: {exc}") from None


def list_boards() -> list[Board]:
    return [_load(p) for p in sorted(BOARDS.glob("*.toml"))]


def get_board(name: str) -> Board:
    """The board called `name`, or a McugenError listing the known ones."""
    path = BOARDS / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(b.name for b in list_boards())
        raise McugenError(f"unknown board '{name}' (known boards: {known}; see `mcugen boards`)")
    return _load(path)
