"""The data-movement, MEAN and resize ops on emulated Cortex-M (mps2-an500): each op's
firmware gives the same bytes as the host build and TFLM (the op tests cover the
options on the host; this checks the kernels as compiled for the M7)."""
from __future__ import annotations

import shutil

import pytest

import mcugen
from tests.ops.test_concatenation import concat_model
from tests.ops.test_mean import mean_model
from tests.ops.test_pad import pad_model
from tests.ops.test_resize import resize_model
from tests.ops.test_space_depth import block_model
from tests.ops.test_split import split_model, split_v_model
from tests.ops.test_strided_slice import slice_model
from tests.ops.test_transpose import transpose_model
from tests.target.test_qemu import check_on_board

M7 = "mps2-an500"
pytestmark = [
    pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not on PATH"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not on PATH"),
]

MODELS = {
    "pad": lambda: pad_model((1, 5, 6, 3), [[0, 0], [1, 1], [2, 0], [0, 1]], seed=1),
    "padv2": lambda: pad_model((1, 4, 4, 2), [[0, 0], [1, 2], [0, 1], [0, 0]], kind="PADV2", value=-7, seed=2),
    "concatenation": lambda: concat_model([(1, 4, 5, 2), (1, 4, 5, 3), (1, 4, 5, 1)], 3, seed=3),
    "transpose": lambda: transpose_model((1, 4, 5, 3), [0, 2, 1, 3], seed=4),
    "strided_slice": lambda: slice_model((1, 8, 8, 4), [0, 1, 0, 0], [1, 7, 8, 4], [1, 2, 3, 1], seed=5),
    "split": lambda: split_model((1, 4, 6, 2), 2, 3, seed=6),
    "split_v": lambda: split_v_model((1, 4, 6, 2), 2, [1, -1, 2], seed=7),
    "space_to_depth": lambda: block_model("SPACE_TO_DEPTH", (1, 4, 6, 2), 2, seed=8),
    "depth_to_space": lambda: block_model("DEPTH_TO_SPACE", (1, 2, 3, 8), 2, seed=9),
    "mean": lambda: mean_model((1, 5, 7, 3), [1, 2], True, (0.05, -3), (0.02, 5), seed=10),
    "resize_nearest": lambda: resize_model("RESIZE_NEAREST_NEIGHBOR", (1, 3, 4, 2), (6, 8), seed=11),
    "resize_bilinear": lambda: resize_model("RESIZE_BILINEAR", (1, 3, 4, 2), (5, 7), half=True, seed=12),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_shape_op_on_m7(name, tmp_path):
    path = tmp_path / f"{name}.tflite"
    path.write_bytes(MODELS[name]())
    mcugen.compile(path, board=M7)  # compiles before we spend a firmware build on it
    check_on_board(path, M7, tmp_path)
