/*
 * mcu_sub_s8: int8 elementwise subtraction input1 - input2, with numpy broadcasting of
 * either operand. Each operand is offset, shifted left by left_shift and scaled to a
 * common scale; the difference is requantized to the output scale.
 *
 * Bit-exact with TFLM reference_ops::Sub / BroadcastQuantSubSlow (int8).
 * Preconditions: shape as mcu_broadcast.h describes; all shifts <= 0 (multipliers below
 * one, as TFLM's QuantizeMultiplierSmallerThanOneExp requires).
 * In place: output may equal an operand that is not broadcast. Scratch: none.
 */
#ifndef MCU_SUB_S8_H
#define MCU_SUB_S8_H

#include "mcu_add_broadcast_s8.h"

MCU_KERNEL void mcu_sub_s8(
    const int8_t *input1, const int8_t *input2, int8_t *output, const mcu_broadcast_t *shape,
    int32_t input1_offset, int32_t input2_offset, int32_t output_offset, int32_t left_shift,
    int32_t input1_multiplier, int32_t input1_shift,
    int32_t input2_multiplier, int32_t input2_shift,
    int32_t output_multiplier, int32_t output_shift, int32_t act_min, int32_t act_max)
{
    mcu_addsub_broadcast_s8(input1, input2, output, shape, input1_offset, input2_offset, output_offset,
                            left_shift, input1_multiplier, input1_shift, input2_multiplier,
                            input2_shift, output_multiplier, output_shift, act_min, act_max, -1);
}

#endif /* MCU_SUB_S8_H */
