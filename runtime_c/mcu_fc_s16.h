/*
 * mcu_fc_s16: fully connected layer, int16 input/output (zero point 0), int8 weights,
 * per-tensor or per-channel requant.
 *
 * Bit-exact with TFLM reference_integer_ops::FullyConnected / FullyConnectedPerChannel
 * for int16: no input or output offset, the weights' offset is applied (per-tensor
 * weights only, 0 otherwise); acc32 selects TFLM's int32-bias path (see mcu_requant_s16.h).
 * Preconditions: the accumulator fits int64 (|acc| < 2^47), and int32 when acc32;
 * multiplier/shift have `units` entries when per_channel, else 1; bias has `units`.
 * Scratch: none.
 */
#ifndef MCU_FC_S16_H
#define MCU_FC_S16_H

#include "mcu_requant_s16.h"

MCU_KERNEL void mcu_fc_s16(
    const int16_t *input, int16_t *output, const int8_t *filter, const int64_t *bias,
    const int32_t *multiplier, const int32_t *shift,
    int32_t batches, int32_t depth, int32_t units, int32_t per_channel, int32_t acc32,
    int32_t filter_offset, int32_t act_min, int32_t act_max)
{
    for (int32_t b = 0; b < batches; ++b) {
        const int16_t *x = input + b * depth;
        for (int32_t u = 0; u < units; ++u) {
            const int8_t *w = filter + u * depth;
            int64_t acc = 0;
            for (int32_t d = 0; d < depth; ++d) {
                acc += (int64_t)((int32_t)w[d] + filter_offset) * x[d];
            }
            acc += bias[u];
            const int32_t c = per_channel ? u : 0;
            const int32_t y = mcu_requant_acc_s16(acc, acc32, multiplier[c], shift[c]);
            *output++ = (int16_t)mcu_clamp(y, act_min, act_max);
        }
    }
}

#endif /* MCU_FC_S16_H */
