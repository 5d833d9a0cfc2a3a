/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 15 layers, 12501632 MACs, arena 33312 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_add_s8.h"
#include "runtime/mcu_conv2d_s8.h"
#include "runtime/mcu_fc_s8.h"
#include "runtime/mcu_pool2d_s8.h"
#include "runtime/mcu_softmax_s8.h"

extern const int8_t golden_t8[]; /* 432 values */
extern const int32_t golden_t3[]; /* 16 values */
extern const int32_t golden_op0_multiplier[]; /* 16 values */
extern const int32_t golden_op0_shift[]; /* 16 values */
extern const int8_t golden_t9[]; /* 2304 values */
extern const int32_t golden_t4[]; /* 16 values */
extern const int32_t golden_op1_multiplier[]; /* 16 values */
extern const int32_t golden_op1_shift[]; /* 16 values */
extern const int8_t golden_t10[]; /* 2304 values */
extern const int32_t golden_t17[]; /* 16 values */
extern const int32_t golden_op2_multiplier[]; /* 16 values */
extern const int32_t golden_op2_shift[]; /* 16 values */
extern const int8_t golden_t11[]; /* 4608 values */
extern const int32_t golden_t5[]; /* 32 values */
extern const int32_t golden_op4_multiplier[]; /* 32 values */
extern const int32_t golden_op4_shift[]; /* 32 values */
extern const int8_t golden_t12[]; /* 9216 values */
extern const int32_t golden_t18[]; /* 32 values */
extern const int32_t golden_op5_multiplier[]; /* 32 values */
extern const int32_t golden_op5_shift[]; /* 32 values */
extern const int8_t golden_t13[]; /* 512 values */
extern const int32_t golden_t19[]; /* 32 values */
extern const int32_t golden_op6_multiplier[]; /* 32 values */
extern const int32_t golden_op6_shift[]; /* 32 values */
extern const int8_t golden_t14[]; /* 18432 values */
extern const int32_t golden_t6[]; /* 64 values */
extern const int32_t golden_op8_multiplier[]; /* 64 values */
extern const int32_t golden_op8_shift[]; /* 64 values */
extern const int8_t golden_t15[]; /* 36864 values */
extern const int32_t golden_t20[]; /* 64 values */
extern const int32_t golden_op9_multiplier[]; /* 64 values */
extern const int32_t golden_op9_shift[]; /* 64 values */
extern const int8_t golden_t16[]; /* 2048 values */
extern const int32_t golden_t21[]; /* 64 values */
extern const int32_t golden_op10_multiplier[]; /* 64 values */
extern const int32_t golden_op10_shift[]; /* 64 values */
extern const int8_t golden_t7[]; /* 640 values */
extern const int32_t golden_t1[]; /* 10 values */
extern const int32_t golden_op14_multiplier[]; /* 1 values */
extern const int32_t golden_op14_shift[]; /* 1 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[33312] GOLDEN_ALIGNED;

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 13856;
    default: return 0;
    }
}

int8_t *golden_output_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 33280;
    default: return 0;
    }
}

int golden_invoke(const int8_t *input0, int8_t *output0)
{
    int8_t *const arena = golden_arena;
    if (input0 != arena + 13856) {
        memmove(arena + 13856, input0, 3072);
    }

    /* op 0: CONV_2D 1x32x32x3 -> 1x32x32x16 */
    mcu_conv2d_s8(arena + 13856, arena + 16928, golden_t8, golden_t3,
                  golden_op0_multiplier, golden_op0_shift,
                  1, 32, 32, 3, 32, 32, 16,
                  3, 3, 1, 1,
                  1, 1, 1, 1,
                  128, -128, -128, 127);

    /* op 1: CONV_2D 1x32x32x16 -> 1x32x32x16 */
    mcu_conv2d_s8(arena + 16928, arena + 544, golden_t9, golden_t4,
                  golden_op1_multiplier, golden_op1_shift,
                  1, 32, 32, 16, 32, 32, 16,
                  3, 3, 1, 1,
                  1, 1, 1, 1,
                  128, -128, -128, 127);

    /* op 2: CONV_2D 1x32x32x16 -> 1x32x32x16 */
    mcu_conv2d_s8(arena + 544, arena + 0, golden_t10, golden_t17,
                  golden_op2_multiplier, golden_op2_shift,
                  1, 32, 32, 16, 32, 32, 16,
                  3, 3, 1, 1,
                  1, 1, 1, 1,
                  128, 4, -128, 127);

    /* op 3: ADD 1x32x32x16 + 1x32x32x16 -> 1x32x32x16 */
    mcu_add_s8(arena + 16928, arena + 0, arena + 16912, 16384,
               128, -4, -128, 20,
               1623821475, -2, 1073741824, 0,
               1098017566, -17, -128, 127);

    /* op 4: CONV_2D 1x32x32x16 -> 1x16x16x32 */
    mcu_conv2d_s8(arena + 16912, arena + 8720, golden_t11, golden_t5,
                  golden_op4_multiplier, golden_op4_shift,
                  1, 32, 32, 16, 16, 16, 32,
                  3, 3, 2, 2,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 5: CONV_2D 1x16x16x32 -> 1x16x16x32 */
    mcu_conv2d_s8(arena + 8720, arena + 8144, golden_t12, golden_t18,
                  golden_op5_multiplier, golden_op5_shift,
                  1, 16, 16, 32, 16, 16, 32,
                  3, 3, 1, 1,
                  1, 1, 1, 1,
                  128, 4, -128, 127);

    /* op 6: CONV_2D 1x32x32x16 -> 1x16x16x32 */
    mcu_conv2d_s8(arena + 16912, arena + 16880, golden_t13, golden_t19,
                  golden_op6_multiplier, golden_op6_shift,
                  1, 32, 32, 16, 16, 16, 32,
                  1, 1, 2, 2,
                  1, 1, 0, 0,
                  128, -17, -128, 127);

    /* op 7: ADD 1x16x16x32 + 1x16x16x32 -> 1x16x16x32 */
    mcu_add_s8(arena + 16880, arena + 8144, arena + 25120, 8192,
               17, -4, -128, 20,
               1699529983, -2, 1073741824, 0,
               1140768826, -17, -128, 127);

    /* op 8: CONV_2D 1x16x16x32 -> 1x8x8x64 */
    mcu_conv2d_s8(arena + 25120, arena + 21024, golden_t14, golden_t6,
                  golden_op8_multiplier, golden_op8_shift,
                  1, 16, 16, 32, 8, 8, 64,
                  3, 3, 2, 2,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 9: CONV_2D 1x8x8x64 -> 1x8x8x64 */
    mcu_conv2d_s8(arena + 21024, arena + 20384, golden_t15, golden_t20,
                  golden_op9_multiplier, golden_op9_shift,
                  1, 8, 8, 64, 8, 8, 64,
                  3, 3, 1, 1,
                  1, 1, 1, 1,
                  128, -2, -128, 127);

    /* op 10: CONV_2D 1x16x16x32 -> 1x8x8x64 */
    mcu_conv2d_s8(arena + 25120, arena + 25056, golden_t16, golden_t21,
                  golden_op10_multiplier, golden_op10_shift,
                  1, 16, 16, 32, 8, 8, 64,
                  1, 1, 2, 2,
                  1, 1, 0, 0,
                  128, 38, -128, 127);

    /* op 11: ADD 1x8x8x64 + 1x8x8x64 -> 1x8x8x64 */
    mcu_add_s8(arena + 25056, arena + 20384, arena + 29216, 4096,
               -38, 2, -128, 20,
               1657902019, -2, 1073741824, 0,
               1835721671, -18, -128, 127);

    /* op 12: AVERAGE_POOL_2D 1x8x8x64 -> 1x1x1x64 */
    mcu_avgpool2d_s8(arena + 29216, arena + 29152,
        1, 8, 8, 64, 1, 1,
        8, 8, 8, 8,
        0, 0, -128, 127);

    /* op 14: FULLY_CONNECTED 1x64 -> 1x10 */
    mcu_fc_s8(arena + 29152, arena + 33296, golden_t7, golden_t1,
              golden_op14_multiplier, golden_op14_shift,
              1, 64, 10, 0,
              128, 0, 24, -128, 127);

    /* op 15: SOFTMAX 1x10 -> 1x10 */
    mcu_softmax_s8(arena + 33296, arena + 33280, 1, 10,
                   1476210432, 24, -124);

    if (output0 != arena + 33280) {
        memmove(output0, arena + 33280, 10);
    }
    return 0;
}
