/*
 * mcu_conv2d_1x1_s8: int8 1x1 pointwise convolution, stride 1, no padding, as a GEMM that
 * reads the input pixels where they are (for a 1x1 stride-1 filter a pixel's in_c values
 * already are its im2col column): no im2col copy.
 *
 * Two output pixels at a time, 2x2 register blocking (2 output channels x 2 pixels). Input
 * and weight words are both unpacked by SXTB16 / SXTB16 ROR 8, giving the pairs (x0, x2),
 * (x1, x3) and (w0, w2), (w1, w3): two SMLAD per 4 values, weights in their original order.
 * The input offset is not added per value: the compiler folds input_offset * sum(w) into
 * the bias offline (exact: both sums are taken modulo 2^32 in int32, as TFLM's are).
 * Each channel pair is requantized as soon as it is summed, by mcu_requant_bounded (five
 * instructions; the compiler uses this kernel only where it proved that form exact).
 * With int16 weights (MCU_CONV2D_1X1_W16_LAYER) the block is the extension of the pair
 * followed by the layer's assembly GEMM (mcu_gemm_2x2.h), which reads them interleaved.
 *
 * Bit-exact with TFLM reference_integer_ops::ConvPerChannel for a 1x1 filter, stride 1,
 * no padding. Preconditions: filter is [out_c][in_c] (OHWI) in its original order; bias is
 * bias + input_offset * sum(filter row), per output channel; requant holds the triples
 * (multiplier, c, right) of mcugen/ops/fast_requant.py; pixels = batches * h * w.
 * Input and output may overlap only as the planner allows (the two output pixels of a pair
 * lie wholly below the first input byte of the pair, see mcugen/planner/access.py).
 * Scratch: none.
 */
#ifndef MCU_CONV2D_1X1_S8_H
#define MCU_CONV2D_1X1_S8_H

#include "mcu_gemm_2x2.h"
#include "mcu_requant.h"
#include "mcu_simd.h"

/* One group of 4 along K for the 2x2 block: the two pixels' pre-extended words (one LDM),
 * 2 weight words unpacked by SXTB16, 8 SMLAD. */
#define MCU_PW_2X2_STEP(g)                                                             \
    do {                                                                               \
        const int32_t xa02 = cols[4 * (g)], xa13 = cols[4 * (g) + 1];                  \
        const int32_t xb02 = cols[4 * (g) + 2], xb13 = cols[4 * (g) + 3];              \
        const int32_t wa = mcu_load_s8x4(w0 + 4 * (g));                                \
        const int32_t wa02 = mcu_sxtb16(wa), wa13 = mcu_sxtb16_ror8(wa);               \
        a00 = mcu_smlad(xa02, wa02, a00);                                              \
        a00 = mcu_smlad(xa13, wa13, a00);                                              \
        a01 = mcu_smlad(xb02, wa02, a01);                                              \
        a01 = mcu_smlad(xb13, wa13, a01);                                              \
        const int32_t wb = mcu_load_s8x4(w1 + 4 * (g));                                \
        const int32_t wb02 = mcu_sxtb16(wb), wb13 = mcu_sxtb16_ror8(wb);               \
        a10 = mcu_smlad(xa02, wb02, a10);                                              \
        a10 = mcu_smlad(xa13, wb13, a10);                                              \
        a11 = mcu_smlad(xb02, wb02, a11);                                              \
        a11 = mcu_smlad(xb13, wb13, a11);                                              \
    } while (0)

/* Two groups of both pixels (x0, x1: registers walking them, cols the lane): 4 LDR (unaligned
 * allowed), 8 SXTB16, one STM of the eight words into r4-r6, r8-r12 (r7 left alone: the
 * frame pointer of unoptimized builds). */
#define MCU_PW_EXTEND2_ASM(x0, x1, cols)                                               \
    "ldr r4, [" x0 "], #8\n\t"                                                         \
    "ldr r9, [" x0 ", #-4]\n\t"                                                        \
    "ldr r6, [" x1 "], #8\n\t"                                                         \
    "ldr r11, [" x1 ", #-4]\n\t"                                                       \
    "sxtb16 r5, r4, ror #8\n\t"                                                        \
    "sxtb16 r4, r4\n\t"                                                                \
    "sxtb16 r8, r6, ror #8\n\t"                                                        \
    "sxtb16 r6, r6\n\t"                                                                \
    "sxtb16 r10, r9, ror #8\n\t"                                                       \
    "sxtb16 r9, r9\n\t"                                                                \
    "sxtb16 r12, r11, ror #8\n\t"                                                      \
    "sxtb16 r11, r11\n\t"                                                              \
    "stmia " cols "!, {r4, r5, r6, r8, r9, r10, r11, r12}\n\t"
/* One group of both pixels, the same way. */
#define MCU_PW_EXTEND1_ASM(x0, x1, cols)                                               \
    "ldr r4, [" x0 "], #4\n\t"                                                         \
    "ldr r6, [" x1 "], #4\n\t"                                                         \
    "sxtb16 r5, r4, ror #8\n\t"                                                        \
    "sxtb16 r4, r4\n\t"                                                                \
    "sxtb16 r8, r6, ror #8\n\t"                                                        \
    "sxtb16 r6, r6\n\t"                                                                \
    "stmia " cols "!, {r4, r5, r6, r8}\n\t"

/* The full groups of 4 of both pixels, sign-extended once per pixel pair (the GEMM reuses
 * them for every channel pair): (x0,x2) (x1,x3) of pixel a, then of pixel b, per group. */
MCU_INLINE void mcu_pw_extend_2px(mcu_word *cols, const int8_t *x0, const int8_t *x1, int32_t K)
{
#if MCU_ASM
    /* two groups per pass, 15 instructions, not 26 */
    if (K >= 8) {
        const int8_t *const end = x0 + (K & ~7);
        __asm__ volatile(
            "1:\n\t"
            MCU_PW_EXTEND2_ASM("%[x0]", "%[x1]", "%[cols]")
            "cmp %[x0], %[end]\n\t"
            "bne 1b\n\t"
            : [x0] "+&r"(x0), [x1] "+&r"(x1), [cols] "+&r"(cols)
            : [end] "r"(end)
            : "r4", "r5", "r6", "r8", "r9", "r10", "r11", "r12", "cc", "memory");
        K &= 7;
    }
#endif
    for (int32_t g = 0; g < (K >> 2); ++g) {
        const int32_t xa = mcu_load_s8x4(x0 + 4 * g), xb = mcu_load_s8x4(x1 + 4 * g);
        cols[4 * g] = mcu_sxtb16(xa);
        cols[4 * g + 1] = mcu_sxtb16_ror8(xa);
        cols[4 * g + 2] = mcu_sxtb16(xb);
        cols[4 * g + 3] = mcu_sxtb16_ror8(xb);
    }
}

/* out0, out1 = the out_c outputs of pixels x0, x1 (K int8 each): folded bias + dot products
 * with every filter row, requantized as soon as a channel pair is summed. x1 == x0 and
 * out1 == out0 for a lone pixel (the same byte is written twice). */
MCU_INLINE void mcu_conv2d_1x1_2px_body(
    const int8_t *x0, const int8_t *x1, int8_t *out0, int8_t *out1,
    const int8_t *filter, const int32_t *bias, const int32_t *requant, mcu_word *cols, int32_t K,
    int32_t out_c, int32_t act_min, int32_t act_max)
{
    mcu_pw_extend_2px(cols, x0, x1, K);
    int32_t oc = 0;
    for (int32_t pairs = out_c >> 1; pairs > 0; --pairs, oc += 2) {
        const int8_t *w0 = filter + oc * K;
        const int8_t *w1 = w0 + K;
        int32_t a00 = bias[oc], a01 = a00, a10 = bias[oc + 1], a11 = a10;
        int32_t g = 0;
        for (int32_t blocks = K >> 3; blocks > 0; --blocks, g += 2) {
            MCU_PW_2X2_STEP(g);
            MCU_PW_2X2_STEP(g + 1);
        }
        if (K & 4) {
            MCU_PW_2X2_STEP(g);
        }
        int32_t k = K & ~3;
        for (int32_t rest = K & 3; rest > 0; --rest, ++k) {
            const int32_t xa = x0[k], xb = x1[k];
            a00 += w0[k] * xa;
            a10 += w1[k] * xa;
            a01 += w0[k] * xb;
            a11 += w1[k] * xb;
        }
        mcu_store_2x2_s8(out0, out1, oc, requant, a00, a01, a10, a11, act_min, act_max);
    }
    if (out_c & 1) {
        const int8_t *w0 = filter + oc * K;
        int32_t a00 = bias[oc], a01 = a00;
        int32_t k = 0;
        for (int32_t blocks = K >> 2; blocks > 0; --blocks, k += 4) {
            const int32_t xa = mcu_load_s8x4(x0 + k), xb = mcu_load_s8x4(x1 + k);
            const int32_t wa = mcu_load_s8x4(w0 + k);
            const int32_t wa02 = mcu_sxtb16(wa), wa13 = mcu_sxtb16_ror8(wa);
            a00 = mcu_smlad(mcu_sxtb16(xa), wa02, a00);
            a00 = mcu_smlad(mcu_sxtb16_ror8(xa), wa13, a00);
            a01 = mcu_smlad(mcu_sxtb16(xb), wa02, a01);
            a01 = mcu_smlad(mcu_sxtb16_ror8(xb), wa13, a01);
        }
        for (int32_t rest = K & 3; rest > 0; --rest, ++k) {
            a00 += w0[k] * x0[k];
            a01 += w0[k] * x1[k];
        }
        const int32_t *const rq = requant + 3 * oc;
        out0[oc] = (int8_t)mcu_clamp_s8(mcu_requant_bounded(a00, rq[0], rq[1], rq[2]), act_min, act_max);
        out1[oc] = (int8_t)mcu_clamp_s8(mcu_requant_bounded(a01, rq[0], rq[1], rq[2]), act_min, act_max);
    }
}

/* The 2-pixel block of one layer, as a function of its own. */
typedef void (*mcu_conv2d_1x1_block_fn)(const int8_t *x0, const int8_t *x1, int8_t *out0,
                                        int8_t *out1, const void *filter, const int32_t *bias,
                                        const int32_t *requant, mcu_word *cols);

/* Defines `name`, the layer's block with K, out_c and the activation bounds as constants, so
 * the compiler unrolls the K loop and drops the bounds that SSAT already gives; the generated
 * model defines one per 1x1 layer (code per layer, a few hundred bytes of flash). */
#define MCU_CONV2D_1X1_LAYER(name, K, OUT_C, ACT_MIN, ACT_MAX)                              \
    MCU_NOINLINE MCU_NO_PRESCHEDULE void name(const int8_t *x0, const int8_t *x1, int8_t *out0, \
                                              int8_t *out1, const void *filter,               \
                                              const int32_t *bias, const int32_t *requant,    \
                                              mcu_word *cols)                                  \
    {                                                                                       \
        mcu_conv2d_1x1_2px_body(x0, x1, out0, out1, (const int8_t *)filter, bias, requant,  \
                                cols, (K), (OUT_C), (ACT_MIN), (ACT_MAX));                  \
    }

/* The same with the weights pre-extended offline to int16 (twice the flash): `gemm`, the
 * layer's GEMM made by MCU_GEMM_W16_LAYER (mcu_gemm_2x2.h) with this K, reads the pixel pair
 * as extended here, (x0,x2) (x1,x3) per group, and the stream `filter` with the weights in
 * the same lane order and the bias and requantization words (bias, requant unused); `one`
 * (MCU_GEMM_W16_ONE, or gemm itself) takes a lone last pixel (out1 == out0). */
#define MCU_CONV2D_1X1_W16_LAYER(name, gemm, one, K)                                     \
    MCU_NOINLINE void name(const int8_t *x0, const int8_t *x1, int8_t *out0, int8_t *out1,   \
                           const void *filter, const int32_t *bias, const int32_t *requant,  \
                           mcu_word *cols)                                                  \
    {                                                                                       \
        (void)bias;                                                                         \
        (void)requant;                                                                      \
        mcu_pw_extend_2px(cols, x0, x1, (K));                                               \
        (out1 == out0 ? one : gemm)(cols, out0, (int32_t)(out1 - out0), (const int32_t *)filter); \
    }

/* All pixel pairs of a stride-1 layer with int16 weights, as a function of the layer's own
 * (made by MCU_CONV2D_1X1_W16_PAIRS_LAYER): per pair the extension, then the GEMM of every
 * channel pair. */
typedef void (*mcu_conv2d_1x1_pairs_fn)(const int8_t *x, int8_t *out, int32_t pairs,
                                        const int32_t *stream, mcu_word *cols);

#if MCU_ASM
/*
 * In assembly on DSP cores: the pair loop around MCU_GEMM_W16_LAYER's channel loop, in its
 * frame, so a pair costs about 15 instructions besides the extension and the GEMM instead of
 * some 50 through a block function and the GEMM's entry. Frame: [sp] cols, [sp+4] out0,
 * [sp+8] delta (OUT_C), [sp+12] stream end, [sp+16] cols end (MCU_GEMM_W16_FUNCTION's),
 * [sp+20] the next pair's input, [sp+24] stream, [sp+28] pairs left.
 */
#define MCU_CONV2D_1X1_W16_PAIRS_LAYER(name, K, OUT_C, ACT_MIN, ACT_MAX, PRE, LOOP)         \
    __attribute__((naked, noinline, used)) static void name(                               \
        __attribute__((unused)) const int8_t *x, __attribute__((unused)) int8_t *out,      \
        __attribute__((unused)) int32_t pairs, __attribute__((unused)) const int32_t *stream, \
        __attribute__((unused)) mcu_word *cols)                                            \
    {                                                                                    \
        __asm__ volatile(                                                                \
            MCU_ASM_BOUNDS(ACT_MIN, ACT_MAX)                                             \
            "push {r4-r11, lr}\n\t"                                                      \
            "sub sp, sp, #32\n\t"                                                        \
            MCU_GEMM_W16_SIZES(K, OUT_C)                                                 \
            "ldr r4, [sp, #68]\n\t"                                                      \
            "mov r5, r1\n\t"                                                             \
            "movw r6, #" MCU_ASM_STR(OUT_C) "\n\t"                                        \
            MCU_ASM_ADD_BIG("r7", "r3", "MCU_STREAM_BYTES")                              \
            MCU_ASM_ADD_BIG("r8", "r4", "MCU_COLS_BYTES")                                \
            "stm sp, {r4-r8}\n\t"                                                        \
            "str r0, [sp, #20]\n\t"                                                      \
            "str r3, [sp, #24]\n\t"                                                      \
            "str r2, [sp, #28]\n\t"                                                      \
            "3:\n\t"                                                                     \
            "ldr r0, [sp, #20]\n\t"                                                      \
            "ldr r2, [sp]\n\t"                                                           \
            "movw r1, #" MCU_ASM_STR(K) "\n\t"                                            \
            "add r1, r1, r0\n\t"                                                         \
            ".if " MCU_ASM_STR(K) " >= 8\n\t"                                             \
            "movw r3, #(" MCU_ASM_STR(K) " & ~7)\n\t"                                     \
            "add r3, r3, r0\n\t"                                                         \
            "4:\n\t"                                                                     \
            MCU_PW_EXTEND2_ASM("r0", "r1", "r2")                                         \
            "cmp r0, r3\n\t"                                                             \
            "bne 4b\n\t"                                                                 \
            ".endif\n\t"                                                                 \
            ".if " MCU_ASM_STR(K) " & 4\n\t"                                              \
            MCU_PW_EXTEND1_ASM("r0", "r1", "r2")                                         \
            ".endif\n\t"                                                                 \
            "str r1, [sp, #20]\n\t"                                                      \
            "ldr r0, [sp]\n\t"                                                           \
            "ldr r1, [sp, #24]\n\t"                                                      \
            MCU_GEMM_W16_CHANNELS(PRE, LOOP, MCU_GEMM_W16_GROUP_ASM, MCU_GEMM_W16_PAIR_FINISH) \
            "add r6, r6, r7\n\t"                                                         \
            "str r6, [sp, #4]\n\t"                                                       \
            "ldr r2, [sp, #28]\n\t"                                                      \
            "subs r2, r2, #1\n\t"                                                        \
            "str r2, [sp, #28]\n\t"                                                      \
            "bne 3b\n\t"                                                                 \
            "add sp, sp, #32\n\t"                                                        \
            "pop {r4-r11, pc}\n\t");                                                     \
    }
#else
#define MCU_CONV2D_1X1_W16_PAIRS_LAYER(name, K, OUT_C, ACT_MIN, ACT_MAX, PRE, LOOP)         \
    MCU_NOINLINE void name(const int8_t *x, int8_t *out, int32_t pairs, const int32_t *stream, \
                           mcu_word *cols)                                                 \
    {                                                                                    \
        for (; pairs > 0; --pairs, x += 2 * (K), out += 2 * (OUT_C)) {                   \
            mcu_pw_extend_2px(cols, x, x + (K), (K));                                    \
            mcu_gemm_2x2_w16_body(cols, out, (OUT_C), stream, (K), (OUT_C), (ACT_MIN), (ACT_MAX)); \
        }                                                                                \
    }
#endif

/* The stride-1 layer with int16 weights: `pairs` on the pixel pairs, then `block` (made by
 * MCU_CONV2D_1X1_W16_LAYER; 0 for an even pixel count) on a lone last pixel. */
MCU_KERNEL void mcu_conv2d_1x1_w16_s8(mcu_conv2d_1x1_pairs_fn pairs, mcu_conv2d_1x1_block_fn block,
                                      const int8_t *input, int8_t *output, const void *stream,
                                      mcu_word *cols, int32_t pixels, int32_t in_c, int32_t out_c)
{
    if (pixels >= 2) {
        pairs(input, output, pixels >> 1, (const int32_t *)stream, cols);
    }
    if (pixels & 1) {
        const int8_t *const x = input + (pixels - 1) * in_c;
        int8_t *const out = output + (pixels - 1) * out_c;
        block(x, x, out, out, stream, 0, 0, cols);
    }
}

/* The layer: `block` (made by MCU_CONV2D_1X1_LAYER with this layer's in_c and out_c) on every
 * pair of pixels, then on the last pixel alone if the count is odd. */
MCU_KERNEL void mcu_conv2d_1x1_s8(
    mcu_conv2d_1x1_block_fn block, const int8_t *input, int8_t *output, const void *filter,
    const int32_t *bias, const int32_t *requant, mcu_word *cols, int32_t pixels, int32_t in_c,
    int32_t out_c)
{
    int32_t p = 0;
    for (int32_t pairs = pixels >> 1; pairs > 0; --pairs, p += 2) {
        const int8_t *x0 = input + p * in_c;
        int8_t *out0 = output + p * out_c;
        block(x0, x0 + in_c, out0, out0 + out_c, filter, bias, requant, cols);
    }
    if (pixels & 1) {
        block(input + p * in_c, input + p * in_c, output + p * out_c, output + p * out_c, filter,
              bias, requant, cols);
    }
}

/* The same layer with strides (a 1x1 filter never pads): output pixel (oy, ox) reads input
 * pixel (oy * stride_h, ox * stride_w); pairs of consecutive output pixels as above. */
MCU_KERNEL void mcu_conv2d_1x1_strided_s8(
    mcu_conv2d_1x1_block_fn block, const int8_t *input, int8_t *output, const void *filter,
    const int32_t *bias, const int32_t *requant, mcu_word *cols, int32_t batches, int32_t in_h,
    int32_t in_w, int32_t in_c, int32_t out_h, int32_t out_w, int32_t out_c, int32_t stride_h,
    int32_t stride_w)
{
    const int32_t pixels = out_h * out_w;
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *image = input + b * in_h * in_w * in_c;
        int8_t *out = output + b * pixels * out_c;
        int32_t oy = 0, ox = 0;
        for (int32_t p = 0; p < pixels; p += 2, out += 2 * out_c) {
            const int8_t *x0 = image + (oy * stride_h * in_w + ox * stride_w) * in_c;
            if (++ox == out_w) {
                ox = 0;
                ++oy;
            }
            if (p + 1 == pixels) {
                block(x0, x0, out, out, filter, bias, requant, cols);
                break;
            }
            const int8_t *x1 = image + (oy * stride_h * in_w + ox * stride_w) * in_c;
            if (++ox == out_w) {
                ox = 0;
                ++oy;
            }
            block(x0, x1, out, out + out_c, filter, bias, requant, cols);
        }
    }
}

#endif /* MCU_CONV2D_1X1_S8_H */
