/*
 * mcu_requant.h: the integer requantization arithmetic of TensorFlow Lite Micro's
 * reference kernels (gemmlowp-style), bit for bit.
 *
 * Every kernel that turns an int32 accumulator back into int8 goes through these
 * functions, so this file is the single place where rounding is decided. Written to be
 * free of undefined behaviour: shifts of negative values go through uint32_t, and the
 * one overflowing case of the doubling high multiply saturates as gemmlowp specifies.
 */
#ifndef MCU_REQUANT_H
#define MCU_REQUANT_H

#include <stdint.h>

#if defined(__GNUC__)
#define MCU_INLINE static inline __attribute__((always_inline))
/* Kernels are static: each generated model includes its own copy into its own
 * translation unit, so two models never clash at link time and the compiler sees the
 * constant arguments of every call. Unused ones are dropped without a warning. */
#define MCU_KERNEL static __attribute__((unused))
#else
#define MCU_INLINE static inline
#define MCU_KERNEL static
#endif

/* round(a * b / 2^31), saturating the single overflow case a == b == INT32_MIN. */
MCU_INLINE int32_t mcu_sat_rdhm(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN) {
        return INT32_MAX;
    }
    const int64_t ab = (int64_t)a * (int64_t)b;
    const int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
    return (int32_t)((ab + nudge) / (1LL << 31));
}

/* x / 2^exponent rounded to nearest, ties away from zero (0 <= exponent <= 31). */
MCU_INLINE int32_t mcu_rdivpot(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)((1LL << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* x << shift with two's-complement wrap-around, as the reference code behaves. */
MCU_INLINE int32_t mcu_shl_wrap(int32_t x, int32_t shift)
{
    return (int32_t)((uint32_t)x << shift);
}

/* TFLM MultiplyByQuantizedMultiplier: x * multiplier * 2^shift, double rounding. */
MCU_INLINE int32_t mcu_requant(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t left_shift = shift > 0 ? shift : 0;
    const int32_t right_shift = shift > 0 ? 0 : -shift;
    return mcu_rdivpot(mcu_sat_rdhm(mcu_shl_wrap(x, left_shift), multiplier), right_shift);
}

/*
 * mcu_requant with fewer instructions, same result for every x when multiplier is not
 * INT32_MIN (TFLM's quantized multipliers are in [2^30, 2^31) or 0). Why it is exact:
 * gemmlowp's nudged, truncating division of a*b by 2^31 equals floor((a*b + 2^30) / 2^31)
 * for both signs (for a*b < 0, trunc((ab + 1 - 2^30) / 2^31) = floor((ab + 2^30) / 2^31)),
 * which is one multiply-accumulate and a shift of the 64-bit sum; the result always fits
 * int32, so a logical shift of the unsigned sum gives the same low 32 bits. The rounding
 * divide is mcu_rdivpot's, with its mask and threshold computed without branches.
 */
MCU_INLINE int32_t mcu_requant_fast(int32_t x, int32_t multiplier, int32_t shift)
{
    /* branch-free: left = max(shift, 0), right = max(-shift, 0), mask = 2^right - 1 */
    const int32_t left_shift = shift & ~(shift >> 31);
    const int32_t right_shift = left_shift - shift;
    const int32_t mask = (int32_t)((1u << right_shift) - 1u);
    const int64_t product = (int64_t)mcu_shl_wrap(x, left_shift) * multiplier + (1LL << 30);
    const int32_t high = (int32_t)(uint32_t)((uint64_t)product >> 31);
    const int32_t threshold = (mask >> 1) - (high >> 31); /* +1 for negative high */
    return (high >> right_shift) + ((high & mask) > threshold ? 1 : 0);
}

/* TFLM MultiplyByQuantizedMultiplierSmallerThanOneExp (shift <= 0). */
MCU_INLINE int32_t mcu_requant_lt1(int32_t x, int32_t multiplier, int32_t shift)
{
    return mcu_rdivpot(mcu_sat_rdhm(x, multiplier), -shift);
}

MCU_INLINE int32_t mcu_clamp(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

#endif /* MCU_REQUANT_H */
