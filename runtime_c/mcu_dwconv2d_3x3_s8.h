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
 * and the requantization is mcu_requant_bounded (five instructions, the table proven exact
 * by mcugen/ops/fast_requant.py), the output stored with the channel stride.
 *
 * Bit-exact with TFLM reference_integer_ops::DepthwiseConvPerChannel.
 * Preconditions: filter 1x3x3xC; bias[c] = bias + input_offset * (sum of channel c's nine
 * weights), wrapped to int32; requant holds (multiplier, c, right) per channel from
 * fast_requant_table; pad_value is the input zero point (= -input_offset).
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

/* SMLABT: acc + lo(a) * hi(b), wrapping. */
MCU_INLINE int32_t mcu_dw3x3_smlabt(int32_t a, int32_t b, int32_t acc)
{
#if MCU_SIMD_DSP
    return __smlabt(a, b, acc);
#else
    return (int32_t)((uint32_t)acc
                     + (uint32_t)(mcu_lane_s16((uint32_t)a, 0) * mcu_lane_s16((uint32_t)b, 1)));
#endif
}

/* SMLATB: acc + hi(a) * lo(b), wrapping. */
MCU_INLINE int32_t mcu_dw3x3_smlatb(int32_t a, int32_t b, int32_t acc)
{
#if MCU_SIMD_DSP
    return __smlatb(a, b, acc);
#else
    return (int32_t)((uint32_t)acc
                     + (uint32_t)(mcu_lane_s16((uint32_t)a, 1) * mcu_lane_s16((uint32_t)b, 0)));
#endif
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

/* PKHBT a, b, LSL #16 and PKHTB a, b, ASR #16 as one instruction each (GCC 12 does not
 * match mcu_pkhbt / mcu_pkhtb here and emits two or three). */
MCU_INLINE int32_t mcu_dw3x3_pkhbt(int32_t a, int32_t b)
{
#if MCU_SIMD_DSP && defined(__GNUC__)
    int32_t r;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return mcu_pkhbt(a, b);
#endif
}

MCU_INLINE int32_t mcu_dw3x3_pkhtb(int32_t a, int32_t b)
{
#if MCU_SIMD_DSP && defined(__GNUC__)
    int32_t r;
    __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return mcu_pkhtb(a, b);
#endif
}

/* SSAT #8. */
MCU_INLINE int32_t mcu_dw3x3_ssat8(int32_t x)
{
#if MCU_SIMD_DSP
    return __ssat(x, 8);
#else
    return mcu_clamp(x, -128, 127);
#endif
}

/* Requantized, clamped output byte; full_range (a constant at each call): the activation
 * range is the whole int8 range, one SSAT. */
MCU_INLINE int8_t mcu_dw3x3_out(int32_t acc, int32_t multiplier, int32_t c, int32_t right,
                                int32_t full_range, int32_t act_min, int32_t act_max)
{
    const int32_t v = mcu_requant_bounded(acc, multiplier, c, right);
    return (int8_t)(full_range ? mcu_dw3x3_ssat8(v) : mcu_clamp(v, act_min, act_max));
}

/*
 * One output row of one channel. The ring interleaves its three rows by column pair: group
 * j is three words, (x[2j], x[2j+1]) of slots 0, 1, 2, so one pointer reaches all three rows
 * at constant offsets. p holds the weight pairs (w0, w1), (w1, w2) of the filter rows in
 * slots 0, 1, 2, then bias, multiplier, c, right. Stride 1: two outputs per group; stride 2:
 * one. Out of line, so that the loop has the registers to itself.
 */
MCU_INLINE void mcu_dw3x3_row(const int32_t *g, int8_t *out, int32_t out_w, int32_t channels,
                              const int32_t *p, int32_t stride_w, int32_t full_range,
                              int32_t act_min, int32_t act_max)
{
    const int32_t a0 = p[0], b0 = p[1], a1 = p[2], b1 = p[3], a2 = p[4], b2 = p[5];
    const int32_t bias = p[6], multiplier = p[7], c = p[8], right = p[9];
    if (stride_w == 1) {
        for (const int32_t *const end = g + 3 * (out_w >> 1); g != end; out += 2 * channels, g += 3) {
            const int32_t x0 = mcu_dw3x3_load(g), x1 = mcu_dw3x3_load(g + 1), x2 = mcu_dw3x3_load(g + 2);
            const int32_t y0 = mcu_dw3x3_load(g + 3), y1 = mcu_dw3x3_load(g + 4), y2 = mcu_dw3x3_load(g + 5);
            int32_t acc0 = mcu_smlad(x0, a0, bias), acc1 = mcu_dw3x3_smlatb(x0, a0, bias);
            acc0 = mcu_dw3x3_smlabt(y0, b0, acc0);
            acc1 = mcu_smlad(y0, b0, acc1);
            acc0 = mcu_smlad(x1, a1, acc0);
            acc1 = mcu_dw3x3_smlatb(x1, a1, acc1);
            acc0 = mcu_dw3x3_smlabt(y1, b1, acc0);
            acc1 = mcu_smlad(y1, b1, acc1);
            acc0 = mcu_smlad(x2, a2, acc0);
            acc1 = mcu_dw3x3_smlatb(x2, a2, acc1);
            acc0 = mcu_dw3x3_smlabt(y2, b2, acc0);
            acc1 = mcu_smlad(y2, b2, acc1);
            out[0] = mcu_dw3x3_out(acc0, multiplier, c, right, full_range, act_min, act_max);
            out[channels] = mcu_dw3x3_out(acc1, multiplier, c, right, full_range, act_min, act_max);
        }
        if (!(out_w & 1)) {
            return;
        }
    } else {
        for (const int32_t *const end = g + 3 * (out_w - 1); g != end; out += channels, g += 3) {
            int32_t acc = mcu_smlad(mcu_dw3x3_load(g), a0, bias);
            acc = mcu_smlad(mcu_dw3x3_load(g + 1), a1, acc);
            acc = mcu_smlad(mcu_dw3x3_load(g + 2), a2, acc);
            acc = mcu_dw3x3_smlabt(mcu_dw3x3_load(g + 3), b0, acc);
            acc = mcu_dw3x3_smlabt(mcu_dw3x3_load(g + 4), b1, acc);
            acc = mcu_dw3x3_smlabt(mcu_dw3x3_load(g + 5), b2, acc);
            out[0] = mcu_dw3x3_out(acc, multiplier, c, right, full_range, act_min, act_max);
        }
    }
    /* the last output (odd width at stride 1) */
    int32_t acc = mcu_smlad(mcu_dw3x3_load(g), a0, bias);
    acc = mcu_smlad(mcu_dw3x3_load(g + 1), a1, acc);
    acc = mcu_smlad(mcu_dw3x3_load(g + 2), a2, acc);
    acc = mcu_dw3x3_smlabt(mcu_dw3x3_load(g + 3), b0, acc);
    acc = mcu_dw3x3_smlabt(mcu_dw3x3_load(g + 4), b1, acc);
    acc = mcu_dw3x3_smlabt(mcu_dw3x3_load(g + 5), b2, acc);
    out[0] = mcu_dw3x3_out(acc, multiplier, c, right, full_range, act_min, act_max);
}

MCU_NOINLINE void mcu_dw3x3_row_s1(const int32_t *g, int8_t *out, int32_t out_w, int32_t channels,
                                   const int32_t *p, int32_t act_min, int32_t act_max)
{
    if (act_min == -128 && act_max == 127) {
        mcu_dw3x3_row(g, out, out_w, channels, p, 1, 1, act_min, act_max);
    } else {
        mcu_dw3x3_row(g, out, out_w, channels, p, 1, 0, act_min, act_max);
    }
}

MCU_NOINLINE void mcu_dw3x3_row_s2(const int32_t *g, int8_t *out, int32_t out_w, int32_t channels,
                                   const int32_t *p, int32_t act_min, int32_t act_max)
{
    if (act_min == -128 && act_max == 127) {
        mcu_dw3x3_row(g, out, out_w, channels, p, 2, 1, act_min, act_max);
    } else {
        mcu_dw3x3_row(g, out, out_w, channels, p, 2, 0, act_min, act_max);
    }
}

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
    for (; x + 2 <= last; x += 2, src += 2 * channels, dst += 6) {
        mcu_store_s16x2(dst, mcu_dw3x3_pkhbt(src[0], src[channels]));
    }
    if (x < last) {
        mcu_store_s16(dst, src[0]);
    }
}

/* The same for four channels (rings ring_size int16 apart), one word per pixel: SXTB16
 * splits it into channels (0, 2) and (1, 3), PKHBT / PKHTB pair two pixels per channel. */
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
    int16_t *dst = ring + (x >> 1) * 6 + slot * 2;
    for (; x + 2 <= last; x += 2, src += 2 * channels, dst += 6) {
        const int32_t a = mcu_load_s8x4(src), b = mcu_load_s8x4(src + channels);
        const int32_t a02 = mcu_sxtb16(a), a13 = mcu_sxtb16_ror8(a);
        const int32_t b02 = mcu_sxtb16(b), b13 = mcu_sxtb16_ror8(b);
        mcu_store_s16x2(dst, mcu_dw3x3_pkhbt(a02, b02));
        mcu_store_s16x2(dst + ring_size, mcu_dw3x3_pkhbt(a13, b13));
        mcu_store_s16x2(dst + 2 * ring_size, mcu_dw3x3_pkhtb(b02, a02));
        mcu_store_s16x2(dst + 3 * ring_size, mcu_dw3x3_pkhtb(b13, a13));
    }
    if (x < last) {
        for (int32_t l = 0; l < 4; ++l) {
            mcu_store_s16(dst + l * ring_size, src[l]);
        }
    }
}

MCU_KERNEL void mcu_dwconv2d_3x3_s8(
    const int8_t *input, int8_t *output, const int8_t *filter, const int32_t *bias,
    const int32_t *requant, int16_t *ring, int32_t lanes,
    int32_t batches, int32_t in_h, int32_t in_w, int32_t channels, int32_t out_h, int32_t out_w,
    int32_t stride_h, int32_t stride_w, int32_t pad_top, int32_t pad_left,
    int32_t pad_value, int32_t act_min, int32_t act_max)
{
    const int32_t row_len = MCU_DW3X3_ROW_LEN(out_w, stride_w);
    const int32_t ring_size = 3 * row_len;
    /* columns holding input pixels; the others are padding */
    const int32_t first = pad_left < row_len ? pad_left : row_len;
    const int32_t last = pad_left + in_w < row_len ? pad_left + in_w : row_len;
    for (int32_t i = 0; i < lanes * ring_size; ++i) {
        mcu_store_s16(ring + i, pad_value);
    }
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *image = input + b * in_h * in_w * channels;
        int8_t *out_image = output + b * out_h * out_w * channels;
        for (int32_t c0 = 0; c0 < channels;) {
            /* a group of four channels expanded together (lanes 4), or one channel */
            const int32_t group = lanes == 4 && c0 + 4 <= channels ? 4 : 1;
            /* input row y sits in ring slot (y + pad_top) % 3 */
            int32_t next = -pad_top; /* first input row not yet in the ring */
            for (int32_t oy = 0; oy < out_h; ++oy) {
                const int32_t y0 = oy * stride_h - pad_top;
                if (next < y0) {
                    next = y0;
                }
                for (; next < y0 + 3; ++next) {
                    const int32_t slot = (next + pad_top) % 3;
                    if (next >= 0 && next < in_h) {
                        const int8_t *src = image + (next * in_w + first - pad_left) * channels + c0;
                        if (last <= first) {
                            /* no input column reaches the windows */
                        } else if (group == 4) {
                            mcu_dw3x3_expand4(ring, ring_size, slot, src, channels, first, last);
                        } else {
                            mcu_dw3x3_expand(ring, slot, src, channels, first, last);
                        }
                    } else {
                        for (int32_t l = 0; l < group; ++l) {
                            for (int32_t x = first; x < last; ++x) {
                                mcu_store_s16(ring + l * ring_size + (x >> 1) * 6 + slot * 2 + (x & 1), pad_value);
                            }
                        }
                    }
                }
                /* slot k holds filter row (k - y0 - pad_top) mod 3 */
                const int32_t top = (y0 + pad_top) % 3;
                for (int32_t l = 0; l < group; ++l) {
                    const int32_t c = c0 + l;
                    /* (w0, w1), (w1, w2) of the filter row in each slot, bias, requantization */
                    int32_t p[10];
                    for (int32_t k = 0; k < 3; ++k) {
                        const int8_t *f = filter + (k - top + 3) % 3 * 3 * channels + c;
                        p[2 * k] = mcu_pack_s16x2(f[0], f[channels]);
                        p[2 * k + 1] = mcu_pack_s16x2(f[channels], f[2 * channels]);
                    }
                    p[6] = bias[c], p[7] = requant[3 * c], p[8] = requant[3 * c + 1], p[9] = requant[3 * c + 2];
                    const int32_t *g = (const int32_t *)(const void *)(ring + l * ring_size);
                    int8_t *out = out_image + oy * out_w * channels + c;
                    if (stride_w == 1) {
                        mcu_dw3x3_row_s1(g, out, out_w, channels, p, act_min, act_max);
                    } else {
                        mcu_dw3x3_row_s2(g, out, out_w, channels, p, act_min, act_max);
                    }
                }
            }
            c0 += group;
        }
    }
}

#endif /* MCU_DWCONV2D_3X3_S8_H */
