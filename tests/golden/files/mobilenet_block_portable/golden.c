/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 8 layers, 79152 MACs, arena 2880 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_conv2d_s8.h"
#include "runtime/mcu_dwconv2d_s8.h"
#include "runtime/mcu_fc_s8.h"
#include "runtime/mcu_pool2d_s8.h"
#include "runtime/mcu_softmax_s8.h"

extern const int8_t golden_t1[]; /* 216 values */
extern const int32_t golden_t2[]; /* 8 values */
extern const int32_t golden_op0_multiplier[]; /* 8 values */
extern const int32_t golden_op0_shift[]; /* 8 values */
extern const int8_t golden_t4[]; /* 72 values */
extern const int32_t golden_t5[]; /* 8 values */
extern const int32_t golden_op1_multiplier[]; /* 8 values */
extern const int32_t golden_op1_shift[]; /* 8 values */
extern const int8_t golden_t7[]; /* 128 values */
extern const int32_t golden_t8[]; /* 16 values */
extern const int32_t golden_op2_multiplier[]; /* 16 values */
extern const int32_t golden_op2_shift[]; /* 16 values */
extern const int8_t golden_t10[]; /* 144 values */
extern const int32_t golden_t11[]; /* 16 values */
extern const int32_t golden_op3_multiplier[]; /* 16 values */
extern const int32_t golden_op3_shift[]; /* 16 values */
extern const int8_t golden_t13[]; /* 384 values */
extern const int32_t golden_t14[]; /* 24 values */
extern const int32_t golden_op4_multiplier[]; /* 24 values */
extern const int32_t golden_op4_shift[]; /* 24 values */
extern const int8_t golden_t18[]; /* 240 values */
extern const int32_t golden_t19[]; /* 10 values */
extern const int32_t golden_op7_multiplier[]; /* 1 values */
extern const int32_t golden_op7_shift[]; /* 1 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[2880] GOLDEN_ALIGNED;

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
    case 0: return golden_arena + 16;
    default: return 0;
    }
}

int golden_invoke(const int8_t *input0, int8_t *output0)
{
    int8_t *const arena = golden_arena;
    if (input0 != arena + 0) {
        memmove(arena + 0, input0, 1728);
    }

    /* op 0: CONV_2D 1x24x24x3 -> 1x12x12x8 */
    mcu_conv2d_s8(arena + 0, arena + 1728, golden_t1, golden_t2,
                  golden_op0_multiplier, golden_op0_shift,
                  1, 24, 24, 3, 12, 12, 8,
                  3, 3, 2, 2,
                  1, 1, 0, 0,
                  -76, -65, -65, 127);

    /* op 1: DEPTHWISE_CONV_2D 1x12x12x8 -> 1x12x12x8 */
    mcu_dwconv2d_s8(arena + 1728, arena + 1168, golden_t4, golden_t5,
                    golden_op1_multiplier, golden_op1_shift,
                    1, 12, 12, 8, 12, 12, 8,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    65, -68, -68, 127);

    /* op 2: CONV_2D 1x12x12x8 -> 1x12x12x16 */
    mcu_conv2d_s8(arena + 1168, arena + 0, golden_t7, golden_t8,
                  golden_op2_multiplier, golden_op2_shift,
                  1, 12, 12, 8, 12, 12, 16,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  68, -29, -29, 127);

    /* op 3: DEPTHWISE_CONV_2D 1x12x12x16 -> 1x6x6x16 */
    mcu_dwconv2d_s8(arena + 0, arena + 2304, golden_t10, golden_t11,
                    golden_op3_multiplier, golden_op3_shift,
                    1, 12, 12, 16, 6, 6, 16,
                    1, 3, 3, 2, 2,
                    1, 1, 0, 0,
                    29, -110, -110, 127);

    /* op 4: CONV_2D 1x6x6x16 -> 1x6x6x24 */
    mcu_conv2d_s8(arena + 2304, arena + 0, golden_t13, golden_t14,
                  golden_op4_multiplier, golden_op4_shift,
                  1, 6, 6, 16, 6, 6, 24,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  110, -34, -128, 127);

    /* op 5: AVERAGE_POOL_2D 1x6x6x24 -> 1x1x1x24 */
    mcu_avgpool2d_s8(arena + 0, arena + 864,
        1, 6, 6, 24, 1, 1,
        6, 6, 1, 1,
        0, 0, -128, 127);

    /* op 7: FULLY_CONNECTED 1x24 -> 1x10 */
    mcu_fc_s8(arena + 864, arena + 0, golden_t18, golden_t19,
              golden_op7_multiplier, golden_op7_shift,
              1, 24, 10, 0,
              34, 0, 85, -128, 127);

    /* op 8: SOFTMAX 1x10 -> 1x10 */
    mcu_softmax_s8(arena + 0, arena + 16, 1, 10,
                   1097782912, 27, -15);

    if (output0 != arena + 16) {
        memmove(output0, arena + 16, 10);
    }
    return 0;
}
