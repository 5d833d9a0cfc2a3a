"""`mcugen build` and `mcugen run` on the emulated boards."""
from __future__ import annotations

import shutil

import pytest

import mcugen as mcugen_api
from tests.cli.test_cli import assert_user_error, mcugen
from tests.helpers import ROOT

DIGITS = ROOT / "examples" / "digits" / "digits_int8.tflite"
missing = [tool for tool in ("arm-none-eabi-gcc", "qemu-system-arm") if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(bool(missing), reason=f"{' and '.join(missing)} not installed")


def _arena(board: str) -> int:
    """The arena the library plans for the example on that board (what the CLI must print)."""
    return mcugen_api.compile(DIGITS, board=board).plan.arena_bytes


def test_build_writes_elf_and_sizes(tmp_path):
    out = tmp_path / "fw"
    result = mcugen("build", DIGITS, "--board", "mps2-an500", "-o", out, "--prefix", "digits")
    assert result.returncode == 0, result.stderr
    assert (out / "digits.elf").is_file() and (out / "digits.c").is_file()
    assert f"arena {_arena('mps2-an500'):,}" in result.stdout
    split = [line for line in result.stdout.splitlines() if line.strip().startswith("flash")]
    assert len(split) == 1 and all(word in split[0] for word in ("weights", "model code", "kernels", "harness"))
    # Our own folder: a second build may replace it without --force.
    assert mcugen("build", DIGITS, "--board", "mps2-an500", "-o", out, "--prefix", "digits").returncode == 0


def test_build_refuses_foreign_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    assert_user_error(mcugen("build", DIGITS, "--board", "mps2-an500", "-o", tmp_path), "--force")


@pytest.mark.parametrize("board", ["mps2-an500", "mps2-an386"])
def test_run_matches_host_and_tflm(board):
    result = mcugen("run", DIGITS, "--board", board, "-n", "3")
    assert result.returncode == 0, result.stderr
    assert "mismatches vs host build: 0, vs TFLite Micro: 0" in result.stdout
    assert "instructions per inference" in result.stdout
    assert f"SRAM: arena {_arena(board):,} + stack" in result.stdout


def test_run_refuses_build_only_board():
    assert_user_error(mcugen("run", DIGITS, "--board", "stm32f746"), "build-only")


def test_build_records_only_its_own_files(tmp_path):
    """Issue 15: `build` listed every file of the folder as its own, so a user's file added
    after one build was deleted by the next two."""
    out = tmp_path / "fw"
    build = ("build", DIGITS, "--board", "mps2-an500", "-o", out, "--prefix", "digits")
    assert mcugen(*build).returncode == 0
    (out / "my_app.c").write_text("app\n")
    for _ in range(2):
        assert mcugen(*build).returncode == 0
    assert (out / "my_app.c").read_text() == "app\n"
    listed = [line[66:] for line in (out / ".mcugen").read_text().splitlines()]
    assert "my_app.c" not in listed and "digits.elf" in listed and "main.c" in listed


def test_build_force_then_compile_keeps_user_files(tmp_path):
    (tmp_path / "notes.txt").write_text("notes\n")
    assert mcugen("build", DIGITS, "--board", "mps2-an500", "-o", tmp_path, "--force").returncode == 0
    result = mcugen("compile", DIGITS, "--board", "stm32f746", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "notes.txt").read_text() == "notes\n"
    assert not (tmp_path / "main.c").exists()  # the build's own files were its to remove


def test_build_refuses_prefix_of_a_harness_file(tmp_path):
    assert_user_error(mcugen("build", DIGITS, "--board", "mps2-an500", "-o", tmp_path / "fw",
                             "--prefix", "main"), "main.c", "--prefix")
