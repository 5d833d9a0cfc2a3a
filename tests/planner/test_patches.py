"""Patch-based inference: every split point and grid bit-exact with TFLM (host, UBSan),
the automatic search's targets on the shared models, an MCUNet-style model against
TinyEngine's published figures, and the CLI's budget mode."""
from __future__ import annotations

import numpy as np
import pytest

import mcugen
from mcugen.api import CompiledModel
from mcugen.codegen import render_plan
from mcugen.frontend import parse_tflite
from mcugen.passes import run_passes
from mcugen.planner.arena import Tricks, execution_orders
from mcugen.planner.patches import make_patches, plan_with_patches, stage_candidates
from mcugen.verify import verify_model
from tests.builder import ModelBuilder
from tests.cli.test_cli import mcugen as run_cli
from tests.helpers import SHARED_MODELS
from tests.ops.models import conv_layer, fc_layer, input_act, pool_layer
from tests.planner.test_tricks import check_plan

TFLM_ARENA = {"vww_96_int8": 103_680, "person_detect": 85_264}


def assert_plan_bit_exact(plan, model_bytes: bytes, count: int = 6) -> None:
    compiled = CompiledModel(plan=plan, prefix="m", files=render_plan(plan, "m"))
    compiled.host(sanitize=True)
    result = verify_model(compiled, model_bytes, count=count, seed=11)
    assert result.runs == count and result.compared_values > 0
    assert result.mismatched_values == 0, result.first_mismatch


def front_model(rng, size=(1, 19, 23, 3)):
    """Stride-2 conv (SAME), depthwise (VALID, dilation 2), 1x1, pool, depthwise s2, then a head."""
    b = ModelBuilder()
    x = input_act(b, rng, size)
    h = conv_layer(b, rng, x, 8, kernel=(3, 3), stride=(2, 2), padding="SAME", activation="RELU6")
    h = conv_layer(b, rng, h, depthwise=True, kernel=(3, 3), padding="SAME", dilation=(2, 2))
    h = conv_layer(b, rng, h, 12, kernel=(1, 1), activation="RELU")
    h = pool_layer(b, h, "MAX_POOL_2D", (2, 2), stride=(1, 1), padding="SAME")
    h = conv_layer(b, rng, h, depthwise=True, kernel=(5, 5), stride=(2, 2), padding="VALID")
    h = pool_layer(b, h, "AVERAGE_POOL_2D", (h.shape[1], h.shape[2]))
    b.output(fc_layer(b, rng, h, 5, depth=h.shape[3]).index)
    return b.build()


@pytest.mark.parametrize("split", [1, 2, 3, 4, 5])
def test_every_split_and_grid_is_bit_exact(split):
    model = front_model(np.random.default_rng(42))
    graph = run_passes(parse_tflite(model))
    order = execution_orders(graph)[0]
    chain = stage_candidates(graph, order)[-1]
    assert len(chain) == 5  # up to the last depthwise conv (the global pool is 1x1)
    grids = [(2, 2), (3, 3), (2, 3), (4, 4)]
    tried = 0
    for grid in grids:
        plan = plan_with_patches(graph, order, chain[:split], grid, Tricks())
        if plan is None:
            continue
        check_plan(plan)
        assert_plan_bit_exact(plan, model)
        tried += 1
    assert tried >= 2


def test_halo_windows_cover_the_receptive_field():
    graph = run_passes(parse_tflite(front_model(np.random.default_rng(1))))
    chain = stage_candidates(graph, execution_orders(graph)[0])[-1]
    patches = make_patches(chain[:3], (3, 3))
    last = chain[2]
    tiles = sorted((p.tile.y0, p.tile.x0) for p in patches)
    assert len(tiles) == 9 and tiles[0] == (0, 0)
    # the tiles partition the output exactly
    covered = np.zeros((last.out_h, last.out_w), int)
    for p in patches:
        t = p.tile
        covered[t.y0:t.y1, t.x0:t.x1] += 1
    assert covered.min() == covered.max() == 1
    # interior patches read past their tile (halo); border ones are clipped, never negative
    assert all(w.y0 >= 0 and w.x0 >= 0 for p in patches for w in p.windows.values())
    assert all(a["pad_top"] >= 0 and a["pad_left"] >= 0 for p in patches for a in p.local_args.values())


def shared(name):
    path = SHARED_MODELS / f"{name}.tflite"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


@pytest.mark.parametrize("name", sorted(TFLM_ARENA))
def test_shared_model_with_patches_meets_the_target(name):
    """Issue 4: with automatic patches (<= 20 % extra MACs), at most 0.25x TFLM's arena."""
    path = shared(name)
    compiled = mcugen.compile(path, patches="min")
    assert compiled.plan.patches and compiled.summary.extra_macs <= 0.20 * compiled.summary.macs
    assert compiled.summary.peak_sram_bytes <= 0.25 * TFLM_ARENA[name]
    check_plan(compiled.plan)
    compiled.host(sanitize=True)
    result = verify_model(compiled, path.read_bytes(), count=6, seed=2)
    assert result.mismatched_values == 0, result.first_mismatch


def mcunet_vww(rng):
    """MCUNet-VWW-like: 80x80x3 input, inverted bottlenecks with expand ratio 6."""
    b = ModelBuilder()
    x = input_act(b, rng, (1, 80, 80, 3))
    h = conv_layer(b, rng, x, 16, kernel=(3, 3), stride=(2, 2), activation="RELU6")  # 40x40x16
    h = conv_layer(b, rng, h, depthwise=True, activation="RELU6")
    h = conv_layer(b, rng, h, 8, kernel=(1, 1))  # 40x40x8
    for out_c, stride in ((16, 2), (16, 1), (24, 2), (24, 1), (40, 2), (48, 1), (96, 2)):
        e = conv_layer(b, rng, h, h.shape[3] * 6, kernel=(1, 1), activation="RELU6")
        d = conv_layer(b, rng, e, depthwise=True, stride=(stride, stride), activation="RELU6")
        p = conv_layer(b, rng, d, out_c, kernel=(1, 1))
        if stride == 1 and out_c == h.shape[3]:
            s = b.tensor(p.shape, scale=float(h.scale + p.scale), zero_point=0)
            b.op("ADD", [h.index, p.index], [s])
            p = type(p)(s, p.shape, float(h.scale + p.scale), 0)
        h = p
    h = pool_layer(b, h, "AVERAGE_POOL_2D", (h.shape[1], h.shape[2]))
    b.output(fc_layer(b, rng, h, 2, depth=h.shape[3]).index)
    return b.build()


def tflm_min_arena(model: bytes) -> int:
    from tflite_micro.python.tflite_micro import runtime
    low, high = 1024, 1 << 21
    while high - low > 16:
        mid = (low + high) // 2 // 16 * 16
        try:
            runtime.Interpreter.from_bytes(model, arena_size=mid)
            high = mid
        except Exception:
            low = mid
    return high


def test_mcunet_style_model_beats_tinyengine_relative_to_tflm():
    """TinyEngine on MCUNet-VWW: 57,600 bytes with its best patch grid vs TFLM's 224,976
    (0.256x). Ours, in-place depthwise + patches on the same kind of shapes, must do better
    relative to TFLM's minimum arena for the model (measured: see the closing note)."""
    model = mcunet_vww(np.random.default_rng(80))
    tflm = tflm_min_arena(model)
    inplace = mcugen.compile(model, patches="off").summary.peak_sram_bytes
    patched = mcugen.compile(model, patches="min")
    assert inplace < tflm, (inplace, tflm)
    assert patched.summary.peak_sram_bytes / tflm < 57_600 / 224_976, (patched.summary, tflm)
    compiled = patched
    compiled.host(sanitize=True)
    result = verify_model(compiled, model, count=4, seed=3)
    assert result.mismatched_values == 0, result.first_mismatch


def test_cli_budget_turns_patches_on_and_says_so(tmp_path):
    path = shared("vww_96_int8")
    result = run_cli("compile", path, "--board", "stm32f746", "-o", tmp_path / "a", "--sram-budget", "20000")
    assert result.returncode == 0, result.stderr
    assert "patches" in result.stdout and "turned on because the plan did not fit 20,000 bytes" in result.stdout
    result = run_cli("compile", path, "--board", "stm32f746", "-o", tmp_path / "b", "--sram-budget", "5000")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "cannot meet the SRAM budget of 5,000 bytes" in result.stderr


def test_cli_report_writes_json(tmp_path):
    import json
    path = shared("person_detect")
    result = run_cli("compile", path, "--board", "stm32f746", "-o", tmp_path / "r", "--patches", "min", "--report")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["peak_sram_bytes"] == max(layer["live_bytes"] for layer in report["layers"]) or \
        report["peak_sram_bytes"] >= max(layer["live_bytes"] for layer in report["layers"])
    assert {"layer by layer", "in place + overlap", "patches"} <= set(report["peaks"])
    assert any(layer["trick"].startswith("patch") for layer in report["layers"])
    assert any(layer["trick"] == "in place" for layer in report["layers"])
