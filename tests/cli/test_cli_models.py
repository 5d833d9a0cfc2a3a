"""CLI refusals on models built for the purpose: one line, exit code 2, nothing written."""
from __future__ import annotations

from unittest import mock

import numpy as np

from tests import builder
from tests.builder import ModelBuilder
from tests.cli.test_cli import assert_user_error, mcugen


def fc_model(units=4, depth=8, dtype=np.int8):
    b = ModelBuilder()
    x = b.input((1, depth), scale=0.1, zero_point=0, dtype=dtype)
    w = b.const(np.ones((units, depth), np.int8), scale=0.01)
    y = b.tensor((1, units), scale=0.1, zero_point=0, dtype=dtype)
    b.op("FULLY_CONNECTED", [x, w, -1], [y])
    b.output(y)
    return b


def write(tmp_path, data, name="model.tflite"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_unsupported_op_names_op_and_index(tmp_path):
    b = ModelBuilder()
    x = b.input((1, 8), scale=0.1, zero_point=0)
    h = b.tensor((1, 8), scale=0.1, zero_point=0)
    y = b.tensor((1, 8), scale=1 / 128, zero_point=0)
    b.op("RESHAPE", [x], [h], new_shape=[1, 8])
    b.output(y)
    with mock.patch.dict(builder.OP_OPTIONS, {"FLOOR": (None, [])}):
        b.op("FLOOR", [h], [y])  # outside issue 6's list: stays unsupported
        data = b.build()
    result = mcugen("compile", write(tmp_path, data), "--board", "stm32f746", "-o", tmp_path / "out")
    assert_user_error(result, "op 1", "FLOOR", "not support")
    assert not (tmp_path / "out").exists()


def test_float_activations_refused(tmp_path):
    path = write(tmp_path, fc_model(dtype=np.float32).build())
    assert_user_error(mcugen("compile", path, "--board", "stm32f746"), "float32")


def test_int16_activations_refused_where_unsupported(tmp_path):
    """int16 (16x8) FC, conv, ADD and softmax compile; an int16 pool does not, yet."""
    b = ModelBuilder()
    x = b.input((1, 4, 4, 2), scale=0.1, zero_point=0, dtype=np.int16)
    y = b.output(b.tensor((1, 2, 2, 2), scale=0.1, zero_point=0, dtype=np.int16))
    b.op("MAX_POOL_2D", [x], [y], filter_height=2, filter_width=2, stride_h=2, stride_w=2)
    path = write(tmp_path, b.build())
    assert_user_error(mcugen("compile", path, "--board", "stm32f746", "-o", tmp_path / "out"), "int16")
    assert not (tmp_path / "out").exists()


def test_several_subgraphs_refused(tmp_path):
    path = write(tmp_path, fc_model().build(subgraph_copies=2))
    assert_user_error(mcugen("compile", path, "--board", "stm32f746"), "2 subgraphs")


def test_model_too_big_for_sram(tmp_path):
    # A 1x1 conv on a 256x256x8 image: 2 x 512 KiB of activations, far over 320 KiB.
    b = ModelBuilder()
    x = b.input((1, 256, 256, 8), scale=0.1, zero_point=0)
    w = b.const(np.ones((8, 1, 1, 8), np.int8), scale=0.01)
    y = b.tensor((1, 256, 256, 8), scale=0.1, zero_point=0)
    b.op("CONV_2D", [x, w, -1], [y])
    b.output(y)
    out = tmp_path / "out"
    result = mcugen("compile", write(tmp_path, b.build()), "--board", "stm32f746", "-o", out)
    assert_user_error(result, "does not fit stm32f746", "SRAM", "327,680")
    assert not out.exists()


def test_model_too_big_for_flash(tmp_path):
    path = write(tmp_path, fc_model(units=1024, depth=640).build())  # 640 KiB of weights
    assert_user_error(mcugen("compile", path, "--board", "stm32f446re"), "does not fit stm32f446re", "flash")
    assert mcugen("compile", path, "--board", "stm32f746", "-o", tmp_path / "ok").returncode == 0


def test_bad_tensor_index_refused(tmp_path):
    b = fc_model()
    kind, ins, outs, options = b.ops[0]
    b.ops[0] = (kind, [ins[0], 99, -1], outs, options)
    assert_user_error(mcugen("compile", write(tmp_path, b.build()), "--board", "stm32f746"), "tensor 99")


def test_verify_refuses_unsupported_model(tmp_path):
    path = write(tmp_path, fc_model(dtype=np.float32).build())
    assert_user_error(mcugen("verify", path, "-n", "3"), "float32")


def test_dynamic_shape_refused(tmp_path):
    b = ModelBuilder()
    x = b.input((1, -1, 8), scale=0.1, zero_point=0)
    w = b.const(np.ones((4, 8), np.int8), scale=0.01)
    y = b.tensor((1, -1, 4), scale=0.1, zero_point=0)
    b.op("FULLY_CONNECTED", [x, w, -1], [y], keep_num_dims=True)
    b.output(y)
    assert_user_error(mcugen("compile", write(tmp_path, b.build()), "--board", "stm32f746"), "dynamic shape")
