/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 3 layers, 336000 MACs, arena 4176 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_dwconv2d_s8.h"
#include "runtime/mcu_fc_s8.h"
#include "runtime/mcu_softmax_s8.h"

extern const int8_t golden_t8[]; /* 640 values */
extern const int32_t golden_t0[]; /* 8 values */
extern const int32_t golden_op1_multiplier[]; /* 8 values */
extern const int32_t golden_op1_shift[]; /* 8 values */
extern const int8_t golden_t7[]; /* 16000 values */
extern const int32_t golden_t1[]; /* 4 values */
extern const int32_t golden_op2_multiplier[]; /* 1 values */
extern const int32_t golden_op2_shift[]; /* 1 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[4176] GOLDEN_ALIGNED;

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 2208;
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
    if (input0 != arena + 2208) {
        memmove(arena + 2208, input0, 1960);
    }

    /* op 1: DEPTHWISE_CONV_2D 1x49x40x1 -> 1x25x20x8 */
    mcu_dwconv2d_s8(arena + 2208, arena + 0, golden_t8, golden_t0,
                    golden_op1_multiplier, golden_op1_shift,
                    1, 49, 40, 1, 25, 20, 8,
                    8, 10, 8, 2, 2,
                    1, 1, 4, 3,
                    128, -128, -128, 127);

    /* op 2: FULLY_CONNECTED 1x25x20x8 -> 1x4 */
    mcu_fc_s8(arena + 0, arena + 4000, golden_t7, golden_t1,
              golden_op2_multiplier, golden_op2_shift,
              1, 4000, 4, 0,
              128, 0, 14, -128, 127);

    /* op 3: SOFTMAX 1x4 -> 1x4 */
    mcu_softmax_s8(arena + 4000, arena + 0, 1, 4,
                   1575942400, 23, -248);

    if (output0 != arena + 0) {
        memmove(output0, arena + 0, 4);
    }
    return 0;
}
