"""Retrain the bundled digits CNN and export it as a fully int8 TFLite model.

    python examples/digits/train.py

Needs tensorflow and scikit-learn (mcugen itself needs neither). Writes, next to this
file, digits_int8.tflite and digits_test.npz (the raw 0..16 test-split images and labels).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow is imported

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = Path(__file__).resolve().parent
MODEL_PATH = HERE / "digits_int8.tflite"
TEST_PATH = HERE / "digits_test.npz"

ALLOWED_OPS = {"CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "AVERAGE_POOL_2D",
               "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"}


def build_model() -> tf.keras.Model:
    inputs = tf.keras.Input(shape=(8, 8, 1), batch_size=1, name="image")
    x = tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)
    x = tf.keras.layers.Conv2D(16, 3, padding="same", activation="relu")(x)
    x = tf.keras.layers.MaxPooling2D(2)(x)
    x = tf.keras.layers.Flatten()(x)
    x = tf.keras.layers.Dense(32, activation="relu")(x)
    x = tf.keras.layers.Dense(10)(x)
    outputs = tf.keras.layers.Softmax()(x)
    return tf.keras.Model(inputs, outputs, name="digits_cnn")


def main() -> int:
    tf.keras.utils.set_random_seed(0)
    digits = load_digits()
    images = digits.images.astype(np.uint8)  # (1797, 8, 8), values 0..16
    labels = digits.target.astype(np.uint8)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=0.25, random_state=0, stratify=labels)

    def prep(a: np.ndarray) -> np.ndarray:
        return (a.astype(np.float32) / 16.0)[..., None]

    model = build_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # The model has a fixed batch size of 1 (so the TFLite input is (1, 8, 8, 1)); train a
    # twin with a free batch dimension and copy its weights over.
    trainer = tf.keras.models.clone_model(
        model, input_tensors=tf.keras.Input(shape=(8, 8, 1), name="image"))
    trainer.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
                    loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    trainer.fit(prep(x_train), y_train, epochs=40, batch_size=32, shuffle=True, verbose=0)
    model.set_weights(trainer.get_weights())
    _, float_acc = trainer.evaluate(prep(x_test), y_test, verbose=0)
    print(f"keras float test accuracy: {float_acc:.2%}")

    rep = prep(x_train)

    def representative_dataset():
        for i in range(len(rep)):
            yield [rep[i:i + 1]]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative_dataset
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    tflite_model = converter.convert()

    interpreter = tf.lite.Interpreter(model_content=tflite_model)
    ops = [op["op_name"] for op in interpreter._get_ops_details()]
    bad = sorted(set(ops) - ALLOWED_OPS)
    if bad:
        print(f"error: converted model uses unsupported ops {bad} (ops: {ops})", file=sys.stderr)
        return 1
    print(f"ops: {', '.join(ops)}")

    interpreter.allocate_tensors()
    inp = interpreter.get_input_details()[0]
    out = interpreter.get_output_details()[0]
    scale, zero_point = inp["quantization"]
    correct = 0
    for image, label in zip(x_test, y_test):
        q = np.clip(np.round(image.astype(np.float32) / 16.0 / scale) + zero_point, -128, 127)
        interpreter.set_tensor(inp["index"], q.astype(np.int8).reshape(inp["shape"]))
        interpreter.invoke()
        correct += int(np.argmax(interpreter.get_tensor(out["index"])) == label)
    int8_acc = correct / len(y_test)
    print(f"int8 tflite test accuracy: {int8_acc:.2%} "
          f"(input scale {scale:.8g}, zero point {zero_point})")

    MODEL_PATH.write_bytes(tflite_model)
    np.savez_compressed(TEST_PATH, images=x_test.astype(np.uint8), labels=y_test.astype(np.uint8))
    print(f"wrote {MODEL_PATH.name} ({len(tflite_model):,} bytes) and "
          f"{TEST_PATH.name} ({len(y_test)} images)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
