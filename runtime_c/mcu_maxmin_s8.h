/*
 * mcu_maximum_s8 / mcu_minimum_s8: int8 elementwise maximum and minimum, with numpy
 * broadcasting of either operand. The raw int8 values are compared: both operands and
 * the output share one quantization (the compiler checks it; TFLM assumes it).
 *
 * Bit-exact with TFLM reference_ops::MaximumMinimumBroadcastSlow (int8).
 * Preconditions: shape as mcu_broadcast.h describes.
 * In place: output may equal an operand that is not broadcast. Scratch: none.
 */
#ifndef MCU_MAXMIN_S8_H
#define MCU_MAXMIN_S8_H

#include "mcu_broadcast.h"

MCU_KERNEL void mcu_maximum_s8(const int8_t *input1, const int8_t *input2, int8_t *output,
                               const mcu_broadcast_t *shape)
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
            const int8_t x1 = a[i * step1];
            const int8_t x2 = b[i * step2];
            y[i] = x1 > x2 ? x1 : x2;
        }
    }
}

MCU_KERNEL void mcu_minimum_s8(const int8_t *input1, const int8_t *input2, int8_t *output,
                               const mcu_broadcast_t *shape)
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
            const int8_t x1 = a[i * step1];
            const int8_t x2 = b[i * step2];
            y[i] = x1 < x2 ? x1 : x2;
        }
    }
}

#endif /* MCU_MAXMIN_S8_H */
