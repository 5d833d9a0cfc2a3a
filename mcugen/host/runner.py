"""The generated C under AddressSanitizer and UBSan, in a child process.

An ASan-instrumented shared library cannot be loaded into a Python that was not started
with the ASan runtime, so the sanitized build is a small executable instead: the model's
sources plus a driver (templates/host/runner.c.j2) that reads input sets on stdin and
writes outputs on stdout. One process serves every inference of a model. A sanitizer
report ends the process; .run() then raises RuntimeError with the report.
"""
from __future__ import annotations

import os
import subprocess
import weakref
from pathlib import Path

import jinja2
import numpy as np

from mcugen.host.build import C_TYPES, WARNINGS, host_compiler
from mcugen.paths import TEMPLATES
from mcugen.planner import Plan

SANITIZE_ALL = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
# Leak checking needs ptrace, which containers often forbid; the generated C never allocates.
SANITIZER_ENV = {"ASAN_OPTIONS": "detect_leaks=0:halt_on_error=1:abort_on_error=0",
                 "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"}
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), trim_blocks=True,
                          lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def _io(graph, tensors) -> list[dict]:
    return [dict(position=i, size=graph.tensors[t].size, ctype=C_TYPES[np.dtype(graph.tensors[t].dtype)],
                 nbytes=graph.tensors[t].nbytes) for i, t in enumerate(tensors)]


def build_sanitized_runner(folder: Path, plan: Plan, prefix: str, compiler: list[str] | None = None) -> Path:
    """Write {prefix}_runner.c into the generated folder and build it with ASan + UBSan."""
    graph = plan.graph
    inputs, outputs = _io(graph, graph.inputs), _io(graph, graph.outputs)
    source = _ENV.get_template("host/runner.c.j2").render(
        prefix=prefix, inputs=inputs, outputs=outputs,
        in_bytes=sum(t["nbytes"] for t in inputs), out_bytes=sum(t["nbytes"] for t in outputs))
    (folder / f"{prefix}_runner.c").write_text(source)
    executable = folder / f"{prefix}_runner"
    command = [*(compiler or host_compiler()), *WARNINGS, "-O1", *SANITIZE_ALL, f"{prefix}_runner.c",
               f"{prefix}.c", f"{prefix}_weights.c", "-o", executable.name]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"sanitized host build failed: {' '.join(command)}\n{result.stderr}")
    return executable


class SanitizedHostModel:
    """Same .run(inputs) -> outputs as HostModel, through the sanitized runner process."""

    def __init__(self, executable: Path, plan: Plan):
        graph = plan.graph
        self.input_shapes = [graph.tensors[t].shape for t in graph.inputs]
        self.output_shapes = [graph.tensors[t].shape for t in graph.outputs]
        self.input_dtypes = [np.dtype(graph.tensors[t].dtype) for t in graph.inputs]
        self.output_dtypes = [np.dtype(graph.tensors[t].dtype) for t in graph.outputs]
        self._executable = executable
        self._process: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        self._stderr = open(self._executable.with_suffix(".stderr"), "w+b")  # noqa: SIM115 - lives with the process
        self._process = subprocess.Popen([str(self._executable)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._stderr, env={**os.environ, **SANITIZER_ENV})
        weakref.finalize(self, _stop, self._process, self._stderr)
        return self._process

    def run(self, inputs) -> list[np.ndarray]:
        """One inference; raises RuntimeError with the sanitizer's report if the C misbehaves."""
        if isinstance(inputs, np.ndarray):
            inputs = [inputs]
        if len(inputs) != len(self.input_shapes):
            raise ValueError(f"model takes {len(self.input_shapes)} inputs, got {len(inputs)}")
        payload = b""
        for array, shape, dtype in zip(inputs, self.input_shapes, self.input_dtypes):
            array = np.ascontiguousarray(array, dtype=dtype)
            if array.size != int(np.prod(shape)):
                raise ValueError(f"input of {array.size} values, model expects shape {shape}")
            payload += array.tobytes()
        process = self._process
        if process is None or process.poll() is not None:
            process = self._start()
        assert process.stdin is not None and process.stdout is not None  # both are pipes
        wanted = 4 + sum(int(np.prod(s)) * d.itemsize for s, d in zip(self.output_shapes, self.output_dtypes))
        try:
            process.stdin.write(payload)
            process.stdin.flush()
            reply = process.stdout.read(wanted)
        except BrokenPipeError:
            reply = b""
        if len(reply) != wanted:
            raise RuntimeError(f"the sanitized host build of the model failed:\n{self._report()}")
        status = int(np.frombuffer(reply[:4], np.int32)[0])
        if status != 0:
            raise RuntimeError(f"invoke returned {status}")
        outputs, at = [], 4
        for shape, dtype in zip(self.output_shapes, self.output_dtypes):
            n = int(np.prod(shape)) * dtype.itemsize
            outputs.append(np.frombuffer(reply[at:at + n], dtype).reshape(shape).copy())
            at += n
        return outputs

    def _report(self) -> str:
        assert self._process is not None  # only after a run started it
        code = self._process.wait(timeout=60)
        self._stderr.seek(0)
        text = self._stderr.read().decode(errors="replace")
        self._process = None
        return f"exit code {code}\n{text.strip()}"


def _stop(process, stderr):
    if process.poll() is None:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.stdout.close()
    stderr.close()
