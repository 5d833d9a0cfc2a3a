/*
 * mcu_mul_s8: int8 elementwise multiplication, with numpy broadcasting of either operand.
 * (input1 + offset1) * (input2 + offset2) is requantized with one multiplier.
 *
 * Bit-exact with TFLM reference_integer_ops::Mul / BroadcastMul4DSlow (int8).
 * Preconditions: shape as mcu_broadcast.h describes; any output_shift (either sign).
 * In place: output may equal an operand that is not broadcast. Scratch: none.
 */
#ifndef MCU_MUL_S8_H
#define MCU_MUL_S8_H

#include "mcu_broadcast.h"

MCU_KERNEL void mcu_mul_s8(
    const int8_t *input1, const int8_t *input2, int8_t *output, const mcu_broadcast_t *shape,
    int32_t input1_offset, int32_t input2_offset, int32_t output_offset,
    int32_t output_multiplier, int32_t output_shift, int32_t act_min, int32_t act_max)
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
            const int32_t product = ((int32_t)a[i * step1] + input1_offset)
                                  * ((int32_t)b[i * step2] + input2_offset);
            const int32_t value = mcu_requant(product, output_multiplier, output_shift) + output_offset;
            y[i] = (int8_t)mcu_clamp(value, act_min, act_max);
        }
    }
}

#endif /* MCU_MUL_S8_H */
