/*
 * mcu_softmax_s16: softmax over the last axis, int16 input (zero point 0) -> int16 output
 * (scale 1/32768, zero point 0).
 *
 * Bit-exact with TFLM reference_ops::SoftmaxInt16: input differences to the row maximum
 * are scaled (int32 MultiplyByQuantizedMultiplier) so that [-65535, 0] maps to
 * [-10, 0], exp() and 1/(1+x) come from 513-entry tables with linear interpolation
 * (built by the compiler exactly as TFLM's Prepare builds them), the sum of exps is
 * normalized by its leading zeros, the output rescaled with one rounding shift.
 * Preconditions: 1 <= depth <= 65535 (the sum of exps fits int32); input_left_shift
 * <= 15; input and output do not overlap (the output row holds the exps meanwhile).
 * Scratch: none.
 */
#ifndef MCU_SOFTMAX_S16_H
#define MCU_SOFTMAX_S16_H

#include "mcu_requant.h"

/* TFLM generic_int16_table_lookup: table[256 + (value >> 7)] plus the interpolated step. */
MCU_INLINE int16_t mcu_lut_s16(int32_t value, const int16_t *table)
{
    const int32_t index = 256 + (value >> 7);
    const int32_t offset = value & 0x7f;
    const int32_t base = table[index];
    const int32_t slope = (int16_t)(table[index + 1] - table[index]);
    const int32_t delta = (slope * offset + 64) >> 7;
    return (int16_t)(base + delta);
}

MCU_KERNEL void mcu_softmax_s16(
    const int16_t *input, int16_t *output, int32_t rows, int32_t depth,
    int32_t input_multiplier, int32_t input_left_shift,
    const int16_t *exp_table, const int16_t *reciprocal_table)
{
    for (int32_t r = 0; r < rows; ++r) {
        const int16_t *x = input + r * depth;
        int16_t *y = output + r * depth;
        int32_t max_in_row = INT16_MIN;
        for (int32_t c = 0; c < depth; ++c) {
            max_in_row = x[c] > max_in_row ? x[c] : max_in_row;
        }
        int32_t sum_of_exps = 0; /* Q16.15 */
        for (int32_t c = 0; c < depth; ++c) {
            const int32_t scaled = mcu_requant((int32_t)x[c] - max_in_row, input_multiplier, input_left_shift);
            y[c] = mcu_lut_s16(mcu_clamp(scaled + 32767, INT16_MIN, INT16_MAX), exp_table);
            sum_of_exps += y[c];
        }
        int32_t headroom_plus_one = 0; /* leading zeros; sum_of_exps > 0 */
        while (!(((uint32_t)sum_of_exps << headroom_plus_one) & 0x80000000u)) {
            ++headroom_plus_one;
        }
        const int32_t shifted_sum =
            (int32_t)((((int64_t)sum_of_exps << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
        const int32_t x_minus_one = mcu_clamp(shifted_sum - ((1 << 15) + (1 << 16)), INT16_MIN, INT16_MAX);
        const int64_t reciprocal = mcu_lut_s16(x_minus_one, reciprocal_table);
        const int32_t right_shift = 31 - headroom_plus_one;
        const int64_t round = (int64_t)1 << (right_shift - 1);
        for (int32_t c = 0; c < depth; ++c) {
            const int32_t result = (int32_t)(((int64_t)y[c] * reciprocal + round) >> right_shift);
            y[c] = (int16_t)mcu_clamp(result, 0, INT16_MAX);
        }
    }
}

#endif /* MCU_SOFTMAX_S16_H */
