/*
 * mcu_avgpool2d_s8 / mcu_maxpool2d_s8: int8 pooling over NHWC, window clipped at the
 * image border (padding cells are not counted), no requantization.
 *
 * Bit-exact with TFLM reference_integer_ops::AveragePool and MaxPool.
 * Preconditions: input and output share scale and zero point; filter and strides >= 1;
 * input and output do not overlap. Scratch: none.
 */
#ifndef MCU_POOL2D_S8_H
#define MCU_POOL2D_S8_H

#include "mcu_requant.h"

MCU_KERNEL void mcu_avgpool2d_s8(
    const int8_t *input, int8_t *output,
    int32_t batches, int32_t in_h, int32_t in_w, int32_t channels, int32_t out_h, int32_t out_w,
    int32_t filter_h, int32_t filter_w, int32_t stride_h, int32_t stride_w,
    int32_t pad_top, int32_t pad_left, int32_t act_min, int32_t act_max)
{
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *in_b = input + b * in_h * in_w * channels;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            const int32_t y0 = oy * stride_h - pad_top;
            const int32_t fy_start = y0 < 0 ? -y0 : 0;
            const int32_t fy_end = filter_h < in_h - y0 ? filter_h : in_h - y0;
            for (int32_t ox = 0; ox < out_w; ++ox) {
                const int32_t x0 = ox * stride_w - pad_left;
                const int32_t fx_start = x0 < 0 ? -x0 : 0;
                const int32_t fx_end = filter_w < in_w - x0 ? filter_w : in_w - x0;
                const int32_t count = (fy_end - fy_start) * (fx_end - fx_start);
                for (int32_t c = 0; c < channels; ++c) {
                    int32_t acc = 0;
                    for (int32_t fy = fy_start; fy < fy_end; ++fy) {
                        for (int32_t fx = fx_start; fx < fx_end; ++fx) {
                            acc += in_b[((y0 + fy) * in_w + (x0 + fx)) * channels + c];
                        }
                    }
                    /* Round half away from zero, as the reference does. */
                    acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                    *output++ = (int8_t)mcu_clamp(acc, act_min, act_max);
                }
            }
        }
    }
}

MCU_KERNEL void mcu_maxpool2d_s8(
    const int8_t *input, int8_t *output,
    int32_t batches, int32_t in_h, int32_t in_w, int32_t channels, int32_t out_h, int32_t out_w,
    int32_t filter_h, int32_t filter_w, int32_t stride_h, int32_t stride_w,
    int32_t pad_top, int32_t pad_left, int32_t act_min, int32_t act_max)
{
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *in_b = input + b * in_h * in_w * channels;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            const int32_t y0 = oy * stride_h - pad_top;
            const int32_t fy_start = y0 < 0 ? -y0 : 0;
            const int32_t fy_end = filter_h < in_h - y0 ? filter_h : in_h - y0;
            for (int32_t ox = 0; ox < out_w; ++ox) {
                const int32_t x0 = ox * stride_w - pad_left;
                const int32_t fx_start = x0 < 0 ? -x0 : 0;
                const int32_t fx_end = filter_w < in_w - x0 ? filter_w : in_w - x0;
                for (int32_t c = 0; c < channels; ++c) {
                    int32_t max = -128;
                    for (int32_t fy = fy_start; fy < fy_end; ++fy) {
                        for (int32_t fx = fx_start; fx < fx_end; ++fx) {
                            const int32_t v = in_b[((y0 + fy) * in_w + (x0 + fx)) * channels + c];
                            max = v > max ? v : max;
                        }
                    }
                    *output++ = (int8_t)mcu_clamp(max, act_min, act_max);
                }
            }
        }
    }
}

#endif /* MCU_POOL2D_S8_H */
