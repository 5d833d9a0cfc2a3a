"""`mcugen inspect` and the refusal of ops mcugen has no kernel for."""
from __future__ import annotations

from unittest import mock

import numpy as np
import pytest

from tests import builder
from tests.builder import ModelBuilder
from tests.cli.test_cli import SHARED_MODELS, assert_user_error, mcugen, needs_shared

# An op outside issue 6's list, so it stays unsupported while others add ops. The schema
# gives FLOOR no options; the builder needs an entry to emit one, added only while building.
UNSUPPORTED = "FLOOR"


def conv_floor_pool(tmp_path):
    """op 0 CONV_2D (fine), op 1 FLOOR (no kernel), op 2 MAX_POOL_2D (output scale differs)."""
    b = ModelBuilder()
    x = b.input((1, 6, 6, 2), scale=0.05, zero_point=1)
    w = b.const(np.ones((4, 3, 3, 2), np.int8), scale=[0.01, 0.02, 0.03, 0.04], axis=0)
    bias = b.const(np.zeros(4, np.int32), scale=[0.0005, 0.001, 0.0015, 0.002])
    c = b.tensor((1, 6, 6, 4), scale=0.1, zero_point=-3, name="block1/conv")
    b.op("CONV_2D", [x, w, bias], [c], padding="SAME")
    f = b.tensor((1, 6, 6, 4), scale=0.1, zero_point=-3, name="block1/floor")
    b.ops.append((UNSUPPORTED, [c], [f], {}))
    y = b.output(b.tensor((1, 3, 3, 4), scale=0.2, zero_point=-3, name="block1/pool"))
    b.op("MAX_POOL_2D", [f], [y], filter_height=2, filter_width=2, stride_h=2, stride_w=2)
    path = tmp_path / "floor.tflite"
    with mock.patch.dict(builder.OP_OPTIONS, {UNSUPPORTED: (None, [])}):
        path.write_bytes(b.build())
    return path


def test_inspect_marks_unsupported_ops_and_gives_verdict(tmp_path):
    result = mcugen("inspect", conv_floor_pool(tmp_path))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("3 ops, 1 input(s), 1 output(s)")
    heads = [line for line in lines if "op " in line[:6]]
    assert [h.split()[-1] for h in heads] == ["CONV_2D", UNSUPPORTED, "MAX_POOL_2D"]
    assert heads[0].startswith("  op 0") and heads[1].startswith("!!op 1") and heads[2].startswith("!!op 2")
    text = result.stdout
    # shapes, dtypes, quantization of the conv's operands
    assert "int8    1x6x6x2        scale 0.05 zp 1" in text
    assert "int8    4x3x3x2        per-channel (4, axis 0)" in text and "const" in text
    assert "int32   4              per-channel (4, axis 0)" in text
    reasons = [line.strip() for line in lines if "NOT SUPPORTED" in line]
    assert len(reasons) == 2
    assert f"op 1 ({UNSUPPORTED}, layer 'block1/floor') is not supported yet" in reasons[0]
    assert "op 2 (MAX_POOL_2D)" in reasons[1] and "quantization differ" in reasons[1]
    assert lines[-1] == (f"verdict: cannot compile: 2 of 3 ops unsupported ({UNSUPPORTED}, MAX_POOL_2D); "
                         f"first: op 1")


def test_compile_refuses_unknown_op_naming_op_and_layer(tmp_path):
    result = mcugen("compile", conv_floor_pool(tmp_path), "--board", "stm32f746", "-o", tmp_path / "out")
    assert_user_error(result, f"op 1 ({UNSUPPORTED}, layer 'block1/floor')", "not supported yet",
                      "supported: ", "CONV_2D")
    assert not (tmp_path / "out").exists()


@needs_shared
def test_inspect_supported_model():
    result = mcugen("inspect", SHARED_MODELS / "kws_ref_model.tflite")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("13 ops, 1 input(s), 1 output(s)")
    assert "  graph input   int8    1x49x10x1      scale 0.584703 zp 83" in lines[1]
    assert sum(line.startswith("  op ") for line in lines) == 13
    assert "!!" not in result.stdout and "NOT SUPPORTED" not in result.stdout
    assert "per-channel (64, axis 3)" in result.stdout  # depthwise filters: channels last
    assert lines[-1] == "verdict: mcugen can compile all 13 ops"


def test_inspect_with_board_reports_fit(tmp_path):
    b = ModelBuilder()
    x = b.input((1, 200, 200, 3), scale=0.05, zero_point=0)  # 120,000 bytes, twice
    y = b.output(b.tensor((1, 200, 200, 3), scale=0.05, zero_point=0))
    z = b.output(b.tensor((1, 200, 200, 3), scale=0.05, zero_point=0))
    b.op("MAX_POOL_2D", [x], [z])  # x read twice: both outputs and x are alive together
    b.op("MAX_POOL_2D", [x], [y])
    path = tmp_path / "big.tflite"
    path.write_bytes(b.build())
    assert mcugen("inspect", path, "--board", "stm32f746").returncode == 0
    result = mcugen("inspect", path, "--board", "stm32f446re")
    assert result.returncode == 1 and "!!" not in result.stdout
    assert result.stdout.splitlines()[-1].startswith(
        "verdict: cannot compile: does not fit stm32f446re: needs 240,016 bytes of SRAM, the board has 131,072 "
        "(peaks tried: layer by layer 360,000, in place + overlap 240,016)")


def test_inspect_graph_level_problem(tmp_path):
    """Each op is fine on its own, but they are out of order: the verdict says so."""
    b = ModelBuilder()
    x = b.input((1, 4), scale=0.05, zero_point=0)
    r = b.tensor((2, 2), scale=0.05, zero_point=0, name="middle")
    y = b.output(b.tensor((4,), scale=0.05, zero_point=0))
    b.op("RESHAPE", [r], [y], new_shape=[4])
    b.op("RESHAPE", [x], [r], new_shape=[2, 2])
    path = tmp_path / "order.tflite"
    path.write_bytes(b.build())
    result = mcugen("inspect", path)
    assert result.returncode == 1
    assert "!!" not in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "verdict: cannot compile: op 0 (RESHAPE) reads tensor 'middle' before any op produces it "
        "(cycle or bad ordering)")


@pytest.mark.parametrize("content", [b"", b"\x00" * 64, b"1234TFL3" + b"\xff" * 40])
def test_inspect_bad_file_is_one_line_error(tmp_path, content):
    path = tmp_path / "bad.tflite"
    path.write_bytes(content)
    assert_user_error(mcugen("inspect", path), "bad")
