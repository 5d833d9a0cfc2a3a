"""Malformed models: a CI-sized fuzz run, and the cases earlier runs found, kept as recipes."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import mcugen
from fuzz import sandbox
from fuzz.fuzz import FuzzBuilder, huge_conv_model
from fuzz.runner import CLEAN, fuzz, run_in_process
from mcugen.errors import McugenError

CI_CASES = 300
HOSTILE_CI_CASES = 300


def test_fuzz_ci_run():
    """A few hundred cases: only successes and one-line errors, no crash, hang or bad C."""
    report = fuzz(CI_CASES, seconds=240, seed=20240601, subprocess_every=100, build_every=20,
                  inspect_every=5)
    print("\n".join(report.lines()))
    assert report.cases == CI_CASES
    assert report.ok, "\n".join(report.lines())
    totals = report.totals()
    assert totals["success"] > 0 and totals["clean error"] > 0  # both kinds of outcome were exercised
    assert report.subprocess_runs == 3 and report.builds > 0


HOSTILE_FAMILIES = ["names", "prefix", "model_path", "special", "args", "outdir"]


def test_fuzz_hostile_ci_run():
    """Hostile surroundings, every family: tensor names, prefixes, model file names, special
    files, argument errors and output folders (tampered manifests, symlinks, FIFOs, user
    files, read-only...): successes and one-line errors only, nothing outside the output
    folder touched, no file of the user's deleted, and the C of a sample builds."""
    report = fuzz(HOSTILE_CI_CASES, seconds=240, seed=20240615, subprocess_every=40, hostile_share=1.0,
                  families=HOSTILE_FAMILIES, hostile_build_every=2, case_seconds=20)
    print("\n".join(report.lines()))
    assert report.cases == HOSTILE_CI_CASES
    assert report.ok, "\n".join(report.lines())
    rows = set(report.table)
    assert {"names", "prefix", "special", "args"} <= rows and sum(r.startswith("outdir.") for r in rows) > 15
    assert report.builds > 0 and report.subprocess_runs > 0


def _setting(**kwargs):
    return sandbox.Setting([["compile"]], **kwargs)


def test_sandbox_sees_what_a_run_touched(tmp_path):
    """The fuzzer's own check: a file created, changed or deleted outside the output folder,
    and a user's file in it deleted (even with --force) or changed (without) are reported;
    mcugen's own earlier files and new files in the folder are not."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "v.txt").write_text("v")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.c").write_text("mcugen's")
    (tmp_path / "out" / "user.c").write_text("user's")
    (tmp_path / "out" / "gone.c").write_text("user's")
    before = sandbox.snapshot(tmp_path)
    ours = {b"out/mine.c": before[b"out/mine.c"]}
    (tmp_path / "out" / "mine.c").unlink()
    (tmp_path / "out" / "new.c").write_text("new")
    assert sandbox.judge(before, sandbox.snapshot(tmp_path), _setting(allowed=b"out", mcugen_entries=ours,
                                                                        force=True)) == []
    (tmp_path / "out" / "user.c").write_text("changed")
    (tmp_path / "out" / "gone.c").unlink()
    (tmp_path / "outside" / "v.txt").unlink()
    os.symlink("v.txt", tmp_path / "outside" / "link")
    problems = sandbox.judge(before, sandbox.snapshot(tmp_path), _setting(allowed=b"out", mcugen_entries=ours))
    assert len(problems) == 4, problems
    assert [p.split(":")[0] for p in problems if p.startswith("outside")] == ["outside the output folder"] * 2
    assert any("user's b'out/gone.c' deleted" in p for p in problems)
    assert any("user's b'out/user.c' changed without --force" in p for p in problems)
    forced = sandbox.judge(before, sandbox.snapshot(tmp_path), _setting(allowed=b"out", force=True))
    assert not any("user.c" in p for p in forced) and any("gone.c' deleted" in p for p in forced)


def _huge_conv(side):
    for seed in range(100):
        b = huge_conv_model(np.random.default_rng(seed))
        if b.tensors[0]["shape"][1] == side:
            return b.build()
    raise AssertionError(side)


@pytest.mark.parametrize("side", [100_000, 46_341, 2**31 - 1])
def test_huge_conv_refused_quickly(tmp_path, side, monkeypatch):
    """Found by the fuzzer: a 100000x100000 CONV_2D made the planner allocate 75 GiB; with
    2^31-1 a side the int64 size wrapped and compile "succeeded" with negative SRAM.
    Refused before any planning (the planner is replaced by a trap)."""
    path = tmp_path / "huge.tflite"
    path.write_bytes(_huge_conv(side))
    monkeypatch.setattr(mcugen.api, "plan_memory", _never_called)
    outcome, message = run_in_process(path, tmp_path / "out")
    assert outcome == CLEAN, message
    assert "mcugen refuses tensors over 32 MiB" in message and f"{side}, {side}, 3]" in message
    with pytest.raises(McugenError, match="refuses tensors over"):
        mcugen.compile(path.read_bytes())  # no board: refused all the same


CASES = Path(__file__).resolve().parent / "cases"


def _never_called(*args, **kwargs):
    raise AssertionError("the planner ran on a model that should be refused before planning")


def test_largest_tensor_checked_against_board_before_planning(monkeypatch):
    """A 16 MiB activation on a 128 KiB board: beyond what patches can shrink (64x), so
    refused up front, naming the tensor, before any planning."""
    b = FuzzBuilder()
    x = b.input((1, 2048, 2048, 4), scale=0.05, zero_point=0, name="big_input")
    y = b.output(b.tensor((1, 1024, 1024, 4), scale=0.05, zero_point=0))
    b.op("MAX_POOL_2D", [x], [y], filter_height=2, filter_width=2, stride_h=2, stride_w=2)
    monkeypatch.setattr(mcugen.api, "plan_memory", _never_called)
    with pytest.raises(McugenError, match=r"does not fit stm32f446re: tensor 'big_input' alone needs "
                                          r"16,777,216 bytes of SRAM, the board has 131,072"):
        mcugen.compile(b.build(), board="stm32f446re")


def test_control_characters_in_names_stay_on_one_line(tmp_path):
    """Found by the fuzzer (a byte flip in a string length): a tensor name running over the
    rest of the file, newlines and all, went into the error message. Names are now printable
    ASCII, bounded, and cannot open or close a C comment or form a trigraph."""
    b = FuzzBuilder()
    x = b.input((1, 4), scale=0.05, zero_point=0, name="in\nput */ #include <evil.h>\x00\x7f")
    y = b.output(b.tensor((1, 4), scale=0.05, zero_point=0, name="x" * 5000))
    b.op("MAX_POOL_2D", [x], [y])  # 2-D input: refused, naming the input
    path = tmp_path / "names.tflite"
    path.write_bytes(b.build())
    outcome, message = run_in_process(path, tmp_path / "out")
    assert outcome == CLEAN, message
    assert "'in?put _/ #include <evil.h>?_?'" in message and "\n" not in message

    b.ops.clear()
    b.op("RESHAPE", [x], [y], new_shape=[1, 4])
    b.tensors[y]["name"] = "out */ put"
    compiled = mcugen.compile(b.build(), prefix="names")
    assert "*/ put" not in compiled.files["names.h"] and "'out _/ put'" in compiled.files["names.h"]
    assert compiled.run(np.arange(4, dtype=np.int8).reshape(1, 4))[0].tolist() == [[0, 1, 2, 3]]


@pytest.mark.parametrize("scale, zero_point, expected", [
    (None, None, "missing"), (float("nan"), 0, "scale nan"), (0.0, 0, "scale 0,"),
    (0.1, 300, "scale 0.1, zero point 300"), ([0.1, 0.2], 0, r"per-channel \(2\)")])
def test_graph_output_needs_int8_quantization(scale, zero_point, expected):
    """Found by the fuzzer: a RESHAPE output without quantization as the graph output
    crashed the header rendering (no scale to write)."""
    b = FuzzBuilder()
    x = b.input((1, 4), scale=0.05, zero_point=0)
    y = b.output(b.tensor((4,), scale=scale, zero_point=zero_point, name="flat"))
    b.op("RESHAPE", [x], [y], new_shape=[4])
    with pytest.raises(McugenError, match=rf"graph input/output 'flat' needs one positive scale and an int8 "
                                          rf"zero point \(its quantization is {expected}"):
        mcugen.compile(b.build())


def test_planner_search_is_bounded(monkeypatch):
    """Found by the 10,000-case fuzz run (seed 0, case 1552): a valid 4-op model with a
    branch took seconds, because every execution order got the exhaustive placement
    search. Now only the best order does; the number of placements is counted."""
    from mcugen.planner import buffers
    calls = []
    real = buffers.place
    monkeypatch.setattr(buffers, "place", lambda *a, **k: calls.append(1) or real(*a, **k))
    compiled = mcugen.compile((CASES / "planner_search_case1552.tflite").read_bytes(), board="stm32f746")
    assert compiled.plan.arena_bytes > 0
    assert len(calls) < 4_000, len(calls)


def test_denormal_output_scale_is_a_clean_error(tmp_path):
    """Found by the fuzzer (seed 1, case 6349): an output scale of 1.4e-45 made the
    RELU_N1_TO_1 clamp overflow float32 and raised OverflowError."""
    path = CASES / "denormal_scale_case6349.tflite"
    outcome, message = run_in_process(path, tmp_path / "out")
    assert outcome == CLEAN, message
    assert "overflows float32" in message and "op 0 (DEPTHWISE_CONV_2D)" in message


def test_small_filter_builds_with_werror(tmp_path):
    """Found by the fuzzer (seed 1, case 2895): a depthwise conv run as an im2col GEMM with
    a 6-byte filter tripped GCC's -Warray-bounds on a dead 4-byte load path, so the host
    build failed under -Werror; weights are now declared without a bound in model.c."""
    from mcugen.host import build_host_library
    compiled = mcugen.compile((CASES / "gemm_array_bounds_case2895.tflite").read_bytes(), prefix="m")
    compiled.write(tmp_path)
    build_host_library(tmp_path, "m")


def test_fc_multiplier_overflow_is_a_clean_error(tmp_path):
    """Found by the 100,000-case run (seed 0, case 5497, a `quant` mutation): a
    FULLY_CONNECTED whose filter scale is 3.4e38 on an input of scale 6.28 makes the
    input x filter product overflow float32; quantize_multiplier(inf) raised OverflowError
    in compile and in inspect. Now refused with one line."""
    path = CASES / "fc_scale_overflow_case5497.tflite"
    outcome, message = run_in_process(path, tmp_path / "out")
    assert outcome == CLEAN, message
    outcome, message = run_in_process(path, tmp_path / "out", "inspect")
    assert outcome in (CLEAN, "success"), message
