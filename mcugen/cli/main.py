"""mcugen compile | verify | boards."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mcugen import __version__
from mcugen.errors import McugenError

MARKER = ".mcugen"  # written into every output folder mcugen creates; lists its files


def _kib(n: int) -> str:
    return f"{n / 1024:,.1f} KiB"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%"


def prepare_output(folder: Path, force: bool) -> None:
    """Refuse to write into a non-empty folder mcugen did not create, unless forced."""
    if folder.exists() and not folder.is_dir():
        raise McugenError(f"output path {folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file() and not force:
        raise McugenError(f"output folder {folder} is not empty and was not made by mcugen; "
                          f"choose another -o or pass --force to write into it")
    marker = folder / MARKER
    if marker.is_file():
        # Our own earlier output: remove the files we wrote then, so none go stale.
        for line in marker.read_text().splitlines():
            old = folder / line
            if line and ".." not in Path(line).parts and old.is_file():
                old.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def cmd_compile(args) -> int:
    from mcugen.api import compile as compile_model
    model = compile_model(args.model, board=args.board, prefix=args.prefix)
    folder = Path(args.output) if args.output else Path(model.prefix)
    prepare_output(folder, args.force)
    written = model.write(folder)
    (folder / MARKER).write_text("".join(f"{p.relative_to(folder).as_posix()}\n" for p in written))
    s, board = model.summary, model.board
    print(f"{args.model} -> {folder}/ ({', '.join(sorted(model.files)[:3])}, runtime/)")
    views = s.ops - s.layers
    print(f"  ops        {s.ops} ({s.layers} kernels, {views} view{'s' if views != 1 else ''}), {s.macs:,} MACs")
    print(f"  peak SRAM  {s.peak_sram_bytes:,} bytes ({_kib(s.peak_sram_bytes)}) of {_kib(board.sram_bytes)} "
          f"on {board.name} ({_pct(s.peak_sram_bytes, board.sram_bytes)})")
    print(f"  flash      {s.flash_bytes:,} bytes ({_kib(s.flash_bytes)}) of {_kib(board.flash_bytes)} "
          f"({_pct(s.flash_bytes, board.flash_bytes)}): weights {s.weights_bytes:,} "
          f"+ code ~{s.code_bytes_estimate:,} (estimate)")
    return 0


def cmd_verify(args) -> int:
    from mcugen.api import compile as compile_model
    from mcugen.verify import verify_model
    if args.count < 1:
        raise McugenError("-n must be at least 1")
    try:
        data = Path(args.model).read_bytes()
    except OSError as exc:
        raise McugenError(f"cannot read {args.model}: {exc.strerror}") from None
    model = compile_model(args.model, board=args.board, check_fit=False)
    result = verify_model(model, data, count=args.count, seed=args.seed)
    print(f"{args.model}: {result.runs} input sets (all -128, all 127, extremes, random; seed {args.seed}), "
          f"{result.compared_values:,} output values compared with TFLite Micro")
    print(f"mismatches: {result.mismatched_values}")
    if result.mismatched_values:
        print(f"first: {result.first_mismatch}")
        return 1
    return 0


def cmd_boards(args) -> int:
    from mcugen.boards import list_boards
    rows = [("board", "core", "SRAM", "flash", "clock", "DSP", "FPU", "")]
    for b in list_boards():
        rows.append((b.name, b.core, f"{b.sram_bytes // 1024} KiB", f"{b.flash_bytes // 1024} KiB",
                     f"{b.clock_hz // 1_000_000} MHz", "yes" if b.dsp else "no", b.fpu,
                     "QEMU " + b.qemu_machine if b.qemu_machine else ""))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mcugen", description="Compile int8 TFLite models into C for Cortex-M.")
    parser.add_argument("--version", action="version", version=f"mcugen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("compile", help="write C sources for a model")
    p.add_argument("model", help="int8 .tflite file")
    p.add_argument("--board", required=True, help="target board (see `mcugen boards`)")
    p.add_argument("-o", "--output", help="output folder (default: ./<prefix>)")
    p.add_argument("--prefix", help="C symbol prefix (default: from the model file name)")
    p.add_argument("--force", action="store_true", help="write into a non-empty folder mcugen did not create")
    p.set_defaults(func=cmd_compile)
    p = sub.add_parser("verify", help="compare the generated C with TFLite Micro on random inputs")
    p.add_argument("model", help="int8 .tflite file")
    p.add_argument("-n", "--count", type=int, default=100, help="input sets to run (default 100)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--board", default=None, help="board to compile for (no fit check)")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("boards", help="list the known boards")
    p.set_defaults(func=cmd_boards)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except McugenError as exc:
        print(f"mcugen: error: {exc}", file=sys.stderr)
        return 2
