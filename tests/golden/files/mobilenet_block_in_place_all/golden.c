/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 8 layers, 79152 MACs, arena 2944 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_conv2d_1x1_s8.h"
#include "runtime/mcu_conv2d_im2col_s8.h"
#include "runtime/mcu_dwconv2d_3x3_s8.h"
#include "runtime/mcu_fc_dot_s8.h"
#include "runtime/mcu_pool2d_ch4_s8.h"
#include "runtime/mcu_softmax_s8.h"

extern const int32_t golden_op0_filter[]; /* 152 values */
extern const int8_t golden_t4[]; /* 72 values */
extern const int32_t golden_op1_params[]; /* 32 values */
extern const int32_t golden_op2_filter[]; /* 144 values */
extern const int8_t golden_t10[]; /* 144 values */
extern const int32_t golden_op3_params[]; /* 64 values */
extern const int32_t golden_op4_filter[]; /* 312 values */
extern const int32_t golden_op7_filter[]; /* 192 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[2944] GOLDEN_ALIGNED;

/* op 0: its GEMM with K = 28 (3x3x3, rounded up to 4) and 8 channels baked in, int16 weights */
MCU_GEMM_W16_LAYER(golden_layer0_gemm, 28, 8, -65, 127, 7, 0)

/* op 1: its depthwise 3x3 row with 8 channels, stride 1 and bounds [-68, 127] baked in */
MCU_DWCONV2D_3X3_LAYER(golden_layer1_row, 8, 1, -68, 127)

/* op 2: its pixel-pair loop and GEMM with K = 8 and 16 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer2_pairs, 8, 16, -29, 127, 2, 0)

/* op 3: its depthwise 3x3 row with 16 channels, stride 2 and bounds [-110, 127] baked in */
MCU_DWCONV2D_3X3_LAYER(golden_layer3_row, 16, 2, -110, 127)

/* op 4: its pixel-pair loop and GEMM with K = 16 and 24 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer4_pairs, 16, 24, -128, 127, 4, 0)

/* op 7: its dot products with depth 24 and bounds [-128, 127] baked in, int16 weights */
MCU_FC_W16_LAYER(golden_layer7_dot, 24, -128, 127, 6, 0)

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 1216;
    default: return 0;
    }
}

int8_t *golden_output_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 2912;
    default: return 0;
    }
}

int golden_invoke(const int8_t *input0, int8_t *output0)
{
    int8_t *const arena = golden_arena;
    if (input0 != arena + 1216) {
        memmove(arena + 1216, input0, 1728);
    }

    /* op 0: CONV_2D 1x24x24x3 -> 1x12x12x8 */
    mcu_conv2d_im2col_w16_s8(golden_layer0_gemm, golden_layer0_gemm, arena + 1216, arena + 1168, golden_op0_filter,
                             (int16_t *)(void *)(arena + 1024),
                         1, 24, 24, 3, 12, 12, 8,
                         3, 3, 2, 2,
                         1, 1, 0, 0,
                         -76, 9);

    /* op 1: DEPTHWISE_CONV_2D 1x12x12x8 -> 1x12x12x8 */
    mcu_dwconv2d_3x3_s8(golden_layer1_row, arena + 1168, arena + 1168, golden_t4, golden_op1_params,
                        (int16_t *)(void *)(arena + 2848), 1, 1, 12, 12, 8,
                        12, 12, 1, 1, 1, 1,
                        -65, 8, 12 * 8, 12 * 8, 8, 3 * 8);

    /* op 2: CONV_2D 1x12x12x8 -> 1x12x12x16 */
    mcu_conv2d_1x1_w16_s8(golden_layer2_pairs, 0, arena + 1168, arena + 0, golden_op2_filter,
                          (mcu_word *)(void *)(arena + 2912), 1 * 12 * 12, 8, 16);

    /* op 3: DEPTHWISE_CONV_2D 1x12x12x16 -> 1x6x6x16 */
    mcu_dwconv2d_3x3_s8(golden_layer3_row, arena + 0, arena + 0, golden_t10, golden_op3_params,
                        (int16_t *)(void *)(arena + 2848), 1, 1, 12, 12, 16,
                        6, 6, 2, 2, 0, 0,
                        -29, 16, 12 * 16, 6 * 16, 16, 3 * 16);

    /* op 4: CONV_2D 1x6x6x16 -> 1x6x6x24 */
    mcu_conv2d_1x1_w16_s8(golden_layer4_pairs, 0, arena + 0, arena + 2080, golden_op4_filter,
                          (mcu_word *)(void *)(arena + 2016), 1 * 6 * 6, 16, 24);

    /* op 5: AVERAGE_POOL_2D 1x6x6x24 -> 1x1x1x24 */
    mcu_avgpool2d_ch4_s8(arena + 2080, arena + 2048,
        1, 6, 6, 24, 1, 1,
        6, 6, 1, 1,
        0, 0, -128, 127);

    /* op 7: FULLY_CONNECTED 1x24 -> 1x10 */
    mcu_fc_w16_s8(golden_layer7_dot, arena + 2048, arena + 2928, golden_op7_filter,
                  1, 24, 10);

    /* op 8: SOFTMAX 1x10 -> 1x10 */
    mcu_softmax_s8(arena + 2928, arena + 2912, 1, 10,
                   1097782912, 27, -15);

    if (output0 != arena + 2912) {
        memmove(output0, arena + 2912, 10);
    }
    return 0;
}
