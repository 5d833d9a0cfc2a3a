/*
 * mcu_dwconv2d_inplace_s8: int8 depthwise 2-D convolution (depth multiplier 1, one batch)
 * that writes its output over its input, channel by channel (TinyEngine's in-place
 * depthwise). Output channel c depends on input channel c only, so each channel is
 * computed into a one-channel temporary and then copied into the channel-c slots of the
 * first out_h * out_w pixels, which hold input channel c: already consumed.
 *
 * Bit-exact with TFLM reference_integer_ops::DepthwiseConvPerChannel.
 * Preconditions: data holds the NHWC input (in_h x in_w x channels) and receives the
 * output (out_h x out_w x channels) at the same address; temp has out_h * out_w bytes and
 * does not overlap data.
 */
#ifndef MCU_DWCONV2D_INPLACE_S8_H
#define MCU_DWCONV2D_INPLACE_S8_H

#include "mcu_requant.h"
#include "mcu_taps.h"

MCU_KERNEL void mcu_dwconv2d_inplace_s8(
    int8_t *data, int8_t *temp, const int8_t *filter, const int32_t *bias,
    const int32_t *multiplier, const int32_t *shift,
    int32_t in_h, int32_t in_w, int32_t channels, int32_t out_h, int32_t out_w,
    int32_t filter_h, int32_t filter_w, int32_t stride_h, int32_t stride_w,
    int32_t dilation_h, int32_t dilation_w, int32_t pad_top, int32_t pad_left,
    int32_t input_offset, int32_t output_offset, int32_t act_min, int32_t act_max)
{
    const int32_t pixels = out_h * out_w;
    const int32_t tap_step = dilation_w * channels, row_step = dilation_h * in_w * channels;
    const int32_t is_3x3 = filter_h == 3 && filter_w == 3;
    for (int32_t c = 0; c < channels; ++c) {
        const int32_t bias_c = bias[c], multiplier_c = multiplier[c], shift_c = shift[c];
        /* 3x3 windows wholly inside the image: weights in registers, input offset folded
         * into the bias (sum of w * (x + offset) = sum of w * x + offset * sum of w). */
        int32_t w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0, w8 = 0;
        if (is_3x3) {
            w0 = filter[c], w1 = filter[channels + c], w2 = filter[2 * channels + c];
            w3 = filter[3 * channels + c], w4 = filter[4 * channels + c], w5 = filter[5 * channels + c];
            w6 = filter[6 * channels + c], w7 = filter[7 * channels + c], w8 = filter[8 * channels + c];
        }
        const int32_t bias_folded = bias_c + input_offset * (w0 + w1 + w2 + w3 + w4 + w5 + w6 + w7 + w8);
        int8_t *t = temp;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            const int32_t in_y0 = oy * stride_h - pad_top;
            /* valid filter rows and columns: no bounds test per tap (speed, issue 5) */
            int32_t fy0, fy1;
            mcu_tap_range(in_y0, dilation_h, filter_h, in_h, &fy0, &fy1);
            for (int32_t ox = 0; ox < out_w; ++ox) {
                const int32_t in_x0 = ox * stride_w - pad_left;
                int32_t fx0, fx1;
                mcu_tap_range(in_x0, dilation_w, filter_w, in_w, &fx0, &fx1);
                if (is_3x3 && fy1 - fy0 == 3 && fx1 - fx0 == 3) {
                    const int8_t *x = data + (in_y0 * in_w + in_x0) * channels + c;
                    const int8_t *y = x + row_step, *z = y + row_step;
                    int32_t sum = bias_folded + w0 * x[0] + w1 * x[tap_step] + w2 * x[2 * tap_step];
                    sum += w3 * y[0] + w4 * y[tap_step] + w5 * y[2 * tap_step];
                    sum += w6 * z[0] + w7 * z[tap_step] + w8 * z[2 * tap_step];
                    *t++ = (int8_t)mcu_clamp(mcu_requant_fast(sum, multiplier_c, shift_c) + output_offset,
                                             act_min, act_max);
                    continue;
                }
                int32_t acc = 0;
                for (int32_t fy = fy0; fy < fy1; ++fy) {
                    /* index of the first valid tap of the row: only valid bytes are addressed */
                    int32_t at = ((in_y0 + dilation_h * fy) * in_w + in_x0 + dilation_w * fx0) * channels + c;
                    const int8_t *f = filter + (fy * filter_w + fx0) * channels + c;
                    for (int32_t fx = fx0; fx < fx1; ++fx, at += tap_step, f += channels) {
                        acc += *f * ((int32_t)data[at] + input_offset);
                    }
                }
                                acc = mcu_requant_fast(acc + bias_c, multiplier_c, shift_c) + output_offset;
                *t++ = (int8_t)mcu_clamp(acc, act_min, act_max);
            }
        }
        for (int32_t p = 0; p < pixels; ++p) {
            data[p * channels + c] = temp[p];
        }
    }
}

#endif /* MCU_DWCONV2D_INPLACE_S8_H */
