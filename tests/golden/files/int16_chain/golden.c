/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 2 layers, 12960 MACs, arena 1152 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_conv2d_s16.h"
#include "runtime/mcu_dwconv2d_s16.h"

extern const int8_t golden_t1[]; /* 288 values */
extern const int64_t golden_t2[]; /* 8 values */
extern const int32_t golden_op0_multiplier[]; /* 8 values */
extern const int32_t golden_op0_shift[]; /* 8 values */
extern const int8_t golden_t4[]; /* 72 values */
extern const int64_t golden_t5[]; /* 8 values */
extern const int32_t golden_op1_multiplier[]; /* 8 values */
extern const int32_t golden_op1_shift[]; /* 8 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[1152] GOLDEN_ALIGNED;

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 576;
    default: return 0;
    }
}

int8_t *golden_output_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 576;
    default: return 0;
    }
}

int golden_invoke(const int16_t *input0, int16_t *output0)
{
    int8_t *const arena = golden_arena;
    if ((const void *)input0 != (const void *)(arena + 576)) {
        memmove(arena + 576, input0, 288);
    }

    /* op 0: CONV_2D 1x6x6x4 -> 1x6x6x8 */
    mcu_conv2d_s16((const int16_t *)(const void *)(arena + 576), (int16_t *)(void *)(arena + 0),
                   golden_t1, golden_t2, golden_op0_multiplier, golden_op0_shift, 0,
                   1, 6, 6, 4, 6, 6, 8,
                   3, 3, 1, 1,
                   1, 1, 1, 1,
                   -32768, 32767);

    /* op 1: DEPTHWISE_CONV_2D 1x6x6x8 -> 1x6x6x8 */
    mcu_dwconv2d_s16((const int16_t *)(const void *)(arena + 0), (int16_t *)(void *)(arena + 576),
                     golden_t4, golden_t5, golden_op1_multiplier, golden_op1_shift, 0,
                     1, 6, 6, 8, 6, 6,
                     1, 3, 3, 1, 1,
                     1, 1, 1, 1,
                     -32768, 32767);

    if ((void *)output0 != (void *)(arena + 576)) {
        memmove(output0, arena + 576, 576);
    }
    return 0;
}
