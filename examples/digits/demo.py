"""make demo: compile the bundled digits CNN for stm32f746, then classify the test split
with the generated C (built for this host) and with TFLite Micro, side by side."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import mcugen
from mcugen.cli.output import print_notes, publish
from mcugen.errors import McugenError
from mcugen.verify import run_tflm, tflm_interpreter

HERE = Path(__file__).resolve().parent
MODEL = HERE / "digits_int8.tflite"
OUT = HERE.parent.parent / "demo_out"


def main() -> int:
    try:
        compiled = mcugen.compile(MODEL, board="stm32f746", prefix="digits")
        print_notes(publish(OUT, {name: text.encode() for name, text in compiled.files.items()},
                            force=False))
    except McugenError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 2
    s = compiled.summary
    print(f"compiled {MODEL.name} for stm32f746 into {OUT.name}/: {s.ops} ops, {s.macs:,} MACs, "
          f"peak SRAM {s.peak_sram_bytes:,} bytes, flash {s.weights_bytes:,} weights "
          f"+ ~{s.code_bytes_estimate:,} code")

    test = np.load(HERE / "digits_test.npz")
    images, labels = test["images"], test["labels"]
    x = compiled.graph.tensors[compiled.graph.inputs[0]]
    quantized = np.clip(np.round(images.astype(np.float32) / 16.0 / x.scale) + x.zero_point,
                        -128, 127).astype(np.int8).reshape((-1,) + x.shape)
    interpreter = tflm_interpreter(MODEL.read_bytes())
    ours, theirs, identical = [], [], 0
    for image in quantized:
        got = compiled.run([image])[0]
        expected = run_tflm(interpreter, [image])[0]
        identical += int(np.array_equal(got, expected))
        ours.append(int(np.argmax(got)))
        theirs.append(int(np.argmax(expected)))
    n = len(labels)
    acc_ours = np.mean(np.array(ours) == labels)
    acc_tflm = np.mean(np.array(theirs) == labels)
    print(f"digits test split: {n} images")
    print(f"  accuracy, mcugen C (host build): {acc_ours:.2%}")
    print(f"  accuracy, TFLite Micro:          {acc_tflm:.2%}")
    print(f"  identical output bytes:          {identical}/{n}")
    return 0 if identical == n else 1


if __name__ == "__main__":
    sys.exit(main())
