/*
 * mcu_softmax_s8: int8 softmax over the last axis, int8 output with scale 1/256 and
 * zero point -128.
 *
 * Bit-exact with TFLM reference_ops::Softmax<int8_t, int8_t>: gemmlowp fixed point,
 * input differences in Q5.26, exp() by a Taylor series on [-1/4, 0) and a barrel
 * shifter of exp(-2^k) constants, sum in Q12.19, reciprocal by Newton-Raphson.
 * Preconditions: input_multiplier/input_left_shift/diff_min as TFLM's
 * CalculateSoftmaxParams computes them (kScaledDiffIntegerBits = 5).
 * The second pass rereads the input, so input and output must not overlap. Scratch: none.
 */
#ifndef MCU_SOFTMAX_S8_H
#define MCU_SOFTMAX_S8_H

#include "mcu_requant.h"

/* gemmlowp's FixedPoint arithmetic on raw int32 values; +/- wrap as int32 does. */
MCU_INLINE int32_t mcu_fx_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
MCU_INLINE int32_t mcu_fx_sub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }

/* SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0: saturating left shift. */
MCU_INLINE int32_t mcu_fx_sat_shl(int32_t x, int32_t exponent)
{
    const int32_t threshold = (int32_t)((1LL << (31 - exponent)) - 1);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return mcu_shl_wrap(x, exponent);
}

/* exp(a) for a in [-1/4, 0), a and result in Q0.31. */
MCU_INLINE int32_t mcu_fx_exp_quarter(int32_t a)
{
    const int32_t constant_term = 1895147668;   /* exp(-1/8) */
    const int32_t constant_1_over_3 = 715827883;
    const int32_t x = mcu_fx_add(a, 1 << 28);   /* a + 1/8 */
    const int32_t x2 = mcu_sat_rdhm(x, x);
    const int32_t x3 = mcu_sat_rdhm(x2, x);
    const int32_t x4 = mcu_sat_rdhm(x2, x2);
    const int32_t x4_over_4 = mcu_rdivpot(x4, 2);
    const int32_t poly = mcu_rdivpot(
        mcu_fx_add(mcu_sat_rdhm(mcu_fx_add(x4_over_4, x3), constant_1_over_3), x2), 1);
    return mcu_fx_add(constant_term, mcu_sat_rdhm(constant_term, mcu_fx_add(x, poly)));
}

/* exp(a) for a <= 0 in Q5.26; result in Q0.31. */
MCU_INLINE int32_t mcu_fx_exp_negative(int32_t a)
{
    static const int32_t multipliers[7] = {
        1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242,
    }; /* exp(-2^k), k = -2 .. 4 */
    const int32_t one_quarter = 1 << 24;
    const int32_t a_mod_quarter_minus_quarter = mcu_fx_sub(a & (one_quarter - 1), one_quarter);
    int32_t result = mcu_fx_exp_quarter(mcu_fx_sat_shl(a_mod_quarter_minus_quarter, 5));
    const int32_t remainder = mcu_fx_sub(a_mod_quarter_minus_quarter, a);
    for (int32_t k = 0; k < 7; ++k) {
        if (remainder & (1 << (24 + k))) {
            result = mcu_sat_rdhm(result, multipliers[k]);
        }
    }
    return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + a) for a in [0, 1) in Q0.31; result in Q0.31. */
MCU_INLINE int32_t mcu_fx_one_over_one_plus_x(int32_t a)
{
    const int64_t sum = (int64_t)a + INT32_MAX;
    const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    const int32_t constant_48_over_17 = 1515870810;      /* Q2.29 */
    const int32_t constant_neg_32_over_17 = -1010580540; /* Q2.29 */
    int32_t x = mcu_fx_add(constant_48_over_17, mcu_sat_rdhm(half_denominator, constant_neg_32_over_17));
    for (int32_t i = 0; i < 3; ++i) {
        const int32_t half_denominator_times_x = mcu_sat_rdhm(half_denominator, x);
        const int32_t one_minus = mcu_fx_sub(1 << 29, half_denominator_times_x);
        x = mcu_fx_add(x, mcu_fx_sat_shl(mcu_sat_rdhm(x, one_minus), 2));
    }
    return mcu_fx_sat_shl(x, 1);
}

MCU_INLINE int32_t mcu_count_leading_zeros(uint32_t x)
{
    int32_t n = 0;
    if (x == 0) {
        return 32;
    }
    while (!(x & 0x80000000u)) {
        x <<= 1;
        ++n;
    }
    return n;
}

MCU_KERNEL void mcu_softmax_s8(const int8_t *input, int8_t *output, int32_t rows, int32_t depth,
                               int32_t input_multiplier, int32_t input_left_shift, int32_t diff_min)
{
    for (int32_t r = 0; r < rows; ++r) {
        const int8_t *in = input + r * depth;
        int8_t *out = output + r * depth;
        int32_t max_in_row = -128;
        for (int32_t c = 0; c < depth; ++c) {
            max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
        }
        int32_t sum_of_exps = 0; /* Q12.19 */
        for (int32_t c = 0; c < depth; ++c) {
            const int32_t diff = (int32_t)in[c] - max_in_row;
            if (diff >= diff_min) {
                const int32_t scaled = mcu_sat_rdhm(mcu_shl_wrap(diff, input_left_shift), input_multiplier);
                sum_of_exps = mcu_fx_add(sum_of_exps, mcu_rdivpot(mcu_fx_exp_negative(scaled), 12));
            }
        }
        /* GetReciprocal(sum_of_exps, 12 integer bits). */
        const int32_t headroom_plus_one = mcu_count_leading_zeros((uint32_t)sum_of_exps);
        const int32_t num_bits_over_unit = 12 - headroom_plus_one;
        const int32_t shifted_sum_minus_one =
            (int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - 0x80000000u);
        const int32_t shifted_scale = mcu_fx_one_over_one_plus_x(shifted_sum_minus_one);
        const int32_t exponent = num_bits_over_unit + 31 - 8;
        for (int32_t c = 0; c < depth; ++c) {
            const int32_t diff = (int32_t)in[c] - max_in_row;
            if (diff >= diff_min) {
                const int32_t scaled = mcu_sat_rdhm(mcu_shl_wrap(diff, input_left_shift), input_multiplier);
                const int32_t exp_in_0 = mcu_fx_exp_negative(scaled);
                /* TFLM stops on exponent > 31 (rows of 512+ near-equal values); every
                 * probability there is below half an output step, so the answer is 0. */
                const int32_t unsat = exponent > 31
                    ? 0 : mcu_rdivpot(mcu_sat_rdhm(shifted_scale, exp_in_0), exponent);
                out[c] = (int8_t)mcu_clamp(unsat - 128, -128, 127);
            } else {
                out[c] = -128;
            }
        }
    }
}

#endif /* MCU_SOFTMAX_S8_H */
