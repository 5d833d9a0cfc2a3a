/*
 * mcu_copy_nd_s8 / mcu_pad_s8: int8 data movement with no arithmetic, shared by PAD,
 * PADV2, CONCATENATION, TRANSPOSE, STRIDED_SLICE, SPLIT, SPLIT_V, SPACE_TO_DEPTH and
 * DEPTH_TO_SPACE. The compiler reduces each op to a strided copy over at most
 * MCU_COPY_RANK loops (size-1 loops dropped, contiguous loops merged); the innermost
 * loop is one memcpy when it is contiguous on both sides.
 *
 * geometry[] (int32, 2 + 3 * MCU_COPY_RANK values, outermost loop first):
 *   input offset, output offset, then per loop: count, input stride, output stride
 *   (strides in elements; input strides may be negative, as for reversed slices).
 * Bit-exact with TFLM's reference kernels, which copy bytes without requantizing.
 * Preconditions: every addressed element lies inside its buffer (checked by the
 * compiler); input and output do not overlap. Scratch: none.
 */
#ifndef MCU_COPY_S8_H
#define MCU_COPY_S8_H

#include <string.h>

#include "mcu_requant.h"

#define MCU_COPY_RANK 6

MCU_KERNEL void mcu_copy_nd_s8(const int8_t *input, int8_t *output, const int32_t *geometry)
{
    const int32_t *g = geometry + 2;
    const int8_t *in = input + geometry[0];
    int8_t *out = output + geometry[1];
    const int32_t n5 = g[15], is5 = g[16], os5 = g[17];
    for (int32_t i0 = 0; i0 < g[0]; ++i0) {
        for (int32_t i1 = 0; i1 < g[3]; ++i1) {
            for (int32_t i2 = 0; i2 < g[6]; ++i2) {
                for (int32_t i3 = 0; i3 < g[9]; ++i3) {
                    for (int32_t i4 = 0; i4 < g[12]; ++i4) {
                        const int8_t *src = in + i0 * g[1] + i1 * g[4] + i2 * g[7]
                                            + i3 * g[10] + i4 * g[13];
                        int8_t *dst = out + i0 * g[2] + i1 * g[5] + i2 * g[8]
                                      + i3 * g[11] + i4 * g[14];
                        if (is5 == 1 && os5 == 1) {
                            memcpy(dst, src, (size_t)n5);
                        } else {
                            for (int32_t i5 = 0; i5 < n5; ++i5) {
                                dst[i5 * os5] = src[i5 * is5];
                            }
                        }
                    }
                }
            }
        }
    }
}

/* Fill the output (output_size elements) with pad_value, then copy the input in. */
MCU_KERNEL void mcu_pad_s8(const int8_t *input, int8_t *output, const int32_t *geometry,
                           int32_t output_size, int32_t pad_value)
{
    memset(output, (int)(uint8_t)(int8_t)pad_value, (size_t)output_size);
    mcu_copy_nd_s8(input, output, geometry);
}

#endif /* MCU_COPY_S8_H */
