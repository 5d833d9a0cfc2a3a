/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 3 layers, 288 MACs, arena 32 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_fc_s8.h"

extern const int8_t golden_t6[]; /* 16 values */
extern const int32_t golden_t5[]; /* 16 values */
extern const int32_t golden_op0_multiplier[]; /* 1 values */
extern const int32_t golden_op0_shift[]; /* 1 values */
extern const int8_t golden_t4[]; /* 256 values */
extern const int32_t golden_t3[]; /* 16 values */
extern const int32_t golden_op1_multiplier[]; /* 1 values */
extern const int32_t golden_op1_shift[]; /* 1 values */
extern const int8_t golden_t2[]; /* 16 values */
extern const int32_t golden_t1[]; /* 1 values */
extern const int32_t golden_op2_multiplier[]; /* 1 values */
extern const int32_t golden_op2_shift[]; /* 1 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[32] GOLDEN_ALIGNED;

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 16;
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
    if (input0 != arena + 16) {
        memmove(arena + 16, input0, 1);
    }

    /* op 0: FULLY_CONNECTED 1x1 -> 1x16 */
    mcu_fc_s8(arena + 16, arena + 0, golden_t6, golden_t5,
              golden_op0_multiplier, golden_op0_shift,
              1, 1, 16, 0,
              128, 0, -128, -128, 127);

    /* op 1: FULLY_CONNECTED 1x16 -> 1x16 */
    mcu_fc_s8(arena + 0, arena + 16, golden_t4, golden_t3,
              golden_op1_multiplier, golden_op1_shift,
              1, 16, 16, 0,
              128, 0, -128, -128, 127);

    /* op 2: FULLY_CONNECTED 1x16 -> 1x1 */
    mcu_fc_s8(arena + 16, arena + 0, golden_t2, golden_t1,
              golden_op2_multiplier, golden_op2_shift,
              1, 16, 1, 0,
              128, 0, 5, -128, 127);

    if (output0 != arena + 0) {
        memmove(output0, arena + 0, 1);
    }
    return 0;
}
