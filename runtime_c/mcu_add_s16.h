/*
 * mcu_add_s16: int16 elementwise addition of two same-shape tensors (zero points 0).
 * Each input is shifted left by left_shift (15 for int16 in TFLM) and scaled to a common
 * scale; the sum is requantized to the output scale.
 *
 * Bit-exact with TFLM reference_ops::Add for int16 with pot_scale = false (the general
 * rescaling path TFLM's micro kernel always takes for int16; TFLite's power-of-two fast
 * path is not used by TFLM).
 * Preconditions: shifts <= 0 (multipliers below one, as TFLM computes them); left_shift
 * <= 15 so the shifted inputs fit int32.
 * In place: output may equal either input (element i is read before it is written).
 * Scratch: none.
 */
#ifndef MCU_ADD_S16_H
#define MCU_ADD_S16_H

#include "mcu_requant.h"

MCU_KERNEL void mcu_add_s16(
    const int16_t *input1, const int16_t *input2, int16_t *output, int32_t size, int32_t left_shift,
    int32_t input1_multiplier, int32_t input1_shift,
    int32_t input2_multiplier, int32_t input2_shift,
    int32_t output_multiplier, int32_t output_shift, int32_t act_min, int32_t act_max)
{
    for (int32_t i = 0; i < size; ++i) {
        const int32_t a = mcu_shl_wrap((int32_t)input1[i], left_shift);
        const int32_t b = mcu_shl_wrap((int32_t)input2[i], left_shift);
        const int32_t sum = mcu_requant_lt1(a, input1_multiplier, input1_shift)
                          + mcu_requant_lt1(b, input2_multiplier, input2_shift);
        const int32_t y = mcu_requant_lt1(sum, output_multiplier, output_shift);
        output[i] = (int16_t)mcu_clamp(y, act_min, act_max);
    }
}

#endif /* MCU_ADD_S16_H */
