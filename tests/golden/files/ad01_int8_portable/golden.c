/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 10 layers, 264192 MACs, arena 768 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_fc_s8.h"

extern const int8_t golden_t11[]; /* 81920 values */
extern const int32_t golden_t1[]; /* 128 values */
extern const int32_t golden_op0_multiplier[]; /* 1 values */
extern const int32_t golden_op0_shift[]; /* 1 values */
extern const int8_t golden_t12[]; /* 16384 values */
extern const int32_t golden_t2[]; /* 128 values */
extern const int32_t golden_op1_multiplier[]; /* 1 values */
extern const int32_t golden_op1_shift[]; /* 1 values */
extern const int8_t golden_t13[]; /* 16384 values */
extern const int32_t golden_t3[]; /* 128 values */
extern const int32_t golden_op2_multiplier[]; /* 1 values */
extern const int32_t golden_op2_shift[]; /* 1 values */
extern const int8_t golden_t14[]; /* 16384 values */
extern const int32_t golden_t4[]; /* 128 values */
extern const int32_t golden_op3_multiplier[]; /* 1 values */
extern const int32_t golden_op3_shift[]; /* 1 values */
extern const int8_t golden_t15[]; /* 1024 values */
extern const int32_t golden_t5[]; /* 8 values */
extern const int32_t golden_op4_multiplier[]; /* 1 values */
extern const int32_t golden_op4_shift[]; /* 1 values */
extern const int8_t golden_t16[]; /* 1024 values */
extern const int32_t golden_t6[]; /* 128 values */
extern const int32_t golden_op5_multiplier[]; /* 1 values */
extern const int32_t golden_op5_shift[]; /* 1 values */
extern const int8_t golden_t17[]; /* 16384 values */
extern const int32_t golden_t7[]; /* 128 values */
extern const int32_t golden_op6_multiplier[]; /* 1 values */
extern const int32_t golden_op6_shift[]; /* 1 values */
extern const int8_t golden_t18[]; /* 16384 values */
extern const int32_t golden_t8[]; /* 128 values */
extern const int32_t golden_op7_multiplier[]; /* 1 values */
extern const int32_t golden_op7_shift[]; /* 1 values */
extern const int8_t golden_t19[]; /* 16384 values */
extern const int32_t golden_t9[]; /* 128 values */
extern const int32_t golden_op8_multiplier[]; /* 1 values */
extern const int32_t golden_op8_shift[]; /* 1 values */
extern const int8_t golden_t20[]; /* 81920 values */
extern const int32_t golden_t10[]; /* 640 values */
extern const int32_t golden_op9_multiplier[]; /* 1 values */
extern const int32_t golden_op9_shift[]; /* 1 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[768] GOLDEN_ALIGNED;

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 0;
    default: return 0;
    }
}

int8_t *golden_output_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 0;
    default: return 0;
    }
}

int golden_invoke(const int8_t *input0, int8_t *output0)
{
    int8_t *const arena = golden_arena;
    if (input0 != arena + 0) {
        memmove(arena + 0, input0, 640);
    }

    /* op 0: FULLY_CONNECTED 1x640 -> 1x128 */
    mcu_fc_s8(arena + 0, arena + 640, golden_t11, golden_t1,
              golden_op0_multiplier, golden_op0_shift,
              1, 640, 128, 0,
              -89, 0, -128, -128, 127);

    /* op 1: FULLY_CONNECTED 1x128 -> 1x128 */
    mcu_fc_s8(arena + 640, arena + 0, golden_t12, golden_t2,
              golden_op1_multiplier, golden_op1_shift,
              1, 128, 128, 0,
              128, 0, -128, -128, 127);

    /* op 2: FULLY_CONNECTED 1x128 -> 1x128 */
    mcu_fc_s8(arena + 0, arena + 128, golden_t13, golden_t3,
              golden_op2_multiplier, golden_op2_shift,
              1, 128, 128, 0,
              128, 0, -128, -128, 127);

    /* op 3: FULLY_CONNECTED 1x128 -> 1x128 */
    mcu_fc_s8(arena + 128, arena + 0, golden_t14, golden_t4,
              golden_op3_multiplier, golden_op3_shift,
              1, 128, 128, 0,
              128, 0, -128, -128, 127);

    /* op 4: FULLY_CONNECTED 1x128 -> 1x8 */
    mcu_fc_s8(arena + 0, arena + 128, golden_t15, golden_t5,
              golden_op4_multiplier, golden_op4_shift,
              1, 128, 8, 0,
              128, 0, -128, -128, 127);

    /* op 5: FULLY_CONNECTED 1x8 -> 1x128 */
    mcu_fc_s8(arena + 128, arena + 0, golden_t16, golden_t6,
              golden_op5_multiplier, golden_op5_shift,
              1, 8, 128, 0,
              128, 0, -128, -128, 127);

    /* op 6: FULLY_CONNECTED 1x128 -> 1x128 */
    mcu_fc_s8(arena + 0, arena + 128, golden_t17, golden_t7,
              golden_op6_multiplier, golden_op6_shift,
              1, 128, 128, 0,
              128, 0, -128, -128, 127);

    /* op 7: FULLY_CONNECTED 1x128 -> 1x128 */
    mcu_fc_s8(arena + 128, arena + 0, golden_t18, golden_t8,
              golden_op7_multiplier, golden_op7_shift,
              1, 128, 128, 0,
              128, 0, -128, -128, 127);

    /* op 8: FULLY_CONNECTED 1x128 -> 1x128 */
    mcu_fc_s8(arena + 0, arena + 640, golden_t19, golden_t9,
              golden_op8_multiplier, golden_op8_shift,
              1, 128, 128, 0,
              128, 0, -128, -128, 127);

    /* op 9: FULLY_CONNECTED 1x128 -> 1x640 */
    mcu_fc_s8(arena + 640, arena + 0, golden_t20, golden_t10,
              golden_op9_multiplier, golden_op9_shift,
              1, 128, 640, 0,
              128, 0, 96, -128, 127);

    if (output0 != arena + 0) {
        memmove(output0, arena + 0, 640);
    }
    return 0;
}
