/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 12 layers, 2656768 MACs, arena 8576 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_conv2d_1x1_s8.h"
#include "runtime/mcu_conv2d_im2col_s8.h"
#include "runtime/mcu_dwconv2d_3x3_s8.h"
#include "runtime/mcu_fc_dot_s8.h"
#include "runtime/mcu_pool2d_ch4_s8.h"
#include "runtime/mcu_softmax_s8.h"

extern const int32_t golden_op0_filter[]; /* 1600 values */
extern const int8_t golden_t5[]; /* 576 values */
extern const int32_t golden_op1_params[]; /* 256 values */
extern const int32_t golden_op2_filter[]; /* 2368 values */
extern const int8_t golden_t8[]; /* 576 values */
extern const int32_t golden_op3_params[]; /* 256 values */
extern const int32_t golden_op4_filter[]; /* 2368 values */
extern const int8_t golden_t11[]; /* 576 values */
extern const int32_t golden_op5_params[]; /* 256 values */
extern const int32_t golden_op6_filter[]; /* 2368 values */
extern const int8_t golden_t14[]; /* 576 values */
extern const int32_t golden_op7_params[]; /* 256 values */
extern const int32_t golden_op8_filter[]; /* 2368 values */
extern const int32_t golden_op11_filter[]; /* 432 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[8576] GOLDEN_ALIGNED;

/* op 0: its GEMM with K = 40 (10x4x1) and 64 channels baked in, int16 weights */
MCU_GEMM_W16_LAYER(golden_layer0_gemm, 40, 64, -128, 127, 10, 0)
MCU_GEMM_W16_ONE(golden_layer0_one, 40, 64, -128, 127, 10, 0)

/* op 1: its depthwise 3x3 row along the image's columns (output stride 5x64 bytes), stride 1 and bounds [-128, 127] baked in */
MCU_DWCONV2D_3X3_LAYER(golden_layer1_row, 320, 1, -128, 127)

/* op 2: its pixel-pair loop and GEMM with K = 64 and 64 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer2_pairs, 64, 64, -128, 127, 16, 0)
/* and for a lone last pixel (odd pixel counts) its own GEMM */
MCU_GEMM_W16_ONE(golden_layer2_one, 64, 64, -128, 127, 16, 0)
MCU_CONV2D_1X1_W16_LAYER(golden_layer2_block, golden_layer2_one, golden_layer2_one, 64)

/* op 3: the same functions as golden_layer1 */
#define golden_layer3_row golden_layer1_row

/* op 4: the same functions as golden_layer2 */
#define golden_layer4_block golden_layer2_block
#define golden_layer4_one golden_layer2_one
#define golden_layer4_pairs golden_layer2_pairs

/* op 5: the same functions as golden_layer1 */
#define golden_layer5_row golden_layer1_row

/* op 6: the same functions as golden_layer2 */
#define golden_layer6_block golden_layer2_block
#define golden_layer6_one golden_layer2_one
#define golden_layer6_pairs golden_layer2_pairs

/* op 7: the same functions as golden_layer1 */
#define golden_layer7_row golden_layer1_row

/* op 8: the same functions as golden_layer2 */
#define golden_layer8_block golden_layer2_block
#define golden_layer8_one golden_layer2_one
#define golden_layer8_pairs golden_layer2_pairs

/* op 11: its dot products with depth 64 and bounds [-128, 127] baked in, int16 weights */
MCU_FC_W16_LAYER(golden_layer11_dot, 64, -128, 127, 16, 0)

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 8080;
    default: return 0;
    }
}

int8_t *golden_output_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 8560;
    default: return 0;
    }
}

int golden_invoke(const int8_t *input0, int8_t *output0)
{
    int8_t *const arena = golden_arena;
    if (input0 != arena + 8080) {
        memmove(arena + 8080, input0, 490);
    }

    /* op 0: CONV_2D 1x49x10x1 -> 1x25x5x64 */
    mcu_conv2d_im2col_w16_s8(golden_layer0_gemm, golden_layer0_one, arena + 8080, arena + 512, golden_op0_filter,
                             (int16_t *)(void *)(arena + 352),
                         1, 49, 10, 1, 25, 5, 64,
                         10, 4, 2, 2,
                         1, 1, 4, 1,
                         -83, 4);

    /* op 1: DEPTHWISE_CONV_2D 1x25x5x64 -> 1x25x5x64 */
    /* rows taken along the image's columns (a tall narrow image) */
    mcu_dwconv2d_3x3_s8(golden_layer1_row, arena + 512, arena + 512, golden_t5, golden_op1_params,
                        (int16_t *)(void *)(arena + 336), 1, 1, 5, 25, 64,
                        5, 25, 1, 1, 1, 1,
                        -128, 5 * 64, 64, 64, 3 * 64, 64);

    /* op 2: CONV_2D 1x25x5x64 -> 1x25x5x64 */
    mcu_conv2d_1x1_w16_s8(golden_layer2_pairs, golden_layer2_block, arena + 512, arena + 384, golden_op2_filter,
                          (mcu_word *)(void *)(arena + 128), 1 * 25 * 5, 64, 64);

    /* op 3: DEPTHWISE_CONV_2D 1x25x5x64 -> 1x25x5x64 */
    /* rows taken along the image's columns (a tall narrow image) */
    mcu_dwconv2d_3x3_s8(golden_layer3_row, arena + 384, arena + 384, golden_t8, golden_op3_params,
                        (int16_t *)(void *)(arena + 8400), 1, 1, 5, 25, 64,
                        5, 25, 1, 1, 1, 1,
                        -128, 5 * 64, 64, 64, 3 * 64, 64);

    /* op 4: CONV_2D 1x25x5x64 -> 1x25x5x64 */
    mcu_conv2d_1x1_w16_s8(golden_layer4_pairs, golden_layer4_block, arena + 384, arena + 256, golden_op4_filter,
                          (mcu_word *)(void *)(arena + 0), 1 * 25 * 5, 64, 64);

    /* op 5: DEPTHWISE_CONV_2D 1x25x5x64 -> 1x25x5x64 */
    /* rows taken along the image's columns (a tall narrow image) */
    mcu_dwconv2d_3x3_s8(golden_layer5_row, arena + 256, arena + 256, golden_t11, golden_op5_params,
                        (int16_t *)(void *)(arena + 8400), 1, 1, 5, 25, 64,
                        5, 25, 1, 1, 1, 1,
                        -128, 5 * 64, 64, 64, 3 * 64, 64);

    /* op 6: CONV_2D 1x25x5x64 -> 1x25x5x64 */
    mcu_conv2d_1x1_w16_s8(golden_layer6_pairs, golden_layer6_block, arena + 256, arena + 128, golden_op6_filter,
                          (mcu_word *)(void *)(arena + 8320), 1 * 25 * 5, 64, 64);

    /* op 7: DEPTHWISE_CONV_2D 1x25x5x64 -> 1x25x5x64 */
    /* rows taken along the image's columns (a tall narrow image) */
    mcu_dwconv2d_3x3_s8(golden_layer7_row, arena + 128, arena + 128, golden_t14, golden_op7_params,
                        (int16_t *)(void *)(arena + 8400), 1, 1, 5, 25, 64,
                        5, 25, 1, 1, 1, 1,
                        -128, 5 * 64, 64, 64, 3 * 64, 64);

    /* op 8: CONV_2D 1x25x5x64 -> 1x25x5x64 */
    mcu_conv2d_1x1_w16_s8(golden_layer8_pairs, golden_layer8_block, arena + 128, arena + 0, golden_op8_filter,
                          (mcu_word *)(void *)(arena + 8320), 1 * 25 * 5, 64, 64);

    /* op 9: AVERAGE_POOL_2D 1x25x5x64 -> 1x1x1x64 */
    mcu_avgpool2d_ch4_s8(arena + 0, arena + 8512,
        1, 25, 5, 64, 1, 1,
        25, 5, 25, 5,
        0, 0, -128, 127);

    /* op 11: FULLY_CONNECTED 1x64 -> 1x12 */
    mcu_fc_w16_s8(golden_layer11_dot, arena + 8512, arena + 8496, golden_op11_filter,
                  1, 64, 12);

    /* op 12: SOFTMAX 1x12 -> 1x12 */
    mcu_softmax_s8(arena + 8496, arena + 8560, 1, 12,
                   1242899200, 24, -124);

    if (output0 != arena + 8560) {
        memmove(output0, arena + 8560, 12);
    }
    return 0;
}
