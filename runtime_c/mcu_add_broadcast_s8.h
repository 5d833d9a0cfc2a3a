/*
 * mcu_add_broadcast_s8: int8 addition with numpy broadcasting of either operand (or a
 * constant operand). Same arithmetic as mcu_add_s8; only the indexing differs.
 *
 * Bit-exact with TFLM's int8 broadcast ADD (reference_integer_ops::BroadcastAdd*DSlow).
 * Preconditions: shape as mcu_broadcast.h describes; all shifts <= 0.
 * In place: output may equal an operand that is not broadcast. Scratch: none.
 */
#ifndef MCU_ADD_BROADCAST_S8_H
#define MCU_ADD_BROADCAST_S8_H

#include "mcu_broadcast.h"

/* input1 + sign * input2 (sign +1: ADD, -1: SUB), each operand rescaled to the common
 * scale first; the shared body of mcu_add_broadcast_s8 and mcu_sub_s8. */
MCU_INLINE void mcu_addsub_broadcast_s8(
    const int8_t *input1, const int8_t *input2, int8_t *output, const mcu_broadcast_t *shape,
    int32_t input1_offset, int32_t input2_offset, int32_t output_offset, int32_t left_shift,
    int32_t input1_multiplier, int32_t input1_shift,
    int32_t input2_multiplier, int32_t input2_shift,
    int32_t output_multiplier, int32_t output_shift, int32_t act_min, int32_t act_max, int32_t sign)
{
    const int32_t rows = mcu_broadcast_rows(shape);
    const int32_t depth = shape->dims[3];
    const int32_t step1 = shape->stride1[3];
    const int32_t step2 = shape->stride2[3];
    for (int32_t r = 0; r < rows; ++r) {
        int32_t offset1, offset2;
        mcu_broadcast_row(shape, r, &offset1, &offset2);
        const int8_t *a = input1 + offset1;
        const int8_t *b = input2 + offset2;
        int8_t *y = output + r * depth;
        for (int32_t i = 0; i < depth; ++i) {
            const int32_t x1 = mcu_shl_wrap((int32_t)a[i * step1] + input1_offset, left_shift);
            const int32_t x2 = mcu_shl_wrap((int32_t)b[i * step2] + input2_offset, left_shift);
            const int32_t combined = mcu_requant_lt1(x1, input1_multiplier, input1_shift)
                                   + sign * mcu_requant_lt1(x2, input2_multiplier, input2_shift);
            const int32_t value = mcu_requant_lt1(combined, output_multiplier, output_shift) + output_offset;
            y[i] = (int8_t)mcu_clamp(value, act_min, act_max);
        }
    }
}

MCU_KERNEL void mcu_add_broadcast_s8(
    const int8_t *input1, const int8_t *input2, int8_t *output, const mcu_broadcast_t *shape,
    int32_t input1_offset, int32_t input2_offset, int32_t output_offset, int32_t left_shift,
    int32_t input1_multiplier, int32_t input1_shift,
    int32_t input2_multiplier, int32_t input2_shift,
    int32_t output_multiplier, int32_t output_shift, int32_t act_min, int32_t act_max)
{
    mcu_addsub_broadcast_s8(input1, input2, output, shape, input1_offset, input2_offset, output_offset,
                            left_shift, input1_multiplier, input1_shift, input2_multiplier,
                            input2_shift, output_multiplier, output_shift, act_min, act_max, 1);
}

#endif /* MCU_ADD_BROADCAST_S8_H */
