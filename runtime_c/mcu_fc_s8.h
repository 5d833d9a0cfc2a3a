/*
 * mcu_fc_s8: int8 fully connected layer, weights [units][depth]; requantized per unit
 * (per_channel = 1, `units` multipliers and shifts) or per tensor (per_channel = 0, one).
 *
 * Bit-exact with TFLM reference_integer_ops::FullyConnected (and its per-channel twin).
 * Preconditions: input holds batches * depth values; bias has `units` entries and
 * multiplier/shift `units` entries (one each when per_channel = 0); input and output
 * do not overlap. Scratch: none.
 */
#ifndef MCU_FC_S8_H
#define MCU_FC_S8_H

#include "mcu_requant.h"

MCU_KERNEL void mcu_fc_s8(
    const int8_t *input, int8_t *output, const int8_t *filter, const int32_t *bias,
    const int32_t *multiplier, const int32_t *shift,
    int32_t batches, int32_t depth, int32_t units, int32_t per_channel,
    int32_t input_offset, int32_t filter_offset, int32_t output_offset,
    int32_t act_min, int32_t act_max)
{
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *row = input + b * depth;
        for (int32_t u = 0; u < units; ++u) {
            const int8_t *w = filter + u * depth;
            int32_t acc = 0;
            for (int32_t d = 0; d < depth; ++d) {
                acc += ((int32_t)w[d] + filter_offset) * ((int32_t)row[d] + input_offset);
            }
            acc += bias[u];
            const int32_t q = per_channel ? u : 0;
            acc = mcu_requant(acc, multiplier[q], shift[q]) + output_offset;
            *output++ = (int8_t)mcu_clamp(acc, act_min, act_max);
        }
    }
}

#endif /* MCU_FC_S8_H */
