/*
 * mcu_requant_s16.h: the requantization of TFLM's 16x8 kernels (int16 activations,
 * int8 weights, int64 accumulators).
 *
 * TFLM's MultiplyByQuantizedMultiplier has a second overload for int64_t inputs, and it
 * is not the int32 one widened: the 31-bit multiplier is first rounded to 15 bits, then
 * the 64-bit product gets one rounding shift (ties towards +infinity) instead of
 * gemmlowp's doubling high multiply and rounding divide.
 */
#ifndef MCU_REQUANT_S16_H
#define MCU_REQUANT_S16_H

#include "mcu_requant.h"

/* TFLM MultiplyByQuantizedMultiplier(int64_t x, multiplier, shift), double-rounding build.
 * Preconditions (checked when the model is compiled): 0 <= multiplier, -31 <= shift < 8,
 * |x| < 2^47, so the product fits int64 and the shift count is 8..46. The result is cut
 * to 32 bits as TFLM's int64 -> int32 conversion does. */
MCU_INLINE int32_t mcu_requant_s64(int64_t x, int32_t multiplier, int32_t shift)
{
    const int64_t reduced = multiplier < 0x7FFF0000 ? (int64_t)((multiplier + (1 << 15)) >> 16) : 0x7FFF;
    const int32_t total_shift = 15 - shift;
    const int64_t sum = x * reduced + ((int64_t)1 << (total_shift - 1));
    return (int32_t)(uint32_t)(uint64_t)(sum >> total_shift);
}

/* The accumulator of a 16x8 layer requantized as TFLM does for its bias type: int64 bias
 * (or none) -> mcu_requant_s64; int32 bias -> the int32 path (gemmlowp mcu_requant), whose
 * accumulator the compiler has proven to fit int32. */
MCU_INLINE int32_t mcu_requant_acc_s16(int64_t acc, int32_t acc32, int32_t multiplier, int32_t shift)
{
    return acc32 ? mcu_requant((int32_t)acc, multiplier, shift) : mcu_requant_s64(acc, multiplier, shift);
}

#endif /* MCU_REQUANT_S16_H */
