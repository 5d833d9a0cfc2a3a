/*
 * mcu_fc_dot_s8: int8 fully connected layer as dot products, four weight rows at a time:
 * each input word is unpacked once by SXTAB16 (input offset added) and multiplied with the
 * SXTB16-unpacked words of four rows, two MACs per SMLAD. Input and weights go through the
 * same SXTB16 lane order, so the weights need no reordering.
 *
 * Bit-exact with TFLM reference_integer_ops::FullyConnected (and its per-channel twin).
 * Preconditions: filter zero point 0 (filter_offset == 0); weights [units][depth];
 * bias has `units` entries, requant the `units` triples (per-tensor scales repeated) of the
 * short requantization the compiler proved exact (mcugen/ops/fast_requant.py); input and
 * output overlap only as the planner allows. Scratch: none.
 */
#ifndef MCU_FC_DOT_S8_H
#define MCU_FC_DOT_S8_H

#include "mcu_requant.h"
#include "mcu_simd.h"

MCU_INLINE int8_t mcu_fc_output_s8(int32_t acc, const int32_t *requant, int32_t u,
                                   int32_t act_min, int32_t act_max)
{
    const int32_t *const rq = requant + 3 * u;
    return (int8_t)mcu_clamp_s8(mcu_requant_bounded(acc, rq[0], rq[1], rq[2]), act_min, act_max);
}

/* acc[0..3] += the dot products of x (offset added) with rows w0, w0 + depth, ... Out of
 * line and built without GCC's pre-RA scheduling, which spilled the four accumulators
 * (27 instructions per 16 MACs without it); the kernel around it, which writes the
 * output, stays inlinable so sanitizers see the arena. */
MCU_NO_PRESCHEDULE MCU_NOINLINE void mcu_fc_dot_4rows_s8(
    const int8_t *x, const int8_t *w0, int32_t depth, int32_t input_offset, int32_t *acc)
{
    const int32_t offset2 = mcu_dup_s16(input_offset);
    const int8_t *w1 = w0 + depth, *w2 = w1 + depth, *w3 = w2 + depth;
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    int32_t d = 0;
    for (int32_t blocks = depth >> 2; blocks > 0; --blocks, d += 4) {
        const int32_t xv = mcu_load_s8x4(x + d);
        const int32_t x02 = mcu_sxtab16(offset2, xv), x13 = mcu_sxtab16_ror8(offset2, xv);
        int32_t w = mcu_load_s8x4(w0 + d);
        a0 = mcu_smlad(x02, mcu_sxtb16(w), a0);
        a0 = mcu_smlad(x13, mcu_sxtb16_ror8(w), a0);
        w = mcu_load_s8x4(w1 + d);
        a1 = mcu_smlad(x02, mcu_sxtb16(w), a1);
        a1 = mcu_smlad(x13, mcu_sxtb16_ror8(w), a1);
        w = mcu_load_s8x4(w2 + d);
        a2 = mcu_smlad(x02, mcu_sxtb16(w), a2);
        a2 = mcu_smlad(x13, mcu_sxtb16_ror8(w), a2);
        w = mcu_load_s8x4(w3 + d);
        a3 = mcu_smlad(x02, mcu_sxtb16(w), a3);
        a3 = mcu_smlad(x13, mcu_sxtb16_ror8(w), a3);
    }
    for (int32_t rest = depth & 3; rest > 0; --rest, ++d) {
        const int32_t xd = (int32_t)x[d] + input_offset;
        a0 += w0[d] * xd;
        a1 += w1[d] * xd;
        a2 += w2[d] * xd;
        a3 += w3[d] * xd;
    }
    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}

MCU_KERNEL void mcu_fc_dot_s8(
    const int8_t *input, int8_t *output, const int8_t *filter, const int32_t *bias,
    const int32_t *requant, int32_t batches, int32_t depth, int32_t units,
    int32_t input_offset, int32_t act_min, int32_t act_max)
{
    const int32_t offset2 = mcu_dup_s16(input_offset);
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *x = input + b * depth;
        const int8_t *w0 = filter;
        int32_t u = 0;
        for (int32_t row_blocks = units >> 2; row_blocks > 0; --row_blocks, u += 4, w0 += 4 * depth) {
            int32_t acc[4];
            acc[0] = bias[u], acc[1] = bias[u + 1], acc[2] = bias[u + 2], acc[3] = bias[u + 3];
            mcu_fc_dot_4rows_s8(x, w0, depth, input_offset, acc);
            for (int32_t r = 0; r < 4; ++r) {
                output[u + r] = mcu_fc_output_s8(acc[r], requant, u + r, act_min, act_max);
            }
        }
        for (int32_t rows_left = units & 3; rows_left > 0; --rows_left, ++u, w0 += depth) {
            int32_t a0 = bias[u];
            int32_t d = 0;
            for (int32_t blocks = depth >> 2; blocks > 0; --blocks, d += 4) {
                const int32_t xv = mcu_load_s8x4(x + d);
                const int32_t w = mcu_load_s8x4(w0 + d);
                a0 = mcu_smlad(mcu_sxtab16(offset2, xv), mcu_sxtb16(w), a0);
                a0 = mcu_smlad(mcu_sxtab16_ror8(offset2, xv), mcu_sxtb16_ror8(w), a0);
            }
            for (int32_t rest = depth & 3; rest > 0; --rest, ++d) {
                a0 += w0[d] * ((int32_t)x[d] + input_offset);
            }
            output[u] = mcu_fc_output_s8(a0, requant, u, act_min, act_max);
        }
        output += units;
    }
}

/* acc[0..3] += the dot products of x (offset added) with a block of four rows of weights
 * pre-extended to int16 and interleaved: per group of 4 along depth the words (w0,w2) (w1,w3)
 * of row 0, then of rows 1, 2, 3 (the lanes SXTAB16 gives the input), so one pointer reaches
 * all four with 2-word loads at small offsets. depth % 4 == 0. */
MCU_NOINLINE void mcu_fc_dot_4rows_w16(
    const int8_t *x, const int32_t *w, int32_t depth, int32_t input_offset, int32_t *acc)
{
    const int32_t offset2 = mcu_dup_s16(input_offset);
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
#define MCU_FC_W16_GROUP(d, w)                                                        \
    do {                                                                              \
        const int32_t xv = mcu_load_s8x4(x + (d));                                    \
        const int32_t x02 = mcu_sxtab16(offset2, xv), x13 = mcu_sxtab16_ror8(offset2, xv); \
        int32_t lo, hi;                                                               \
        mcu_load_word_pair((w), &lo, &hi);                                            \
        a0 = mcu_smlad(x13, hi, mcu_smlad(x02, lo, a0));                              \
        mcu_load_word_pair((w) + 2, &lo, &hi);                                        \
        a1 = mcu_smlad(x13, hi, mcu_smlad(x02, lo, a1));                              \
        mcu_load_word_pair((w) + 4, &lo, &hi);                                        \
        a2 = mcu_smlad(x13, hi, mcu_smlad(x02, lo, a2));                              \
        mcu_load_word_pair((w) + 6, &lo, &hi);                                        \
        a3 = mcu_smlad(x13, hi, mcu_smlad(x02, lo, a3));                              \
    } while (0)
    int32_t d = 0;
    for (int32_t blocks = depth >> 3; blocks > 0; --blocks, d += 8, w += 16) { /* half the loop overhead */
        MCU_FC_W16_GROUP(d, w);
        MCU_FC_W16_GROUP(d + 4, w + 8);
    }
    if (depth & 4) {
        MCU_FC_W16_GROUP(d, w);
    }
#undef MCU_FC_W16_GROUP
    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}

/* mcu_fc_dot_s8 with the weights pre-extended to int16 (twice their flash): the full blocks
 * of four rows interleaved as mcu_fc_dot_4rows_w16 reads them, then the last units % 4 rows
 * one after the other, (w0,w2) (w1,w3) per group of 4; depth % 4 == 0. */
MCU_KERNEL void mcu_fc_dot_w16_s8(
    const int8_t *input, int8_t *output, const int32_t *filter, const int32_t *bias,
    const int32_t *requant, int32_t batches, int32_t depth, int32_t units,
    int32_t input_offset, int32_t act_min, int32_t act_max)
{
    const int32_t offset2 = mcu_dup_s16(input_offset);
    const int32_t words = depth >> 1;
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *x = input + b * depth;
        const int32_t *w = filter;
        int32_t u = 0;
        for (int32_t row_blocks = units >> 2; row_blocks > 0; --row_blocks, u += 4, w += 4 * words) {
            int32_t acc[4];
            acc[0] = bias[u], acc[1] = bias[u + 1], acc[2] = bias[u + 2], acc[3] = bias[u + 3];
            mcu_fc_dot_4rows_w16(x, w, depth, input_offset, acc);
            for (int32_t r = 0; r < 4; ++r) {
                output[u + r] = mcu_fc_output_s8(acc[r], requant, u + r, act_min, act_max);
            }
        }
        for (int32_t rows_left = units & 3; rows_left > 0; --rows_left, ++u, w += words) {
            int32_t a0 = bias[u];
            for (int32_t d = 0; d < depth; d += 4) {
                const int32_t xv = mcu_load_s8x4(x + d);
                a0 = mcu_smlad(mcu_sxtab16(offset2, xv), w[d >> 1], a0);
                a0 = mcu_smlad(mcu_sxtab16_ror8(offset2, xv), w[(d >> 1) + 1], a0);
            }
            output[u] = mcu_fc_output_s8(a0, requant, u, act_min, act_max);
        }
        output += units;
    }
}

#endif /* MCU_FC_DOT_S8_H */
