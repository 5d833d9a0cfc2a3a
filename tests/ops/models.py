"""Builders of small int8 models shared by the op tests.

Shapes are computed here with TFLite's own SAME/VALID rules (independently of
mcugen's code) so that a model is what the TFLite converter would emit.  Scales are
random but realistic: the output scale follows the spread of the accumulator, so
outputs cover the int8 range without being mostly saturated.

The `*_layer` functions add one op to a ModelBuilder and return the output `Act`, so
several ops can be chained; the `*_model` functions build a whole one-op model.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tests.builder import ModelBuilder

ACTIVATIONS = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")

# A filter scale so small that every accumulator of the channel requantizes to one value.
DEAD_SCALE = 1e-9

# Spread of uniform random int8 activations and of int8 weights drawn uniformly from
# [-127, 127]; used to size output scales.
_ACT_STD = 74.0
_W_STD = 73.0


@dataclass(frozen=True)
class Act:
    """An int8 activation tensor of the model being built."""

    index: int
    shape: tuple
    scale: float
    zero_point: int


# --------------------------------------------------------------------------- shapes
def out_size(padding: str, in_size: int, kernel: int, stride: int, dilation: int = 1) -> int:
    """TFLite ComputeOutSize: SAME = ceil(in / stride), VALID = ceil((in - eff + 1) / stride)."""
    effective = (kernel - 1) * dilation + 1
    if padding == "SAME":
        return -(-in_size // stride)
    if padding == "VALID":
        return -(-(in_size - effective + 1) // stride)
    raise ValueError(padding)


# --------------------------------------------------------------------------- scales
def input_quant(rng) -> tuple[float, int]:
    return float(rng.uniform(0.01, 0.1)), int(rng.integers(-128, 128))


def weight_scales(rng, channels: int, per_channel: bool):
    if per_channel:
        return [float(s) for s in rng.uniform(0.001, 0.05, size=channels)]
    return float(rng.uniform(0.001, 0.05))


def accumulator_output_scale(rng, in_scale: float, in_zp: int, w_scale, fan_in: int) -> float:
    """An output scale that keeps ~3 standard deviations of the result in int8."""
    mean_w = float(np.mean(w_scale))
    act_rms = math.sqrt(_ACT_STD ** 2 + in_zp ** 2)  # random q minus the zero point
    std = in_scale * mean_w * math.sqrt(fan_in) * act_rms * _W_STD
    return float(3.0 * std / 128.0 * rng.uniform(0.6, 1.6))


def output_quant(rng, scale: float, activation: str) -> tuple[float, int]:
    """Output scale and zero point as a converter would pick them for a fused activation.

    NONE: any zero point.  With a ReLU the outputs are >= 0, so the zero point sits in the
    lower half.  RELU6 and RELU_N1_TO_1 bound the range: the scale is at most ~1.5x what
    that range needs, so the clamp at 6 (or +-1) falls inside int8 in some cases.
    """
    if activation == "NONE":
        return scale, int(rng.integers(-128, 128))
    if activation in ("RELU6", "RELU_N1_TO_1"):
        span = 6.0 if activation == "RELU6" else 2.0
        scale = min(scale, span / 255 * float(rng.uniform(0.9, 1.5)))
    return scale, int(rng.integers(-128, 0))


def random_weights(rng, shape) -> np.ndarray:
    return rng.integers(-127, 128, size=shape, dtype=np.int8)


def random_bias(rng, n: int, lo: int = -5000, hi: int = 5000) -> np.ndarray:
    return rng.integers(lo, hi + 1, size=n).astype(np.int32)


def _bias_scale(in_scale: float, w_scale):
    if isinstance(w_scale, list):
        return [in_scale * s for s in w_scale]
    return in_scale * w_scale


def _bias_inputs(b: ModelBuilder, rng, bias, channels: int, in_scale: float, w_scale) -> list:
    """The bias input(s) of a conv or FC op, by mode.

    bias=True: random int32; "zero": all zeros; False: left out as the optional input -1;
    "absent": no third input at all.  The random values are drawn in every mode, so the
    same seed gives the same weights and scales whatever the mode.
    """
    values = random_bias(rng, channels)
    if bias is False:
        return [-1]
    if bias == "absent":
        return []
    if bias == "zero":
        values = np.zeros(channels, np.int32)
    return [b.const(values, scale=_bias_scale(in_scale, w_scale), zero_point=0)]


# --------------------------------------------------------------------------- layers
def input_act(b: ModelBuilder, rng, shape) -> Act:
    scale, zp = input_quant(rng)
    return Act(b.input(shape, scale=scale, zero_point=zp), tuple(shape), scale, zp)


def conv_layer(b: ModelBuilder, rng, x: Act, out_c=None, kernel=(3, 3), stride=(1, 1),
               dilation=(1, 1), padding="SAME", activation="NONE", per_channel=True,
               bias=True, depthwise=False, depth_multiplier=1, output_scale=None, dead=(),
               zeroed=()) -> Act:
    """CONV_2D, or DEPTHWISE_CONV_2D when depthwise=True (out_c = in_c * depth_multiplier);
    output_scale overrides the scale picked to fit the accumulators. Output channels in
    `dead` get a filter scale of DEAD_SCALE (per-channel weights), those in `zeroed` all-zero
    weights: channels whose value is the same for every input."""
    n, h, w, in_c = x.shape
    kh, kw = kernel
    sh, sw = stride
    dh, dw = dilation
    if depthwise:
        out_c = in_c * depth_multiplier
    oh, ow = out_size(padding, h, kh, sh, dh), out_size(padding, w, kw, sw, dw)
    assert oh > 0 and ow > 0, "kernel does not fit"
    w_scale = weight_scales(rng, out_c, per_channel)
    fan_in = kh * kw * (1 if depthwise else in_c)
    out_scale, out_zp = output_quant(
        rng, accumulator_output_scale(rng, x.scale, x.zero_point, w_scale, fan_in), activation)
    out_scale = out_scale if output_scale is None else output_scale

    values = random_weights(rng, (1, kh, kw, out_c) if depthwise else (out_c, kh, kw, in_c))
    for c in zeroed:  # the output channel's weights
        if depthwise:
            values[..., c] = 0
        else:
            values[c] = 0
    if dead:
        assert per_channel, "dead channels need per-channel scales"
        w_scale = [DEAD_SCALE if c in dead else s for c, s in enumerate(w_scale)]
    weights = b.const(values, scale=w_scale, zero_point=0, axis=3 if depthwise else 0)
    inputs = [x.index, weights, *_bias_inputs(b, rng, bias, out_c, x.scale, w_scale)]
    shape = (n, oh, ow, out_c)
    y = b.tensor(shape, scale=out_scale, zero_point=out_zp)
    options = dict(padding=padding, stride_h=sh, stride_w=sw, dilation_h_factor=dh,
                   dilation_w_factor=dw, fused_activation_function=activation)
    if depthwise:
        b.op("DEPTHWISE_CONV_2D", inputs, [y], depth_multiplier=depth_multiplier, **options)
    else:
        b.op("CONV_2D", inputs, [y], **options)
    return Act(y, shape, out_scale, out_zp)


def fc_layer(b: ModelBuilder, rng, x: Act, units, depth=None, activation="NONE",
             per_channel=False, bias=True, keep_num_dims=False, weight_zero_point=0) -> Act:
    """FULLY_CONNECTED; depth defaults to the input's last dimension (rows = the rest)."""
    depth = depth or x.shape[-1]
    size = int(np.prod(x.shape))
    assert size % depth == 0
    rows = size // depth
    if keep_num_dims:
        assert depth == x.shape[-1]
        shape = (*x.shape[:-1], units)
    else:
        shape = (rows, units)
    w_scale = weight_scales(rng, units, per_channel)
    out_scale, out_zp = output_quant(
        rng, accumulator_output_scale(rng, x.scale, x.zero_point, w_scale, depth), activation)
    weights = b.const(random_weights(rng, (units, depth)), scale=w_scale,
                      zero_point=weight_zero_point, axis=0)
    inputs = [x.index, weights, *_bias_inputs(b, rng, bias, units, x.scale, w_scale)]
    y = b.tensor(shape, scale=out_scale, zero_point=out_zp)
    b.op("FULLY_CONNECTED", inputs, [y], fused_activation_function=activation,
         keep_num_dims=keep_num_dims)
    return Act(y, shape, out_scale, out_zp)


def pool_layer(b: ModelBuilder, x: Act, kind, window, stride=(1, 1), padding="VALID",
               activation="NONE") -> Act:
    """AVERAGE_POOL_2D or MAX_POOL_2D; output quantization equals the input's (as TFLM requires)."""
    n, h, w, c = x.shape
    fh, fw = window
    sh, sw = stride
    oh, ow = out_size(padding, h, fh, sh), out_size(padding, w, fw, sw)
    assert oh > 0 and ow > 0, "window does not fit"
    shape = (n, oh, ow, c)
    y = b.tensor(shape, scale=x.scale, zero_point=x.zero_point)
    b.op(kind, [x.index], [y], padding=padding, stride_h=sh, stride_w=sw, filter_height=fh,
         filter_width=fw, fused_activation_function=activation)
    return Act(y, shape, x.scale, x.zero_point)


def view_layer(b: ModelBuilder, x: Act, kind, shape, shape_input=False, **options) -> Act:
    """RESHAPE or SQUEEZE: same quantization, another shape.

    RESHAPE gets new_shape in its options unless shape_input is True, in which case the
    shape is given as a constant int32 second input (what newer converters emit).
    """
    assert int(np.prod(shape)) == int(np.prod(x.shape))
    y = b.tensor(shape, scale=x.scale, zero_point=x.zero_point)
    inputs = [x.index]
    if kind == "RESHAPE":
        if shape_input:
            inputs.append(b.const(np.array(shape, np.int32)))
        else:
            options.setdefault("new_shape", list(shape))
    b.op(kind, inputs, [y], **options)
    return Act(y, tuple(shape), x.scale, x.zero_point)


def softmax_layer(b: ModelBuilder, x: Act, beta=1.0) -> Act:
    y = b.tensor(x.shape, scale=1 / 256, zero_point=-128)
    b.op("SOFTMAX", [x.index], [y], beta=beta)
    return Act(y, x.shape, 1 / 256, -128)


# --------------------------------------------------------------------------- models
def conv2d_model(rng, in_shape, out_c, **kwargs) -> bytes:
    b = ModelBuilder()
    b.output(conv_layer(b, rng, input_act(b, rng, in_shape), out_c, **kwargs).index)
    return b.build()


def depthwise_model(rng, in_shape, depth_multiplier=1, **kwargs) -> bytes:
    b = ModelBuilder()
    x = input_act(b, rng, in_shape)
    b.output(conv_layer(b, rng, x, depthwise=True, depth_multiplier=depth_multiplier,
                        **kwargs).index)
    return b.build()


def fc_model(rng, in_shape, units, **kwargs) -> bytes:
    b = ModelBuilder()
    b.output(fc_layer(b, rng, input_act(b, rng, in_shape), units, **kwargs).index)
    return b.build()


def pool2d_model(rng, kind, in_shape, window, **kwargs) -> bytes:
    b = ModelBuilder()
    b.output(pool_layer(b, input_act(b, rng, in_shape), kind, window, **kwargs).index)
    return b.build()


def add_model(rng, shape, scale1, scale2, activation="NONE", out_scale=None) -> bytes:
    """ADD of two same-shape inputs; the output scale covers the sum's range by default."""
    zp1, zp2 = (int(z) for z in rng.integers(-128, 128, size=2))
    if out_scale is None:
        out_scale = float((scale1 + scale2) * rng.uniform(1.0, 1.5))
    out_scale, out_zp = output_quant(rng, out_scale, activation)
    b = ModelBuilder()
    x1 = b.input(shape, scale=scale1, zero_point=zp1)
    x2 = b.input(shape, scale=scale2, zero_point=zp2)
    y = b.output(b.tensor(shape, scale=out_scale, zero_point=out_zp))
    b.op("ADD", [x1, x2], [y], fused_activation_function=activation)
    return b.build()


def softmax_model(rng, shape, in_scale, beta=1.0) -> bytes:
    zp = int(rng.integers(-128, 128))
    b = ModelBuilder()
    x = Act(b.input(shape, scale=in_scale, zero_point=zp), tuple(shape), in_scale, zp)
    b.output(softmax_layer(b, x, beta).index)
    return b.build()


# --------------------------------------------------------------------------- checks
def assert_bit_exact_against(model_bytes: bytes, oracle_bytes: bytes, count: int = 12,
                             seed: int = 0) -> None:
    """Like tests.helpers.assert_bit_exact, but TFLM runs an equivalent model.

    For models the TFLM interpreter itself cannot run (it segfaults on a
    DEPTHWISE_CONV_2D whose optional bias is given as -1): mcugen compiles model_bytes,
    TFLM runs oracle_bytes (the same model with an explicit zero bias).
    """
    import mcugen
    from mcugen.verify import verify_model

    compiled = mcugen.compile(model_bytes)
    compiled.host(sanitize=True)
    result = verify_model(compiled, oracle_bytes, count=count, seed=seed)
    assert result.runs == count and result.compared_values > 0
    assert result.mismatched_values == 0, result.first_mismatch


def run_isolated(fn, *args, timeout: float = 120.0) -> None:
    """Run fn(*args) in a forked child, so a crash (a UBSan abort in the generated C, a
    TFLM abort) fails only this test instead of killing the whole pytest process.
    An AssertionError in the child is re-raised here with its message."""
    import multiprocessing
    import traceback

    ctx = multiprocessing.get_context("fork")
    parent_end, child_end = ctx.Pipe(duplex=False)

    def child():
        try:
            fn(*args)
            child_end.send(None)
        except BaseException as exc:
            child_end.send(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")

    process = ctx.Process(target=child)
    process.start()
    child_end.close()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        raise AssertionError(f"timed out after {timeout} s")
    try:
        message = parent_end.recv() if parent_end.poll() else "no report"
    except EOFError:  # the child died before sending anything
        message = "no report"
    if process.exitcode != 0:
        raise AssertionError(f"child process crashed with exit code {process.exitcode} "
                             f"(a negative code is a signal, -6 = abort, e.g. UBSan; "
                             f"see the captured stderr)")
    if message is not None:
        raise AssertionError(message)
