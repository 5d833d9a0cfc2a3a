"""The IR: a graph of tensors and ops as plain data."""
from mcugen.ir.graph import Graph, Op, Quant, Tensor

__all__ = ["Graph", "Op", "Quant", "Tensor"]
