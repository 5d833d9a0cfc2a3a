"""Operator modules; importing this package fills the registry."""
from mcugen.ops import (  # noqa: F401
    activations,
    add,
    conv2d,
    elementwise,
    fully_connected,
    int16,
    log_softmax,
    mean,
    pad,
    pool2d,
    quantize,
    resize,
    shape_ops,
    softmax,
    views,
)
from mcugen.ops.registry import REGISTRY, spec_for

__all__ = ["REGISTRY", "spec_for"]
