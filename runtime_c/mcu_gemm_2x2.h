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

/* One group of 4 along K: pixel a's two words pa[0..1], pixel b's pb[0..1], channel a's
 * weight words w[0..1] and channel b's w[2..3] (int16 pairs in the same lane order), 8 SMLAD. */
#define MCU_GEMM_W16_STEP(pa, pb, w)                                                   \
    do {                                                                               \
        const int32_t xa0 = (pa)[0], xa1 = (pa)[1], xb0 = (pb)[0], xb1 = (pb)[1];      \
        const int32_t wa0 = (w)[0], wa1 = (w)[1];                                      \
        a00 = mcu_smlad(xa0, wa0, a00);                                                \
        a00 = mcu_smlad(xa1, wa1, a00);                                                \
        a01 = mcu_smlad(xb0, wa0, a01);                                                \
        a01 = mcu_smlad(xb1, wa1, a01);                                                \
        const int32_t wb0 = (w)[2], wb1 = (w)[3];                                      \
        a10 = mcu_smlad(xa0, wb0, a10);                                                \
        a10 = mcu_smlad(xa1, wb1, a10);                                                \
        a11 = mcu_smlad(xb0, wb0, a11);                                                \
        a11 = mcu_smlad(xb1, wb1, a11);                                                \
    } while (0)

/*
 * out0[oc], out1[oc] for every oc: bias + the dot products of two pixels' int16 words with
 * int16 weights, requantized. Pixel a's words of group g (of 4 along K) are p[step g],
 * p[step g + 1], pixel b's the same `b` words further (step and b constants at each call:
 * 4 and 2 for the 1x1 kernel's interleaved pixels, 2 and the column length for the im2col
 * patches; one pointer walks both). Weights per channel pair and group: channel a's two
 * words, then channel b's. K % 4 == 0, out_c even.
 */
MCU_INLINE void mcu_gemm_2x2_w16_body(
    const mcu_word *p, int32_t b, int32_t step, int8_t *out0, int8_t *out1,
    const int32_t *filter, const int32_t *bias, const int32_t *requant, int32_t K,
    int32_t out_c, int32_t act_min, int32_t act_max)
{
    const int32_t *w = filter;
    for (int32_t oc = 0; oc < out_c; oc += 2) {
        int32_t a00 = bias[oc], a01 = a00, a10 = bias[oc + 1], a11 = a10;
        const mcu_word *q = p;
        for (int32_t blocks = K >> 3; blocks > 0; --blocks, q += 2 * step, w += 8) {
            MCU_GEMM_W16_STEP(q, q + b, w); /* half the loop overhead */
            MCU_GEMM_W16_STEP(q + step, q + step + b, w + 4);
        }
        if (K & 4) {
            MCU_GEMM_W16_STEP(q, q + b, w);
            w += 4;
        }
        mcu_store_2x2_s8(out0, out1, oc, requant, a00, a01, a10, a11, act_min, act_max);
    }
}

#endif /* MCU_GEMM_2X2_H */
