/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 5 layers, 19240 MACs, arena 848 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_conv2d_1x1_s8.h"
#include "runtime/mcu_conv2d_s8.h"
#include "runtime/mcu_dwconv2d_3x3_s8.h"
#include "runtime/mcu_fc_dot_s8.h"
#include "runtime/mcu_pool2d_ch4_s8.h"

extern const int32_t golden_op0_filter[]; /* 108 values */
extern const int8_t golden_t17[]; /* 108 values */
extern const int32_t golden_op1_params[]; /* 48 values */
extern const int8_t golden_t19[]; /* 96 values */
extern const int32_t golden_t20[]; /* 8 values */
extern const int32_t golden_op2_multiplier[]; /* 8 values */
extern const int32_t golden_op2_shift[]; /* 8 values */
extern const int32_t golden_op5_filter[]; /* 64 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[848] GOLDEN_ALIGNED;

/* op 0: its pixel-pair loop and GEMM with K = 8 and 12 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer0_pairs, 8, 12, -128, 127, 2, 0)

/* op 1: its depthwise 3x3 row with 12 channels, stride 1 and bounds [-128, 127] baked in */
MCU_DWCONV2D_3X3_LAYER(golden_layer1_row, 12, 1, -128, 127)

/* op 5: its dot products with depth 8 and bounds [-128, 127] baked in, int16 weights */
MCU_FC_W16_LAYER(golden_layer5_dot, 8, -128, 127, 2, 0)

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 336;
    default: return 0;
    }
}

int8_t *golden_output_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 816;
    default: return 0;
    }
}

int golden_invoke(const int8_t *input0, int8_t *output0)
{
    int8_t *const arena = golden_arena;
    if (input0 != arena + 336) {
        memmove(arena + 336, input0, 512);
    }

    /* op 0: CONV_2D 1x8x8x8 -> 1x8x8x12 */
    mcu_conv2d_1x1_w16_s8(golden_layer0_pairs, 0, arena + 336, arena + 64, golden_op0_filter,
                          (mcu_word *)(void *)(arena + 32), 1 * 8 * 8, 8, 12);

    /* op 1: DEPTHWISE_CONV_2D 1x8x8x12 -> 1x8x8x12 */
    mcu_dwconv2d_3x3_s8(golden_layer1_row, arena + 64, arena + 64, golden_t17, golden_op1_params,
                        (int16_t *)(void *)(arena + 0), 1, 1, 8, 8, 12,
                        8, 8, 1, 1, 1, 1,
                        114, 12, 8 * 12, 8 * 12, 12, 3 * 12);

    /* op 2: CONV_2D 1x8x8x12 -> 1x8x8x8 */
    mcu_conv2d_s8(arena + 64, arena + 48, golden_t19, golden_t20,
                  golden_op2_multiplier, golden_op2_shift,
                  1, 8, 8, 12, 8, 8, 8,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  -71, -74, -74, 106);

    /* op 3: AVERAGE_POOL_2D 1x8x8x8 -> 1x1x1x8 */
    mcu_avgpool2d_ch4_s8(arena + 48, arena + 832,
        1, 8, 8, 8, 1, 1,
        8, 8, 1, 1,
        0, 0, -128, 127);

    /* op 5: FULLY_CONNECTED 1x8 -> 1x5 */
    mcu_fc_w16_s8(golden_layer5_dot, arena + 832, arena + 816, golden_op5_filter,
                  1, 8, 5);

    if (output0 != arena + 816) {
        memmove(output0, arena + 816, 5);
    }
    return 0;
}
