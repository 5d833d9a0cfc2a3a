/*
 * mcu_dwconv2d_3x3_s8: int8 depthwise 3x3 convolution, depth multiplier 1, stride 1 or 2
 * (each direction), dilation 1, any padding, one channel at a time ("plane" order, as
 * TinyEngine does). For a channel, the input rows its windows need are expanded once each
 * into a ring of three int16 rows (row_len values: the padded columns the windows cover),
 * with the input zero point where the padding is; the input offset is folded into the bias
 * (sum w (x + offset) = sum w x + offset sum w), so a padded tap adds w (zp + offset) = 0,
 * exactly as TFLM, which skips it. The channel's nine weights stay in registers as int16
 * pairs per filter row, A = (w0, w1) and B = (w1, w2); horizontally adjacent outputs then
 * share their input words:
 *   stride 1, outputs o, o + 1 from x01 = (x[o], x[o+1]), x23 = (x[o+2], x[o+3]):
 *     acc0 += SMLAD(x01, A) + SMLABT(x23, B)     acc1 += SMLATB(x01, A) + SMLAD(x23, B)
 *   stride 2, output o from x01 = (x[2o], x[2o+1]), x23 = (x[2o+2], ...):
 *     acc  += SMLAD(x01, A) + SMLABT(x23, B)
 * (stride 2 needs only w2 of B: slots 0 and 1 share one register). The requantization is
 * mcu_requant_doubled (four instructions, the table proven exact by mcugen/ops/fast_requant.py),
 * the output stored with the channel stride. The row loop is the layer's own function (made by
 * MCU_DWCONV2D_3X3_LAYER, channel count, stride and activation bounds as constants); the
 * weight pairs are packed once per channel.
 *
 * Bit-exact with TFLM reference_integer_ops::DepthwiseConvPerChannel.
 * Preconditions: filter 1x3x3xC; params holds per channel (bias + input_offset * (sum of the
 * channel's nine weights) wrapped to int32, multiplier, c, right), the last three from
 * fast_requant_table; pad_value is the input zero point (= -input_offset); row was made for
 * this layer's channels and stride_w.
 * In place (output == input, one batch) is allowed when every output row's bytes lie in
 * input rows already read when it is written: ((oy + 1) * out_w - 1) / in_w <=
 * min(oy * stride_h - pad_top + 2, in_h - 1) for every oy (mcugen/ops/dwconv2d_3x3.py
 * checks it); otherwise input and output do not overlap.
 * Scratch: mcu_dwconv2d_3x3_s8_buffer_size(out_w, stride_w) bytes, 4-byte aligned.
 */
#ifndef MCU_DWCONV2D_3X3_S8_H
#define MCU_DWCONV2D_3X3_S8_H

#include "mcu_requant.h"
#include "mcu_simd.h"

/* int16 values per ring row: the padded columns the windows cover, rounded up to even (the
 * last pair loads read one column past the last window) */
#define MCU_DW3X3_ROW_LEN(out_w, stride_w) ((((out_w) - 1) * (stride_w) + 4) & ~1)

MCU_INLINE int32_t mcu_dwconv2d_3x3_s8_buffer_size(int32_t out_w, int32_t stride_w, int32_t lanes)
{
    return lanes * 3 * MCU_DW3X3_ROW_LEN(out_w, stride_w) * (int32_t)sizeof(int16_t);
}

/* One word of the ring, which is 4-byte aligned (lets the compiler pair loads as LDRD). */
MCU_INLINE int32_t mcu_dw3x3_load(const int32_t *p)
{
    int32_t v;
#if defined(__GNUC__)
    memcpy(&v, __builtin_assume_aligned(p, 4), sizeof v);
#else
    memcpy(&v, p, sizeof v);
#endif
    return v;
}

/* Requantized output byte from the doubled accumulator acc2 = 2 acc (the weights and bias are
 * stored doubled): mcu_requant_doubled, which takes the rounding's -1 from the accumulator's
 * sign (SMMLAR, ADD ASR #31, ASR; mcugen/ops/fast_requant.py proves it equal to
 * mcu_requant_bounded); act_min, act_max are constants at each call (a layer's bounds), so
 * the full int8 range costs one SSAT and no compare. */
MCU_INLINE int8_t mcu_dw3x3_out(int32_t acc2, int32_t multiplier, int32_t c, int32_t right,
                                int32_t act_min, int32_t act_max)
{
    return (int8_t)mcu_clamp_s8(mcu_requant_doubled(acc2, multiplier, c, right), act_min, act_max);
}

/* The expansion loop below in inline assembly on DSP cores, optimizing (GCC 12 made 8
 * instructions per pair of the C loop, the assembly 6); the C loop is the reference and runs
 * everywhere else. The row functions (MCU_DWCONV2D_3X3_LAYER) are naked assembly functions on
 * every DSP core instead: an inline-assembly loop cannot get 14 registers from Clang ("inline
 * assembly requires more registers than available"). */
#if MCU_SIMD_DSP && defined(__GNUC__) && defined(__OPTIMIZE__)
#define MCU_DW3X3_ASM 1
#else
#define MCU_DW3X3_ASM 0
#endif

/* One output row of one channel, the function a layer passes to mcu_dwconv2d_3x3_s8 (made by
 * MCU_DWCONV2D_3X3_LAYER). The ring interleaves its three rows by column pair: group j is
 * three words, (x[2j], x[2j+1]) of slots 0, 1, 2, so one pointer g reaches all three rows at
 * constant offsets. w holds the doubled weight pairs (w0, w1), (w1, w2) of the filter rows in
 * slots 0, 1, 2; q the channel's doubled bias (input offset folded in), multiplier, c, right. */
typedef void (*mcu_dw3x3_row_fn)(const int32_t *g, int8_t *out, int32_t out_w, const int32_t *w,
                                 const int32_t *q);

/* Stride 1: two outputs per group. */
MCU_INLINE void mcu_dw3x3_row_s1(const int32_t *g, int8_t *out, int32_t out_w, const int32_t *w,
                                 const int32_t *q, int32_t channels, int32_t act_min,
                                 int32_t act_max)
{
    const int32_t a0 = w[0], b0 = w[1], a1 = w[2], b1 = w[3], a2 = w[4], b2 = w[5];
    const int32_t *const end = g + 3 * (out_w >> 1);
    for (; g != end; out += 2 * channels, g += 3) {
        const int32_t x0 = mcu_dw3x3_load(g), x1 = mcu_dw3x3_load(g + 1), x2 = mcu_dw3x3_load(g + 2);
        const int32_t y0 = mcu_dw3x3_load(g + 3), y1 = mcu_dw3x3_load(g + 4), y2 = mcu_dw3x3_load(g + 5);
        int32_t acc0 = q[0];
        int32_t acc1 = mcu_smlatb(x0, a0, acc0);
        acc0 = mcu_smlad(x0, a0, acc0);
        acc0 = mcu_smlad(x1, a1, acc0);
        acc1 = mcu_smlatb(x1, a1, acc1);
        acc0 = mcu_smlad(x2, a2, acc0);
        acc1 = mcu_smlatb(x2, a2, acc1);
        acc0 = mcu_smlabt(y0, b0, acc0);
        acc1 = mcu_smlad(y0, b0, acc1);
        acc0 = mcu_smlabt(y1, b1, acc0);
        acc1 = mcu_smlad(y1, b1, acc1);
        acc0 = mcu_smlabt(y2, b2, acc0);
        acc1 = mcu_smlad(y2, b2, acc1);
        out[0] = mcu_dw3x3_out(acc0, q[1], q[2], q[3], act_min, act_max);
        out[channels] = mcu_dw3x3_out(acc1, q[1], q[2], q[3], act_min, act_max);
    }
    if (out_w & 1) {
        int32_t acc = mcu_smlad(mcu_dw3x3_load(g), a0, q[0]);
        acc = mcu_smlad(mcu_dw3x3_load(g + 1), a1, acc);
        acc = mcu_smlad(mcu_dw3x3_load(g + 2), a2, acc);
        acc = mcu_smlabt(mcu_dw3x3_load(g + 3), b0, acc);
        acc = mcu_smlabt(mcu_dw3x3_load(g + 4), b1, acc);
        acc = mcu_smlabt(mcu_dw3x3_load(g + 5), b2, acc);
        out[0] = mcu_dw3x3_out(acc, q[1], q[2], q[3], act_min, act_max);
    }
}

/* Stride 2: one output per group; only w2 of the second pairs is used, so slots 0 and 1 share
 * one register, (w2 of slot 0, w2 of slot 1), and the weights take five. */
MCU_INLINE void mcu_dw3x3_row_s2(const int32_t *g, int8_t *out, int32_t out_w, const int32_t *w,
                                 const int32_t *q, int32_t channels, int32_t act_min,
                                 int32_t act_max)
{
    const int32_t a0 = w[0], a1 = w[2], a2 = w[4], b2 = w[5];
    const int32_t w2 = mcu_pkhtb(w[3], w[1]);
    const int32_t *const end = g + 3 * out_w;
    for (; g != end; out += channels, g += 3) {
        int32_t acc = mcu_smlad(mcu_dw3x3_load(g), a0, q[0]);
        acc = mcu_smlad(mcu_dw3x3_load(g + 1), a1, acc);
        acc = mcu_smlad(mcu_dw3x3_load(g + 2), a2, acc);
        acc = mcu_smlabb(mcu_dw3x3_load(g + 3), w2, acc);
        acc = mcu_smlabt(mcu_dw3x3_load(g + 4), w2, acc);
        acc = mcu_smlabt(mcu_dw3x3_load(g + 5), b2, acc);
        out[0] = mcu_dw3x3_out(acc, q[1], q[2], q[3], act_min, act_max);
    }
}

#if MCU_ASM
/*
 * On DSP cores the row functions are naked assembly functions, for GCC and Clang alike at any
 * optimization (Clang cannot give an inline-assembly loop 14 registers, GCC 12 spills the C
 * loops: stride 1 took 38 instructions per two outputs in C, 31 here). They compute what
 * mcu_dw3x3_row_s1 and mcu_dw3x3_row_s2 above do, instruction for instruction (the C models of
 * the DSP instructions are the reference); registers: r0 g, r1 out, r4-r9 the weight words,
 * lr the loop's end; q's words are copied to the frame, [sp] bias, [sp+4] multiplier,
 * [sp+8] c, [sp+12] right; MCU_DW_CH is the channel count.
 */
/* SSAT of r and the bounds [MCU_ACT_MIN, MCU_ACT_MAX] where narrower */
#define MCU_DW3X3_ROW_CLAMP(r)                                                            \
    "ssat " r ", #8, " r "\n\t"                                                           \
    MCU_ASM_CLAMP_BOUNDS(r)
/* mcu_requant_doubled of sum r in two halves (also the image functions'): SMMLAR with the
 * sum's sign (multiplier and c in r10, r11; r12 scratch), then the shift (right in r10),
 * SSAT and the bounds */
#define MCU_DW3X3_HIGH_ASM(r)                                                             \
    "smmlar r12, " r ", r10, r11\n\t"                                                      \
    "add " r ", r12, " r ", asr #31\n\t"
#define MCU_DW3X3_SHIFT_ASM(r)                                                            \
    "asr " r ", " r ", r10\n\t"                                                            \
    MCU_DW3X3_ROW_CLAMP(r)
/* both halves for the sum in r2 with the frame at [sp] (multiplier at [sp+4]) */
#define MCU_DW3X3_REQUANT_R2_ASM                                                          \
    "ldrd r10, r11, [sp, #4]\n\t"                                                         \
    MCU_DW3X3_HIGH_ASM("r2")                                                              \
    "ldr r10, [sp, #12]\n\t"                                                              \
    MCU_DW3X3_SHIFT_ASM("r2")
/* STRB of r at r1, then r1 += step (a gas expression): post-indexed up to 255, else ADDW */
#define MCU_DW3X3_STORE_ASM(r, step)                                                      \
    ".if " step " <= 255\n\t"                                                              \
    "strb " r ", [r1], #" step "\n\t"                                                      \
    ".else\n\t"                                                                           \
    "strb " r ", [r1]\n\t"                                                                \
    "addw r1, r1, #" step "\n\t"                                                           \
    ".endif\n\t"
/* the 5th argument (q) after the push of 9 registers, copied to a 16-byte frame */
#define MCU_DW3X3_ROW_ENTER                                                               \
    "push {r4-r11, lr}\n\t"                                                               \
    "ldr r12, [sp, #36]\n\t"                                                              \
    "sub sp, sp, #16\n\t"                                                                 \
    "ldm r12, {r4-r7}\n\t"                                                                \
    "stm sp, {r4-r7}\n\t"
#define MCU_DW3X3_ROW_LEAVE                                                               \
    "add sp, sp, #16\n\t"                                                                 \
    "pop {r4-r11, pc}\n\t"
/* Stride 1: pairs of outputs (acc0 r2, acc1 r3, t0 r10, t1 r11, t2 r12), then the last
 * output of an odd row. */
#define MCU_DW3X3_ROW_S1_ASM                                                              \
    MCU_DW3X3_ROW_ENTER                                                                   \
    "lsr r12, r2, #1\n\t"                                                                 \
    "add r12, r12, r12, lsl #1\n\t"                                                        \
    "add lr, r0, r12, lsl #2\n\t"                                                          \
    "and r12, r2, #1\n\t"                                                                 \
    "push {r12}\n\t" /* out_w & 1, below the frame: the frame's words move by 4 */         \
    "ldm r3, {r4-r9}\n\t"                                                                 \
    "cmp r0, lr\n\t"                                                                      \
    "beq 2f\n\t"                                                                          \
    "1:\n\t"                                                                              \
    "ldr r2, [sp, #4]\n\t"                                                                \
    "ldrd r10, r11, [r0], #12\n\t"                                                        \
    "smlatb r3, r10, r4, r2\n\t"                                                          \
    "smlad r2, r10, r4, r2\n\t"                                                           \
    "smlad r2, r11, r6, r2\n\t"                                                           \
    "smlatb r3, r11, r6, r3\n\t"                                                          \
    "ldrd r10, r11, [r0, #-4]\n\t"                                                        \
    "smlad r2, r10, r8, r2\n\t"                                                           \
    "smlatb r3, r10, r8, r3\n\t"                                                          \
    "smlabt r2, r11, r5, r2\n\t"                                                          \
    "smlad r3, r11, r5, r3\n\t"                                                           \
    "ldrd r10, r11, [r0, #4]\n\t"                                                         \
    "smlabt r2, r10, r7, r2\n\t"                                                          \
    "smlad r3, r10, r7, r3\n\t"                                                           \
    "smlabt r2, r11, r9, r2\n\t"                                                          \
    "smlad r3, r11, r9, r3\n\t"                                                           \
    "ldrd r10, r11, [sp, #8]\n\t"                                                         \
    MCU_DW3X3_HIGH_ASM("r2")                                                              \
    MCU_DW3X3_HIGH_ASM("r3")                                                              \
    "ldr r10, [sp, #16]\n\t"                                                              \
    MCU_DW3X3_SHIFT_ASM("r2")                                                             \
    MCU_DW3X3_SHIFT_ASM("r3")                                                             \
    "strb r3, [r1, #MCU_DW_CH]\n\t"                                                        \
    MCU_DW3X3_STORE_ASM("r2", "2 * MCU_DW_CH")                                            \
    "cmp r0, lr\n\t"                                                                      \
    "bne 1b\n\t"                                                                          \
    "2:\n\t"                                                                              \
    "pop {r3}\n\t"                                                                        \
    "cbz r3, 3f\n\t"                                                                      \
    "ldrd r10, r11, [r0]\n\t"                                                             \
    "ldr r2, [sp]\n\t"                                                                    \
    "smlad r2, r10, r4, r2\n\t"                                                           \
    "smlad r2, r11, r6, r2\n\t"                                                           \
    "ldrd r10, r11, [r0, #8]\n\t"                                                         \
    "smlad r2, r10, r8, r2\n\t"                                                           \
    "smlabt r2, r11, r5, r2\n\t"                                                          \
    "ldrd r10, r11, [r0, #16]\n\t"                                                        \
    "smlabt r2, r10, r7, r2\n\t"                                                          \
    "smlabt r2, r11, r9, r2\n\t"                                                          \
    MCU_DW3X3_REQUANT_R2_ASM                                                              \
    "strb r2, [r1]\n\t"                                                                   \
    "3:\n\t"                                                                              \
    MCU_DW3X3_ROW_LEAVE
/* Stride 2: one output per group (acc r2, bias r9, multiplier r3, weights a0 r4, a1 r5,
 * a2 r6, (w2 of slots 0, 1) r7, b2 r8; t0 r10, t1 r11). */
#define MCU_DW3X3_ROW_S2_ASM                                                              \
    MCU_DW3X3_ROW_ENTER                                                                   \
    "add r2, r2, r2, lsl #1\n\t"                                                          \
    "add lr, r0, r2, lsl #2\n\t"                                                          \
    "ldr r4, [r3]\n\t"                                                                    \
    "ldr r5, [r3, #8]\n\t"                                                                \
    "ldr r6, [r3, #16]\n\t"                                                               \
    "ldr r12, [r3, #4]\n\t"                                                               \
    "ldr r7, [r3, #12]\n\t"                                                               \
    "pkhtb r7, r7, r12, asr #16\n\t"                                                      \
    "ldr r8, [r3, #20]\n\t"                                                               \
    "ldrd r9, r3, [sp]\n\t"                                                               \
    "cmp r0, lr\n\t"                                                                      \
    "beq 2f\n\t"                                                                          \
    "1:\n\t"                                                                              \
    "ldrd r10, r11, [r0], #12\n\t"                                                        \
    "smlad r2, r10, r4, r9\n\t"                                                           \
    "smlad r2, r11, r5, r2\n\t"                                                           \
    "ldrd r10, r11, [r0, #-4]\n\t"                                                        \
    "smlad r2, r10, r6, r2\n\t"                                                           \
    "smlabb r2, r11, r7, r2\n\t"                                                          \
    "ldrd r10, r11, [r0, #4]\n\t"                                                         \
    "smlabt r2, r10, r7, r2\n\t"                                                          \
    "smlabt r2, r11, r8, r2\n\t"                                                          \
    "ldrd r10, r11, [sp, #8]\n\t"                                                         \
    "smmlar r10, r2, r3, r10\n\t"                                                         \
    "add r2, r10, r2, asr #31\n\t"                                                        \
    "asr r2, r2, r11\n\t"                                                                 \
    MCU_DW3X3_ROW_CLAMP("r2")                                                             \
    MCU_DW3X3_STORE_ASM("r2", "MCU_DW_CH")                                                \
    "cmp r0, lr\n\t"                                                                      \
    "bne 1b\n\t"                                                                          \
    "2:\n\t"                                                                              \
    MCU_DW3X3_ROW_LEAVE
/* A layer's row function (mcu_dw3x3_row_fn), with its channel count, horizontal stride (1 or
 * 2) and activation bounds as integer literals (the generated model writes them); the
 * geometry stays a run-time argument: patch stages change it. */
#define MCU_DWCONV2D_3X3_LAYER(name, CHANNELS, STRIDE_W, ACT_MIN, ACT_MAX)                        \
    __attribute__((naked, noinline, used)) static void name(                                      \
        __attribute__((unused)) const int32_t *g, __attribute__((unused)) int8_t *out,            \
        __attribute__((unused)) int32_t out_w, __attribute__((unused)) const int32_t *w,          \
        __attribute__((unused)) const int32_t *q)                                                 \
    {                                                                                             \
        __asm__ volatile(                                                                         \
            MCU_ASM_BOUNDS(ACT_MIN, ACT_MAX)                                                      \
            ".set MCU_DW_CH, " MCU_ASM_STR(CHANNELS) "\n\t"                                       \
            MCU_DW3X3_ROW_S##STRIDE_W##_ASM);                                                     \
    }
#else
/* A layer's row function, with its channel count, horizontal stride and activation bounds as
 * constants (the geometry stays a run-time argument: patch stages change it). Out of line, so
 * that the loop has the registers to itself. */
#define MCU_DWCONV2D_3X3_LAYER(name, CHANNELS, STRIDE_W, ACT_MIN, ACT_MAX)                        \
    MCU_NOINLINE void name(const int32_t *g, int8_t *out, int32_t out_w, const int32_t *w,        \
                           const int32_t *q)                                                      \
    {                                                                                             \
        if ((STRIDE_W) == 1) {                                                                    \
            mcu_dw3x3_row_s1(g, out, out_w, w, q, (CHANNELS), (ACT_MIN), (ACT_MAX));              \
        } else {                                                                                  \
            mcu_dw3x3_row_s2(g, out, out_w, w, q, (CHANNELS), (ACT_MIN), (ACT_MAX));              \
        }                                                                                         \
    }
#endif

/* Input row of one channel into ring slot `slot`: columns [first, last) get the pixels
 * src[0], src[channels], ...; the other columns keep the zero point. Column x sits at
 * int16 index (x / 2) * 6 + slot * 2 + x % 2. */
MCU_NOINLINE void mcu_dw3x3_expand(int16_t *ring, int32_t slot, const int8_t *src, int32_t channels,
                                 int32_t first, int32_t last)
{
    int16_t *dst = ring + (first >> 1) * 6 + slot * 2;
    int32_t x = first;
    if (x & 1) {
        mcu_store_s16(dst + 1, src[0]);
        src += channels, dst += 6, ++x;
    }
#if MCU_DW3X3_ASM
    /* two pairs per pass, 12 instructions (GCC 12 made 8 per pair) */
    const int32_t quads = (last - x) >> 2;
    if (quads > 0) {
        int32_t a, b, c, d, n = quads;
        __asm__ volatile(
            "1:\n\t"
            "ldrsb %[a], [%[src]]\n\t"
            "ldrsb %[b], [%[src], %[ch]]\n\t"
            "add %[src], %[src], %[ch], lsl #1\n\t"
            "ldrsb %[c], [%[src]]\n\t"
            "ldrsb %[d], [%[src], %[ch]]\n\t"
            "add %[src], %[src], %[ch], lsl #1\n\t"
            "pkhbt %[a], %[a], %[b], lsl #16\n\t"
            "pkhbt %[c], %[c], %[d], lsl #16\n\t"
            "str %[c], [%[dst], #12]\n\t"
            "str %[a], [%[dst]], #24\n\t"
            "subs %[n], %[n], #1\n\t"
            "bne 1b\n\t"
            : [src] "+r"(src), [dst] "+r"(dst), [n] "+r"(n), [a] "=&r"(a), [b] "=&r"(b),
              [c] "=&r"(c), [d] "=&r"(d)
            : [ch] "r"(channels)
            : "cc", "memory");
        x += 4 * quads;
    }
#endif
    for (; x + 2 <= last; x += 2, src += 2 * channels, dst += 6) {
        mcu_store_s16x2(dst, mcu_pkhbt(src[0], src[channels]));
    }
    if (x < last) {
        mcu_store_s16(dst, src[0]);
    }
}

/* The same for four channels (rings ring_size int16 apart), one word per pixel: PKHBT / PKHTB
 * pair two pixels' words as bytes (a0 a1 b0 b1), (a2 a3 b2 b3), SXTB16 then gives each
 * channel's int16 pair (six instructions per two pixels, not eight). */
MCU_NOINLINE void mcu_dw3x3_expand4(int16_t *ring, int32_t ring_size, int32_t slot, const int8_t *src,
                                  int32_t channels, int32_t first, int32_t last)
{
    int32_t x = first;
    if (x & 1) {
        for (int32_t l = 0; l < 4; ++l) {
            mcu_store_s16(ring + l * ring_size + (x >> 1) * 6 + slot * 2 + 1, src[l]);
        }
        src += channels, ++x;
    }
    /* one word index k into the four rings, so the loop carries only src and k */
    int32_t *d0 = (int32_t *)(void *)(ring + slot * 2), *d1 = (int32_t *)(void *)(ring + ring_size + slot * 2);
    int32_t *d2 = (int32_t *)(void *)(ring + 2 * ring_size + slot * 2);
    int32_t *d3 = (int32_t *)(void *)(ring + 3 * ring_size + slot * 2);
    int32_t k = (x >> 1) * 3;
    for (const int32_t k_end = k + ((last - x) >> 1) * 3; k != k_end; k += 3, src += 2 * channels) {
        const int32_t b = mcu_load_s8x4(src + channels), a = mcu_load_s8x4(src);
        const int32_t lo = mcu_pkhbt(a, b), hi = mcu_pkhtb(b, a);
        mcu_store_s16x2((int16_t *)(void *)(d0 + k), mcu_sxtb16(lo));
        mcu_store_s16x2((int16_t *)(void *)(d1 + k), mcu_sxtb16_ror8(lo));
        mcu_store_s16x2((int16_t *)(void *)(d2 + k), mcu_sxtb16(hi));
        mcu_store_s16x2((int16_t *)(void *)(d3 + k), mcu_sxtb16_ror8(hi));
    }
    if ((last - x) & 1) {
        for (int32_t l = 0; l < 4; ++l) {
            mcu_store_s16(ring + l * ring_size + (last >> 1) * 6 + slot * 2, src[l]);
        }
    }
}

/*
 * The layer. Rows are taken along the image's rows, or along its columns ("transposed":
 * the compiler swaps the geometry, so in_h, out_w, pad_left, ... here are the image's
 * widths, heights, top padding ...), which pays on tall narrow images (kws's 25x5: the
 * per-row work is spread over 25 outputs instead of 5). in_pixel, in_row, out_row are the
 * byte strides of the traversal (channels, in_w * channels, out_w * channels when not
 * transposed; the row function's own output stride is its constant), f_tap and f_row those
 * of the filter's taps within a filter row and between rows (channels, 3 channels).
 */
MCU_KERNEL void mcu_dwconv2d_3x3_s8(
    mcu_dw3x3_row_fn row, const int8_t *input, int8_t *output, const int8_t *filter,
    const int32_t *params, int16_t *ring, int32_t lanes,
    int32_t batches, int32_t in_h, int32_t in_w, int32_t channels, int32_t out_h, int32_t out_w,
    int32_t stride_h, int32_t stride_w, int32_t pad_top, int32_t pad_left, int32_t pad_value,
    int32_t in_pixel, int32_t in_row, int32_t out_row, int32_t f_tap, int32_t f_row)
{
    const int32_t row_len = MCU_DW3X3_ROW_LEN(out_w, stride_w);
    const int32_t ring_size = 3 * row_len;
    /* columns holding input pixels; the others are padding */
    const int32_t first = pad_left < row_len ? pad_left : row_len;
    const int32_t last = pad_left + in_w < row_len ? pad_left + in_w : row_len;
    const int32_t pad2 = mcu_dup_s16(pad_value);
    for (int32_t i = 0; i < lanes * ring_size; ++i) {
        mcu_store_s16(ring + i, pad_value);
    }
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *image = input + b * in_h * in_w * channels;
        int8_t *out_image = output + b * out_h * out_w * channels;
        for (int32_t c0 = 0; c0 < channels;) {
            /* a group of four channels expanded together (lanes 4), or one channel */
            const int32_t group = lanes == 4 && c0 + 4 <= channels ? 4 : 1;
            /* per channel the doubled weight pairs (w0, w1), (w1, w2) of filter rows 0, 1, 2, 0, 1:
             * six consecutive words from pair 2 s on are the rows of slots 0, 1, 2 when slot 0
             * holds filter row s */
            int32_t pairs[4][10];
            for (int32_t l = 0; l < group; ++l) {
                for (int32_t k = 0; k < 3; ++k) {
                    const int8_t *f = filter + k * f_row + c0 + l;
                    const int32_t w1 = 2 * f[f_tap];
                    pairs[l][2 * k] = mcu_pack_s16x2(2 * f[0], w1);
                    pairs[l][2 * k + 1] = mcu_pack_s16x2(w1, 2 * f[2 * f_tap]);
                }
                for (int32_t k = 6; k < 10; ++k) {
                    pairs[l][k] = pairs[l][k - 6];
                }
            }
            /* input row y sits in ring slot (y + pad_top) % 3 */
            int32_t next = -pad_top; /* first input row not yet in the ring */
            int32_t next_slot = 0;   /* its slot */
            int32_t top = 0;         /* the slot of the window's first row, y0 */
            for (int32_t oy = 0; oy < out_h; ++oy) {
                const int32_t y0 = oy * stride_h - pad_top;
                if (next < y0) { /* stride 2 from padding 0: a row skipped */
                    next = y0;
                    next_slot = (next + pad_top) % 3;
                }
                for (; next < y0 + 3; ++next, next_slot = next_slot == 2 ? 0 : next_slot + 1) {
                    const int32_t slot = next_slot;
                    if (next >= 0 && next < in_h) {
                        const int8_t *src = image + next * in_row + (first - pad_left) * in_pixel + c0;
                        if (last <= first) {
                            /* no input column reaches the windows */
                        } else if (group == 4) {
                            mcu_dw3x3_expand4(ring, ring_size, slot, src, in_pixel, first, last);
                        } else {
                            mcu_dw3x3_expand(ring, slot, src, in_pixel, first, last);
                        }
                    } else {
                        /* a padded row: the zero point by words (the columns outside
                         * [first, last) they also cover hold it already) */
                        for (int32_t l = 0; l < group; ++l) {
                            int16_t *words = ring + l * ring_size + slot * 2;
                            for (int32_t j = first >> 1; j < (last + 1) >> 1; ++j) {
                                mcu_store_s16x2(words + 6 * j, pad2);
                            }
                        }
                    }
                }
                /* slot 0 holds filter row (3 - top) % 3, top = (y0 + pad_top) % 3 */
                const int32_t s = top ? 3 - top : 0;
                top += stride_h;
                top = top >= 3 ? top - 3 : top;
                int8_t *out = out_image + oy * out_row + c0;
                for (int32_t l = 0; l < group; ++l) {
                    row((const int32_t *)(const void *)(ring + l * ring_size), out + l, out_w,
                        pairs[l] + 2 * s, params + 4 * (c0 + l));
                }
            }
            c0 += group;
        }
    }
}

#endif /* MCU_DWCONV2D_3X3_S8_H */
