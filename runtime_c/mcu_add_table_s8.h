/*
 * mcu_add_table_s8: int8 elementwise addition of two same-shape tensors by table.
 *
 * TFLM's int8 ADD rescales each input on its own before summing: input k's value x becomes
 * MultiplyByQuantizedMultiplierSmallerThanOneExp((x + offset_k) << 20, m_k, s_k), a function
 * of the int8 x alone. The compiler tabulates both functions offline (256 int32 each,
 * doubled), so an element is two loads from the tables, one add, and the short
 * requantization of the sum (mcu_requant_doubled, which the compiler proved exact for the
 * layer: right shift, |sum| < 2^30), instead of three full requantizations.
 *
 * Bit-exact with TFLM reference_integer_ops::Add (non-broadcast path).
 * Preconditions: tables = 2 * T1[x + 128] for x = -128..127, then 2 * T2 likewise;
 * requant = (multiplier, c, right) of mcugen/ops/fast_requant.py for the output.
 * In place: output may equal either input (element i is read before it is written).
 * Scratch: none.
 */
#ifndef MCU_ADD_TABLE_S8_H
#define MCU_ADD_TABLE_S8_H

#include "mcu_simd.h"

MCU_KERNEL void mcu_add_table_s8(const int8_t *input1, const int8_t *input2, int8_t *output,
                                 int32_t size, const int32_t *tables, const int32_t *requant,
                                 int32_t act_min, int32_t act_max)
{
    const int32_t *const t1 = tables + 128, *const t2 = tables + 256 + 128;
    const int32_t multiplier = requant[0], c = requant[1], right = requant[2];
    for (int32_t i = 0; i < size; ++i) {
        const int32_t sum2 = t1[input1[i]] + t2[input2[i]];
        output[i] = (int8_t)mcu_clamp_s8(mcu_requant_doubled(sum2, multiplier, c, right), act_min, act_max);
    }
}

#endif /* MCU_ADD_TABLE_S8_H */
