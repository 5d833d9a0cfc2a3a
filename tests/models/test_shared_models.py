"""Every real model in ../shared/models: compiled for stm32f746, bit-exact with TFLM."""
import pytest

from tests.helpers import SHARED_MODELS, assert_bit_exact

MODELS = sorted(p.name for p in SHARED_MODELS.glob("*.tflite")) if SHARED_MODELS.is_dir() else []
# The arena of the layer-by-layer plan may not exceed TFLM's minimal arena (README of shared/).
TFLM_MIN_ARENA = {
    "kws_ref_model.tflite": 24_272, "vww_96_int8.tflite": 103_680,
    "pretrainedResnet_quant.tflite": 55_984, "ad01_int8.tflite": 4_640,
    "person_detect.tflite": 85_264, "micro_speech_quantized.tflite": 7_584,
    "hello_world_int8.tflite": 1_936,
}


@pytest.mark.skipif(not MODELS, reason=f"no shared models folder at {SHARED_MODELS}")
@pytest.mark.parametrize("name", MODELS)
def test_shared_model_bit_exact(name):
    data = (SHARED_MODELS / name).read_bytes()
    compiled = assert_bit_exact(data, count=50, board="stm32f746")
    assert compiled.plan.peak_sram_bytes <= TFLM_MIN_ARENA[name]
