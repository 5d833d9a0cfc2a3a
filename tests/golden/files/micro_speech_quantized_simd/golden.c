/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 3 layers, 336000 MACs, arena 4496 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_conv2d_im2col_s8.h"
#include "runtime/mcu_fc_dot_s8.h"
#include "runtime/mcu_softmax_s8.h"

extern const int32_t golden_op1_filter[]; /* 360 values */
extern const int32_t golden_op2_filter[]; /* 8016 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[4496] GOLDEN_ALIGNED;

/* op 1: its GEMM with K = 80 (10x8x1) and 8 channels baked in, int16 weights */
MCU_GEMM_W16_LAYER(golden_layer1_gemm, 80, 8, -128, 127, 4, 1)

/* op 2: its dot products with depth 4000 and bounds [-128, 127] baked in, int16 weights */
MCU_FC_W16_LAYER(golden_layer2_dot, 4000, -128, 127, 8, 1)

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
    mcu_conv2d_im2col_w16_s8(golden_layer1_gemm, golden_layer1_gemm, arena + 2208, arena + 0, golden_op1_filter,
                             (int16_t *)(void *)(arena + 4176),
                         1, 49, 40, 1, 25, 20, 8,
                         10, 8, 2, 2,
                         1, 1, 4, 3,
                         128, 8);

    /* op 2: FULLY_CONNECTED 1x25x20x8 -> 1x4 */
    mcu_fc_w16_s8(golden_layer2_dot, arena + 0, arena + 4000, golden_op2_filter,
                  1, 4000, 4);

    /* op 3: SOFTMAX 1x4 -> 1x4 */
    mcu_softmax_s8(arena + 4000, arena + 0, 1, 4,
                   1575942400, 23, -248);

    if (output0 != arena + 0) {
        memmove(output0, arena + 0, 4);
    }
    return 0;
}
