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

/*
 * With int16 weights (twice their flash), four rows per block, as a stream per block:
 *   2 bias_0 .. 2 bias_3 (input_offset * sum(row) folded in, doubled, wrapped)
 *   per group of 4 along depth: rows 0..3's words (w0,w2) (w1,w3) (doubled weights)
 *   multiplier, c, right of rows 0..3
 * units not a multiple of 4 pad the last block with zero rows, whose outputs the driver
 * drops. depth % 4 == 0. The input needs no offset then: SXTB16 / SXTB16 ROR 8 of a word.
 */
MCU_INLINE void mcu_fc_w16_body(const int8_t *x, int8_t *out, const int32_t *stream,
                                int32_t blocks, int32_t depth, int32_t act_min, int32_t act_max)
{
    const int32_t *w = stream;
    for (; blocks > 0; --blocks, out += 4) {
        int32_t acc[4] = {w[0], w[1], w[2], w[3]};
        w += 4;
        for (int32_t d = 0; d < depth; d += 4, w += 8) {
            const int32_t xv = mcu_load_s8x4(x + d);
            const int32_t x02 = mcu_sxtb16(xv), x13 = mcu_sxtb16_ror8(xv);
            for (int32_t r = 0; r < 4; ++r) {
                acc[r] = mcu_smlad(x13, w[2 * r + 1], mcu_smlad(x02, w[2 * r], acc[r]));
            }
        }
        for (int32_t r = 0; r < 4; ++r, w += 3) {
            out[r] = (int8_t)mcu_clamp_s8(mcu_requant_doubled(acc[r], w[0], w[1], w[2]), act_min, act_max);
        }
    }
}

/* The dot products of one layer, as a function of its own: `blocks` blocks of four rows
 * against the input x, outputs to out[0 .. 4 blocks). */
typedef void (*mcu_fc_w16_fn)(const int8_t *x, int8_t *out, const int32_t *stream, int32_t blocks);

#if MCU_ASM
/* On DSP cores, assembly (the registers a C function gets do not hold it): a group is LDR,
 * two SXTB16, two LDM of four weight words and 8 SMLAD, 13 instructions for 16 MACs; the
 * groups unrolled as in MCU_GEMM_W16_LAYER (PRE, then 16 per pass while LOOP); the
 * requantization as there. Registers: r0 input walk, r1 stream walk, r2-r5 sums, r6 r7
 * input pairs, r8-r11 weights, r12 input end; frame [sp] input, [sp+4] out, [sp+8] blocks. */
#define MCU_FC_W16_GROUP_ASM                                                           \
    "ldr r6, [r0], #4\n\t"                                                             \
    "sxtb16 r7, r6\n\t"                                                                \
    "sxtb16 r6, r6, ror #8\n\t"                                                        \
    "ldmia r1!, {r8-r11}\n\t"                                                          \
    "smlad r2, r7, r8, r2\n\t"                                                         \
    "smlad r2, r6, r9, r2\n\t"                                                         \
    "smlad r3, r7, r10, r3\n\t"                                                        \
    "smlad r3, r6, r11, r3\n\t"                                                        \
    "ldmia r1!, {r8-r11}\n\t"                                                          \
    "smlad r4, r7, r8, r4\n\t"                                                         \
    "smlad r4, r6, r9, r4\n\t"                                                         \
    "smlad r5, r7, r10, r5\n\t"                                                        \
    "smlad r5, r6, r11, r5\n\t"

#define MCU_FC_W16_LAYER(name, DEPTH, ACT_MIN, ACT_MAX, PRE, LOOP)                       \
    __attribute__((naked, noinline, used)) static void name(                              \
        __attribute__((unused)) const int8_t *x, __attribute__((unused)) int8_t *out,      \
        __attribute__((unused)) const int32_t *stream, __attribute__((unused)) int32_t blocks) \
    {                                                                                    \
        __asm__ volatile(                                                                \
            MCU_ASM_BOUNDS(ACT_MIN, ACT_MAX)                                             \
            "push {r4-r11, lr}\n\t"                                                      \
            "sub sp, sp, #12\n\t"                                                        \
            "stm sp, {r0, r1, r3}\n\t"                                                   \
            "mov r1, r2\n\t"                                                             \
            "movw r12, #(" MCU_ASM_STR(DEPTH) " & 0xffff)\n\t"                           \
            "movt r12, #(" MCU_ASM_STR(DEPTH) " >> 16)\n\t"                              \
            "add r12, r12, r0\n\t"                                                       \
            "1:\n\t"                                                                     \
            "ldmia r1!, {r2-r5}\n\t"                                                     \
            MCU_ASM_GROUPS(PRE, LOOP, MCU_FC_W16_GROUP_ASM, "cmp r0, r12\n\t")           \
            "ldmia r1!, {r6-r11}\n\t"                                                    \
            MCU_ASM_REQUANT("r2", "r6", "r7", "r8", "lr")                           \
            MCU_ASM_REQUANT("r3", "r9", "r10", "r11", "lr")                         \
            "ldmia r1!, {r6-r11}\n\t"                                                    \
            MCU_ASM_REQUANT("r4", "r6", "r7", "r8", "lr")                           \
            MCU_ASM_REQUANT("r5", "r9", "r10", "r11", "lr")                         \
            "ldm sp, {r0, r6, r7}\n\t"                                                   \
            "strb r2, [r6], #1\n\t"                                                      \
            "strb r3, [r6], #1\n\t"                                                      \
            "strb r4, [r6], #1\n\t"                                                      \
            "strb r5, [r6], #1\n\t"                                                      \
            "subs r7, r7, #1\n\t"                                                        \
            "str r6, [sp, #4]\n\t"                                                       \
            "str r7, [sp, #8]\n\t"                                                       \
            "bne 1b\n\t"                                                                 \
            "add sp, sp, #12\n\t"                                                        \
            "pop {r4-r11, pc}\n\t");                                                     \
    }
#else
#define MCU_FC_W16_LAYER(name, DEPTH, ACT_MIN, ACT_MAX, PRE, LOOP)                       \
    MCU_NOINLINE void name(const int8_t *x, int8_t *out, const int32_t *stream, int32_t blocks) \
    {                                                                                    \
        mcu_fc_w16_body(x, out, stream, blocks, (DEPTH), (ACT_MIN), (ACT_MAX));           \
    }
#endif

/* The layer: `dot` (MCU_FC_W16_LAYER with this depth and bounds) on every batch row; the
 * last units % 4 outputs through a 4-byte temporary (their block is padded). */
MCU_KERNEL void mcu_fc_w16_s8(mcu_fc_w16_fn dot, const int8_t *input, int8_t *output,
                              const int32_t *stream, int32_t batches, int32_t depth, int32_t units)
{
    const int32_t full = units >> 2;
    for (int32_t b = 0; b < batches; ++b, input += depth, output += units) {
        if (full > 0) {
            dot(input, output, stream, full);
        }
        if (units & 3) {
            int8_t last[4];
            dot(input, last, stream + full * (16 + 2 * depth), 1);
            memcpy(output + 4 * full, last, (size_t)(units & 3));
        }
    }
}

#endif /* MCU_FC_DOT_S8_H */
