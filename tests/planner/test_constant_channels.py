"""Channels proven constant are left out (mcugen/passes/constant_channels.py): bit-exact
against TFLM, and the narrower graph is what the pass promises."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mcugen.api import compile_graph
from mcugen.frontend.tflite_reader import load_tflite
from mcugen.verify import test_inputs as input_sets
from tests.builder import ModelBuilder
from tests.helpers import SHARED_MODELS, assert_bit_exact
from tests.ops.models import Act, conv_layer, fc_layer, input_act, pool_layer, view_layer


def layer(b: ModelBuilder, rng, x: Act, out_c=None, kernel=(1, 1), padding="SAME", depthwise=False,
          multiplier=1, dead=(), zeroed=(), activation="RELU", bias=True) -> Act:
    """conv_layer with 1x1 filters and ReLU unless told: channels in `dead` get a tiny filter
    scale (their value is the zero point), those in `zeroed` all-zero weights (their value
    is the requantized bias)."""
    return conv_layer(b, rng, x, out_c, kernel=kernel, padding=padding, activation=activation, bias=bias,
                      depthwise=depthwise, depth_multiplier=multiplier, dead=dead, zeroed=zeroed)


def bias_of(b: ModelBuilder, op: int) -> np.ndarray:
    """The bias the model was built with for its op number `op`."""
    return b.tensors[b.ops[op][1][2]]["data"]


def channels(compiled, tensor: int) -> int:
    return compiled.graph.tensors[tensor].shape[-1]


def check(model: bytes, **compile_args):
    """Bit-exact with TFLM with and without the pass; the pass's compile returned."""
    kept = assert_bit_exact(model, count=12, constant_channels="keep", **compile_args)
    dropped = assert_bit_exact(model, count=12, **compile_args)
    assert dropped.summary.macs == kept.summary.macs and kept.summary.constant_macs == 0
    return dropped


@pytest.mark.parametrize("kernels", ["simd", "portable"])
def test_mobilenet_like_chain(kernels):
    """1x1 -> depthwise 3x3 SAME -> 1x1 -> average pool -> reshape -> FC: tiny-scale channels
    (value = the zero point) go through the depthwise; zero-weight channels (another value)
    stop there, since the depthwise's padding reads the zero point beside them."""
    rng = np.random.default_rng(1)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 8, 8, 8))
    a = layer(b, rng, x, 16, dead=(1, 5, 6, 12), zeroed=(2, 9))
    d = layer(b, rng, a, kernel=(3, 3), depthwise=True)
    p = layer(b, rng, d, 12, dead=(0, 3, 4, 7, 8, 11), activation="RELU6")
    g = pool_layer(b, p, "AVERAGE_POOL_2D", (8, 8))
    r = view_layer(b, g, "RESHAPE", (1, 12))
    b.output(fc_layer(b, rng, r, 5).index)
    compiled = check(b.build(), kernels=kernels)
    assert channels(compiled, a.index) == channels(compiled, d.index) == 12  # 16 - 4 dead
    assert channels(compiled, p.index) == channels(compiled, g.index) == channels(compiled, r.index) == 8
    assert compiled.summary.constant_macs == 64 * (4 * 8 + 4 * 9 + (16 * 12 - 12 * 8)) + 5 * 4


@pytest.mark.parametrize("kernel,padding", [((1, 1), "SAME"), ((3, 3), "VALID")])
def test_constant_values_fold_into_the_bias(kernel, padding):
    """Zero-weight channels (a value other than the zero point) read by a conv whose windows
    never cover padding: their taps become bias, for every output channel."""
    rng = np.random.default_rng(2)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 6, 6, 4))
    a = layer(b, rng, x, 8, zeroed=(0, 3, 5, 6), activation="NONE")
    b.output(layer(b, rng, a, 8, kernel=kernel, padding=padding, activation="NONE").index)
    compiled = check(b.build())
    assert channels(compiled, a.index) == 4
    reader = compiled.graph.ops[1]
    assert not np.array_equal(compiled.graph.tensors[reader.inputs[2]].data, bias_of(b, 1))


def test_padding_keeps_channels_of_another_value():
    """A 3x3 SAME conv reads the zero point in its padding: a channel of another value
    cannot become bias there, one at the zero point can."""
    rng = np.random.default_rng(3)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 6, 6, 4))
    a = layer(b, rng, x, 8, dead=(1, 2, 4, 7), zeroed=(0, 3), activation="NONE")
    b.output(layer(b, rng, a, 8, kernel=(3, 3), activation="NONE").index)
    compiled = check(b.build())
    assert channels(compiled, a.index) == 4  # the four tiny-scale ones


def test_graph_outputs_and_other_readers_keep_every_channel():
    rng = np.random.default_rng(4)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 4, 4, 4))
    a = layer(b, rng, x, 8, dead=(0, 1, 2, 3))
    c = layer(b, rng, x, 8, dead=(0, 1, 2, 3))
    b.output(a.index)  # an output: all its channels
    b.output(layer(b, rng, c, 4).index)
    b.output(c.index)  # read by a conv, but an output too
    compiled = check(b.build())
    assert channels(compiled, a.index) == channels(compiled, c.index) == 8
    assert compiled.summary.constant_macs == 0


def test_a_tensor_keeps_whole_groups_and_at_least_one_channel():
    rng = np.random.default_rng(5)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 4, 4, 4))
    a = layer(b, rng, x, 8, dead=range(8))  # all constant: one group of 4 stays
    e = layer(b, rng, a, 6, dead=range(6))  # not a multiple of 4: one channel stays
    f = layer(b, rng, e, 8, dead=(0, 1, 2, 3, 4))  # 3 left: 4 stay
    b.output(layer(b, rng, f, 4).index)
    compiled = check(b.build())
    assert (channels(compiled, a.index), channels(compiled, e.index), channels(compiled, f.index)) == (4, 1, 4)


def test_depthwise_multiplier_and_max_pool_pass_channels_through():
    """Depthwise with multiplier 2 drops an input channel only with both of its outputs; a
    max pool passes dropped channels on."""
    rng = np.random.default_rng(6)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 6, 6, 4))
    a = layer(b, rng, x, 8, dead=(0, 2, 4, 6))
    d = layer(b, rng, a, kernel=(3, 3), depthwise=True, multiplier=2, dead=(1, 5))
    m = pool_layer(b, d, "MAX_POOL_2D", (2, 2), stride=(2, 2))
    b.output(layer(b, rng, m, 4).index)
    compiled = check(b.build())
    # inputs 0, 2, 4, 6 are the zero point: their outputs (0, 1), (4, 5), (8, 9), (12, 13)
    # hold the requantized bias, constant
    assert channels(compiled, a.index) == 4
    assert channels(compiled, d.index) == channels(compiled, m.index) == 8


def test_fully_connected_reads_features_of_every_pixel():
    """A 4-D input flattened by FULLY_CONNECTED: feature i is channel i % depth."""
    rng = np.random.default_rng(7)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 2, 2, 8))
    a = layer(b, rng, x, 8, zeroed=(1, 2, 5, 6), activation="NONE", bias=True)
    b.output(fc_layer(b, rng, a, 6, depth=32).index)
    compiled = check(b.build())
    assert channels(compiled, a.index) == 4


def test_cli_reports_the_constant_macs(tmp_path):
    rng = np.random.default_rng(8)
    b = ModelBuilder()
    x = input_act(b, rng, (1, 4, 4, 8))
    a = layer(b, rng, x, 8, dead=(0, 1, 2, 3))
    b.output(layer(b, rng, a, 4).index)
    path = tmp_path / "m.tflite"
    path.write_bytes(b.build())
    import contextlib
    import io

    from mcugen.cli.main import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["compile", str(path), "--board", "stm32f746", "-o", str(tmp_path / "a")]) == 0
    assert "of the MACs, 768 (50%) are in channels whose value is the same for every input" in out.getvalue()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["compile", str(path), "--board", "stm32f746", "-o", str(tmp_path / "b"),
                     "--constant-channels", "keep"]) == 0
    assert "same for every input" not in out.getvalue()


@pytest.mark.skipif(not (SHARED_MODELS / "vww_96_int8.tflite").is_file(),
                    reason=f"no vww_96_int8.tflite in {SHARED_MODELS}")
def test_vww_cut_after_its_dead_layers_matches_every_channel_computed():
    """vww_96_int8's two output values say little: cut it after op 22 (128 channels read
    after ten layers with dead channels) and compare all 4,608 values with the build that
    computes every channel (itself bit-exact with TFLM in the shared-model tests)."""
    graph = load_tflite(SHARED_MODELS / "vww_96_int8.tflite")
    cut = replace(graph, ops=graph.ops[:23], outputs=(graph.ops[22].outputs[0],))
    dropped, kept = compile_graph(cut), compile_graph(cut, constant_channels="keep")
    assert dropped.summary.constant_macs > 1_000_000
    shapes = [cut.tensors[t].shape for t in cut.inputs]
    for inputs in input_sets(shapes, 8, 0):
        got, want = dropped.run(inputs)[0], kept.run(inputs)[0]
        assert got.size == 4608 and np.array_equal(got, want)
