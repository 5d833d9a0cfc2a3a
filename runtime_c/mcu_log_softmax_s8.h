/*
 * mcu_log_softmax_s8: int8 log-softmax over the last axis, int8 output with scale 16/256
 * and zero point 127.
 *
 * Bit-exact with TFLM reference_ops::LogSoftmax (int8, LogSoftmaxQuantized): input
 * differences in Q5.26, exp() as in softmax (gemmlowp, shared with mcu_softmax_s8.h), sum
 * in Q12.19, log() by TFLM's log_x_for_x_greater_than_or_equal_to_1 (a rational
 * approximation after normalizing by a power of two), result in Q5.26.
 * Preconditions: input_multiplier/input_left_shift (PreprocessSoftmaxScaling, beta 1),
 * reverse_scaling_divisor/reverse_scaling_shift (PreprocessLogSoftmaxScalingExp, shift
 * <= 0) and diff_min (CalculateInputRadius(5, input_left_shift)) as TFLM computes them.
 * The second pass rereads the input, so input and output must not overlap. Scratch: none.
 */
#ifndef MCU_LOG_SOFTMAX_S8_H
#define MCU_LOG_SOFTMAX_S8_H

#include "mcu_softmax_s8.h"

/* SaturatingRoundingMultiplyByPOTParam for exponent >= 0. */
MCU_INLINE int32_t mcu_fx_sat_pot(int32_t x, int32_t exponent)
{
    return exponent == 0 ? x : mcu_fx_sat_shl(x, exponent);
}

MCU_INLINE int32_t mcu_fx_sat_add(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    return sum > INT32_MAX ? INT32_MAX : (sum < INT32_MIN ? INT32_MIN : (int32_t)sum);
}

MCU_INLINE int32_t mcu_fx_sat_sub(int32_t a, int32_t b)
{
    const int64_t difference = (int64_t)a - (int64_t)b;
    return difference > INT32_MAX ? INT32_MAX : (difference < INT32_MIN ? INT32_MIN : (int32_t)difference);
}

/* log(x) for x >= 1: x in Q12.19, result in Q5.26 (accumulated in Q6.25). */
MCU_INLINE int32_t mcu_fx_log_q12_to_q5(int32_t x)
{
    const int32_t log_2 = 1488522236;          /* Q0.31 */
    const int32_t sqrt_sqrt_half = 1805811301;
    const int32_t sqrt_half = 1518500250;
    const int32_t alpha_n = 117049297;
    const int32_t alpha_d = 127690142;
    const int32_t alpha_i = 1057819769;
    const int32_t alpha_f = 638450708;
    const int32_t shifted_quarter = 1 << 23;  /* 1/4 in Q6.25 */
    const int32_t input_integer_bits = 12;
    const int32_t accum_shift = 31 - 6;

    const int32_t z_a_headroom_plus_1 = mcu_count_leading_zeros((uint32_t)x);
    const int32_t r_a_tmp = mcu_fx_sat_pot(x, z_a_headroom_plus_1 - 1);
    const int32_t r_a_raw = mcu_fx_sat_pot(mcu_sat_rdhm(r_a_tmp, sqrt_half), 1);
    const int32_t z_a_pow_2_adj = mcu_fx_sat_add(
        mcu_fx_sat_pot(input_integer_bits - z_a_headroom_plus_1, accum_shift), shifted_quarter);

    const int32_t z_b = mcu_sat_rdhm(x, sqrt_half);
    const int32_t z_b_headroom = mcu_count_leading_zeros((uint32_t)z_b) - 1;
    const int32_t r_b_raw = mcu_fx_sat_pot(x, z_b_headroom);
    const int32_t z_b_pow_2_adj = mcu_fx_sat_sub(
        mcu_fx_sat_pot(input_integer_bits - z_b_headroom, accum_shift), shifted_quarter);

    const int32_t r = r_a_raw < r_b_raw ? r_a_raw : r_b_raw;
    const int32_t z_pow_2_adj = z_a_pow_2_adj > z_b_pow_2_adj ? z_a_pow_2_adj : z_b_pow_2_adj;

    const int64_t half_sum = (int64_t)r + sqrt_sqrt_half;
    const int32_t p = (int32_t)((half_sum + (half_sum >= 0 ? 1 : -1)) / 2);
    int32_t q = mcu_fx_sub(r, sqrt_sqrt_half);
    q = mcu_fx_add(q, q);

    const int32_t common_sq = mcu_sat_rdhm(q, q);
    const int32_t num = mcu_fx_add(mcu_sat_rdhm(q, r),
                                   mcu_sat_rdhm(mcu_sat_rdhm(q, common_sq), alpha_n));
    const int32_t denom_minus_one = mcu_fx_add(
        mcu_sat_rdhm(p, mcu_fx_add(mcu_fx_add(alpha_i, q), mcu_sat_rdhm(alpha_d, common_sq))),
        mcu_sat_rdhm(alpha_f, q));
    const int32_t recip_denom = mcu_fx_one_over_one_plus_x(denom_minus_one);
    const int32_t num_scaled = mcu_rdivpot(num, 6);
    return mcu_fx_sat_shl(mcu_fx_add(mcu_sat_rdhm(z_pow_2_adj, log_2),
                                     mcu_sat_rdhm(num_scaled, recip_denom)), 1);
}

MCU_KERNEL void mcu_log_softmax_s8(const int8_t *input, int8_t *output, int32_t rows, int32_t depth,
                                   int32_t input_multiplier, int32_t input_left_shift,
                                   int32_t reverse_scaling_divisor, int32_t reverse_scaling_shift,
                                   int32_t diff_min)
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
                const int32_t scaled = mcu_requant(diff, input_multiplier, input_left_shift);
                sum_of_exps = mcu_fx_add(sum_of_exps, mcu_rdivpot(mcu_fx_exp_negative(scaled), 12));
            }
        }
        const int32_t log_sum_of_exps = mcu_fx_log_q12_to_q5(sum_of_exps);
        const int32_t shifted_log_sum = mcu_fx_add(log_sum_of_exps, INT32_MIN);
        const int32_t rescaled_min = mcu_requant(shifted_log_sum, reverse_scaling_divisor, reverse_scaling_shift);
        const int32_t adjusted_diff_min = diff_min - 1 > rescaled_min ? diff_min - 1 : rescaled_min;
        for (int32_t c = 0; c < depth; ++c) {
            const int32_t diff = (int32_t)in[c] - max_in_row;
            if (diff > adjusted_diff_min) {
                const int32_t scaled = mcu_requant(diff, input_multiplier, input_left_shift);
                const int32_t value = mcu_rdivpot(mcu_fx_sub(scaled, log_sum_of_exps), 31 - 5 - 4) + 127;
                out[c] = (int8_t)mcu_clamp(value, -128, 127);
            } else {
                out[c] = -128;
            }
        }
    }
}

#endif /* MCU_LOG_SOFTMAX_S8_H */
