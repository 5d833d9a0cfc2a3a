"""IR data types: small dataclasses holding numpy arrays, nothing clever."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np


@dataclass(frozen=True)
class Quant:
    """Affine quantization: real = scale * (q - zero_point), per tensor or per channel."""

    scale: np.ndarray  # float32, shape (1,) or (channels,)
    zero_point: np.ndarray  # int64, same shape as scale
    axis: int = 0

    @property
    def per_channel(self) -> bool:
        return self.scale.size > 1


@dataclass(frozen=True)
class Tensor:
    index: int
    name: str
    shape: tuple[int, ...]
    dtype: str  # numpy dtype name: "int8", "int32", "float32", ...
    quant: Quant | None = None
    data: np.ndarray | None = None  # set for constants

    @property
    def is_const(self) -> bool:
        return self.data is not None

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def nbytes(self) -> int:
        return self.size * np.dtype(self.dtype).itemsize

    @property
    def qparams(self) -> Quant:
        """The quantization of a tensor the op's check found quantized."""
        if self.quant is None:
            raise ValueError(f"tensor {self.index} ({self.name}) has no quantization")
        return self.quant

    @property
    def values(self) -> np.ndarray:
        """The data of a tensor the op's check found constant."""
        if self.data is None:
            raise ValueError(f"tensor {self.index} ({self.name}) is not a constant")
        return self.data

    @property
    def scale(self) -> float:
        """The per-tensor scale (first entry when per-channel)."""
        return float(self.qparams.scale[0])

    @property
    def zero_point(self) -> int:
        return int(self.qparams.zero_point[0])


@dataclass(frozen=True)
class Op:
    index: int
    kind: str  # TFLite builtin operator name, e.g. "CONV_2D"
    inputs: tuple[int, ...]  # tensor indices, -1 for an omitted optional input
    outputs: tuple[int, ...]
    options: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)  # filled by the lowering pass


@dataclass(frozen=True)
class Graph:
    name: str
    tensors: tuple[Tensor, ...]
    ops: tuple[Op, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]

    def tensor(self, index: int) -> Tensor | None:
        return None if index < 0 else self.tensors[index]

    def replace_op(self, op: Op, **changes) -> Graph:
        ops = list(self.ops)
        ops[op.index] = replace(op, **changes)
        return replace(self, ops=tuple(ops))
