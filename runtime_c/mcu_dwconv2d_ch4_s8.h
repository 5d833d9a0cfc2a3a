/*
 * mcu_dwconv2d_ch4_s8: int8 depthwise 2-D convolution with depth multiplier 1, four
 * channels at a time: one word of input and one of filter per tap, unpacked by SXTB16 /
 * SXTAB16 (input offset added on the way), then SMLABB / SMLATT into four per-channel
 * accumulators. Any filter size, stride, dilation and padding. For a 3x3 filter (dilation
 * 1) the compiler also passes `wide`, a stream with the weights pre-extended to int16 (per
 * group of four channels: biases, per tap the words (w0,w2) (w1,w3), requantization; see
 * mcu_dwconv2d_ch4_3x3_taps): output pixels whose window lies inside the
 * image then take an unrolled path (mcu_dwconv2d_ch4_3x3_pixel), border pixels the same with
 * the padded taps skipped (mcu_dwconv2d_ch4_3x3_border); the last channels % 4 the general
 * loops. wide = 0 otherwise.
 *
 * Bit-exact with TFLM reference_integer_ops::DepthwiseConvPerChannel.
 * Preconditions: depth multiplier 1 (out_c == in_c); filter 1HWO; bias has out_c entries,
 * requant the out_c triples of the short requantization the compiler proved exact for the
 * layer (mcugen/ops/fast_requant.py); input and output overlap only as the planner allows.
 * Scratch: none.
 */
#ifndef MCU_DWCONV2D_CH4_S8_H
#define MCU_DWCONV2D_CH4_S8_H

#include "mcu_requant.h"
#include "mcu_taps.h"
#include "mcu_simd.h"

/* requant: the triples (multiplier, c, right) of the short requantization */
MCU_INLINE int8_t mcu_dw_output_s8(int32_t acc, const int32_t *requant, int32_t c,
                                   int32_t act_min, int32_t act_max)
{
    const int32_t *const rq = requant + 3 * c;
    return (int8_t)mcu_clamp_s8(mcu_requant_bounded(acc, rq[0], rq[1], rq[2]), act_min, act_max);
}

/* One output pixel of a 3x3 filter (dilation 1), all full groups of four channels: the
 * taps whose bit is set in `valid` (bit fy * 3 + fx; the others lie in the padding and add
 * nothing, as in TFLM), unrolled, from the stream `wide` (mcugen/ops/conv2d.py
 * dw_ch4_stream: per group the doubled biases, per tap the doubled weights as words
 * (w0,w2) (w1,w3), one LDRD, then the requantization words): 8 instructions per tap and
 * group, 4 per output for the requantization (mcu_requant_doubled). Offsets are integers
 * from `image`, so no pointer is formed outside the image. */
MCU_INLINE void mcu_dwconv2d_ch4_3x3_taps(
    const int8_t *image, int32_t origin, int8_t *out, const int32_t *wide, int32_t in_w,
    int32_t channels, int32_t valid, int32_t input_offset, int32_t act_min, int32_t act_max)
{
    const int32_t offset2 = mcu_dup_s16(input_offset);
    const int32_t row = in_w * channels;
    for (int32_t c = 0; c + 4 <= channels; c += 4, wide += 34) {
        int32_t a0 = wide[0], a1 = wide[1], a2 = wide[2], a3 = wide[3];
        const int32_t at = origin + c;
#define MCU_DW_TAP(t, offset)                                                          \
        if (valid & (1 << (t))) {                                                      \
            const int32_t x = mcu_load_s8x4(image + at + (offset));                    \
            const int32_t x02 = mcu_sxtab16(offset2, x), x13 = mcu_sxtab16_ror8(offset2, x); \
            int32_t lo, hi;                                                            \
            mcu_load_word_pair(wide + 4 + 2 * (t), &lo, &hi);                          \
            a0 = mcu_smlabb(x02, lo, a0);                                              \
            a2 = mcu_smlatt(x02, lo, a2);                                              \
            a1 = mcu_smlabb(x13, hi, a1);                                              \
            a3 = mcu_smlatt(x13, hi, a3);                                              \
        }
        MCU_DW_TAP(0, 0)
        MCU_DW_TAP(1, channels)
        MCU_DW_TAP(2, 2 * channels)
        MCU_DW_TAP(3, row)
        MCU_DW_TAP(4, row + channels)
        MCU_DW_TAP(5, row + 2 * channels)
        MCU_DW_TAP(6, 2 * row)
        MCU_DW_TAP(7, 2 * row + channels)
        MCU_DW_TAP(8, 2 * row + 2 * channels)
#undef MCU_DW_TAP
        const int32_t *const rq = wide + 22;
        out[c] = (int8_t)mcu_clamp_s8(mcu_requant_doubled(a0, rq[0], rq[1], rq[2]), act_min, act_max);
        out[c + 1] = (int8_t)mcu_clamp_s8(mcu_requant_doubled(a1, rq[3], rq[4], rq[5]), act_min, act_max);
        out[c + 2] = (int8_t)mcu_clamp_s8(mcu_requant_doubled(a2, rq[6], rq[7], rq[8]), act_min, act_max);
        out[c + 3] = (int8_t)mcu_clamp_s8(mcu_requant_doubled(a3, rq[9], rq[10], rq[11]), act_min, act_max);
    }
}

/* A pixel whose window lies wholly inside the image (the constant mask folds every test). */
MCU_NO_PRESCHEDULE MCU_NOINLINE void mcu_dwconv2d_ch4_3x3_pixel(
    const int8_t *image, int32_t origin, int8_t *out, const int32_t *wide, int32_t in_w,
    int32_t channels, int32_t input_offset, int32_t act_min, int32_t act_max)
{
    mcu_dwconv2d_ch4_3x3_taps(image, origin, out, wide, in_w, channels, 0x1FF, input_offset,
                              act_min, act_max);
}

/* A pixel on the image border: its valid taps only. */
MCU_NO_PRESCHEDULE MCU_NOINLINE void mcu_dwconv2d_ch4_3x3_border(
    const int8_t *image, int32_t origin, int8_t *out, const int32_t *wide, int32_t in_w,
    int32_t channels, int32_t valid, int32_t input_offset, int32_t act_min, int32_t act_max)
{
    mcu_dwconv2d_ch4_3x3_taps(image, origin, out, wide, in_w, channels, valid, input_offset,
                              act_min, act_max);
}

MCU_INLINE void mcu_dwconv2d_ch4_s8_body(
    const int8_t *input, int8_t *output, const int8_t *filter, const int32_t *bias,
    const int32_t *requant, const int32_t *wide, int32_t batches, int32_t in_h, int32_t in_w,
    int32_t channels, int32_t out_h, int32_t out_w, int32_t filter_h, int32_t filter_w,
    int32_t stride_h, int32_t stride_w, int32_t dilation_h, int32_t dilation_w,
    int32_t pad_top, int32_t pad_left,
    int32_t input_offset, int32_t act_min, int32_t act_max)
{
    const int32_t offset2 = mcu_dup_s16(input_offset);
    /* the unrolled 3x3 path (wide != 0 only for 3x3 filters with dilation 1) */
    const int32_t fast = wide != 0 && filter_h == 3 && filter_w == 3 && dilation_h == 1
                         && dilation_w == 1;
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *image = input + b * in_h * in_w * channels;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            const int32_t in_y0 = oy * stride_h - pad_top;
            /* valid filter rows: 0 <= in_y0 + dilation_h * fy < in_h */
            int32_t fy0, fy1;
            mcu_tap_range(in_y0, dilation_h, filter_h, in_h, &fy0, &fy1);
            for (int32_t ox = 0; ox < out_w; ++ox) {
                const int32_t in_x0 = ox * stride_w - pad_left;
                int32_t fx0, fx1;
                mcu_tap_range(in_x0, dilation_w, filter_w, in_w, &fx0, &fx1);
                /* index of tap (0, 0), which may lie in the padding: only valid taps are read */
                const int32_t origin = (in_y0 * in_w + in_x0) * channels;
                int32_t c = 0;
                if (fast && fy1 - fy0 == 3 && fx1 - fx0 == 3) {
                    mcu_dwconv2d_ch4_3x3_pixel(image, origin, output, wide, in_w,
                                               channels, input_offset, act_min, act_max);
                    c = channels & ~3;
                } else if (fast) {
                    const int32_t cols = ((1 << fx1) - 1) & ~((1 << fx0) - 1); /* bits fx0..fx1-1 */
                    int32_t valid = 0;
                    for (int32_t fy = fy0; fy < fy1; ++fy) {
                        valid |= cols << (3 * fy);
                    }
                    mcu_dwconv2d_ch4_3x3_border(image, origin, output, wide, in_w,
                                                channels, valid, input_offset, act_min, act_max);
                    c = channels & ~3;
                }
                for (int32_t groups = (channels - c) >> 2; groups > 0; --groups, c += 4) {
                    int32_t a0 = bias[c], a1 = bias[c + 1], a2 = bias[c + 2], a3 = bias[c + 3];
                    for (int32_t fy = fy0; fy < fy1; ++fy) {
                        const int32_t in_row = origin + dilation_h * fy * in_w * channels + c;
                        const int8_t *f_row = filter + fy * filter_w * channels + c;
                        for (int32_t fx = fx0; fx < fx1; ++fx) {
                            const int32_t x = mcu_load_s8x4(image + in_row + dilation_w * fx * channels);
                            const int32_t w = mcu_load_s8x4(f_row + fx * channels);
                            const int32_t x02 = mcu_sxtab16(offset2, x), x13 = mcu_sxtab16_ror8(offset2, x);
                            const int32_t w02 = mcu_sxtb16(w), w13 = mcu_sxtb16_ror8(w);
                            a0 = mcu_smlabb(x02, w02, a0);
                            a2 = mcu_smlatt(x02, w02, a2);
                            a1 = mcu_smlabb(x13, w13, a1);
                            a3 = mcu_smlatt(x13, w13, a3);
                        }
                    }
                    output[c] = mcu_dw_output_s8(a0, requant, c, act_min, act_max);
                    output[c + 1] = mcu_dw_output_s8(a1, requant, c + 1, act_min, act_max);
                    output[c + 2] = mcu_dw_output_s8(a2, requant, c + 2, act_min, act_max);
                    output[c + 3] = mcu_dw_output_s8(a3, requant, c + 3, act_min, act_max);
                }
                for (int32_t rest = channels & 3; rest > 0; --rest, ++c) {
                    int32_t acc = bias[c];
                    for (int32_t fy = fy0; fy < fy1; ++fy) {
                        for (int32_t fx = fx0; fx < fx1; ++fx) {
                            const int32_t x = image[origin + (dilation_h * fy * in_w + dilation_w * fx) * channels + c];
                            acc += filter[(fy * filter_w + fx) * channels + c] * (x + input_offset);
                        }
                    }
                    output[c] = mcu_dw_output_s8(acc, requant, c, act_min, act_max);
                }
                output += channels;
            }
        }
    }
}

/* Out-of-line entry point, any filter (no unrolled path). A separate entry rather than a
 * null `wide`: GCC 12 propagates the null into the unrolled path's clone even though the
 * call is dead and then fails -Warray-bounds on it. */
MCU_NO_PRESCHEDULE MCU_KERNEL void mcu_dwconv2d_ch4_s8(
    const int8_t *input, int8_t *output, const int8_t *filter, const int32_t *bias,
    const int32_t *requant, int32_t batches, int32_t in_h, int32_t in_w,
    int32_t channels, int32_t out_h, int32_t out_w, int32_t filter_h, int32_t filter_w,
    int32_t stride_h, int32_t stride_w, int32_t dilation_h, int32_t dilation_w,
    int32_t pad_top, int32_t pad_left,
    int32_t input_offset, int32_t act_min, int32_t act_max)
{
    mcu_dwconv2d_ch4_s8_body(input, output, filter, bias, requant, 0, batches, in_h, in_w, channels,
                             out_h, out_w, filter_h, filter_w, stride_h, stride_w, dilation_h,
                             dilation_w, pad_top, pad_left, input_offset, act_min, act_max);
}

/* Out-of-line entry point for 3x3 filters with dilation 1 and the int16 weights `wide`. */
MCU_NO_PRESCHEDULE MCU_KERNEL void mcu_dwconv2d_ch4_3x3_s8(
    const int8_t *input, int8_t *output, const int8_t *filter, const int32_t *bias,
    const int32_t *requant, const int32_t *wide, int32_t batches, int32_t in_h, int32_t in_w,
    int32_t channels, int32_t out_h, int32_t out_w, int32_t stride_h, int32_t stride_w,
    int32_t pad_top, int32_t pad_left, int32_t input_offset, int32_t act_min, int32_t act_max)
{
    mcu_dwconv2d_ch4_s8_body(input, output, filter, bias, requant, wide, batches, in_h, in_w, channels,
                             out_h, out_w, 3, 3, stride_h, stride_w, 1, 1, pad_top, pad_left,
                             input_offset, act_min, act_max);
}

#endif /* MCU_DWCONV2D_CH4_S8_H */
