/*
 * mcu_mean_s8: int8 MEAN over any set of axes. The compiler describes the input as
 * MCU_MEAN_LOOPS kept loops (one output element each, outputs written in order) and
 * MCU_MEAN_LOOPS reduced loops (summed), each as (count, input stride).
 *
 * Bit-exact with TFLM's reference MEAN, which for int8 always takes
 * reference_ops::QuantizedMeanOrSum (also when input and output share quantization):
 * (sum - input_zp * count) requantized with a multiplier/shift that already fold in
 * 1/count (computed by the compiler as TFLM does), plus the output zero point, clamped.
 * Preconditions: count >= 1 and count * 256 < 2^31; input and output do not overlap.
 * Scratch: none.
 */
#ifndef MCU_MEAN_S8_H
#define MCU_MEAN_S8_H

#include "mcu_requant.h"

#define MCU_MEAN_LOOPS 4

MCU_KERNEL void mcu_mean_s8(const int8_t *input, int8_t *output, const int32_t *geometry,
                            int32_t count, int32_t input_zp,
                            int32_t multiplier, int32_t shift, int32_t output_zp)
{
    const int32_t *k = geometry;      /* kept loops: count, stride */
    const int32_t *r = geometry + 8;  /* reduced loops: count, stride */
    const int32_t offset = (int32_t)((uint32_t)input_zp * (uint32_t)count);
    for (int32_t k0 = 0; k0 < k[0]; ++k0) {
        for (int32_t k1 = 0; k1 < k[2]; ++k1) {
            for (int32_t k2 = 0; k2 < k[4]; ++k2) {
                for (int32_t k3 = 0; k3 < k[6]; ++k3) {
                    const int8_t *base = input + k0 * k[1] + k1 * k[3] + k2 * k[5] + k3 * k[7];
                    int32_t sum = 0;
                    for (int32_t r0 = 0; r0 < r[0]; ++r0) {
                        for (int32_t r1 = 0; r1 < r[2]; ++r1) {
                            for (int32_t r2 = 0; r2 < r[4]; ++r2) {
                                const int8_t *p = base + r0 * r[1] + r1 * r[3] + r2 * r[5];
                                for (int32_t r3 = 0; r3 < r[6]; ++r3) {
                                    sum += p[r3 * r[7]];
                                }
                            }
                        }
                    }
                    const int32_t y = mcu_requant(sum - offset, multiplier, shift) + output_zp;
                    *output++ = (int8_t)mcu_clamp(y, -128, 127);
                }
            }
        }
    }
}

#endif /* MCU_MEAN_S8_H */
