"""Output folders: mcugen replaces or deletes only regular files it wrote itself there.

Each test is one of the reproductions of issue 15 (a probe as a careful user and as an
attacker would try it): before, each deleted or overwrote a user's file, or crashed.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.test_cli import assert_user_error, mcugen
from tests.helpers import ROOT

DIGITS = ROOT / "examples" / "digits" / "digits_int8.tflite"
COMPILE = ("compile", DIGITS, "--board", "stm32f746")
OWN = ["digits_int8.c", "digits_int8.h", "digits_int8_weights.c"]


def snapshot(folder: Path) -> dict[str, object]:
    """Every entry under folder: a file's bytes, a symlink's target, a folder's mark."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            entries[name] = ("link", os.readlink(path))
        elif path.is_dir():
            entries[name] = ("dir",)
        else:
            entries[name] = ("file", path.read_bytes())
    return entries


def manifest(folder: Path) -> dict[str, str]:
    lines = (folder / ".mcugen").read_text().splitlines()
    return {line[66:]: line[:64] for line in lines}


def test_manifest_lists_names_with_hashes(tmp_path):
    out = tmp_path / "out"
    assert mcugen(*COMPILE, "-o", out).returncode == 0
    listed = manifest(out)
    assert set(OWN) <= set(listed) and all(name.startswith(("digits", "runtime/")) for name in listed)
    for name, digest in listed.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert sorted(listed) == sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                                    if p.is_file() and p.name != ".mcugen")


def test_absolute_path_in_manifest_is_left_alone(tmp_path):
    victim = tmp_path / "v.txt"
    victim.write_text("v\n")
    out = tmp_path / "out"
    out.mkdir()
    digest = hashlib.sha256(b"v\n").hexdigest()
    (out / ".mcugen").write_text(f"{victim}\n{digest}  {victim}\n{digest}  ../v.txt\n")
    result = mcugen(*COMPILE, "-o", out)
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "v\n"
    assert "left alone" in result.stderr
    assert (out / "digits_int8.c").is_file() and str(victim) not in (out / ".mcugen").read_text()


def test_manifest_symlink_is_refused(tmp_path):
    victim = tmp_path / "notes.txt"
    victim.write_text("my notes\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".mcugen").symlink_to(victim)
    assert_user_error(mcugen(*COMPILE, "-o", out), ".mcugen", "not a regular file")
    assert victim.read_text() == "my notes\n"
    assert snapshot(out) == {".mcugen": ("link", str(victim))}


def test_output_name_that_is_a_symlink_is_not_followed(tmp_path):
    out = tmp_path / "out"
    assert mcugen(*COMPILE, "-o", out).returncode == 0
    victim = tmp_path / "firmware.c"
    victim.write_text("int main(void) { return 0; }\n")
    (out / "digits_int8.c").unlink()
    (out / "digits_int8.c").symlink_to(victim)
    before = snapshot(tmp_path)
    assert_user_error(mcugen(*COMPILE, "-o", out), "digits_int8.c", "symlink")
    assert snapshot(tmp_path) == before  # nothing written at all: conflicts are found first
    # nor with --force
    assert_user_error(mcugen(*COMPILE, "-o", out, "--force"), "digits_int8.c", "symlink")
    assert victim.read_text() == "int main(void) { return 0; }\n"


def test_runtime_folder_that_is_a_symlink_is_not_followed(tmp_path):
    out = tmp_path / "out"
    assert mcugen(*COMPILE, "-o", out).returncode == 0
    elsewhere = tmp_path / "elsewhere"
    shutil.move(out / "runtime", elsewhere)
    (out / "runtime").symlink_to(elsewhere)
    before = snapshot(tmp_path)
    assert_user_error(mcugen(*COMPILE, "-o", out), "runtime", "symlink")
    assert snapshot(tmp_path) == before


def test_changed_file_is_not_overwritten(tmp_path):
    out = tmp_path / "out"
    assert mcugen(*COMPILE, "-o", out).returncode == 0
    (out / "digits_int8.c").write_text("/* my edits */\n")
    assert_user_error(mcugen(*COMPILE, "-o", out), "digits_int8.c", "changed since mcugen wrote it")
    assert (out / "digits_int8.c").read_text() == "/* my edits */\n"
    # a stale file the user changed is left alone (and said so), not deleted
    result = mcugen(*COMPILE, "-o", out, "--prefix", "other")
    assert result.returncode == 0, result.stderr
    assert (out / "digits_int8.c").read_text() == "/* my edits */\n"
    assert "digits_int8.c alone: changed since mcugen wrote it" in result.stderr
    assert not (out / "digits_int8.h").exists() and (out / "other.c").is_file()


def test_user_files_survive_force_and_later_compiles(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "my_app.c").write_text("app\n")
    (out / "runtime").mkdir()
    (out / "runtime" / "mine.h").write_text("mine\n")
    assert mcugen(*COMPILE, "-o", out, "--force").returncode == 0
    for prefix in ("other", "digits_int8"):
        assert mcugen(*COMPILE, "-o", out, "--prefix", prefix).returncode == 0
    assert (out / "my_app.c").read_text() == "app\n"
    assert (out / "runtime" / "mine.h").read_text() == "mine\n"
    assert "my_app.c" not in manifest(out) and not (out / "other.c").exists()


def test_user_file_of_the_same_name_is_never_overwritten(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "digits_int8.h").write_text("my header\n")
    assert_user_error(mcugen(*COMPILE, "-o", out, "--force"), "digits_int8.h", "not written by mcugen")
    assert snapshot(out) == {"digits_int8.h": ("file", b"my header\n")}


def test_model_as_special_files_is_refused(tmp_path):
    fifo = tmp_path / "fifo.tflite"
    os.mkfifo(fifo)
    start = time.monotonic()
    for model, phrase in ((Path("/dev/zero"), "not a regular file"), (fifo, "not a regular file"),
                          (tmp_path, "a folder")):
        assert_user_error(mcugen("compile", model, "--board", "stm32f746", "-o", tmp_path / "o"), phrase)
    assert_user_error(mcugen("inspect", "/dev/urandom"), "not a regular file")
    assert_user_error(mcugen("verify", "/dev/zero", "-n", "1"), "not a regular file")
    loop = tmp_path / "loop.tflite"
    loop.symlink_to(loop)
    assert_user_error(mcugen("inspect", loop), "cannot read")
    assert time.monotonic() - start < 120  # nothing blocked on the FIFO or read /dev/zero


def test_huge_model_file_is_refused_before_reading(tmp_path):
    huge = tmp_path / "huge.tflite"
    with huge.open("wb") as f:  # sparse: no disk space used
        f.truncate((256 << 20) + 1)
    assert_user_error(mcugen("inspect", huge), "too large")


@pytest.mark.parametrize("setup, phrase", [
    ("below_file", "not a folder"),
    ("dangling", "symlink to nothing"),
    ("file", "not a folder"),
])
def test_bad_output_paths(tmp_path, setup, phrase):
    (tmp_path / "file.txt").write_text("x")
    target = {"below_file": tmp_path / "file.txt" / "out", "file": tmp_path / "file.txt",
              "dangling": tmp_path / "dangling"}[setup]
    if setup == "dangling":
        target.symlink_to(tmp_path / "missing")
    assert_user_error(mcugen(*COMPILE, "-o", target), phrase)
    assert (tmp_path / "file.txt").read_text() == "x" and not (tmp_path / "missing").exists()


def _without_permission_override():
    """As root (CI): drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set
    before exec, so that file modes bind root too (prctl PR_CAPBSET_DROP)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_read_only_output_folder(tmp_path):
    """A folder mcugen may not write into: one line, nothing changed."""
    out = tmp_path / "ro"
    out.mkdir()
    (out / "keep.txt").write_text("keep\n")
    out.chmod(0o555)
    demote = _without_permission_override if os.geteuid() == 0 else None
    for args in (("-o", out, "--force"), ("-o", out / "below")):
        result = subprocess.run([sys.executable, "-m", "mcugen", *map(str, COMPILE), *map(str, args)],
                                capture_output=True, text=True, cwd=ROOT, timeout=300,
                                preexec_fn=demote)
        assert_user_error(result, str(out))
    out.chmod(0o755)
    assert snapshot(out) == {"keep.txt": ("file", b"keep\n")}


def test_two_compiles_into_one_folder_leave_one_whole_output(tmp_path):
    """Run at the same time, they take turns: the folder ends with the complete output of
    one of them and a manifest that lists exactly it."""
    out = tmp_path / "out"
    for _ in range(3):
        runs = [subprocess.Popen([sys.executable, "-m", "mcugen", *map(str, COMPILE), "-o", str(out),
                                  "--prefix", prefix], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for prefix in ("one", "two")]
        for run in runs:
            _, err = run.communicate(timeout=300)
            assert run.returncode == 0, err
        listed = manifest(out)
        prefixes = {name.split(".")[0].removesuffix("_weights") for name in listed if "/" not in name}
        assert len(prefixes) == 1, listed
        on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                         if p.is_file() and p.name != ".mcugen")
        assert on_disk == sorted(listed)
        for name, digest in listed.items():
            assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("prefix, phrase", [
    ("abc\n", "not a valid C identifier"),
    (" abc", "not a valid C identifier"),
    ("", "not a valid C identifier"),
    ("int", "C keyword"),
    ("__x", "reserved"),
    ("_Model", "reserved"),
    ("string", "standard C header"),
    ("mcu_simd", "mcu_"),
    ("a" * 65, "at most 64"),
    ("caf\u00e9", "not a valid C identifier"),
])
def test_bad_prefixes(tmp_path, prefix, phrase):
    assert_user_error(mcugen(*COMPILE, "-o", tmp_path / "o", "--prefix", prefix), phrase)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("args, phrase", [
    (("verify", DIGITS, "--seed", "-1"), "seed"),
    (("verify", DIGITS, "-n", "0"), "number of input sets"),
    (("verify", DIGITS, "-n", "many"), "not a whole number"),
    (("compile", DIGITS), "--board"),
    (("compile", DIGITS, "--board", "stm32f746", "--memory", "lots"), "invalid choice"),
    (("frobnicate",), "invalid choice"),
    ((), "command"),
])
def test_argument_errors_are_one_line(args, phrase):
    assert_user_error(mcugen(*args), phrase)


def test_manifest_of_an_older_mcugen_without_hashes(tmp_path):
    """Bare names (the list before hashes): mcugen cannot tell them from the user's edits,
    so it neither replaces nor deletes them, and says how to go on."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "digits_int8.c").write_text("old output\n")
    (out / "old.c").write_text("stale\n")
    (out / ".mcugen").write_text("digits_int8.c\nold.c\n")
    assert_user_error(mcugen(*COMPILE, "-o", out), "digits_int8.c", "without its hash")
    result = mcugen(*COMPILE, "-o", out, "--prefix", "fresh")
    assert result.returncode == 0, result.stderr
    assert (out / "old.c").read_text() == "stale\n" and (out / "digits_int8.c").read_text() == "old output\n"
    assert "old.c alone" in result.stderr


def test_output_names_too_long_or_empty(tmp_path):
    assert_user_error(mcugen(*COMPILE, "-o", tmp_path / ("o" * 300)), "File name too long")
    assert_user_error(mcugen(*COMPILE, "-o", ""), "empty name")


def test_non_utf8_file_name_is_printed_escaped(tmp_path):
    model = Path(os.fsdecode(bytes(tmp_path / "m") + b"\xff.tflite"))
    shutil.copy(DIGITS, model)
    result = subprocess.run([sys.executable, "-m", "mcugen", "compile", model, "--board", "stm32f746",
                             "-o", tmp_path / "out"], capture_output=True, cwd=ROOT, timeout=300,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"})
    assert result.returncode == 0, result.stderr
    assert b"m\\udcff.tflite -> " in result.stdout
