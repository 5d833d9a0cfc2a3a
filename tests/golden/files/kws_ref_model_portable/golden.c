/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 12 layers, 2656768 MACs, arena 8320 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_conv2d_s8.h"
#include "runtime/mcu_dwconv2d_inplace_s8.h"
#include "runtime/mcu_fc_s8.h"
#include "runtime/mcu_pool2d_s8.h"
#include "runtime/mcu_softmax_s8.h"

extern const int8_t golden_t17[]; /* 2560 values */
extern const int32_t golden_t3[]; /* 64 values */
extern const int32_t golden_op0_multiplier[]; /* 64 values */
extern const int32_t golden_op0_shift[]; /* 64 values */
extern const int8_t golden_t5[]; /* 576 values */
extern const int32_t golden_t4[]; /* 64 values */
extern const int32_t golden_op1_multiplier[]; /* 64 values */
extern const int32_t golden_op1_shift[]; /* 64 values */
extern const int8_t golden_t18[]; /* 4096 values */
extern const int32_t golden_t6[]; /* 64 values */
extern const int32_t golden_op2_multiplier[]; /* 64 values */
extern const int32_t golden_op2_shift[]; /* 64 values */
extern const int8_t golden_t8[]; /* 576 values */
extern const int32_t golden_t7[]; /* 64 values */
extern const int32_t golden_op3_multiplier[]; /* 64 values */
extern const int32_t golden_op3_shift[]; /* 64 values */
extern const int8_t golden_t19[]; /* 4096 values */
extern const int32_t golden_t9[]; /* 64 values */
extern const int32_t golden_op4_multiplier[]; /* 64 values */
extern const int32_t golden_op4_shift[]; /* 64 values */
extern const int8_t golden_t11[]; /* 576 values */
extern const int32_t golden_t10[]; /* 64 values */
extern const int32_t golden_op5_multiplier[]; /* 64 values */
extern const int32_t golden_op5_shift[]; /* 64 values */
extern const int8_t golden_t20[]; /* 4096 values */
extern const int32_t golden_t12[]; /* 64 values */
extern const int32_t golden_op6_multiplier[]; /* 64 values */
extern const int32_t golden_op6_shift[]; /* 64 values */
extern const int8_t golden_t14[]; /* 576 values */
extern const int32_t golden_t13[]; /* 64 values */
extern const int32_t golden_op7_multiplier[]; /* 64 values */
extern const int32_t golden_op7_shift[]; /* 64 values */
extern const int8_t golden_t21[]; /* 4096 values */
extern const int32_t golden_t15[]; /* 64 values */
extern const int32_t golden_op8_multiplier[]; /* 64 values */
extern const int32_t golden_op8_shift[]; /* 64 values */
extern const int8_t golden_t16[]; /* 768 values */
extern const int32_t golden_t1[]; /* 12 values */
extern const int32_t golden_op11_multiplier[]; /* 1 values */
extern const int32_t golden_op11_shift[]; /* 1 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[8320] GOLDEN_ALIGNED;

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 7824;
    default: return 0;
    }
}

int8_t *golden_output_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 8304;
    default: return 0;
    }
}

int golden_invoke(const int8_t *input0, int8_t *output0)
{
    int8_t *const arena = golden_arena;
    if (input0 != arena + 7824) {
        memmove(arena + 7824, input0, 490);
    }

    /* op 0: CONV_2D 1x49x10x1 -> 1x25x5x64 */
    mcu_conv2d_s8(arena + 7824, arena + 256, golden_t17, golden_t3,
                  golden_op0_multiplier, golden_op0_shift,
                  1, 49, 10, 1, 25, 5, 64,
                  10, 4, 2, 2,
                  1, 1, 4, 1,
                  -83, -128, -128, 127);

    /* op 1: DEPTHWISE_CONV_2D 1x25x5x64 -> 1x25x5x64, in place (one-channel temporary of 25x5 bytes) */
    mcu_dwconv2d_inplace_s8(arena + 256, arena + 128, golden_t5, golden_t4,
                            golden_op1_multiplier, golden_op1_shift,
                            25, 5, 64, 25, 5,
                            3, 3, 1, 1,
                            1, 1, 1, 1,
                            128, -128, -128, 127);

    /* op 2: CONV_2D 1x25x5x64 -> 1x25x5x64 */
    mcu_conv2d_s8(arena + 256, arena + 192, golden_t18, golden_t6,
                  golden_op2_multiplier, golden_op2_shift,
                  1, 25, 5, 64, 25, 5, 64,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 3: DEPTHWISE_CONV_2D 1x25x5x64 -> 1x25x5x64, in place (one-channel temporary of 25x5 bytes) */
    mcu_dwconv2d_inplace_s8(arena + 192, arena + 8192, golden_t8, golden_t7,
                            golden_op3_multiplier, golden_op3_shift,
                            25, 5, 64, 25, 5,
                            3, 3, 1, 1,
                            1, 1, 1, 1,
                            128, -128, -128, 127);

    /* op 4: CONV_2D 1x25x5x64 -> 1x25x5x64 */
    mcu_conv2d_s8(arena + 192, arena + 128, golden_t19, golden_t9,
                  golden_op4_multiplier, golden_op4_shift,
                  1, 25, 5, 64, 25, 5, 64,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 5: DEPTHWISE_CONV_2D 1x25x5x64 -> 1x25x5x64, in place (one-channel temporary of 25x5 bytes) */
    mcu_dwconv2d_inplace_s8(arena + 128, arena + 8192, golden_t11, golden_t10,
                            golden_op5_multiplier, golden_op5_shift,
                            25, 5, 64, 25, 5,
                            3, 3, 1, 1,
                            1, 1, 1, 1,
                            128, -128, -128, 127);

    /* op 6: CONV_2D 1x25x5x64 -> 1x25x5x64 */
    mcu_conv2d_s8(arena + 128, arena + 64, golden_t20, golden_t12,
                  golden_op6_multiplier, golden_op6_shift,
                  1, 25, 5, 64, 25, 5, 64,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 7: DEPTHWISE_CONV_2D 1x25x5x64 -> 1x25x5x64, in place (one-channel temporary of 25x5 bytes) */
    mcu_dwconv2d_inplace_s8(arena + 64, arena + 8192, golden_t14, golden_t13,
                            golden_op7_multiplier, golden_op7_shift,
                            25, 5, 64, 25, 5,
                            3, 3, 1, 1,
                            1, 1, 1, 1,
                            128, -128, -128, 127);

    /* op 8: CONV_2D 1x25x5x64 -> 1x25x5x64 */
    mcu_conv2d_s8(arena + 64, arena + 0, golden_t21, golden_t15,
                  golden_op8_multiplier, golden_op8_shift,
                  1, 25, 5, 64, 25, 5, 64,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 9: AVERAGE_POOL_2D 1x25x5x64 -> 1x1x1x64 */
    mcu_avgpool2d_s8(arena + 0, arena + 8256,
        1, 25, 5, 64, 1, 1,
        25, 5, 25, 5,
        0, 0, -128, 127);

    /* op 11: FULLY_CONNECTED 1x64 -> 1x12 */
    mcu_fc_s8(arena + 8256, arena + 8240, golden_t16, golden_t1,
              golden_op11_multiplier, golden_op11_shift,
              1, 64, 12, 0,
              128, 0, 14, -128, 127);

    /* op 12: SOFTMAX 1x12 -> 1x12 */
    mcu_softmax_s8(arena + 8240, arena + 8304, 1, 12,
                   1242899200, 24, -124);

    if (output0 != arena + 8304) {
        memmove(output0, arena + 8304, 12);
    }
    return 0;
}
