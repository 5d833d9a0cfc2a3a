"""Frontend: .tflite flatbuffer -> IR."""
from mcugen.frontend.tflite_reader import load_tflite, parse_tflite

__all__ = ["load_tflite", "parse_tflite"]
