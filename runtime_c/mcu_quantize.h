/*
 * mcu_quantize_f32_s8 / mcu_dequantize_s8_f32: the float32 <-> int8 conversions at a
 * model's float interface (QUANTIZE after a float input, DEQUANTIZE before a float output).
 *
 * Bit-exact with TFLM's reference kernels as built on the host (x86-64, IEEE single):
 *  - QUANTIZE (reference_ops::AffineQuantize): q = round_half_away(value / scale) in
 *    float32, converted to int32, plus the zero point, clamped to int8. A rounded value
 *    outside int32 (huge inputs, +-inf, NaN) converts to INT32_MIN, as the x86 conversion
 *    instruction behind the reference's static_cast does, and adding the zero point wraps
 *    around: so +1e30 gives -128 when zero_point >= 0 but 127 when it is negative. This
 *    is what TFLM computes; it is reproduced here without undefined behaviour.
 *  - DEQUANTIZE (reference_ops::Dequantize): scale * (float)(q - zero_point) in float32.
 * The scale arrives as its IEEE-754 bit pattern so no decimal literal can round it.
 * Floats are read and written through memcpy: the arena is an int8_t array.
 * Preconditions: compile without -ffast-math (IEEE single division and multiplication).
 * Scratch: none.
 */
#ifndef MCU_QUANTIZE_H
#define MCU_QUANTIZE_H

#include <string.h>

#include "mcu_requant.h"

MCU_INLINE float mcu_float_from_bits(int32_t bits)
{
    float value;
    const uint32_t raw = (uint32_t)bits;
    memcpy(&value, &raw, sizeof value);
    return value;
}

/* std::round for float: halves away from zero (|x| >= 2^23 is already integral). */
MCU_INLINE float mcu_round_half_away(float x)
{
    if (!(x > -8388608.0f && x < 8388608.0f)) {
        return x;
    }
    float t = (float)(int32_t)x;
    const float fraction = x - t;
    if (fraction >= 0.5f) {
        t += 1.0f;
    } else if (fraction <= -0.5f) {
        t -= 1.0f;
    }
    return t;
}

/* static_cast<int32_t>(float) as x86 cvttss2si: out of range (or NaN) gives INT32_MIN. */
MCU_INLINE int32_t mcu_f32_to_i32_x86(float x)
{
    return (x >= -2147483648.0f && x < 2147483648.0f) ? (int32_t)x : INT32_MIN;
}

MCU_KERNEL void mcu_quantize_f32_s8(const void *input, int8_t *output, int32_t size,
                                    int32_t scale_bits, int32_t zero_point)
{
    const float scale = mcu_float_from_bits(scale_bits);
    const unsigned char *in = (const unsigned char *)input;
    for (int32_t i = 0; i < size; ++i) {
        float value;
        memcpy(&value, in + (size_t)i * sizeof value, sizeof value);
        const int64_t q = (int64_t)mcu_f32_to_i32_x86(mcu_round_half_away(value / scale)) + zero_point;
        /* int32 wrap-around of the reference's addition, then the clamp. */
        const int64_t wrapped = q > INT32_MAX ? q - 4294967296LL : (q < INT32_MIN ? q + 4294967296LL : q);
        output[i] = (int8_t)(wrapped < -128 ? -128 : (wrapped > 127 ? 127 : wrapped));
    }
}

MCU_KERNEL void mcu_dequantize_s8_f32(const int8_t *input, void *output, int32_t size,
                                      int32_t scale_bits, int32_t zero_point)
{
    const float scale = mcu_float_from_bits(scale_bits);
    unsigned char *out = (unsigned char *)output;
    for (int32_t i = 0; i < size; ++i) {
        const float value = scale * (float)((int32_t)input[i] - zero_point);
        memcpy(out + (size_t)i * sizeof value, &value, sizeof value);
    }
}

#endif /* MCU_QUANTIZE_H */
