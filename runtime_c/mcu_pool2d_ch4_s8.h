/*
 * mcu_avgpool2d_ch4_s8: int8 average pooling over NHWC, four channels per word: each
 * window pixel's word is added into two int16-lane sums by SXTAB16 / SXTAB16 ROR 8 (three
 * instructions per four values), then each channel's sum is divided as TFLM does. Window
 * clipped at the image border (padding cells are not counted), no requantization.
 *
 * Bit-exact with TFLM reference_integer_ops::AveragePool.
 * Preconditions: channels % 4 == 0; filter_h * filter_w <= 256 (a sum of 256 int8 values
 * fits an int16 lane); input and output share scale and zero point; filter and strides
 * >= 1; input and output overlap only as the planner allows. Scratch: none.
 */
#ifndef MCU_POOL2D_CH4_S8_H
#define MCU_POOL2D_CH4_S8_H

#include "mcu_requant.h"
#include "mcu_simd.h"
#include "mcu_taps.h"

/* Round half away from zero, as the reference does, then clamp. */
MCU_INLINE int8_t mcu_avg_s8(int32_t sum, int32_t count, int32_t act_min, int32_t act_max)
{
    const int32_t avg = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
    return (int8_t)mcu_clamp(avg, act_min, act_max);
}

MCU_KERNEL void mcu_avgpool2d_ch4_s8(
    const int8_t *input, int8_t *output,
    int32_t batches, int32_t in_h, int32_t in_w, int32_t channels, int32_t out_h, int32_t out_w,
    int32_t filter_h, int32_t filter_w, int32_t stride_h, int32_t stride_w,
    int32_t pad_top, int32_t pad_left, int32_t act_min, int32_t act_max)
{
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *in_b = input + b * in_h * in_w * channels;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            const int32_t y0 = oy * stride_h - pad_top;
            int32_t fy_start, fy_end;
            mcu_tap_range(y0, 1, filter_h, in_h, &fy_start, &fy_end);
            for (int32_t ox = 0; ox < out_w; ++ox, output += channels) {
                const int32_t x0 = ox * stride_w - pad_left;
                int32_t fx_start, fx_end;
                mcu_tap_range(x0, 1, filter_w, in_w, &fx_start, &fx_end);
                const int32_t count = (fy_end - fy_start) * (fx_end - fx_start);
                for (int32_t c = 0; c < channels; c += 4) {
                    int32_t s02 = 0, s13 = 0; /* channels c, c + 2 and c + 1, c + 3 */
                    for (int32_t fy = fy_start; fy < fy_end; ++fy) {
                        const int8_t *px = in_b + ((y0 + fy) * in_w + x0 + fx_start) * channels + c;
                        for (int32_t n = fx_end - fx_start; n > 0; --n, px += channels) {
                            const int32_t x = mcu_load_s8x4(px);
                            s02 = mcu_sxtab16(s02, x);
                            s13 = mcu_sxtab16_ror8(s13, x);
                        }
                    }
                    output[c] = mcu_avg_s8(mcu_lane_s16((uint32_t)s02, 0), count, act_min, act_max);
                    output[c + 1] = mcu_avg_s8(mcu_lane_s16((uint32_t)s13, 0), count, act_min, act_max);
                    output[c + 2] = mcu_avg_s8(mcu_lane_s16((uint32_t)s02, 1), count, act_min, act_max);
                    output[c + 3] = mcu_avg_s8(mcu_lane_s16((uint32_t)s13, 1), count, act_min, act_max);
                }
            }
        }
    }
}

#endif /* MCU_POOL2D_CH4_S8_H */
