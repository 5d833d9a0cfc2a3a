/*
 * mcu_resize_nearest_s8 / mcu_resize_bilinear_s8: int8 image resize over NHWC.
 * The per-row and per-column source indices (and bilinear weights, in 1/1024 units) are
 * computed by the compiler exactly as TFLM computes them (float GetNearestNeighbor;
 * integer ComputeInterpolationValuesInteger) and passed as tables.
 *
 * Bit-exact with TFLM reference_ops::ResizeNearestNeighbor (one memcpy of `depth` bytes
 * per output pixel) and reference_ops::ResizeBilinearInteger (int64 sum of the four
 * weighted pixels, rounded half away from zero at 2^20, then narrowed to int8).
 * Preconditions: table indices lie inside the input; input and output do not overlap.
 * Scratch: none.
 */
#ifndef MCU_RESIZE_S8_H
#define MCU_RESIZE_S8_H

#include <string.h>

#include "mcu_requant.h"

/* y_map[out_h], x_map[out_w]: source row / column of each output row / column. */
MCU_KERNEL void mcu_resize_nearest_s8(
    const int8_t *input, int8_t *output, int32_t batches, int32_t in_h, int32_t in_w,
    int32_t depth, int32_t out_h, int32_t out_w, const int32_t *y_map, const int32_t *x_map)
{
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *in_b = input + b * in_h * in_w * depth;
        for (int32_t y = 0; y < out_h; ++y) {
            const int8_t *row = in_b + y_map[y] * in_w * depth;
            for (int32_t x = 0; x < out_w; ++x) {
                memcpy(output, row + x_map[x] * depth, (size_t)depth);
                output += depth;
            }
        }
    }
}

/* y_table[3 * out_h]: (y0, y1, dy) per output row, dy = input_y - 1024 * y0; x_table alike. */
MCU_KERNEL void mcu_resize_bilinear_s8(
    const int8_t *input, int8_t *output, int32_t batches, int32_t in_h, int32_t in_w,
    int32_t depth, int32_t out_h, int32_t out_w, const int32_t *y_table, const int32_t *x_table)
{
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *in_b = input + b * in_h * in_w * depth;
        for (int32_t y = 0; y < out_h; ++y) {
            const int8_t *row0 = in_b + y_table[3 * y] * in_w * depth;
            const int8_t *row1 = in_b + y_table[3 * y + 1] * in_w * depth;
            const int64_t dy = y_table[3 * y + 2];
            for (int32_t x = 0; x < out_w; ++x) {
                const int32_t x0 = x_table[3 * x] * depth, x1 = x_table[3 * x + 1] * depth;
                const int64_t dx = x_table[3 * x + 2];
                for (int32_t c = 0; c < depth; ++c) {
                    const int64_t sum = row0[x0 + c] * (1024 - dy) * (1024 - dx)
                                      + row1[x0 + c] * dy * (1024 - dx)
                                      + row0[x1 + c] * (1024 - dy) * dx
                                      + row1[x1 + c] * dy * dx;
                    const int64_t rounded = (sum + (sum > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20);
                    /* static_cast<int8_t> in the reference: keep the low byte. */
                    const int32_t low = (int32_t)((uint64_t)rounded & 0xFFu);
                    *output++ = (int8_t)(low > 127 ? low - 256 : low);
                }
            }
        }
    }
}

#endif /* MCU_RESIZE_S8_H */
