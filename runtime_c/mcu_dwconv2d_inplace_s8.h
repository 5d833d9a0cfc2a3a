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

MCU_KERNEL void mcu_dwconv2d_inplace_s8(
    int8_t *data, int8_t *temp, const int8_t *filter, const int32_t *bias,
    const int32_t *multiplier, const int32_t *shift,
    int32_t in_h, int32_t in_w, int32_t channels, int32_t out_h, int32_t out_w,
    int32_t filter_h, int32_t filter_w, int32_t stride_h, int32_t stride_w,
    int32_t dilation_h, int32_t dilation_w, int32_t pad_top, int32_t pad_left,
    int32_t input_offset, int32_t output_offset, int32_t act_min, int32_t act_max)
{
    const int32_t pixels = out_h * out_w;
    for (int32_t c = 0; c < channels; ++c) {
        const int8_t *in_c = data + c;
        int8_t *t = temp;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            const int32_t in_y0 = oy * stride_h - pad_top;
            for (int32_t ox = 0; ox < out_w; ++ox) {
                const int32_t in_x0 = ox * stride_w - pad_left;
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
                        const int32_t x = in_c[(in_y * in_w + in_x) * channels];
                        const int32_t f = filter[(fy * filter_w + fx) * channels + c];
                        acc += f * (x + input_offset);
                    }
                }
                acc += bias[c];
                acc = mcu_requant(acc, multiplier[c], shift[c]) + output_offset;
                *t++ = (int8_t)mcu_clamp(acc, act_min, act_max);
            }
        }
        for (int32_t p = 0; p < pixels; ++p) {
            data[p * channels + c] = temp[p];
        }
    }
}

#endif /* MCU_DWCONV2D_INPLACE_S8_H */
