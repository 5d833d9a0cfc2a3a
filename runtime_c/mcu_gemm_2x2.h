/*
 * mcu_gemm_2x2.h: the 2x2 register block (2 output pixels x 2 output channels) shared by the
 * 1x1 (mcu_conv2d_1x1_s8.h) and im2col (mcu_conv2d_im2col_s8.h) convolution kernels: the
 * requantize-and-store of its four sums, and the whole GEMM for int16 pre-extended weights.
 */
#ifndef MCU_GEMM_2X2_H
#define MCU_GEMM_2X2_H

#include "mcu_requant.h"
#include "mcu_simd.h"

/* The four outputs of a 2x2 block (channels oc, oc + 1 of two pixels): requantized the short
 * way with the triples requant[3 oc ..], clamped, stored (out1 == out0 for a lone pixel). */
MCU_INLINE void mcu_store_2x2_s8(int8_t *out0, int8_t *out1, int32_t oc, const int32_t *requant,
                                 int32_t a00, int32_t a01, int32_t a10, int32_t a11,
                                 int32_t act_min, int32_t act_max)
{
    const int32_t *const rq = requant + 3 * oc;
    const int32_t m0 = rq[0], c0 = rq[1], r0 = rq[2];
    out0[oc] = (int8_t)mcu_clamp_s8(mcu_requant_bounded(a00, m0, c0, r0), act_min, act_max);
    out1[oc] = (int8_t)mcu_clamp_s8(mcu_requant_bounded(a01, m0, c0, r0), act_min, act_max);
    const int32_t m1 = rq[3], c1 = rq[4], r1 = rq[5];
    out0[oc + 1] = (int8_t)mcu_clamp_s8(mcu_requant_bounded(a10, m1, c1, r1), act_min, act_max);
    out1[oc + 1] = (int8_t)mcu_clamp_s8(mcu_requant_bounded(a11, m1, c1, r1), act_min, act_max);
}

/*
 * The int16-weight GEMM of a pixel pair (1x1 and im2col kernels), for every channel pair:
 * out0[oc] and out0[delta + oc] (pixel b; delta = 0 for a lone pixel, whose two lanes hold
 * the same values) = bias + the dot products of the two pixels' int16 values with int16
 * weights, requantized.
 *
 * cols: per group of 4 along K, pixel a's two words, then pixel b's (int16 pairs, lanes in
 * the order of the weights). stream, per channel pair (a = 2i, b = 2i + 1), int32 words:
 *   2 bias_a, 2 bias_a, 2 bias_b, 2 bias_b
 *   per group: channel a's two words, channel b's two (int16 pairs of doubled weights)
 *   multiplier_a, c_a, right_a, multiplier_b, c_b, right_b
 * Weights and bias are doubled offline, so the accumulator comes out doubled as the short
 * requantization wants it (mcu_requant_doubled; the compiler proved it exact per layer).
 * K % 4 == 0 (weights 0 past the patch), out_c even.
 */
#define MCU_GEMM_W16_STEP(q, w)                                                        \
    do {                                                                               \
        const int32_t xa0 = (q)[0], xa1 = (q)[1], xb0 = (q)[2], xb1 = (q)[3];          \
        const int32_t wa0 = (w)[0], wa1 = (w)[1], wb0 = (w)[2], wb1 = (w)[3];          \
        a00 = mcu_smlad(xa0, wa0, a00);                                                \
        a00 = mcu_smlad(xa1, wa1, a00);                                                \
        a01 = mcu_smlad(xb0, wa0, a01);                                                \
        a01 = mcu_smlad(xb1, wa1, a01);                                                \
        a10 = mcu_smlad(xa0, wb0, a10);                                                \
        a10 = mcu_smlad(xa1, wb1, a10);                                                \
        a11 = mcu_smlad(xb0, wb0, a11);                                                \
        a11 = mcu_smlad(xb1, wb1, a11);                                                \
    } while (0)

MCU_INLINE void mcu_gemm_2x2_w16_body(const mcu_word *cols, int8_t *out0, int32_t delta,
                                      const int32_t *stream, int32_t K, int32_t out_c,
                                      int32_t act_min, int32_t act_max)
{
    const int32_t *w = stream;
    for (int32_t pairs = out_c >> 1; pairs > 0; --pairs, out0 += 2) {
        int32_t a00 = w[0], a01 = w[1], a10 = w[2], a11 = w[3];
        w += 4;
        const mcu_word *q = cols;
        for (int32_t groups = K >> 2; groups > 0; --groups, q += 4, w += 4) {
            MCU_GEMM_W16_STEP(q, w);
        }
        /* pixel b first: for a lone pixel (delta 0) pixel a's bytes are the last written */
        out0[delta] = (int8_t)mcu_clamp_s8(mcu_requant_doubled(a01, w[0], w[1], w[2]), act_min, act_max);
        out0[0] = (int8_t)mcu_clamp_s8(mcu_requant_doubled(a00, w[0], w[1], w[2]), act_min, act_max);
        out0[delta + 1] = (int8_t)mcu_clamp_s8(mcu_requant_doubled(a11, w[3], w[4], w[5]), act_min, act_max);
        out0[1] = (int8_t)mcu_clamp_s8(mcu_requant_doubled(a10, w[3], w[4], w[5]), act_min, act_max);
        w += 6;
    }
}

/* The GEMM of one layer, as a function of its own (made by MCU_GEMM_W16_LAYER). */
typedef void (*mcu_gemm_w16_fn)(const mcu_word *cols, int8_t *out0, int32_t delta,
                                const int32_t *stream);

#if MCU_ASM
/*
 * On DSP cores the layer's GEMM is assembly: all 14 free registers are needed to hold a
 * group's 8 words (two LDM), the four sums and the two walking pointers, more than a C
 * function gets. A group is 2 LDM + 8 SMLAD, 10 instructions for 16 MACs; the groups are
 * unrolled (PRE of them, then a loop of 16 per pass while LOOP), and each channel pair
 * ends in an LDM of its six requantization words, 4 instructions per output (SMMLAR, ADD
 * ASR #31, ASR, SSAT, plus the compares of narrower activation bounds) and the stores.
 * Frame: [sp] cols, [sp+4] out0, [sp+8] delta, [sp+12] stream end, [sp+16] cols end.
 * Registers: r0 cols walk, r1 stream walk, r2-r5 sums a00 a01 a10 a11, r6-r9 pixel words,
 * r10-r12 lr weight words.
 */
#define MCU_GEMM_W16_GROUP_ASM                                                         \
    "ldmia r0!, {r6-r9}\n\t"                                                           \
    "ldmia r1!, {r10-r12, lr}\n\t"                                                     \
    "smlad r2, r6, r10, r2\n\t"                                                        \
    "smlad r2, r7, r11, r2\n\t"                                                        \
    "smlad r3, r8, r10, r3\n\t"                                                        \
    "smlad r3, r9, r11, r3\n\t"                                                        \
    "smlad r4, r6, r12, r4\n\t"                                                        \
    "smlad r4, r7, lr, r4\n\t"                                                         \
    "smlad r5, r8, r12, r5\n\t"                                                        \
    "smlad r5, r9, lr, r5\n\t"
/* The requantization and stores of a channel pair's four sums (r2-r5; r6-r11 its words). */
#define MCU_GEMM_W16_PAIR_FINISH                                                       \
    MCU_ASM_REQUANT("r3", "r6", "r7", "r8", "r12")                                     \
    MCU_ASM_REQUANT("r2", "r6", "r7", "r8", "lr")                                      \
    MCU_ASM_REQUANT("r5", "r9", "r10", "r11", "r12")                                   \
    MCU_ASM_REQUANT("r4", "r9", "r10", "r11", "lr")                                    \
    "ldm sp, {r0, r6, r7, r8}\n\t"                                                     \
    "strb r3, [r6, r7]\n\t"                                                            \
    "strb r2, [r6], #1\n\t"                                                            \
    "strb r5, [r6, r7]\n\t"                                                            \
    "strb r4, [r6], #1\n\t"
/* One pixel (a lone last one, in lane a; lane b holds the same): its two words of a group
 * (LDRD, stepping over lane b's) against both channels' weights, 6 instructions for 8 MACs
 * instead of 10 for the pair's 16, and its two sums (r2, r4) requantized and stored. */
#define MCU_GEMM_W16_ONE_GROUP_ASM                                                     \
    "ldrd r6, r7, [r0], #16\n\t"                                                       \
    "ldmia r1!, {r10-r12, lr}\n\t"                                                     \
    "smlad r2, r6, r10, r2\n\t"                                                        \
    "smlad r2, r7, r11, r2\n\t"                                                        \
    "smlad r4, r6, r12, r4\n\t"                                                        \
    "smlad r4, r7, lr, r4\n\t"
#define MCU_GEMM_W16_ONE_FINISH                                                        \
    MCU_ASM_REQUANT("r2", "r6", "r7", "r8", "r12")                                     \
    MCU_ASM_REQUANT("r4", "r9", "r10", "r11", "lr")                                    \
    "ldm sp, {r0, r6, r7, r8}\n\t"                                                     \
    "strb r2, [r6], #1\n\t"                                                            \
    "strb r4, [r6], #1\n\t"
/* gas symbols of a layer's stream and column (two lanes) sizes in bytes */
#define MCU_GEMM_W16_SIZES(K, OUT_C)                                                   \
    ".set MCU_STREAM_BYTES, " MCU_ASM_STR(OUT_C) " / 2 * (40 + 4 * " MCU_ASM_STR(K) ")\n\t" \
    ".set MCU_COLS_BYTES, 4 * " MCU_ASM_STR(K) "\n\t"
/* dst = base + a gas constant of up to 32 bits */
#define MCU_ASM_ADD_BIG(dst, base, constant)                                           \
    "movw " dst ", #(" constant " & 0xffff)\n\t"                                       \
    "movt " dst ", #(" constant " >> 16)\n\t"                                          \
    "add " dst ", " dst ", " base "\n\t"
/* Every channel pair of the GEMM in its frame (below), r0 at the columns, r1 at the stream:
 * the bias words, the groups, the requantization words, `finish`, the next pair. */
#define MCU_GEMM_W16_CHANNELS(PRE, LOOP, group, finish)                                \
    "1:\n\t"                                                                           \
    "ldmia r1!, {r2-r5}\n\t"                                                           \
    MCU_ASM_GROUPS(PRE, LOOP, group, "ldr r6, [sp, #16]\n\tcmp r0, r6\n\t")            \
    "ldmia r1!, {r6-r11}\n\t"                                                          \
    finish                                                                             \
    "str r6, [sp, #4]\n\t"                                                             \
    "cmp r1, r8\n\t"                                                                   \
    "bne 1b\n\t"
/* Defines `name` (static, naked): a GEMM of a layer with K / 4 = PRE + 16 * (passes of the
 * loop, any number when LOOP is 1) groups, OUT_C channels, bounds [ACT_MIN, ACT_MAX], integer
 * literals all (the generated model computes them); `group` and `finish` the assembly of a
 * group and of a channel pair's end. */
#define MCU_GEMM_W16_FUNCTION(name, K, OUT_C, ACT_MIN, ACT_MAX, PRE, LOOP, group, finish) \
    __attribute__((naked, noinline, used)) static void name(                              \
        __attribute__((unused)) const mcu_word *cols, __attribute__((unused)) int8_t *out0, \
        __attribute__((unused)) int32_t delta, __attribute__((unused)) const int32_t *stream) \
    {                                                                                    \
        __asm__ volatile(                                                                \
            MCU_ASM_BOUNDS(ACT_MIN, ACT_MAX)                                             \
            "push {r4-r11, lr}\n\t"                                                      \
            "sub sp, sp, #20\n\t"                                                        \
            MCU_GEMM_W16_SIZES(K, OUT_C)                                                 \
            MCU_ASM_ADD_BIG("r12", "r3", "MCU_STREAM_BYTES")                             \
            MCU_ASM_ADD_BIG("lr", "r0", "MCU_COLS_BYTES")                                \
            "stm sp, {r0, r1, r2, r12, lr}\n\t"                                          \
            "mov r1, r3\n\t"                                                             \
            MCU_GEMM_W16_CHANNELS(PRE, LOOP, group, finish)                              \
            "add sp, sp, #20\n\t"                                                        \
            "pop {r4-r11, pc}\n\t");                                                     \
    }
#define MCU_GEMM_W16_LAYER(name, K, OUT_C, ACT_MIN, ACT_MAX, PRE, LOOP)                  \
    MCU_GEMM_W16_FUNCTION(name, K, OUT_C, ACT_MIN, ACT_MAX, PRE, LOOP,                   \
                          MCU_GEMM_W16_GROUP_ASM, MCU_GEMM_W16_PAIR_FINISH)
/* The same GEMM for one pixel, for layers with an odd pixel count (delta is ignored). */
#define MCU_GEMM_W16_ONE(name, K, OUT_C, ACT_MIN, ACT_MAX, PRE, LOOP)                    \
    MCU_GEMM_W16_FUNCTION(name, K, OUT_C, ACT_MIN, ACT_MAX, PRE, LOOP,                   \
                          MCU_GEMM_W16_ONE_GROUP_ASM, MCU_GEMM_W16_ONE_FINISH)
#else
/* Elsewhere (the host, cores without DSP) the C body with the layer's constants. */
#define MCU_GEMM_W16_LAYER(name, K, OUT_C, ACT_MIN, ACT_MAX, PRE, LOOP)                  \
    MCU_NOINLINE void name(const mcu_word *cols, int8_t *out0, int32_t delta,             \
                           const int32_t *stream)                                        \
    {                                                                                    \
        mcu_gemm_2x2_w16_body(cols, out0, delta, stream, (K), (OUT_C), (ACT_MIN), (ACT_MAX)); \
    }
/* one pixel: the pair's body with both lanes the same pixel */
#define MCU_GEMM_W16_ONE(name, K, OUT_C, ACT_MIN, ACT_MAX, PRE, LOOP)                    \
    MCU_NOINLINE void name(const mcu_word *cols, int8_t *out0, int32_t delta,             \
                           const int32_t *stream)                                        \
    {                                                                                    \
        (void)delta;                                                                     \
        mcu_gemm_2x2_w16_body(cols, out0, 0, stream, (K), (OUT_C), (ACT_MIN), (ACT_MAX)); \
    }
#endif

#endif /* MCU_GEMM_2X2_H */
