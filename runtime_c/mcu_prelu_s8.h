/*
 * mcu_prelu_s8: int8 PReLU, y = x for x >= 0 and alpha * x otherwise, with alpha an int8
 * tensor broadcast against the input (usually one value per channel).
 *
 * Bit-exact with TFLM reference_ops::BroadcastPrelu4DSlow (int8 input and alpha).
 * Preconditions: shape as mcu_broadcast.h describes, operand 1 = input, operand 2 =
 * alpha; any shifts (either sign).
 * In place: output may equal input. Scratch: none.
 */
#ifndef MCU_PRELU_S8_H
#define MCU_PRELU_S8_H

#include "mcu_broadcast.h"

MCU_KERNEL void mcu_prelu_s8(
    const int8_t *input, const int8_t *alpha, int8_t *output, const mcu_broadcast_t *shape,
    int32_t input_offset, int32_t alpha_offset, int32_t output_offset,
    int32_t identity_multiplier, int32_t identity_shift,
    int32_t alpha_multiplier, int32_t alpha_shift)
{
    const int32_t rows = mcu_broadcast_rows(shape);
    const int32_t depth = shape->dims[3];
    const int32_t step1 = shape->stride1[3];
    const int32_t step2 = shape->stride2[3];
    for (int32_t r = 0; r < rows; ++r) {
        int32_t offset1, offset2;
        mcu_broadcast_row(shape, r, &offset1, &offset2);
        const int8_t *x = input + offset1;
        const int8_t *a = alpha + offset2;
        int8_t *y = output + r * depth;
        for (int32_t i = 0; i < depth; ++i) {
            const int32_t value = (int32_t)x[i * step1] + input_offset;
            const int32_t scaled = value >= 0
                ? mcu_requant(value, identity_multiplier, identity_shift)
                : mcu_requant(value * ((int32_t)a[i * step2] + alpha_offset), alpha_multiplier, alpha_shift);
            y[i] = (int8_t)mcu_clamp(scaled + output_offset, -128, 127);
        }
    }
}

#endif /* MCU_PRELU_S8_H */
