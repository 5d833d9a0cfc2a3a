"""Cortex-M builds of generated models and their runs on QEMU (instruction counts)."""
from mcugen.target.firmware import build_calibration, build_firmware, cross_compile
from mcugen.target.qemu import run_calibration, run_firmware, run_firmware_batch

__all__ = ["build_firmware", "run_firmware", "run_firmware_batch", "build_calibration",
           "run_calibration", "cross_compile"]
