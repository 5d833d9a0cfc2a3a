"""Build a generated model folder into a shared library and run it through cffi."""
from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import cffi
import numpy as np

from mcugen.planner import Plan

WARNINGS = ["-std=c99", "-Wall", "-Wextra", "-Werror"]
SANITIZE = ["-fsanitize=undefined", "-fno-sanitize-recover=all"]
C_TYPES = {np.dtype(np.int8): "int8_t", np.dtype(np.int16): "int16_t", np.dtype(np.float32): "float"}


def host_compiler() -> list[str]:
    return shlex.split(os.environ.get("CC", "cc"))


def build_host_library(folder: Path, prefix: str, sanitize: bool = False,
                       compiler: list[str] | None = None) -> Path:
    """Compile {prefix}.c and {prefix}_weights.c into lib{prefix}.so inside folder."""
    library = folder / f"lib{prefix}.so"
    command = [*(compiler or host_compiler()), *WARNINGS, "-O2", "-fPIC", "-shared",
               *(SANITIZE if sanitize else []), f"{prefix}.c", f"{prefix}_weights.c",
               "-o", library.name]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"host build failed: {' '.join(command)}\n{result.stderr}")
    return library


class HostModel:
    """A generated model loaded into this process: .run(inputs) -> outputs."""

    def __init__(self, library: Path, plan: Plan, prefix: str):
        graph = plan.graph
        self.input_shapes = [graph.tensors[t].shape for t in graph.inputs]
        self.output_shapes = [graph.tensors[t].shape for t in graph.outputs]
        # int8, or float32 at a QUANTIZE/DEQUANTIZE interface
        self.input_dtypes = [np.dtype(graph.tensors[t].dtype) for t in graph.inputs]
        self.output_dtypes = [np.dtype(graph.tensors[t].dtype) for t in graph.outputs]
        args = [f"const {C_TYPES[d]} *input{i}" for i, d in enumerate(self.input_dtypes)]
        args += [f"{C_TYPES[d]} *output{i}" for i, d in enumerate(self.output_dtypes)]
        self._ffi = cffi.FFI()
        self._ffi.cdef(f"int {prefix}_invoke({', '.join(args)});")
        self._lib = self._ffi.dlopen(str(library))
        self._invoke = getattr(self._lib, f"{prefix}_invoke")

    def run(self, inputs) -> list[np.ndarray]:
        """One inference; inputs are arrays (or one array) of the model's input shapes and types."""
        if isinstance(inputs, np.ndarray):
            inputs = [inputs]
        if len(inputs) != len(self.input_shapes):
            raise ValueError(f"model takes {len(self.input_shapes)} inputs, got {len(inputs)}")
        in_arrays = []
        for array, shape, dtype in zip(inputs, self.input_shapes, self.input_dtypes):
            array = np.ascontiguousarray(array, dtype=dtype)
            if array.size != int(np.prod(shape)):
                raise ValueError(f"input of {array.size} values, model expects shape {shape}")
            in_arrays.append(array)
        outputs = [np.zeros(shape, dtype) for shape, dtype in zip(self.output_shapes, self.output_dtypes)]
        pointers = [self._ffi.from_buffer(f"{C_TYPES[a.dtype]}[]", a) for a in in_arrays + outputs]
        status = self._invoke(*pointers)
        if status != 0:
            raise RuntimeError(f"invoke returned {status}")
        return outputs
