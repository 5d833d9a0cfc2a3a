/*
 * mcu_conv2d_im2col_s8: int8 2-D convolution as im2col + GEMM with SMLAD, for any
 * kernel size, stride, dilation, padding and channel count (1x1 pointwise included).
 *
 * Two output pixels at a time: their patches (K = filter_h * filter_w * in_c values each)
 * are copied into `scratch` as int16 with the input offset already added (padding = 0,
 * so padded taps add nothing, as in TFLM). Then a 2x2 register-blocked GEMM (2 output
 * channels x 2 pixels) multiplies int16 pairs of the patches with int8 weights unpacked
 * by SXTB16, two MACs per SMLAD; each channel pair is requantized as soon as it is summed
 * (mcu_requant_bounded, the short form the compiler proved exact for the layer).
 * With int16 weights, mcu_conv2d_im2col_w16_s8 (below) writes the two patches interleaved
 * for the layer's assembly GEMM (mcu_gemm_2x2.h) instead.
 *
 * Bit-exact with TFLM reference_integer_ops::ConvPerChannel (same products, same int32
 * sum, same requantization).
 * Preconditions: filter is OHWI [out_c][K] *reordered*: inside each full group of 4 along
 * K the bytes are w0 w2 w1 w3 (so SXTB16 yields the pair w0,w1 and SXTB16 ROR 8 the pair
 * w2,w3); the last K % 4 values stay in order. bias has out_c entries, requant the
 * out_c triples of mcugen/ops/fast_requant.py; input and output overlap only as the
 * planner allows (mcugen/planner/access.py).
 * Scratch: mcu_conv2d_im2col_s8_buffer_size(K) bytes, 4-byte aligned.
 */
#ifndef MCU_CONV2D_IM2COL_S8_H
#define MCU_CONV2D_IM2COL_S8_H

#include "mcu_gemm_2x2.h"
#include "mcu_requant.h"
#include "mcu_simd.h"

/* Two patches of K int16 values, each rounded up to a multiple of 4 (8-byte aligned; the
 * int16-weight GEMM reads whole groups of 4, its weights are 0 past K). */
#define MCU_CONV2D_IM2COL_COLUMN(K) (((K) + 3) / 4 * 4)
/* two int16 patches (mcu_conv2d_im2col_w16_s8 with filter_w * in_c % 4 != 0 needs
 * MCU_CONV2D_IM2COL_COLUMN(K) bytes more after them, for the gathered bytes of one patch) */
#define mcu_conv2d_im2col_s8_buffer_size(K) (2 * MCU_CONV2D_IM2COL_COLUMN(K) * 2)

/* dst[i] = src[i] + offset, n values, as int16; four at a time with SXTAB16. */
MCU_INLINE void mcu_expand_s8_s16(int16_t *dst, const int8_t *src, int32_t n, int32_t offset2)
{
    int32_t i = 0;
    /* counted loops (not `i < n` after a stride-4 loop): GCC then sees the bounds */
    for (int32_t blocks = n >> 2; blocks > 0; --blocks, i += 4) {
        const int32_t x = mcu_load_s8x4(src + i);
        const int32_t even = mcu_sxtab16(offset2, x);      /* x0, x2 */
        const int32_t odd = mcu_sxtab16_ror8(offset2, x);  /* x1, x3 */
        mcu_store_s16x2(dst + i, mcu_pkhbt(even, odd));     /* x0, x1 */
        mcu_store_s16x2(dst + i + 2, mcu_pkhtb(odd, even)); /* x2, x3 */
    }
    for (int32_t rest = n & 3; rest > 0; --rest, ++i) {
        mcu_store_s16(dst + i, (int32_t)src[i] + mcu_lane_s16((uint32_t)offset2, 0));
    }
}

/* One patch: the filter window at (in_y0, in_x0) of the input image, offset added. */
MCU_INLINE void mcu_im2col_patch_s8_s16(
    int16_t *col, const int8_t *image, int32_t in_h, int32_t in_w, int32_t in_c,
    int32_t filter_h, int32_t filter_w, int32_t dilation_h, int32_t dilation_w,
    int32_t in_y0, int32_t in_x0, int32_t offset2)
{
    const int32_t row = filter_w * in_c;
    for (int32_t fy = 0; fy < filter_h; ++fy) {
        const int32_t in_y = in_y0 + dilation_h * fy;
        int16_t *dst = col + fy * row;
        if (in_y < 0 || in_y >= in_h) {
            memset(dst, 0, (size_t)row * sizeof(int16_t));
            continue;
        }
        const int8_t *src = image + in_y * in_w * in_c;
        if (dilation_w == 1 && in_x0 >= 0 && in_x0 + filter_w <= in_w) {
            mcu_expand_s8_s16(dst, src + in_x0 * in_c, row, offset2);
            continue;
        }
        for (int32_t fx = 0; fx < filter_w; ++fx) {
            const int32_t in_x = in_x0 + dilation_w * fx;
            if (in_x < 0 || in_x >= in_w) {
                memset(dst + fx * in_c, 0, (size_t)in_c * sizeof(int16_t));
            } else {
                mcu_expand_s8_s16(dst + fx * in_c, src + in_x * in_c, in_c, offset2);
            }
        }
    }
}

/*
 * The int16-weight GEMM's layout (mcu_gemm_2x2.h): the two patches interleaved per group of
 * 4 values, pixel a's two words then pixel b's, each group's values in the lane order
 * x0 x2 x1 x3 (what SXTAB16 and SXTAB16 ROR 8 give). `lane` points at a pixel's first group
 * (cols for pixel a, cols + 4 for pixel b); patch value v lives at lane[MCU_IL(v)].
 */
#define MCU_IL(v) (((v) >> 2) * 8 + (((v) & 1) << 1) + (((v) >> 1) & 1))

/* A group of 4 bytes (one word, offset added) into its lane slots: (x0, x2) then (x1, x3),
 * what SXTAB16 and SXTAB16 ROR 8 give; slot is word-aligned. */
MCU_INLINE void mcu_il_group(int16_t *slot, int32_t x, int32_t offset2)
{
    mcu_store_word_pair(slot, mcu_sxtab16(offset2, x), mcu_sxtab16_ror8(offset2, x));
}

/* lane values v .. v + n - 1 = src[0 .. n - 1] + offset (src NULL: 0, a padded tap). */
MCU_INLINE void mcu_expand_s8_s16_il(int16_t *lane, int32_t v, const int8_t *src, int32_t n,
                                     int32_t offset2)
{
    const int32_t offset = mcu_lane_s16((uint32_t)offset2, 0);
    for (; n > 0 && (v & 3); --n, ++v) {
        mcu_store_s16(lane + MCU_IL(v), src ? (int32_t)*src++ + offset : 0);
    }
    int16_t *dst = lane + MCU_IL(v);
#if MCU_SIMD_DSP && defined(__GNUC__)
    if (src && n >= 16) {
        /* 8 values in 10 instructions (GCC 12 made 16 of the C below: no STRD, no post-index) */
        int32_t pairs = n >> 3, a, b, t;
        __asm__ volatile(
            "1:\n\t"
            "ldr %[a], [%[src]], #4\n\t"
            "ldr %[b], [%[src]], #4\n\t"
            "sxtab16 %[t], %[off], %[a]\n\t"
            "sxtab16 %[a], %[off], %[a], ror #8\n\t"
            "strd %[t], %[a], [%[dst]], #16\n\t"
            "sxtab16 %[t], %[off], %[b]\n\t"
            "sxtab16 %[b], %[off], %[b], ror #8\n\t"
            "strd %[t], %[b], [%[dst]], #16\n\t"
            "subs %[pairs], %[pairs], #1\n\t"
            "bne 1b\n\t"
            : [src] "+r"(src), [dst] "+r"(dst), [pairs] "+r"(pairs), [a] "=&r"(a), [b] "=&r"(b),
              [t] "=&r"(t)
            : [off] "r"(offset2)
            : "cc", "memory");
        v += n & ~7;
        n &= 7;
    }
#endif
    for (int32_t blocks = n >> 2; blocks > 0; --blocks, dst += 8) {
        if (src) {
            mcu_il_group(dst, mcu_load_s8x4(src), offset2);
            src += 4;
        } else {
            mcu_store_s16x2(dst, 0);
            mcu_store_s16x2(dst + 2, 0);
        }
    }
    v += n & ~3;
    for (int32_t rest = n & 3; rest > 0; --rest, ++v) {
        mcu_store_s16(lane + MCU_IL(v), src ? (int32_t)*src++ + offset : 0);
    }
}

/* Filter rows up to this many bytes that cross the image border are gathered on the stack. */
#define MCU_IM2COL_ROW_BYTES 64

/* One pixel's patch into its lane: the filter window at (in_y0, in_x0), offset added. */
MCU_INLINE void mcu_im2col_patch_il(
    int16_t *lane, const int8_t *image, int32_t in_h, int32_t in_w, int32_t in_c,
    int32_t filter_h, int32_t filter_w, int32_t dilation_h, int32_t dilation_w,
    int32_t in_y0, int32_t in_x0, int32_t offset2)
{
    const int32_t row = filter_w * in_c;
    for (int32_t fy = 0; fy < filter_h; ++fy) {
        const int32_t in_y = in_y0 + dilation_h * fy;
        if (in_y < 0 || in_y >= in_h) {
            mcu_expand_s8_s16_il(lane, fy * row, NULL, row, offset2);
            continue;
        }
        const int8_t *src = image + in_y * in_w * in_c;
        if (dilation_w == 1 && in_x0 >= 0 && in_x0 + filter_w <= in_w) {
            mcu_expand_s8_s16_il(lane, fy * row, src + in_x0 * in_c, row, offset2);
            continue;
        }
        if (row <= MCU_IM2COL_ROW_BYTES) {
            /* a row across the border, gathered first: padded taps hold the input's zero
             * point, which the offset turns into 0, so the row goes in whole groups */
            union { int32_t align; int8_t bytes[MCU_IM2COL_ROW_BYTES]; } gathered;
            memset(gathered.bytes, -mcu_lane_s16((uint32_t)offset2, 0), (size_t)row);
            for (int32_t fx = 0; fx < filter_w; ++fx) {
                const int32_t in_x = in_x0 + dilation_w * fx;
                if (in_x >= 0 && in_x < in_w) {
                    memcpy(gathered.bytes + fx * in_c, src + in_x * in_c, (size_t)in_c);
                }
            }
            mcu_expand_s8_s16_il(lane, fy * row, gathered.bytes, row, offset2);
            continue;
        }
        for (int32_t fx = 0; fx < filter_w; ++fx) {
            const int32_t in_x = in_x0 + dilation_w * fx;
            const int8_t *at = in_x < 0 || in_x >= in_w ? NULL : src + in_x * in_c;
            mcu_expand_s8_s16_il(lane, fy * row + fx * in_c, at, in_c, offset2);
        }
    }
}

/* One group of 4 along K for the 2x2 block: 2 weight words, 4 patch words, 8 SMLAD. */
#define MCU_GEMM_2X2_STEP(kk)                                                          \
    do {                                                                               \
        const int32_t wa = mcu_load_s8x4(w0 + (kk)), wb = mcu_load_s8x4(w1 + (kk));    \
        const int32_t wa01 = mcu_sxtb16(wa), wa23 = mcu_sxtb16_ror8(wa);               \
        const int32_t wb01 = mcu_sxtb16(wb), wb23 = mcu_sxtb16_ror8(wb);               \
        const int32_t c001 = mcu_load_s16x2(col0 + (kk));                              \
        const int32_t c023 = mcu_load_s16x2(col0 + (kk) + 2);                          \
        const int32_t c101 = mcu_load_s16x2(col1 + (kk));                              \
        const int32_t c123 = mcu_load_s16x2(col1 + (kk) + 2);                          \
        a00 = mcu_smlad(c001, wa01, a00);                                              \
        a00 = mcu_smlad(c023, wa23, a00);                                              \
        a10 = mcu_smlad(c001, wb01, a10);                                              \
        a10 = mcu_smlad(c023, wb23, a10);                                              \
        a01 = mcu_smlad(c101, wa01, a01);                                              \
        a01 = mcu_smlad(c123, wa23, a01);                                              \
        a11 = mcu_smlad(c101, wb01, a11);                                              \
        a11 = mcu_smlad(c123, wb23, a11);                                              \
    } while (0)

/*
 * out0[oc], out1[oc] = bias + dot products of patches col0, col1 (K int16 each) with the
 * reordered filter rows, requantized, for every oc. col1 == col0 and out1 == out0 for a
 * lone pixel (the same byte is written twice).
 */
MCU_INLINE void mcu_gemm_2x2_s8_s16_body(
    const int16_t *col0, const int16_t *col1, int8_t *out0, int8_t *out1,
    const int8_t *filter, const int32_t *bias, const int32_t *requant, int32_t K,
    int32_t out_c, int32_t act_min, int32_t act_max)
{
    int32_t oc = 0;
    for (int32_t pairs = out_c >> 1; pairs > 0; --pairs, oc += 2) {
        const int8_t *w0 = filter + oc * K;
        const int8_t *w1 = w0 + K;
        int32_t a00 = bias[oc], a01 = a00, a10 = bias[oc + 1], a11 = a10;
        int32_t k = 0;
        for (int32_t blocks = K >> 3; blocks > 0; --blocks, k += 8) { /* half the loop overhead */
            MCU_GEMM_2X2_STEP(k);
            MCU_GEMM_2X2_STEP(k + 4);
        }
        if (K & 4) {
            MCU_GEMM_2X2_STEP(k);
            k += 4;
        }
        for (int32_t rest = K & 3; rest > 0; --rest, ++k) {
            const int32_t x0 = mcu_load_s16(col0 + k), x1 = mcu_load_s16(col1 + k);
            a00 += w0[k] * x0;
            a10 += w1[k] * x0;
            a01 += w0[k] * x1;
            a11 += w1[k] * x1;
        }
        mcu_store_2x2_s8(out0, out1, oc, requant, a00, a01, a10, a11, act_min, act_max);
    }
    if (out_c & 1) {
        const int8_t *w0 = filter + oc * K;
        int32_t a00 = bias[oc], a01 = a00;
        int32_t k = 0;
        for (int32_t blocks = K >> 2; blocks > 0; --blocks, k += 4) {
            const int32_t wa = mcu_load_s8x4(w0 + k);
            const int32_t wa01 = mcu_sxtb16(wa), wa23 = mcu_sxtb16_ror8(wa);
            a00 = mcu_smlad(mcu_load_s16x2(col0 + k), wa01, a00);
            a00 = mcu_smlad(mcu_load_s16x2(col0 + k + 2), wa23, a00);
            a01 = mcu_smlad(mcu_load_s16x2(col1 + k), wa01, a01);
            a01 = mcu_smlad(mcu_load_s16x2(col1 + k + 2), wa23, a01);
        }
        for (int32_t rest = K & 3; rest > 0; --rest, ++k) {
            a00 += w0[k] * mcu_load_s16(col0 + k);
            a01 += w0[k] * mcu_load_s16(col1 + k);
        }
        const int32_t *const rq = requant + 3 * oc;
        out0[oc] = (int8_t)mcu_clamp_s8(mcu_requant_bounded(a00, rq[0], rq[1], rq[2]), act_min, act_max);
        out1[oc] = (int8_t)mcu_clamp_s8(mcu_requant_bounded(a01, rq[0], rq[1], rq[2]), act_min, act_max);
    }
}

/* The GEMM of one layer, as a function of its own. */
typedef void (*mcu_gemm_2x2_fn)(const int16_t *col0, const int16_t *col1, int8_t *out0,
                                int8_t *out1, const void *filter, const int32_t *bias,
                                const int32_t *requant);

/* Defines `name`, the layer's GEMM with K, out_c and the activation bounds as constants (the
 * compiler unrolls the K loop and drops the bounds SSAT already gives); the generated model
 * defines one per layer run by this kernel. */
#define MCU_CONV2D_IM2COL_LAYER(name, K, OUT_C, ACT_MIN, ACT_MAX)                           \
    MCU_NOINLINE void name(const int16_t *col0, const int16_t *col1, int8_t *out0,           \
                           int8_t *out1, const void *filter, const int32_t *bias,            \
                           const int32_t *requant)                                          \
    {                                                                                       \
        mcu_gemm_2x2_s8_s16_body(col0, col1, out0, out1, (const int8_t *)filter, bias,      \
                                 requant, (K), (OUT_C), (ACT_MIN), (ACT_MAX));              \
    }

/* The layer: im2col of two pixels at a time, then `gemm` (made by MCU_CONV2D_IM2COL_LAYER
 * with this layer's K, out_c and bounds) writes both. */
MCU_KERNEL void mcu_conv2d_im2col_s8(
    mcu_gemm_2x2_fn gemm, const int8_t *input, int8_t *output, const void *filter, const int32_t *bias,
    const int32_t *requant, int16_t *scratch,
    int32_t batches, int32_t in_h, int32_t in_w, int32_t in_c,
    int32_t out_h, int32_t out_w, int32_t out_c,
    int32_t filter_h, int32_t filter_w, int32_t stride_h, int32_t stride_w,
    int32_t dilation_h, int32_t dilation_w, int32_t pad_top, int32_t pad_left,
    int32_t input_offset)
{
    const int32_t K = filter_h * filter_w * in_c;
    const int32_t offset2 = mcu_dup_s16(input_offset);
    int16_t *const col0 = scratch;
    int16_t *const col1 = scratch + MCU_CONV2D_IM2COL_COLUMN(K);
    const int32_t pixels = out_h * out_w;
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *image = input + b * in_h * in_w * in_c;
        int8_t *out = output + b * pixels * out_c;
        int32_t oy = 0, ox = 0;
        for (int32_t p = 0; p < pixels; p += 2) {
            mcu_im2col_patch_s8_s16(col0, image, in_h, in_w, in_c, filter_h, filter_w, dilation_h,
                                    dilation_w, oy * stride_h - pad_top, ox * stride_w - pad_left, offset2);
            if (++ox == out_w) {
                ox = 0;
                ++oy;
            }
            int8_t *const out0 = out + p * out_c;
            if (p + 1 < pixels) {
                mcu_im2col_patch_s8_s16(col1, image, in_h, in_w, in_c, filter_h, filter_w, dilation_h,
                                        dilation_w, oy * stride_h - pad_top, ox * stride_w - pad_left,
                                        offset2);
                if (++ox == out_w) {
                    ox = 0;
                    ++oy;
                }
                gemm(col0, col1, out0, out0 + out_c, filter, bias, requant);
            } else { /* a lone last pixel: both outputs the same bytes, written twice */
                gemm(col0, col0, out0, out0, filter, bias, requant);
            }
        }
    }
}

/* n bytes from src to dst, a word at a time (both may be unaligned: DSP cores load and store
 * words at any address). */
MCU_INLINE void mcu_copy_row_s8(int8_t *dst, const int8_t *src, int32_t n)
{
    for (; n >= 4; n -= 4, dst += 4, src += 4) {
        const int32_t word = mcu_load_s8x4(src);
        memcpy(dst, &word, sizeof word);
    }
    for (; n > 0; --n) {
        *dst++ = *src++;
    }
}

/* One patch whose filter rows are not whole groups of 4 (3- and 1-channel first layers):
 * its bytes gathered in order into `bytes`, filter row fy from fy * patch_row on (padded
 * taps hold the input's zero point, which the offset turns into 0), so that it goes into
 * its lane in whole groups like any other. */
MCU_INLINE void mcu_im2col_gather_s8(
    int8_t *bytes, int32_t patch_row, const int8_t *image, int32_t in_h, int32_t in_w,
    int32_t in_c, int32_t filter_h, int32_t filter_w, int32_t dilation_h, int32_t dilation_w,
    int32_t in_y0, int32_t in_x0, int32_t pad_value)
{
    const int32_t row = filter_w * in_c;
    const int32_t in_x1 = in_x0 + dilation_w * (filter_w - 1);
    if (in_y0 < 0 || in_y0 + dilation_h * (filter_h - 1) >= in_h || in_x0 < 0 || in_x1 >= in_w) {
        memset(bytes, pad_value, (size_t)(filter_h * patch_row));
    }
    for (int32_t fy = 0; fy < filter_h; ++fy, bytes += patch_row) {
        const int32_t in_y = in_y0 + dilation_h * fy;
        if (in_y < 0 || in_y >= in_h) {
            continue;
        }
        const int8_t *src = image + in_y * in_w * in_c;
        if (dilation_w == 1 && in_x0 >= 0 && in_x1 < in_w) {
            mcu_copy_row_s8(bytes, src + in_x0 * in_c, row);
            continue;
        }
        for (int32_t fx = 0; fx < filter_w; ++fx) {
            const int32_t in_x = in_x0 + dilation_w * fx;
            if (in_x >= 0 && in_x < in_w) {
                mcu_copy_row_s8(bytes + fx * in_c, src + in_x * in_c, in_c);
            }
        }
    }
}

/* n groups of 4 values from src (int8, offset added) into the lane slots at dst (int16
 * pairs x0 x2, x1 x3; a group's slots are 16 bytes apart in the interleaved columns), and at
 * dst2 too when both is 1; returns src advanced. */
MCU_INLINE const int8_t *mcu_expand_il_run(const int8_t *src, int16_t **dst, int16_t **dst2,
                                           int32_t n, int32_t both, int32_t offset2)
{
    int16_t *d = *dst, *d2 = *dst2;
#if MCU_SIMD_DSP && defined(__GNUC__)
    /* two groups per pass (an odd one first in C): 5 instructions per group, 6 for both */
    if (n & 1) {
        const int32_t x = mcu_load_s8x4(src);
        src += 4;
        mcu_il_group(d, x, offset2);
        d += 8;
        if (both) {
            mcu_il_group(d2, x, offset2);
            d2 += 8;
        }
    }
    n >>= 1;
    if (n > 0) {
        int32_t x, y, t;
        /* a pass: two words, each expanded to its lane slots at d (and d2: `second` stores) */
#define MCU_IL_PASS_ASM(second_x, second_y)                                            \
    "1:\n\t"                                                                           \
    "ldr %[x], [%[src]], #4\n\t"                                                       \
    "ldr %[y], [%[src]], #4\n\t"                                                       \
    "sxtab16 %[t], %[off], %[x]\n\t"                                                   \
    "sxtab16 %[x], %[off], %[x], ror #8\n\t"                                           \
    "strd %[t], %[x], [%[d]], #16\n\t"                                                 \
    second_x                                                                           \
    "sxtab16 %[t], %[off], %[y]\n\t"                                                   \
    "sxtab16 %[y], %[off], %[y], ror #8\n\t"                                           \
    "strd %[t], %[y], [%[d]], #16\n\t"                                                 \
    second_y                                                                           \
    "subs %[n], %[n], #1\n\t"                                                          \
    "bne 1b\n\t"
#define MCU_IL_PASS_OPERANDS                                                           \
    : [src] "+r"(src), [d] "+r"(d), [d2] "+r"(d2), [n] "+r"(n), [x] "=&r"(x),          \
      [y] "=&r"(y), [t] "=&r"(t)                                                       \
    : [off] "r"(offset2)                                                               \
    : "cc", "memory"
        if (both) {
            __asm__ volatile(MCU_IL_PASS_ASM("strd %[t], %[x], [%[d2]], #16\n\t",
                                             "strd %[t], %[y], [%[d2]], #16\n\t")
                             MCU_IL_PASS_OPERANDS);
        } else {
            __asm__ volatile(MCU_IL_PASS_ASM("", "") MCU_IL_PASS_OPERANDS);
        }
#undef MCU_IL_PASS_ASM
#undef MCU_IL_PASS_OPERANDS
    }
#else
    for (; n > 0; --n, src += 4, d += 8) {
        const int32_t x = mcu_load_s8x4(src);
        mcu_il_group(d, x, offset2);
        if (both) {
            mcu_il_group(d2, x, offset2);
            d2 += 8;
        }
    }
#endif
    *dst = d;
    *dst2 = d2;
    return src;
}

/* The 3x3 window of a 3-channel image (the usual first layer) inside the image, straight
 * into its lane: its 27 bytes as 7 words (the 28th byte 0, its weight 0), the words across
 * filter rows put together from two loads; r0 is the window's top-left pixel. No byte past
 * the window's rows is read but two of the middle row's successor, inside the image. */
MCU_INLINE void mcu_im2col_3x3_c3(int16_t *lane, const int8_t *r0, int32_t in_row, int32_t offset2)
{
    const int8_t *const r1 = r0 + in_row, *const r2 = r1 + in_row;
    mcu_il_group(lane, mcu_load_s8x4(r0), offset2);
    mcu_il_group(lane + 8, mcu_load_s8x4(r0 + 4), offset2);
    mcu_il_group(lane + 16, (int32_t)((uint32_t)(uint8_t)r0[8] | (uint32_t)mcu_load_s8x4(r1) << 8),
                 offset2);
    mcu_il_group(lane + 24, mcu_load_s8x4(r1 + 3), offset2);
    mcu_il_group(lane + 32, mcu_pkhbt(mcu_load_s8x4(r1 + 7), mcu_load_s8x4(r2)), offset2);
    mcu_il_group(lane + 40, mcu_load_s8x4(r2 + 2), offset2);
    mcu_il_group(lane + 48, (int32_t)((uint32_t)mcu_load_s8x4(r2 + 5) >> 8), offset2);
}

/* One lane of a layer whose filter rows are not whole groups of 4: rows padded to whole
 * groups (`padded`) and read whole from the image when the window and the padding's
 * values lie inside it, else the patch's bytes gathered first (patch_row values per row)
 * and expanded in one go. */
MCU_INLINE void mcu_im2col_rows_s8(
    int16_t *lane, int8_t *bytes, int32_t patch_row, int32_t padded, const int8_t *image,
    int32_t in_h, int32_t in_w, int32_t in_c, int32_t filter_h, int32_t filter_w,
    int32_t dilation_h, int32_t dilation_w, int32_t in_y0, int32_t in_x0, int32_t input_offset,
    int32_t offset2)
{
    const int32_t in_row = in_w * in_c;
    if (padded && dilation_w == 1 && in_y0 >= 0 && in_x0 >= 0
        && in_y0 + dilation_h * (filter_h - 1) < in_h && in_x0 * in_c + patch_row <= in_row) {
        int16_t *unused = lane;
        const int8_t *src = image + in_y0 * in_row + in_x0 * in_c;
        for (int32_t fy = 0; fy < filter_h; ++fy, src += dilation_h * in_row) {
            mcu_expand_il_run(src, &lane, &unused, patch_row >> 2, 0, offset2);
        }
        return;
    }
    if (!padded && filter_h == 3 && filter_w == 3 && in_c == 3 && dilation_h == 1
        && dilation_w == 1 && in_y0 >= 0 && in_y0 + 3 <= in_h && in_x0 >= 0 && in_x0 + 3 <= in_w) {
        mcu_im2col_3x3_c3(lane, image + in_y0 * in_row + in_x0 * 3, in_row, offset2);
        return;
    }
    mcu_im2col_gather_s8(bytes, patch_row, image, in_h, in_w, in_c, filter_h, filter_w,
                         dilation_h, dilation_w, in_y0, in_x0, -input_offset);
    mcu_expand_s8_s16_il(lane, 0, bytes, MCU_CONV2D_IM2COL_COLUMN(filter_h * patch_row), offset2);
}

/* Both lanes of a pixel pair whose filter rows, padded to whole groups (`groups` a row), lie
 * inside the image with their padding: each row read whole, a word per group and lane
 * (person's 3x3x1 first layer: 4 instructions per row and lane). src: the first window's
 * top-left pixel; step: bytes between filter rows; shift: between the two windows. */
MCU_INLINE void mcu_im2col_rows_pair(int16_t *cols, const int8_t *src, int32_t step,
                                     int32_t shift, int32_t filter_h, int32_t groups,
                                     int32_t offset2)
{
    for (int32_t fy = 0; fy < filter_h; ++fy, src += step) {
        for (int32_t g = 0; g < groups; ++g, cols += 8) {
            mcu_il_group(cols, mcu_load_s8x4(src + 4 * g), offset2);
            mcu_il_group(cols + 4, mcu_load_s8x4(src + shift + 4 * g), offset2);
        }
    }
}

/* Both lanes of a pixel pair whose windows lie inside the image, side by side (dilation 1,
 * in_c % 4 == 0, the second window `shift` groups to the right of the first, shift < row,
 * the groups of a filter row): each filter row's span of the two windows is expanded once,
 * its first `shift` groups into lane a only, the next row - shift into both, the last
 * shift into lane b only (3x3 stride 1 with 16 channels: 16 groups per filter row instead
 * of 24). src: the first window's top-left pixel; in_row: the image's row bytes. */
MCU_INLINE void mcu_im2col_pair_il(int16_t *cols, const int8_t *src, int32_t in_row,
                                   int32_t filter_h, int32_t row, int32_t shift, int32_t offset2)
{
    int16_t *da = cols, *db = cols + 4;
    for (int32_t fy = 0; fy < filter_h; ++fy, src += in_row) {
        const int8_t *s = mcu_expand_il_run(src, &da, &db, shift, 0, offset2);
        s = mcu_expand_il_run(s, &da, &db, row - shift, 1, offset2);
        mcu_expand_il_run(s, &db, &da, shift, 0, offset2);
    }
}

/* The layer with int16 weights: two pixels' patches interleaved into `scratch`, then `gemm`
 * (MCU_GEMM_W16_LAYER with K rounded up to 4, this layer's out_c and bounds; `stream` as
 * mcu_gemm_2x2.h describes it, weights 0 past the patch, so the slots there add nothing
 * whatever they hold) writes both; a lone last pixel fills both lanes and goes to `one`
 * (MCU_GEMM_W16_ONE, or gemm itself). The patches are written in MCU_IL's lane order and the
 * weights come in that order, patch_row values per filter row:
 * - a pair whose windows both lie inside the image (in_c % 4 == 0, dilation 1): together,
 *   each filter row's span once (mcu_im2col_pair_il);
 * - a pair whose filter rows are padded to whole groups and lie inside the image with their
 *   padding (dilation_w 1): both windows' rows read whole (mcu_im2col_rows_pair);
 * - other pixels whose filter rows are whole groups of 4: row by row in place (a tap that
 *   does not start a group, at a padded border with in_c % 4 != 0, goes value by value);
 * - filter rows not in groups of 4 (mcu_im2col_rows_s8): rows padded to whole groups
 *   (patch_row > filter_w * in_c) read whole inside the image, the 3x3 window of a
 *   3-channel image as 7 words, else the patch's bytes gathered past the two columns of
 *   scratch, then expanded in whole groups. */
MCU_KERNEL void mcu_conv2d_im2col_w16_s8(
    mcu_gemm_w16_fn gemm, mcu_gemm_w16_fn one, const int8_t *input, int8_t *output, const int32_t *stream,
    int16_t *scratch, int32_t batches, int32_t in_h, int32_t in_w, int32_t in_c,
    int32_t out_h, int32_t out_w, int32_t out_c,
    int32_t filter_h, int32_t filter_w, int32_t stride_h, int32_t stride_w,
    int32_t dilation_h, int32_t dilation_w, int32_t pad_top, int32_t pad_left,
    int32_t input_offset, int32_t patch_row)
{
    const int32_t offset2 = mcu_dup_s16(input_offset);
    const int32_t pixels = out_h * out_w;
    const int32_t K = filter_h * patch_row;
    const int32_t K4 = MCU_CONV2D_IM2COL_COLUMN(K);
    int8_t *const bytes = (int8_t *)(void *)(scratch + 2 * K4); /* rows not in groups */
    const int32_t gathers = (filter_w * in_c) & 3;
    /* rows padded to whole groups, read whole from the image inside it (the values past a
     * row meet zero weights) */
    const int32_t padded = patch_row != filter_w * in_c;
    if (gathers) {
        memset(bytes, 0, (size_t)K4); /* past each row and the patch: weights 0, any value */
    }
    /* pixel pairs inside the image expanded together (mcu_im2col_pair_il): groups per filter
     * row and between the two windows */
    const int32_t row = filter_w * in_c / 4, shift = stride_w * in_c / 4;
    const int32_t pairs = (in_c & 3) == 0 && dilation_h == 1 && dilation_w == 1 && shift < row;
    /* or, with filter rows padded to whole groups, both windows' rows read whole */
    const int32_t padded_pairs = padded && dilation_w == 1;
    const int32_t in_row = in_w * in_c;
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *image = input + b * in_h * in_w * in_c;
        int8_t *out = output + b * pixels * out_c;
        int32_t oy = 0, ox = 0;
        for (int32_t p = 0; p < pixels; p += 2) {
            const int32_t lone = p + 1 == pixels;
            const int32_t pair_y0 = oy * stride_h - pad_top, pair_x0 = ox * stride_w - pad_left;
            /* a pair whose windows both lie inside the image: together, shared spans once
             * (1) or padded rows read whole (2) */
            int32_t together = 0;
            if (!lone && ox + 1 < out_w && pair_y0 >= 0 && pair_x0 >= 0) {
                if (pairs && pair_y0 + filter_h <= in_h && pair_x0 + stride_w + filter_w <= in_w) {
                    together = 1;
                } else if (padded_pairs && pair_y0 + dilation_h * (filter_h - 1) < in_h
                           && (pair_x0 + stride_w) * in_c + patch_row <= in_row) {
                    together = 2;
                }
            }
            if (together) {
                const int8_t *const src = image + pair_y0 * in_row + pair_x0 * in_c;
                if (together == 1) {
                    mcu_im2col_pair_il(scratch, src, in_row, filter_h, row, shift, offset2);
                } else {
                    mcu_im2col_rows_pair(scratch, src, dilation_h * in_row, stride_w * in_c,
                                         filter_h, patch_row >> 2, offset2);
                }
                ox += 2;
                if (ox == out_w) {
                    ox = 0;
                    ++oy;
                }
                gemm((const mcu_word *)(const void *)scratch, out + p * out_c, out_c, stream);
                continue;
            }
            for (int32_t lane = 0; lane < 2; ++lane) {
                const int32_t in_y0 = oy * stride_h - pad_top, in_x0 = ox * stride_w - pad_left;
                if (gathers) {
                    mcu_im2col_rows_s8(scratch + 4 * lane, bytes, patch_row, padded, image,
                                       in_h, in_w, in_c, filter_h, filter_w, dilation_h,
                                       dilation_w, in_y0, in_x0, input_offset, offset2);
                } else {
                    mcu_im2col_patch_il(scratch + 4 * lane, image, in_h, in_w, in_c, filter_h,
                                        filter_w, dilation_h, dilation_w, in_y0, in_x0, offset2);
                }
                if (!lone && ++ox == out_w) {
                    ox = 0;
                    ++oy;
                }
            }
            (lone ? one : gemm)((const mcu_word *)(const void *)scratch, out + p * out_c,
                                lone ? 0 : out_c, stream);
        }
    }
}

#endif /* MCU_CONV2D_IM2COL_S8_H */
