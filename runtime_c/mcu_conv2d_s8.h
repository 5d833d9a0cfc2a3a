/*
 * mcu_conv2d_s8: int8 2-D convolution, NHWC input, OHWI filter, per-channel requant.
 *
 * Bit-exact with TFLM reference_integer_ops::ConvPerChannel.
 * Preconditions: filter depth == in_c (no groups); strides and dilations >= 1;
 * multiplier/shift/bias have out_c entries; input and output do not overlap.
 * Scratch: none.
 */
#ifndef MCU_CONV2D_S8_H
#define MCU_CONV2D_S8_H

#include "mcu_requant.h"

MCU_KERNEL void mcu_conv2d_s8(
    const int8_t *input, int8_t *output, const int8_t *filter, const int32_t *bias,
    const int32_t *multiplier, const int32_t *shift,
    int32_t batches, int32_t in_h, int32_t in_w, int32_t in_c,
    int32_t out_h, int32_t out_w, int32_t out_c,
    int32_t filter_h, int32_t filter_w, int32_t stride_h, int32_t stride_w,
    int32_t dilation_h, int32_t dilation_w, int32_t pad_top, int32_t pad_left,
    int32_t input_offset, int32_t output_offset, int32_t act_min, int32_t act_max)
{
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *in_b = input + b * in_h * in_w * in_c;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            const int32_t in_y0 = oy * stride_h - pad_top;
            for (int32_t ox = 0; ox < out_w; ++ox) {
                const int32_t in_x0 = ox * stride_w - pad_left;
                for (int32_t oc = 0; oc < out_c; ++oc) {
                    const int8_t *f_oc = filter + oc * filter_h * filter_w * in_c;
                    int32_t acc = 0;
                    for (int32_t fy = 0; fy < filter_h; ++fy) {
                        const int32_t in_y = in_y0 + dilation_h * fy;
                        if (in_y < 0 || in_y >= in_h) {
                            continue;
                        }
                        for (int32_t fx = 0; fx < filter_w; ++fx) {
                            const int32_t in_x = in_x0 + dilation_w * fx;
                            if (in_x < 0 || in_x >= in_w) {
                                continue;
                            }
                            const int8_t *px = in_b + (in_y * in_w + in_x) * in_c;
                            const int8_t *f = f_oc + (fy * filter_w + fx) * in_c;
                            for (int32_t ic = 0; ic < in_c; ++ic) {
                                acc += (int32_t)f[ic] * ((int32_t)px[ic] + input_offset);
                            }
                        }
                    }
                    acc += bias[oc];
                    acc = mcu_requant(acc, multiplier[oc], shift[oc]) + output_offset;
                    *output++ = (int8_t)mcu_clamp(acc, act_min, act_max);
                }
            }
        }
    }
}

#endif /* MCU_CONV2D_S8_H */
