"""The command line as a user meets it: outputs, files, and one-line errors with exit code 2."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT, SHARED_MODELS

HELLO = SHARED_MODELS / "hello_world_int8.tflite"
needs_shared = pytest.mark.skipif(not HELLO.is_file(), reason=f"no shared models at {SHARED_MODELS}")


def mcugen(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "mcugen", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd or ROOT, timeout=300)


def assert_user_error(result, *phrases):
    """Exit code 2 and a single line on stderr, mentioning each phrase; no traceback."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mcugen: error: "), result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def test_boards_lists_every_board_file():
    result = mcugen("boards")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert names == sorted(p.stem for p in (ROOT / "boards").glob("*.toml"))
    for name in ("stm32f746", "stm32f767zi", "stm32h743", "stm32f446re", "nucleo-l4r5zi",
                 "nrf52840", "rp2040", "mps2-an500", "mps2-an386"):
        assert name in names


@needs_shared
def test_compile_writes_folder_and_summary(tmp_path):
    out = tmp_path / "out"
    result = mcugen("compile", HELLO, "--board", "stm32f746", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "peak SRAM" in result.stdout and "of 320.0 KiB on stm32f746" in result.stdout
    assert "288 MACs" in result.stdout
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    # stm32f746 has the DSP extension: the SIMD FC kernel and the intrinsics header
    assert files == [".mcugen", "hello_world_int8.c", "hello_world_int8.h", "hello_world_int8_weights.c",
                     "runtime/mcu_fc_dot_s8.h", "runtime/mcu_requant.h", "runtime/mcu_simd.h"]


@needs_shared
def test_compile_kernels_portable(tmp_path):
    out = tmp_path / "out"
    result = mcugen("compile", HELLO, "--board", "stm32f746", "-o", out, "--kernels", "portable")
    assert result.returncode == 0, result.stderr
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == [".mcugen", "hello_world_int8.c", "hello_world_int8.h", "hello_world_int8_weights.c",
                     "runtime/mcu_fc_s8.h", "runtime/mcu_requant.h"]


@needs_shared
def test_compile_is_deterministic_and_reruns_into_own_folder(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert mcugen("compile", HELLO, "--board", "stm32f746", "-o", first).returncode == 0
    assert mcugen("compile", HELLO, "--board", "stm32f746", "-o", second).returncode == 0
    for path in first.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()
    # A folder mcugen made may be rewritten; the old files of another prefix are removed.
    assert mcugen("compile", HELLO, "--board", "stm32f746", "-o", first, "--prefix", "sine").returncode == 0
    assert (first / "sine.c").is_file() and not (first / "hello_world_int8.c").exists()


@needs_shared
def test_compile_refuses_foreign_non_empty_folder(tmp_path):
    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    result = mcugen("compile", HELLO, "--board", "stm32f746", "-o", tmp_path)
    assert_user_error(result, "not empty", "--force")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["main.c"]
    result = mcugen("compile", HELLO, "--board", "stm32f746", "-o", tmp_path, "--force")
    assert result.returncode == 0
    assert (tmp_path / "main.c").read_text() == "int main(void) { return 0; }\n"


@needs_shared
def test_verify_reports_zero_mismatches():
    result = mcugen("verify", HELLO, "-n", "10")
    assert result.returncode == 0, result.stderr
    assert "mismatches: 0" in result.stdout and "10 input sets" in result.stdout


def test_missing_file(tmp_path):
    assert_user_error(mcugen("compile", tmp_path / "nope.tflite", "--board", "stm32f746"), "cannot read")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.tflite"
    path.write_bytes(b"")
    assert_user_error(mcugen("compile", path, "--board", "stm32f746"), "not a TFLite model")


def test_not_a_tflite_file(tmp_path):
    path = tmp_path / "model.tflite"
    path.write_bytes(b"\x7fELF" + bytes(range(256)) * 4)
    assert_user_error(mcugen("compile", path, "--board", "stm32f746"), "not a TFLite model")


@needs_shared
@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_truncated_model(tmp_path, keep):
    data = (SHARED_MODELS / "kws_ref_model.tflite").read_bytes()
    path = tmp_path / "cut.tflite"
    path.write_bytes(data[: int(len(data) * keep)])
    assert_user_error(mcugen("compile", path, "--board", "stm32f746", "-o", tmp_path / "out"), "cut")


@needs_shared
def test_unknown_board():
    assert_user_error(mcugen("compile", HELLO, "--board", "stm32f999"), "unknown board", "stm32f746")


@needs_shared
def test_bad_prefix(tmp_path):
    assert_user_error(mcugen("compile", HELLO, "--board", "stm32f746", "--prefix", "9lives",
                             "-o", tmp_path / "o"), "prefix")
