/*
 * mcu_lut_s8: any int8 -> int8 elementwise function as a 256-entry table lookup.
 *
 * The compiler fills the table by running TFLM's own integer arithmetic for the op
 * (LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, RELU, RELU6, QUANTIZE) on each of the 256
 * input values, so the lookup is bit-exact with TFLM by construction.
 * Preconditions: table[k] is the output for input k - 128.
 * In place: output may equal input. Scratch: none.
 */
#ifndef MCU_LUT_S8_H
#define MCU_LUT_S8_H

#include "mcu_requant.h"

MCU_KERNEL void mcu_lut_s8(const int8_t *input, int8_t *output, int32_t size, const int8_t *table)
{
    for (int32_t i = 0; i < size; ++i) {
        output[i] = table[(int32_t)input[i] + 128];
    }
}

#endif /* MCU_LUT_S8_H */
