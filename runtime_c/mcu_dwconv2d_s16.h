/*
 * mcu_dwconv2d_s16: depthwise 2-D convolution, int16 NHWC input/output (zero point 0),
 * int8 1HWC filter (out_c = in_c * depth_multiplier), per-channel requant.
 *
 * Bit-exact with TFLM reference_integer_ops::DepthwiseConvPerChannel for int16 (int64
 * accumulator and bias, no offsets; acc32 selects an int32-bias path, mcu_requant_s16.h).
 * Preconditions: strides and dilations >= 1; multiplier/shift/bias have out_c entries;
 * the accumulator fits int64 (|acc| < 2^47), and int32 when acc32; input and output do
 * not overlap.
 * Scratch: none.
 */
#ifndef MCU_DWCONV2D_S16_H
#define MCU_DWCONV2D_S16_H

#include "mcu_requant_s16.h"

MCU_KERNEL void mcu_dwconv2d_s16(
    const int16_t *input, int16_t *output, const int8_t *filter, const int64_t *bias,
    const int32_t *multiplier, const int32_t *shift, int32_t acc32,
    int32_t batches, int32_t in_h, int32_t in_w, int32_t in_c,
    int32_t out_h, int32_t out_w, int32_t depth_multiplier,
    int32_t filter_h, int32_t filter_w, int32_t stride_h, int32_t stride_w,
    int32_t dilation_h, int32_t dilation_w, int32_t pad_top, int32_t pad_left,
    int32_t act_min, int32_t act_max)
{
    const int32_t out_c = in_c * depth_multiplier;
    for (int32_t b = 0; b < batches; ++b) {
        const int16_t *in_b = input + b * in_h * in_w * in_c;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            const int32_t in_y0 = oy * stride_h - pad_top;
            for (int32_t ox = 0; ox < out_w; ++ox) {
                const int32_t in_x0 = ox * stride_w - pad_left;
                for (int32_t oc = 0; oc < out_c; ++oc) {
                    const int32_t ic = oc / depth_multiplier;
                    int64_t acc = 0;
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
                            const int32_t x = in_b[(in_y * in_w + in_x) * in_c + ic];
                            const int32_t f = filter[(fy * filter_w + fx) * out_c + oc];
                            acc += (int64_t)(f * x);
                        }
                    }
                    acc += bias[oc];
                    const int32_t y = mcu_requant_acc_s16(acc, acc32, multiplier[oc], shift[oc]);
                    *output++ = (int16_t)mcu_clamp(y, act_min, act_max);
                }
            }
        }
    }
}

#endif /* MCU_DWCONV2D_S16_H */
