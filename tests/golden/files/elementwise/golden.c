/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 4 layers, 0 MACs, arena 512 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_add_s8.h"
#include "runtime/mcu_lut_s8.h"
#include "runtime/mcu_mul_s8.h"
#include "runtime/mcu_sub_s8.h"

extern const int8_t golden_op3_table[]; /* 256 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[512] GOLDEN_ALIGNED;

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 0;
    case 1: return golden_arena + 128;
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

int golden_invoke(const int8_t *input0, const int8_t *input1, int8_t *output0)
{
    int8_t *const arena = golden_arena;
    if (input0 != arena + 0) {
        memmove(arena + 0, input0, 128);
    }
    if (input1 != arena + 128) {
        memmove(arena + 128, input1, 128);
    }

    /* op 0: ADD 1x4x4x8 + 1x4x4x8 -> 1x4x4x8 */
    mcu_add_s8(arena + 0, arena + 128, arena + 256, 128,
               4, -7, 2, 20,
               1073741824, 0, 1288490141, -1,
               1533916908, -19, 2, 127);

    /* op 1: MUL 1x4x4x8 + 1x4x4x8 -> 1x4x4x8 */
    {
        static const mcu_broadcast_t shape = {
            { 1, 1, 1, 128 },
            { 0, 0, 0, 1 },
            { 0, 0, 0, 1 },
        };
        mcu_mul_s8(arena + 256, arena + 128, arena + 384, &shape,
                   -2, -7, -10,
                   1803886272, -3, -128, 127);
    }

    /* op 2: SUB 1x4x4x8 + 1x4x4x8 -> 1x4x4x8 */
    {
        static const mcu_broadcast_t shape = {
            { 1, 1, 1, 128 },
            { 0, 0, 0, 1 },
            { 0, 0, 0, 1 },
        };
        mcu_sub_s8(arena + 384, arena + 0, arena + 128, &shape,
                   10, 4, 1, 20,
                   1717986854, -2, 1073741824, 0,
                   1789569773, -19, -128, 127);
    }

    /* op 3: LOGISTIC 1x4x4x8 -> 1x4x4x8 */
    mcu_lut_s8(arena + 128, arena + 0, 128, golden_op3_table);

    if (output0 != arena + 0) {
        memmove(output0, arena + 0, 128);
    }
    return 0;
}
