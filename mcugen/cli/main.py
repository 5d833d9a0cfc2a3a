"""mcugen compile | verify | inspect | build | run | boards."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from mcugen import __version__
from mcugen.cli.output import check_output_path, print_notes, publish
from mcugen.errors import McugenError


def _kib(n: int) -> str:
    return f"{n / 1024:,.1f} KiB"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%"


def _kernels_argument(p) -> None:
    p.add_argument("--kernels", default="auto", choices=["auto", "portable", "simd"],
                   help="SIMD (DSP-extension) or portable C kernels; auto (default): SIMD where "
                        "the board has the DSP extension")


def cmd_compile(args) -> int:
    from mcugen.api import compile as compile_model
    if args.output is not None:
        check_output_path(args.output)
    model = compile_model(args.model, board=args.board, prefix=args.prefix, kernels=args.kernels,
                          debug_guards=args.debug_guards, **_memory_options(args))
    folder = Path(args.output) if args.output is not None else Path(model.prefix)
    files = {name: text.encode() for name, text in model.files.items()}
    report_lines: list[str] = []
    if args.report:
        from mcugen.report import render_report
        report_lines, report_files = render_report(model, folder)
        files.update(report_files)
    print_notes(publish(folder, files, args.force))
    s, board = model.summary, model.board
    assert board is not None  # --board is required
    print(f"{args.model} -> {folder}/ ({', '.join(sorted(model.files)[:3])}, runtime/)")
    views = s.ops - s.layers
    print(f"  ops        {s.ops} ({s.layers} kernels, {views} view{'s' if views != 1 else ''}), {s.macs:,} MACs")
    if s.constant_macs:
        print(f"             of the MACs, {s.constant_macs:,} ({_pct(s.constant_macs, s.macs)}) are in channels "
              f"whose value is the same for every input: not computed (--constant-channels keep computes them)")
    print(f"  peak SRAM  {s.peak_sram_bytes:,} bytes ({_kib(s.peak_sram_bytes)}) of {_kib(board.sram_bytes)} "
          f"on {board.name} ({_pct(s.peak_sram_bytes, board.sram_bytes)})")
    print(f"  flash      {s.flash_bytes:,} bytes ({_kib(s.flash_bytes)}) of {_kib(board.flash_bytes)} "
          f"({_pct(s.flash_bytes, board.flash_bytes)}): weights {s.weights_bytes:,} "
          f"+ code ~{s.code_bytes_estimate:,} (estimate)")
    if s.wide_weights_bytes:
        print(f"             of the weights, {s.wide_weights_bytes:,} bytes are int16 weights for the "
              f"SIMD kernels' speed (left out when the model would not fit)")
    print(f"  memory     {', '.join(f'{name} {value:,}' for name, value in s.peaks.items())} bytes")
    if s.patches:
        print(f"  patches    {s.patches}, +{s.extra_macs:,} MACs ({_pct(s.extra_macs, s.macs)})"
              + ("" if args.patches == "min" else f": turned on because the plan did not fit "
                 f"{args.sram_budget:,} bytes" if args.sram_budget else f": turned on to fit {board.name}"))
    for line in report_lines:
        print(line)
    return 0


def cmd_verify(args) -> int:
    from mcugen.api import compile_graph
    from mcugen.verify import verify_model
    data, graph = _read_model(args.model)
    model = compile_graph(graph, board=args.board, check_fit=False)
    result = verify_model(model, data, count=args.count, seed=args.seed)
    print(f"{args.model}: {result.runs} input sets (all -128, all 127, extremes, random; seed {args.seed}), "
          f"{result.compared_values:,} output values compared with TFLite Micro")
    print(f"mismatches: {result.mismatched_values}")
    if result.mismatched_values:
        print(f"first: {result.first_mismatch}")
        return 1
    return 0


def cmd_build(args) -> int:
    import tempfile

    from mcugen.api import compile as compile_model
    from mcugen.target import build_firmware
    from mcugen.target.sizes import flash_split
    if args.output is not None:
        check_output_path(args.output)
    model = compile_model(args.model, board=args.board, prefix=args.prefix, kernels=args.kernels,
                          **_memory_options(args))
    folder = Path(args.output) if args.output is not None else Path(model.prefix + "_firmware")
    board = model.board
    assert board is not None  # --board is required
    # Built in a folder of its own, then published: the output folder gets exactly the
    # files of the build (sources, harness, ELF, map) and nothing the compiler follows.
    with tempfile.TemporaryDirectory(prefix="mcugen-build-") as tmp:
        elf = build_firmware(model, board, tmp, opt=args.opt)
        split = flash_split(elf, model.prefix)
        files = {p.relative_to(tmp).as_posix(): p.read_bytes()
                 for p in sorted(Path(tmp).rglob("*")) if p.is_file()}
        print_notes(publish(folder, files, args.force))
    elf = folder / elf.name
    print(f"{args.model} -> {elf} ({board.name}, {args.opt})")
    print(f"  flash {split.flash:,} bytes: weights {split.weights:,}, model code {split.model_code:,}, "
          f"kernels {split.kernels:,}, harness {split.harness:,}")
    print(f"  static RAM {split.ram_static:,} bytes (arena {model.plan.peak_sram_bytes:,} and the "
          f"harness's I/O buffers) + stack (`mcugen run` measures it)")
    return 0


def cmd_run(args) -> int:
    import tempfile

    import numpy as np

    from mcugen.api import compile_graph
    from mcugen.boards import get_board
    from mcugen.target import build_firmware, run_firmware_batch
    from mcugen.verify import run_tflm, test_inputs, tflm_interpreter
    board = get_board(args.board)
    if not board.qemu_machine:
        raise McugenError(f"board {board.name} is build-only; run on mps2-an500 or mps2-an386")
    data, graph = _read_model(args.model)
    model = compile_graph(graph, board=board, kernels=args.kernels, **_memory_options(args))
    graph = model.graph
    sets = list(test_inputs([graph.tensors[t].shape for t in graph.inputs], args.count, args.seed))
    sizes = [graph.tensors[t].size for t in graph.outputs]
    with tempfile.TemporaryDirectory(prefix="mcugen-run-") as tmp:
        elf = build_firmware(model, board, Path(tmp), opt=args.opt)
        results = run_firmware_batch(elf, board, sets, sizes)
    interpreter = tflm_interpreter(data,
                                   sum(t.nbytes for t in graph.tensors if not t.is_const))
    vs_host = vs_tflm = 0
    for inputs, (outputs, _) in zip(sets, results):
        host = model.run(inputs)
        tflm = run_tflm(interpreter, inputs, len(graph.outputs))
        for got, h, t in zip(outputs, host, tflm):
            vs_host += int(np.count_nonzero(got != h.reshape(-1)))
            vs_tflm += int(np.count_nonzero(got != t.reshape(-1)))
    counts = [m.instructions for _, m in results]
    stack = max(m.stack_bytes for _, m in results)
    s = model.summary
    per_mac = f", {max(counts) / s.macs:.2f} per MAC" if s.macs else ""
    # Counts vary a little with the data (clamps and branches in the kernels).
    span = f"{min(counts):,}" if min(counts) == max(counts) else f"{min(counts):,} to {max(counts):,}"
    print(f"{args.model} on {board.name} (QEMU {board.qemu_machine}, {args.opt}): {len(sets)} input sets")
    print(f"  instructions per inference: {span}{per_mac}")
    print(f"  SRAM: arena {model.plan.peak_sram_bytes:,} + stack {stack:,} (measured) = "
          f"{model.plan.peak_sram_bytes + stack:,} bytes")
    print(f"  mismatches vs host build: {vs_host}, vs TFLite Micro: {vs_tflm}")
    return 1 if vs_host or vs_tflm else 0


def cmd_inspect(args) -> int:
    from mcugen.boards import get_board
    from mcugen.frontend import load_tflite
    from mcugen.inspect_model import format_report, inspect_graph
    board = get_board(args.board) if args.board else None
    report = inspect_graph(load_tflite(args.model), board=board)
    print("\n".join(format_report(report, args.model)))
    return 0 if not report.unsupported and not report.verdict_problem else 1


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


def _memory_arguments(p) -> None:
    p.add_argument("--memory", default="auto", choices=["auto", "none", "all"],
                   help="in-place depthwise and overlapping buffers: where they lower the peak "
                        "(auto, default), wherever legal (all) or never (none)")
    p.add_argument("--patches", default="auto", choices=["auto", "off", "min"],
                   help="patch-based inference of memory-hungry segments: only to fit the board "
                        "or --sram-budget (auto, default), for the smallest peak (min), or off")
    p.add_argument("--sram-budget", type=_positive_int, metavar="BYTES",
                   help="fit the arena in BYTES (patches with the fewest extra MACs if needed)")
    p.add_argument("--max-extra-macs", type=float, default=20.0, metavar="PCT",
                   help="cap on the extra MACs of patches with --patches min (default 20 %%)")
    p.add_argument("--constant-channels", default="drop", choices=["drop", "keep"],
                   help="channels proven to hold one value for every input: not computed "
                        "(drop, default; outputs unchanged) or computed like the others (keep)")


def _memory_options(args) -> dict:
    return dict(memory=args.memory, patches=args.patches, sram_budget=args.sram_budget,
                max_extra_macs=args.max_extra_macs / 100, constant_channels=args.constant_channels)


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of bytes") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be positive")
    return value


def _read_model(path: str):
    """The model file's bytes (for TFLM) and its graph, from one read of the file."""
    from mcugen.frontend import parse_tflite
    from mcugen.frontend.tflite_reader import read_model_file
    data = read_model_file(path)
    return data, parse_tflite(data, name=Path(path).stem)


def _integer(text: str, low: int, high: int, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{what} must be between {low:,} and {high:,}, not {value}")
    return value


def _seed(text: str) -> int:
    return _integer(text, 0, 2**32 - 1, "the seed")


def _count(text: str) -> int:
    return _integer(text, 1, 1_000_000, "the number of input sets")


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as mcugen's: one line, exit code 2 (no usage block)."""

    def error(self, message: str):
        command = self.prog.split()[1] if " " in self.prog else ""
        hint = f" (mcugen {command} --help)" if command else " (mcugen --help)"
        self.exit(2, f"mcugen: error: {message}{hint}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mcugen", description="Compile int8 TFLite models into C for Cortex-M.")
    parser.add_argument("--version", action="version", version=f"mcugen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("compile", help="write C sources for a model")
    p.add_argument("model", help="int8 .tflite file")
    p.add_argument("--board", required=True, help="target board (see `mcugen boards`)")
    p.add_argument("-o", "--output", help="output folder (default: ./<prefix>)")
    p.add_argument("--prefix", help="C symbol prefix (default: from the model file name)")
    p.add_argument("--force", action="store_true", help="write into a non-empty folder mcugen did not create")
    _memory_arguments(p)
    p.add_argument("--report", action="store_true",
                   help="print per-layer memory and write report.json (and report.png with matplotlib)")
    p.add_argument("--debug-guards", action="store_true",
                   help="debug build: guard words around the arena, checked after each invoke "
                        "(which returns <PREFIX>_ERROR_GUARD_OVERWRITTEN if one was overwritten)")
    _kernels_argument(p)
    p.set_defaults(func=cmd_compile)
    p = sub.add_parser("verify", help="compare the generated C with TFLite Micro on random inputs")
    p.add_argument("model", help="int8 .tflite file")
    p.add_argument("-n", "--count", type=_count, default=100, help="input sets to run (default 100)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--board", default=None, help="board to compile for (no fit check)")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("build", help="build Cortex-M firmware (model + test harness) for an emulated board")
    p.add_argument("model", help="int8 .tflite file")
    p.add_argument("--board", required=True, help="mps2-an500 or mps2-an386")
    p.add_argument("-o", "--output", help="output folder (default: ./<prefix>_firmware)")
    p.add_argument("--prefix", help="C symbol prefix (default: from the model file name)")
    p.add_argument("--opt", default="-O2", choices=["-O2", "-Os", "-O3"], help="optimization (default -O2)")
    p.add_argument("--force", action="store_true", help="write into a non-empty folder mcugen did not create")
    _kernels_argument(p)
    _memory_arguments(p)
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("run", help="run the model on an emulated Cortex-M (QEMU): outputs and instructions")
    p.add_argument("model", help="int8 .tflite file")
    p.add_argument("--board", default="mps2-an500", help="mps2-an500 (default, Cortex-M7) or mps2-an386 (M4)")
    p.add_argument("-n", "--count", type=_count, default=3, help="input sets (default 3)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--opt", default="-O2", choices=["-O2", "-Os", "-O3"], help="optimization (default -O2)")
    _kernels_argument(p)
    _memory_arguments(p)
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("inspect", help="print the graph (ops, shapes, dtypes, quantization) and what "
                                       "mcugen cannot compile")
    p.add_argument("model", help=".tflite file")
    p.add_argument("--board", default=None, help="also check that the model fits this board")
    p.set_defaults(func=cmd_inspect)
    p = sub.add_parser("boards", help="list the known boards")
    p.set_defaults(func=cmd_boards)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # a file name that is not UTF-8 (kept by Python as surrogate escapes) is printed
        # escaped, not as a UnicodeEncodeError traceback
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except McugenError as exc:
        # one line whatever names it quotes (a path or prefix may hold a newline)
        message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(exc))
        print(f"mcugen: error: {message}", file=sys.stderr)
        if exc.detail:
            print(exc.detail, file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `mcugen inspect m.tflite | head`: the reader has gone; nothing left to tell it
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
