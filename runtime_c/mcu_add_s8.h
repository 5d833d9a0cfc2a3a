/*
 * mcu_add_s8: int8 elementwise addition of two same-shape tensors. Each input is
 * offset, shifted left by left_shift and scaled to a common scale; the sum is
 * requantized to the output scale.
 *
 * Bit-exact with TFLM reference_integer_ops::Add (non-broadcast path).
 * Preconditions: shifts <= 0 (multipliers below one, as TFLM computes them).
 * In place: output may equal either input (element i is read before it is written).
 * Scratch: none.
 */
#ifndef MCU_ADD_S8_H
#define MCU_ADD_S8_H

#include "mcu_requant.h"

MCU_KERNEL void mcu_add_s8(
    const int8_t *input1, const int8_t *input2, int8_t *output, int32_t size,
    int32_t input1_offset, int32_t input2_offset, int32_t output_offset, int32_t left_shift,
    int32_t input1_multiplier, int32_t input1_shift,
    int32_t input2_multiplier, int32_t input2_shift,
    int32_t output_multiplier, int32_t output_shift, int32_t act_min, int32_t act_max)
{
    for (int32_t i = 0; i < size; ++i) {
        const int32_t a = mcu_shl_wrap((int32_t)input1[i] + input1_offset, left_shift);
        const int32_t b = mcu_shl_wrap((int32_t)input2[i] + input2_offset, left_shift);
        const int32_t sum = mcu_requant_lt1(a, input1_multiplier, input1_shift)
                          + mcu_requant_lt1(b, input2_multiplier, input2_shift);
        const int32_t y = mcu_requant_lt1(sum, output_multiplier, output_shift) + output_offset;
        output[i] = (int8_t)mcu_clamp(y, act_min, act_max);
    }
}

#endif /* MCU_ADD_S8_H */
