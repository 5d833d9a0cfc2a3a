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
 * The two pixels' outputs are then requantized in one pass over the channels, sharing the
 * per-channel multiplier and shift work.
 *
 * Bit-exact with TFLM reference_integer_ops::ConvPerChannel for a 1x1 filter, stride 1,
 * no padding. Preconditions: filter is [out_c][in_c] (OHWI) in its original order; bias is
 * bias + input_offset * sum(filter row), per output channel; pixels = batches * h * w.
 * Input and output may overlap only as the planner allows (both pixels of a pair are read
 * before either is written, see mcugen/planner/access.py).
 * Scratch: mcu_conv2d_1x1_s8_buffer_size(out_c) bytes, 4-byte aligned.
 */
#ifndef MCU_CONV2D_1X1_S8_H
#define MCU_CONV2D_1X1_S8_H

#include "mcu_requant.h"
#include "mcu_simd.h"

/* two rows of out_c int32 accumulators */
#define mcu_conv2d_1x1_s8_buffer_size(out_c) (2 * (out_c) * 4)

/* One group of 4 along K for the 2x2 block: 2 input and 2 weight words, 8 SMLAD. */
#define MCU_PW_2X2_STEP(kk)                                                            \
    do {                                                                               \
        const int32_t xa = mcu_load_s8x4(x0 + (kk)), xb = mcu_load_s8x4(x1 + (kk));    \
        const int32_t xa02 = mcu_sxtb16(xa), xa13 = mcu_sxtb16_ror8(xa);               \
        const int32_t xb02 = mcu_sxtb16(xb), xb13 = mcu_sxtb16_ror8(xb);               \
        const int32_t wa = mcu_load_s8x4(w0 + (kk));                                   \
        const int32_t wa02 = mcu_sxtb16(wa), wa13 = mcu_sxtb16_ror8(wa);               \
        a00 = mcu_smlad(xa02, wa02, a00);                                              \
        a00 = mcu_smlad(xa13, wa13, a00);                                              \
        a01 = mcu_smlad(xb02, wa02, a01);                                              \
        a01 = mcu_smlad(xb13, wa13, a01);                                              \
        const int32_t wb = mcu_load_s8x4(w1 + (kk));                                   \
        const int32_t wb02 = mcu_sxtb16(wb), wb13 = mcu_sxtb16_ror8(wb);               \
        a10 = mcu_smlad(xa02, wb02, a10);                                              \
        a10 = mcu_smlad(xa13, wb13, a10);                                              \
        a11 = mcu_smlad(xb02, wb02, a11);                                              \
        a11 = mcu_smlad(xb13, wb13, a11);                                              \
    } while (0)

/* acc[2 oc], acc[2 oc + 1] = folded bias + dot products of pixels x0, x1 (K int8 each)
 * with filter row oc, for every oc (the two pixels' sums side by side). */
MCU_NOINLINE MCU_NO_PRESCHEDULE void mcu_gemm_1x1_2x2_s8(
    const int8_t *x0, const int8_t *x1, int32_t *acc,
    const int8_t *filter, const int32_t *bias, int32_t K, int32_t out_c)
{
    int32_t oc = 0;
    for (int32_t pairs = out_c >> 1; pairs > 0; --pairs, oc += 2) {
        const int8_t *w0 = filter + oc * K;
        const int8_t *w1 = w0 + K;
        int32_t a00 = bias[oc], a01 = a00, a10 = bias[oc + 1], a11 = a10;
        int32_t k = 0;
        for (int32_t blocks = K >> 3; blocks > 0; --blocks, k += 8) {
            MCU_PW_2X2_STEP(k);
            MCU_PW_2X2_STEP(k + 4);
        }
        if (K & 4) {
            MCU_PW_2X2_STEP(k);
            k += 4;
        }
        for (int32_t rest = K & 3; rest > 0; --rest, ++k) {
            const int32_t xa = x0[k], xb = x1[k];
            a00 += w0[k] * xa;
            a10 += w1[k] * xa;
            a01 += w0[k] * xb;
            a11 += w1[k] * xb;
        }
        mcu_store_s32(acc + 2 * oc, a00);
        mcu_store_s32(acc + 2 * oc + 1, a01);
        mcu_store_s32(acc + 2 * oc + 2, a10);
        mcu_store_s32(acc + 2 * oc + 3, a11);
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
        mcu_store_s32(acc + 2 * oc, a00);
        mcu_store_s32(acc + 2 * oc + 1, a01);
    }
}

/* out[i], out[i + step] = requantized acc[2 i], acc[2 i + 1]: the two pixels of a pair in
 * one pass over the n channels, multiplier and shift read as a pair (requant[2 i],
 * requant[2 i + 1]) and split once for both. step = 0 for a lone pixel (acc[2 i + 1] is
 * then acc[2 i], the same byte written twice). */
MCU_NOINLINE void mcu_requant_2px_s8(const int32_t *acc, int8_t *out, int32_t step,
                                     const int32_t *requant, int32_t n, int32_t output_offset,
                                     int32_t act_min, int32_t act_max)
{
    for (int32_t i = 0; i < n; ++i) {
        const int32_t m = mcu_load_s32(requant + 2 * i), s = mcu_load_s32(requant + 2 * i + 1);
        const int32_t left = s & ~(s >> 31);
        const int32_t right = left - s;
        const int32_t mask = (int32_t)((1u << right) - 1u);
        const int32_t q0 = mcu_requant_split(mcu_load_s32(acc + 2 * i), m, left, right, mask);
        const int32_t q1 = mcu_requant_split(mcu_load_s32(acc + 2 * i + 1), m, left, right, mask);
        out[i] = (int8_t)mcu_clamp(q0 + output_offset, act_min, act_max);
        out[i + step] = (int8_t)mcu_clamp(q1 + output_offset, act_min, act_max);
    }
}

MCU_KERNEL void mcu_conv2d_1x1_s8(
    const int8_t *input, int8_t *output, const int8_t *filter, const int32_t *bias,
    const int32_t *requant, int32_t *scratch, int32_t pixels, int32_t in_c, int32_t out_c,
    int32_t output_offset, int32_t act_min, int32_t act_max)
{
    int32_t p = 0;
    for (int32_t pairs = pixels >> 1; pairs > 0; --pairs, p += 2) {
        const int8_t *x0 = input + p * in_c;
        mcu_gemm_1x1_2x2_s8(x0, x0 + in_c, scratch, filter, bias, in_c, out_c);
        mcu_requant_2px_s8(scratch, output + p * out_c, out_c, requant, out_c, output_offset,
                           act_min, act_max);
    }
    if (pixels & 1) {
        const int8_t *x0 = input + p * in_c;
        mcu_gemm_1x1_2x2_s8(x0, x0, scratch, filter, bias, in_c, out_c);
        mcu_requant_2px_s8(scratch, output + p * out_c, 0, requant, out_c, output_offset, act_min,
                           act_max);
    }
}

#endif /* MCU_CONV2D_1X1_S8_H */
