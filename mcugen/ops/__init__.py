"""Operator modules; importing this package fills the registry."""
from mcugen.ops import activations, add, conv2d, elementwise, fully_connected, log_softmax, mean, pad, pool2d, quantize, resize, shape_ops, softmax, views  # noqa: F401
from mcugen.ops import int16  # noqa: F401 - last: wraps the int8 entries of the ops it extends
from mcugen.ops.registry import REGISTRY, spec_for

__all__ = ["REGISTRY", "spec_for"]
