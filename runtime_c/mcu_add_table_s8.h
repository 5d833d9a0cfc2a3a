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

/* size elements; right and the bounds are constants in each layer's function (made by
 * MCU_ADD_TABLE_LAYER), so the shift folds into SSAT's. */
MCU_INLINE void mcu_add_table_body(const int8_t *input1, const int8_t *input2, int8_t *output,
                                   int32_t size, const int32_t *tables, int32_t multiplier,
                                   int32_t c, int32_t right, int32_t act_min, int32_t act_max)
{
    const int32_t *const t1 = tables + 128, *const t2 = tables + 256 + 128;
    for (int32_t pairs = size >> 1; pairs > 0; --pairs, input1 += 2, input2 += 2, output += 2) {
        const int32_t s0 = t1[input1[0]] + t2[input2[0]], s1 = t1[input1[1]] + t2[input2[1]];
        output[0] = (int8_t)mcu_clamp_s8(mcu_requant_doubled(s0, multiplier, c, right), act_min, act_max);
        output[1] = (int8_t)mcu_clamp_s8(mcu_requant_doubled(s1, multiplier, c, right), act_min, act_max);
    }
    if (size & 1) {
        const int32_t s0 = t1[input1[0]] + t2[input2[0]];
        output[0] = (int8_t)mcu_clamp_s8(mcu_requant_doubled(s0, multiplier, c, right), act_min, act_max);
    }
}

/* The layer's own function: size, inputs, output, tables, multiplier, c. */
typedef void (*mcu_add_table_fn)(const int8_t *input1, const int8_t *input2, int8_t *output,
                                 int32_t size, const int32_t *tables, int32_t multiplier, int32_t c);

#define MCU_ADD_TABLE_LAYER(name, RIGHT, ACT_MIN, ACT_MAX)                                 \
    MCU_NOINLINE void name(const int8_t *input1, const int8_t *input2, int8_t *output,       \
                           int32_t size, const int32_t *tables, int32_t multiplier, int32_t c) \
    {                                                                                       \
        mcu_add_table_body(input1, input2, output, size, tables, multiplier, c, (RIGHT),     \
                           (ACT_MIN), (ACT_MAX));                                           \
    }

MCU_KERNEL void mcu_add_table_s8(mcu_add_table_fn add, const int8_t *input1, const int8_t *input2,
                                 int8_t *output, int32_t size, const int32_t *tables,
                                 const int32_t *requant)
{
    add(input1, input2, output, size, tables, requant[0], requant[1]);
}

#endif /* MCU_ADD_TABLE_S8_H */
