"""Hostile surroundings for `mcugen compile`: names, prefixes, output folders, special files.

Each family sets up a fresh case root (fuzz/sandbox.py: the user's files beside and inside
the output folder) and returns the argv to run there and what the run may touch. A family
is a function (root, rng, kit) -> Setting; the case's rng comes from one 63-bit seed, so
`python fuzz/fuzz.py --replay FAMILY:SEED` sets up and runs one case again.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import socket
from pathlib import Path

import numpy as np

from fuzz.sandbox import NOBODY, Setting, entry, snapshot

BOARD = "mps2-an500"
MANIFEST = ".mcugen"
OLD_TIME = 1_000_000_000  # the user's files are old: a rewrite with equal content still shows
ROOT = Path(__file__).resolve().parent.parent
RUNTIME_STEMS = sorted(p.stem for p in (ROOT / "runtime_c").glob("*.h"))

# ------------------------------------------------------------------------ hostile strings
NAME_PIECES = [b"/*", b"*/", b"//", b"/", b"*", b"??/", b"??=", b"??(", b"??)", b"??'", b"??<", b"??!",
               b"??-", b"\\", b"\\\n", b"\\\r\n", b'"', b"'", b"\n", b"\r", b"\x00", b"\xff", b"\xc3\x28",
               b"\xed\xa0\x80", b"\t", b"\x0b\x0c", b"#", b"#include <stdio.h>", b"#error boom", b"%s%n",
               b"{{ prefix }}", b"{%", b"{#", b"$(id)", b"`", b"\xe2\x80\xae", b"\xc2\xa0", b" ", b"int",
               b"return", b"void", b"*/ int x; /*", b'"; int x; //', b"\x1b[2J", b"\xf0\x9f\x92\xa5", b"a",
               b"input", b"output", b"m_invoke", b"mcu_arena"]
KEYWORDS = ["auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
            "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
            "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
            "union", "unsigned", "void", "volatile", "while", "_Bool", "_Complex", "_Imaginary"]
PREFIXES = ["abc\n", "abc\r", "abc\n\n", " abc", "abc ", "a b", "", "\n", "\t", "_", "__", "_Foo", "__x",
            "_m", "m_", "mcu", "mcu_", "MCU", "MCU_", "main", "errno", "NULL", "size_t", "int8_t",
            "INT8", "INT", "UINT8", "memcpy", "abort", "assert", "offsetof", "true", "bool", "EOF", "stdin",
            "é", "модель", "m\u200b", "ｍ", "a-b", "a.b", "../x", "x/y", "/abs", ".", "..", "1abc", "9",
            "a" * 63, "a" * 200, "a" * 251, "a" * 256, "a" * 5000, "m\x00", "m\udcff", "-m", "--force",
            "m\\", "m??/", "m$", "m*/", "con", "nul", "arena", "model", "input", "output", "m", "startup",
            "harness", "link", "main"]
PREFIXES += KEYWORDS + RUNTIME_STEMS + ["_Pragma", "__func__", "__STDC__", "_Static_assert"]
FILE_NAMES = [b"m\xff.tflite", b"m\xed\xa0\x80.tflite", b"a\nb.tflite", b"a\rb.tflite", b" .tflite",
              b"-dash.tflite", b"--force.tflite", b".tflite", b"..tflite", b"int.tflite", b"1234.tflite",
              b"__x.tflite", b"_.tflite", b"\xe2\x80\xae.tflite", b"a*.tflite", b"a??.tflite", b"a\\.tflite",
              b"a'\".tflite", b"a b.tflite", b"x" * 248 + b".tflite", b"model", b"model.TFLITE",
              b"mcu_conv2d_s8.tflite", b"mcu.tflite", b"return.tflite", b"a%s.tflite", b"a{{x}}.tflite",
              b"\xf0\x9f\x92\xa5.tflite", b"a\x1b[2J.tflite", b"a\t.tflite", b"arena.tflite"]


def hostile_name(rng) -> bytes:
    r = rng.random()
    if r < 0.1:
        return KEYWORDS[int(rng.integers(len(KEYWORDS)))].encode()
    if r < 0.2:  # long: across the 200-character display bound, or far beyond
        piece = NAME_PIECES[int(rng.integers(len(NAME_PIECES)))]
        n = int(rng.choice([190, 195, 196, 197, 198, 199, 200, 201, 1000, 100_000]))
        return b"x" * n + piece  # the piece where the display bound cuts, or far beyond it
    pieces = [NAME_PIECES[int(i)] for i in rng.integers(len(NAME_PIECES), size=int(rng.integers(1, 7)))]
    return b"".join(pieces)


# ------------------------------------------------------------------------------- the kit
def small_model(rng, pool: bool = False):
    """1-3 views or small pools on a small int8 tensor: compiles in a few milliseconds.
    With pool, the first op is a MAX_POOL_2D (so the output has a runtime/ folder)."""
    from fuzz.fuzz import FuzzBuilder
    b = FuzzBuilder()
    x = b.input((1, 2, 2, 4), scale=0.05, zero_point=0)
    shape = (1, 2, 2, 4)
    for _ in range(int(rng.integers(1, 4))):
        if shape[1:3] == (2, 2) and (pool or rng.random() < 0.5):
            shape = (1, 1, 1, 4)
            y = b.tensor(shape, scale=0.05, zero_point=0)
            b.op("MAX_POOL_2D", [x], [y], filter_height=2, filter_width=2, stride_h=2, stride_w=2)
        else:
            n = int(np.prod(shape))
            shape = (1, n) if len(shape) == 4 else (1, 1, 1, n)
            y = b.tensor(shape, scale=0.05, zero_point=0)
            b.op("RESHAPE", [x], [y], new_shape=list(shape))
        x = y
    b.output(x)
    return b


class Kit:
    """What families share: small valid models and their compiled output folders."""

    def __init__(self, cache: Path, seed: int = 0):
        from fuzz.fuzz import random_model
        self.cache = cache
        self.random_model = random_model
        # the cheapest models to compile (a few ms): most hostile cases are about surroundings
        self.models = [small_model(np.random.default_rng(seed + i), pool=True).build() for i in range(3)]
        self._golden: dict[int, tuple[Path, dict]] = {}

    def model(self, rng) -> int:
        return int(rng.integers(len(self.models)))

    def golden(self, i: int) -> tuple[Path, dict]:
        """Model i compiled with --prefix m into a folder: (folder, its snapshot)."""
        if i not in self._golden:
            from mcugen.cli import main as cli_main
            folder = self.cache / f"golden{i}"
            shutil.rmtree(folder, ignore_errors=True)
            model = self.cache / f"golden{i}.tflite"
            model.write_bytes(self.models[i])
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                code = cli_main(["compile", str(model), "--board", BOARD, "--prefix", "m", "-o", str(folder)])
            assert code == 0, f"the kit's model {i} does not compile"
            self._golden[i] = (folder, snapshot(folder))
        return self._golden[i]


def _user_files(root: Path) -> None:
    """The user's files beside the output folder (and another folder's manifest)."""
    (root / "outside" / "sub").mkdir(parents=True)
    for name, text in [("v.txt", "the user's notes\n"), ("keep.c", "int keep;\n"), ("sub/w.txt", "deep\n"),
                       (MANIFEST, "v.txt\nkeep.c\n")]:
        _old_file(root / "outside" / name, text)


def _old_file(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    os.utime(path, (OLD_TIME, OLD_TIME))


def _base(root: Path, rng, kit: Kit, model: bytes | None = None) -> list[str]:
    _user_files(root)
    (root / "model.tflite").write_bytes(model if model is not None else kit.models[kit.model(rng)])
    return ["compile", "model.tflite", "--board", BOARD]


def _options(rng, force: bool | None = None) -> tuple[list[str], bool]:
    force = bool(rng.random() < 0.4) if force is None else force
    return (["--force"] if force else []) + (["--report"] if rng.random() < 0.15 else []), force


# ------------------------------------------------------------------------------ families
def f_names(root, rng, kit):
    """Tensor names with comment openers and closers, trigraphs, line splices, NUL, bytes..."""
    b = kit.random_model(rng) if rng.random() < 0.1 else small_model(rng)
    same = hostile_name(rng) if rng.random() < 0.2 else None  # every name the same
    for t in b.tensors:
        if same is not None or rng.random() < 0.7:
            t["name"] = same if same is not None else hostile_name(rng)
    try:
        data = b.build()
    except Exception:  # a description the serializer refuses: a plain model
        data = kit.models[0]
    argv = _base(root, rng, kit, data) + ["--prefix", "m", "-o", "out"]
    if rng.random() < 0.1:  # the names printed by inspect, and written into report.json
        return Setting([["inspect", "model.tflite"], argv + ["--report"]], allowed=b"out", prefix="m", build=True)
    return Setting([argv], allowed=b"out", prefix="m", build=True)


def f_prefix(root, rng, kit):
    """--prefix with newlines, spaces, keywords, reserved and runtime names, unicode..."""
    prefix = PREFIXES[int(rng.integers(len(PREFIXES)))]
    if rng.random() < 0.2:
        prefix += PREFIXES[int(rng.integers(len(PREFIXES)))]
    argv = _base(root, rng, kit) + [f"--prefix={prefix}"]
    if rng.random() < 0.005:  # the firmware build: its harness has files of its own (main.c...)
        argv[0] = "build"
    if rng.random() < 0.7:  # (--prefix '' may mean the default prefix)
        return Setting([argv + ["-o", "out"]], allowed=b"out", prefix=prefix or None, build=True)
    # no -o: the folder is ./<prefix> (./<prefix>_firmware for build); nothing else may change
    folder = (prefix or "model") + ("_firmware" if argv[0] == "build" else "")
    allowed = os.fsencode(folder) if "/" not in folder and "\0" not in folder else None
    if allowed in (b".", b".."):
        allowed = None
    return Setting([argv], allowed=allowed, prefix=prefix or None, build=True)


def f_model_path(root, rng, kit):
    """Model files with hostile names: the default prefix and the C comments come from it."""
    name = FILE_NAMES[int(rng.integers(len(FILE_NAMES)))]
    _user_files(root)
    path = os.path.join(os.fsencode(root), name)
    with open(path, "wb") as f:
        f.write(kit.models[kit.model(rng)])
    shown = os.fsdecode(name)
    if shown.startswith("-") and rng.random() < 0.5:
        shown = "./" + shown
    argv = ["compile", shown, "--board", BOARD]
    if rng.random() < 0.5:
        return Setting([argv + ["-o", "out"]], allowed=b"out", build=True)
    from mcugen.api import default_prefix
    stem = Path(os.fsdecode(name)).stem
    prefix = default_prefix(stem)
    return Setting([argv], allowed=os.fsencode(prefix), prefix=prefix, build=True)


def f_special(root, rng, kit):
    """Special files as the model: devices, a FIFO without writer, a folder, sparse, loops."""
    _user_files(root)
    kind = str(rng.choice(["zero", "urandom", "null", "fifo", "folder", "sparse", "loop", "self", "dangling",
                           "link_zero", "link_fifo", "socket", "unreadable", "sparse_model", "proc"]))
    as_nobody = False
    if kind in ("zero", "urandom", "null"):
        model = f"/dev/{kind}"
    elif kind == "proc":
        model = "/proc/self/status"
    else:
        model = "model.tflite"
        path = root / model
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "folder":
            path.mkdir()
        elif kind in ("sparse", "sparse_model"):
            with open(path, "wb") as f:
                if kind == "sparse_model":
                    f.write(kit.models[0])
                f.truncate(int(rng.choice([(1 << 30) + 1, 4 << 30, 1 << 40, 200 << 20])))
        elif kind == "loop":
            os.symlink("loop_b", root / "loop_a")
            os.symlink("loop_a", root / "loop_b")
            model = "loop_a"
        elif kind == "self":
            os.symlink(model, path)
        elif kind == "dangling":
            os.symlink("nowhere/model.tflite", path)
        elif kind == "link_zero":
            os.symlink("/dev/zero", path)
        elif kind == "link_fifo":
            os.mkfifo(root / "fifo")
            os.symlink("fifo", path)
        elif kind == "socket":
            with socket.socket(socket.AF_UNIX) as s:
                s.bind(str(path))
        else:  # unreadable, for an unprivileged user
            path.write_bytes(kit.models[0])
            os.chmod(path, 0)
            as_nobody = True
    command = str(rng.choice(["compile", "compile", "compile", "inspect", "verify"]))
    argv = [command, model] + {"compile": ["--board", BOARD, "-o", "out"], "inspect": [],
                               "verify": ["-n", "1"]}[command]
    return Setting([argv], allowed=b"out", as_nobody=as_nobody, subprocess=kind not in ("sparse",))


ARG_VARIANTS = [
    ["--sram-budget", "0"], ["--sram-budget", "-1"], ["--sram-budget", "nan"], ["--sram-budget", "1e9"],
    ["--sram-budget", "9" * 40], ["--sram-budget", ""], ["--sram-budget", ","], ["--sram-budget", "1"],
    ["--max-extra-macs", "nan"], ["--max-extra-macs", "inf"], ["--max-extra-macs", "-inf"],
    ["--max-extra-macs", "-5"], ["--max-extra-macs", "1e308"], ["--max-extra-macs", "abc"],
    ["--board", "nonexistent"], ["--board", ""], ["--board", "../pyproject"], ["--board", "/etc/passwd"],
    ["--board", "mps2-an500\n"], ["--kernels", "x"], ["--memory", "x"], ["--patches", "x"], ["--bogus"],
    ["-o"], ["--prefix"], ["--prefix", "-x"], ["-o", ""], ["-o", "-"], ["--constant-channels", ""],
    ["--patches", "min", "--max-extra-macs", "0"], ["--sram-budget", "16", "--patches", "min"],
]
VERIFY_VARIANTS = [["--seed", "-1"], ["--seed", str(2**32)], ["--seed", str(2**64)], ["--seed", "x"], ["-n", "0"],
                   ["-n", "-5"], ["-n", str(2**63)], ["--board", "nonexistent"], ["--seed", "1.5"]]


def f_args(root, rng, kit):
    """Argument errors and extremes: every one is one line, exit 2 (or a success)."""
    base = _base(root, rng, kit)
    r = rng.random()
    if r < 0.75:
        extra = ARG_VARIANTS[int(rng.integers(len(ARG_VARIANTS)))]
        argv = base + ["-o", "out"] + extra if "-o" not in extra else base + extra
        if rng.random() < 0.1:
            argv = [a for a in argv if a not in ("--board", BOARD)]  # --board missing
    elif r < 0.9:
        argv = ["verify", "model.tflite", "-n", "1"] + VERIFY_VARIANTS[int(rng.integers(len(VERIFY_VARIANTS)))]
    else:
        argv = [str(rng.choice(["compile", "inspect", "verify", "bogus", ""]))]
    o = argv[argv.index("-o") + 1] if "-o" in argv[:-1] else "out"
    allowed = os.fsencode(os.path.normpath(o)) if o else b"model"  # -o '': the default, ./model
    return Setting([argv], allowed=allowed, prefix=None)


def _golden_out(root: Path, rng, kit: Kit, out: str = "out") -> dict:
    """An earlier compile's output at root/out (a copy): its entries as mcugen left them."""
    folder, entries = kit.golden(kit.model(rng))
    shutil.copytree(folder, root / out, symlinks=True)
    prefix = os.fsencode(out) + b"/"
    return {prefix + path: e for path, e in entries.items()}


def _manifest_line(rng, name: bytes, target: Path | None) -> bytes:
    """A manifest line for name, with the right hash of target's content when there is one."""
    data = target.read_bytes() if target is not None and target.is_file() else b""
    r = rng.random()
    if r < 0.7:
        return hashlib.sha256(data).hexdigest().encode() + b"  " + name + b"\n"
    if r < 0.8:
        return hashlib.sha256(data).hexdigest().encode() + b" *" + name + b"\n"
    return name + b"\n"


def _append_manifest(root: Path, lines: list[bytes]) -> None:
    path = root / "out" / MANIFEST
    with open(path, "ab") as f:
        f.write(b"".join(lines))


def _user_inside(root: Path, rng) -> None:
    for name in ["my_app.c", "notes.txt", "runtime/user.h", "deep/x.c", ".mcugen-tmp-1-abcd", "m.c.orig"]:
        if rng.random() < 0.5:
            _old_file(root / "out" / name, f"/* the user's {name} */\n")


def outdir_scenario(name, root, rng, kit):
    """One of OUTDIR's setups of -o: previous output, user files, tampered manifests..."""
    argv = _base(root, rng, kit) + ["--prefix", "m"]
    opts, force = _options(rng)
    out = root / "out"
    ours: dict = {}
    allowed = b"out"
    o = "out"
    if name == "fresh":
        o = str(rng.choice(["out", "out/a/b", "out/", "./out//", "out/.", "out/../out"]))
        allowed = os.fsencode(os.path.normpath(o))
    elif name in ("rerun", "user_files"):
        ours = _golden_out(root, rng, kit)
        if name == "user_files":
            _user_inside(root, rng)
    elif name == "foreign_folder":  # a folder of the user's: refused without --force
        _old_file(out / "main.c", "int main(void) { return 0; }\n")
        _old_file(out / "m.c", "/* the user's own m.c */\n")
        _user_inside(root, rng)
    elif name.startswith("manifest_"):
        ours = _golden_out(root, rng, kit)
        _user_inside(root, rng)
        _tamper_manifest(name, root, rng, ours)
        if (out / MANIFEST).is_file() and not (out / MANIFEST).is_symlink():  # tampered, still mcugen's list
            ours[b"out/" + MANIFEST.encode()] = entry(os.fsencode(out / MANIFEST))
    elif name.startswith("generated_"):
        ours = _golden_out(root, rng, kit)
        _tamper_generated(name, root, rng)
    elif name == "o_file":
        o = str(rng.choice(["outside/v.txt", "model.tflite"]))
        allowed = None
    elif name == "o_below_file":
        o, allowed = "outside/v.txt/sub", None
    elif name == "o_dangling":
        os.symlink("nowhere/out", out)
        allowed = None
    elif name == "o_link_dir":  # -o a symlink to a folder: writes land in the target
        os.symlink("outside/sub", out)
        allowed = b"outside/sub"
    elif name == "o_loop":
        os.symlink("out", out)
        allowed = None
    elif name == "o_fifo":
        os.mkfifo(out)
        allowed = None
    elif name == "o_dev":
        o, allowed = str(rng.choice(["/dev/null", "/dev/zero/x", "/proc/self/status"])), None
    elif name == "o_cwd":  # -o . with the user's files all around; -o '' is the default ./m
        o = str(rng.choice(["", ".", "./"]))
        allowed = b"m" if o == "" else b""
    elif name == "o_readonly":
        r = rng.random()
        if r < 0.33:
            ours = _golden_out(root, rng, kit)
            os.chmod(out, 0o555)
        elif r < 0.66:  # the unprivileged user's folder, runtime/ (or m.c) read-only: fails midway
            ours = _golden_out(root, rng, kit)
            for path in [out, *out.rglob("*")]:
                os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
            os.chmod(out / "runtime" if rng.random() < 0.7 else out / "m.c", 0o555)
        else:
            o = "ro/out"
            (root / "ro").mkdir()
            os.chmod(root / "ro", 0o555)
            allowed = b"ro/out"
        return Setting([argv + opts + ["-o", o]], allowed=allowed, force=force, mcugen_entries=ours,
                       prefix="m", as_nobody=True)
    elif name == "o_hostile_name":
        o = str(rng.choice(["out\n", "out\udcff", "-out", " out", "o" * 300, "/".join(["d" * 200] * 25), "out\r"]))
        encoded = os.fsencode(o)
        allowed = encoded if b"/" not in encoded and len(encoded) < 256 else encoded.split(b"/")[0]
        o = "./" + o if o.startswith("-") else o
    elif name == "concurrent":  # two or three compiles into one folder at once (issue 15, 3)
        models = [root / f"model{i}.tflite" for i in range(int(rng.integers(2, 4)))]
        same = kit.random_model(rng).build() if rng.random() < 0.5 else None  # slower: wider races
        for path in models:
            path.write_bytes(same or kit.models[kit.model(rng)])
        if rng.random() < 0.5:
            ours = _golden_out(root, rng, kit)
        argvs = [["compile", path.name, "--board", BOARD, "--prefix", str(rng.choice(["m", "n"])), "-o", "out"]
                 for path in models]
        return Setting(argvs, allowed=b"out", mcugen_entries=ours, concurrent=True, subprocess=False)
    elif name == "killed":  # a compile killed midway, then another: consistent, no user file lost
        ours = _golden_out(root, rng, kit) if rng.random() < 0.7 else {}
        _user_inside(root, rng)
        first = argv + ["--prefix=n" if rng.random() < 0.5 else "--prefix=m", "--force", "-o", "out"]
        return Setting([first, argv + opts + ["-o", "out"]], allowed=b"out", force=True, mcugen_entries=ours,
                       prefix="m", subprocess=False, kill_first=float(rng.uniform(0.2, 1.5)))
    elif name == "build":  # `mcugen build` with the user's files about (issue 15, 2): slow, rare
        _user_inside(root, rng)
        _old_file(out / "my_app.c", "int app;\n")
        build = ["build"] + argv[1:] + ["-o", "out"]
        return Setting([build + ["--force"], build, build + opts[:1], argv + ["-o", "out"]], allowed=b"out",
                       force=True, prefix="m", subprocess=False)
    elif name == "twice":  # a compile --force among the user's files, then two more (issue 15, 2)
        _user_inside(root, rng)
        return Setting([argv + ["--force", "-o", "out"], argv + opts + ["-o", "out"], argv + ["-o", "out"]],
                       allowed=b"out", force=True, prefix="m")
    return Setting([argv + opts + ["-o", o]], allowed=allowed, force=force, mcugen_entries=ours, prefix="m",
                   build=rng.random() < 0.05)


def _tamper_manifest(name, root, rng, ours):
    out = root / "out"
    manifest = out / MANIFEST
    outside = root / "outside"
    if name == "manifest_abs":
        _append_manifest(root, [_manifest_line(rng, os.fsencode(outside / t), outside / t)
                                for t in ["v.txt", "keep.c", "sub/w.txt", "sub"]]
                         + [_manifest_line(rng, os.fsencode(out / "my_app.c"), out / "my_app.c")])
    elif name == "manifest_dotdot":
        names = [b"../outside/v.txt", b"./../outside/keep.c", b"runtime/../../outside/sub/w.txt", b"..",
                 b"../outside", b"out/../../outside/v.txt", b"..\\outside\\v.txt", b"../outside/.mcugen"]
        _append_manifest(root, [_manifest_line(rng, n, outside / "v.txt") for n in names])
    elif name == "manifest_symlink_entry":  # out/link -> outside file, listed with its hash
        os.symlink(str(rng.choice(["../outside/v.txt", os.fspath(outside / "keep.c")])), out / "link.c")
        _append_manifest(root, [_manifest_line(rng, b"link.c", out / "link.c")])
    elif name == "manifest_through_dir_link":  # out/sd -> outside/, listed files below it
        os.symlink("../outside", out / "sd")
        _append_manifest(root, [_manifest_line(rng, b"sd/" + n, outside / os.fsdecode(n))
                                for n in [b"v.txt", b"keep.c", b"sub/w.txt"]])
    elif name == "manifest_link":
        manifest.unlink()
        os.symlink(str(rng.choice(["../outside/v.txt", "../outside/.mcugen", "../outside", "nowhere"])), manifest)
    elif name == "manifest_dir":
        manifest.unlink()
        _old_file(manifest / "inside.txt", "x\n")
    elif name == "manifest_fifo":
        manifest.unlink()
        os.mkfifo(manifest)
    elif name == "manifest_garbage":
        choice = int(rng.integers(6))
        data = [bytes(rng.integers(0, 256, size=int(rng.integers(1, 5000)), dtype=np.uint8)),
                b"\x00" * 100, b"\xff\xfe" + manifest.read_bytes(), manifest.read_bytes().replace(b"\n", b"\r\n"),
                b"x" * (2 << 20), manifest.read_bytes() + b"\n".join([b"m.c"] * 10000)][choice]
        manifest.write_bytes(data)
    elif name == "manifest_hardlink":  # the list a hard link to another folder's list
        other = outside / MANIFEST
        _old_file(other, manifest.read_bytes())
        manifest.unlink()
        os.link(other, manifest)
    elif name == "manifest_claims_user":  # the user's own file listed with its hash: mcugen's now
        _old_file(out / "my_app.c", "int app;\n")
        _append_manifest(root, [_manifest_line(rng, b"my_app.c", out / "my_app.c")])
        ours[b"out/my_app.c"] = snapshot(out)[b"my_app.c"]


def _tamper_generated(name, root, rng):
    out = root / "out"
    victim = out / str(rng.choice(["m.c", "m.h", "m_weights.c"]))
    if name == "generated_link":  # a generated file replaced by a symlink to the user's file
        victim.unlink()
        os.symlink(str(rng.choice(["../outside/keep.c", os.fspath(root / "outside" / "v.txt")])), victim)
    elif name == "generated_runtime_link":  # runtime/ itself a symlink to a folder outside
        if (out / "runtime").is_dir():
            shutil.rmtree(out / "runtime")
        os.symlink("../outside/sub", out / "runtime")
    elif name == "generated_edited":
        with open(victim, "a") as f:
            f.write("/* the user's edit */\n")
    elif name == "generated_dir":
        victim.unlink()
        _old_file(victim / "x.txt", "the user's\n")
    elif name == "generated_fifo":
        victim.unlink()
        os.mkfifo(victim)
    elif name == "generated_hardlink":  # a hard link to the user's file, maybe with mcugen's content
        keep = root / "outside" / "keep.c"
        if rng.random() < 0.5:
            _old_file(keep, victim.read_bytes())
        victim.unlink()
        os.link(keep, victim)
    elif name == "generated_runtime_file":
        if (out / "runtime").is_dir():
            shutil.rmtree(out / "runtime")
        _old_file(out / "runtime", "the user's file named runtime\n")


OUTDIR = ["fresh", "rerun", "user_files", "foreign_folder", "manifest_abs", "manifest_dotdot",
          "manifest_symlink_entry", "manifest_through_dir_link", "manifest_link", "manifest_dir", "manifest_fifo",
          "manifest_garbage", "manifest_claims_user", "generated_link", "generated_runtime_link",
          "generated_edited", "generated_dir", "generated_fifo", "o_file", "o_below_file", "o_dangling",
          "o_link_dir", "o_loop", "o_fifo", "o_dev", "o_cwd", "o_readonly", "o_hostile_name", "twice",
          "concurrent", "killed", "generated_hardlink", "generated_runtime_file", "manifest_hardlink", "build"]

# family -> (weight, setup); the outdir scenarios share their family's weight
FAMILIES = {"names": (3, f_names), "prefix": (2, f_prefix), "model_path": (1, f_model_path),
            "special": (1, f_special), "args": (1, f_args)}
# slow scenarios (real CLIs, several runs) come less often
OUTDIR_COST = {"concurrent": 40, "killed": 40, "build": 150, "twice": 3}
_OUTDIR_SHARES = {n: 1 / OUTDIR_COST.get(n, 1) for n in OUTDIR}
FAMILIES.update({f"outdir.{n}": (6 * share / sum(_OUTDIR_SHARES.values()),
                                 lambda root, rng, kit, n=n: outdir_scenario(n, root, rng, kit))
                 for n, share in _OUTDIR_SHARES.items()})


def pick_family(rng, only: list[str] | None = None) -> str:
    names = [n for n in sorted(FAMILIES) if not only or any(n == o or n.startswith(o + ".") for o in only)]
    weights = np.array([FAMILIES[n][0] for n in names], float)
    return names[int(rng.choice(len(names), p=weights / weights.sum()))]
