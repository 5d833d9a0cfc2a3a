/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 15 layers, 12501632 MACs, arena 33904 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_add_table_s8.h"
#include "runtime/mcu_conv2d_1x1_s8.h"
#include "runtime/mcu_conv2d_im2col_s8.h"
#include "runtime/mcu_fc_dot_s8.h"
#include "runtime/mcu_pool2d_ch4_s8.h"
#include "runtime/mcu_softmax_s8.h"

extern const int32_t golden_op0_filter[]; /* 304 values */
extern const int32_t golden_op1_filter[]; /* 1232 values */
extern const int32_t golden_op2_filter[]; /* 1232 values */
extern const int32_t golden_op3_tables[]; /* 512 values */
extern const int32_t golden_op3_requant[]; /* 3 values */
extern const int32_t golden_op4_filter[]; /* 2464 values */
extern const int32_t golden_op5_filter[]; /* 4768 values */
extern const int32_t golden_op6_filter[]; /* 416 values */
extern const int32_t golden_op7_tables[]; /* 512 values */
extern const int32_t golden_op7_requant[]; /* 3 values */
extern const int32_t golden_op8_filter[]; /* 9536 values */
extern const int32_t golden_op9_filter[]; /* 18752 values */
extern const int32_t golden_op10_filter[]; /* 1344 values */
extern const int32_t golden_op11_tables[]; /* 512 values */
extern const int32_t golden_op11_requant[]; /* 3 values */
extern const int32_t golden_op14_filter[]; /* 432 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[33904] GOLDEN_ALIGNED;

/* op 0: its GEMM with K = 28 (3x3x3, rounded up to 4) and 16 channels baked in, int16 weights */
MCU_GEMM_W16_LAYER(golden_layer0_gemm, 28, 16, -128, 127, 7, 0)

/* op 1: its GEMM with K = 144 (3x3x16) and 16 channels baked in, int16 weights */
MCU_GEMM_W16_LAYER(golden_layer1_gemm, 144, 16, -128, 127, 4, 1)

/* op 2: the same functions as golden_layer1 */
#define golden_layer2_gemm golden_layer1_gemm

/* op 3: its elementwise add with the output shift 17 and bounds [-128, 127] baked in */
MCU_ADD_TABLE_LAYER(golden_layer3_add, 17, -128, 127)

/* op 4: its GEMM with K = 144 (3x3x16) and 32 channels baked in, int16 weights */
MCU_GEMM_W16_LAYER(golden_layer4_gemm, 144, 32, -128, 127, 4, 1)

/* op 5: its GEMM with K = 288 (3x3x32) and 32 channels baked in, int16 weights */
MCU_GEMM_W16_LAYER(golden_layer5_gemm, 288, 32, -128, 127, 8, 1)

/* op 6: its GEMM with K = 16 (1x1x16) and 32 channels baked in, int16 weights */
MCU_GEMM_W16_LAYER(golden_layer6_gemm, 16, 32, -128, 127, 4, 0)
MCU_CONV2D_1X1_W16_LAYER(golden_layer6_block, golden_layer6_gemm, golden_layer6_gemm, 16)

/* op 7: the same functions as golden_layer3 */
#define golden_layer7_add golden_layer3_add

/* op 8: its GEMM with K = 288 (3x3x32) and 64 channels baked in, int16 weights */
MCU_GEMM_W16_LAYER(golden_layer8_gemm, 288, 64, -128, 127, 8, 1)

/* op 9: its GEMM with K = 576 (3x3x64) and 64 channels baked in, int16 weights */
MCU_GEMM_W16_LAYER(golden_layer9_gemm, 576, 64, -128, 127, 0, 1)

/* op 10: its GEMM with K = 32 (1x1x32) and 64 channels baked in, int16 weights */
MCU_GEMM_W16_LAYER(golden_layer10_gemm, 32, 64, -128, 127, 8, 0)
MCU_CONV2D_1X1_W16_LAYER(golden_layer10_block, golden_layer10_gemm, golden_layer10_gemm, 32)

/* op 11: its elementwise add with the output shift 18 and bounds [-128, 127] baked in */
MCU_ADD_TABLE_LAYER(golden_layer11_add, 18, -128, 127)

/* op 14: its dot products with depth 64 and bounds [-128, 127] baked in, int16 weights */
MCU_FC_W16_LAYER(golden_layer14_dot, 64, -128, 127, 16, 0)

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 14448;
    default: return 0;
    }
}

int8_t *golden_output_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 33872;
    default: return 0;
    }
}

int golden_invoke(const int8_t *input0, int8_t *output0)
{
    int8_t *const arena = golden_arena;
    if (input0 != arena + 14448) {
        memmove(arena + 14448, input0, 3072);
    }

    /* op 0: CONV_2D 1x32x32x3 -> 1x32x32x16 */
    mcu_conv2d_im2col_w16_s8(golden_layer0_gemm, golden_layer0_gemm, arena + 14448, arena + 17520, golden_op0_filter,
                             (int16_t *)(void *)(arena + 14304),
                         1, 32, 32, 3, 32, 32, 16,
                         3, 3, 1, 1,
                         1, 1, 1, 1,
                         128, 9);

    /* op 1: CONV_2D 1x32x32x16 -> 1x32x32x16 */
    mcu_conv2d_im2col_w16_s8(golden_layer1_gemm, golden_layer1_gemm, arena + 17520, arena + 1136, golden_op1_filter,
                             (int16_t *)(void *)(arena + 560),
                         1, 32, 32, 16, 32, 32, 16,
                         3, 3, 1, 1,
                         1, 1, 1, 1,
                         128, 48);

    /* op 2: CONV_2D 1x32x32x16 -> 1x32x32x16 */
    mcu_conv2d_im2col_w16_s8(golden_layer2_gemm, golden_layer2_gemm, arena + 1136, arena + 576, golden_op2_filter,
                             (int16_t *)(void *)(arena + 0),
                         1, 32, 32, 16, 32, 32, 16,
                         3, 3, 1, 1,
                         1, 1, 1, 1,
                         128, 48);

    /* op 3: ADD 1x32x32x16 + 1x32x32x16 -> 1x32x32x16 */
    mcu_add_table_s8(golden_layer3_add, arena + 17520, arena + 576, arena + 17504, 16384,
                     golden_op3_tables, golden_op3_requant);

    /* op 4: CONV_2D 1x32x32x16 -> 1x16x16x32 */
    mcu_conv2d_im2col_w16_s8(golden_layer4_gemm, golden_layer4_gemm, arena + 17504, arena + 9312, golden_op4_filter,
                             (int16_t *)(void *)(arena + 8736),
                         1, 32, 32, 16, 16, 16, 32,
                         3, 3, 2, 2,
                         1, 1, 0, 0,
                         128, 48);

    /* op 5: CONV_2D 1x16x16x32 -> 1x16x16x32 */
    mcu_conv2d_im2col_w16_s8(golden_layer5_gemm, golden_layer5_gemm, arena + 9312, arena + 8704, golden_op5_filter,
                             (int16_t *)(void *)(arena + 7552),
                         1, 16, 16, 32, 16, 16, 32,
                         3, 3, 1, 1,
                         1, 1, 1, 1,
                         128, 96);

    /* op 6: CONV_2D 1x32x32x16 -> 1x16x16x32 */
    mcu_conv2d_1x1_strided_s8(golden_layer6_block, arena + 17504, arena + 17440, golden_op6_filter,
                              NULL, NULL,
                              (mcu_word *)(void *)(arena + 17376), 1, 32, 32, 16,
                              16, 16, 32, 2, 2);

    /* op 7: ADD 1x16x16x32 + 1x16x16x32 -> 1x16x16x32 */
    mcu_add_table_s8(golden_layer7_add, arena + 17440, arena + 8704, arena + 25712, 8192,
                     golden_op7_tables, golden_op7_requant);

    /* op 8: CONV_2D 1x16x16x32 -> 1x8x8x64 */
    mcu_conv2d_im2col_w16_s8(golden_layer8_gemm, golden_layer8_gemm, arena + 25712, arena + 21616, golden_op8_filter,
                             (int16_t *)(void *)(arena + 20464),
                         1, 16, 16, 32, 8, 8, 64,
                         3, 3, 2, 2,
                         1, 1, 0, 0,
                         128, 96);

    /* op 9: CONV_2D 1x8x8x64 -> 1x8x8x64 */
    mcu_conv2d_im2col_w16_s8(golden_layer9_gemm, golden_layer9_gemm, arena + 21616, arena + 20912, golden_op9_filter,
                             (int16_t *)(void *)(arena + 18608),
                         1, 8, 8, 64, 8, 8, 64,
                         3, 3, 1, 1,
                         1, 1, 1, 1,
                         128, 192);

    /* op 10: CONV_2D 1x16x16x32 -> 1x8x8x64 */
    mcu_conv2d_1x1_strided_s8(golden_layer10_block, arena + 25712, arena + 25584, golden_op10_filter,
                              NULL, NULL,
                              (mcu_word *)(void *)(arena + 25456), 1, 16, 16, 32,
                              8, 8, 64, 2, 2);

    /* op 11: ADD 1x8x8x64 + 1x8x8x64 -> 1x8x8x64 */
    mcu_add_table_s8(golden_layer11_add, arena + 25584, arena + 20912, arena + 29808, 4096,
                     golden_op11_tables, golden_op11_requant);

    /* op 12: AVERAGE_POOL_2D 1x8x8x64 -> 1x1x1x64 */
    mcu_avgpool2d_ch4_s8(arena + 29808, arena + 29744,
        1, 8, 8, 64, 1, 1,
        8, 8, 8, 8,
        0, 0, -128, 127);

    /* op 14: FULLY_CONNECTED 1x64 -> 1x10 */
    mcu_fc_w16_s8(golden_layer14_dot, arena + 29744, arena + 33888, golden_op14_filter,
                  1, 64, 10);

    /* op 15: SOFTMAX 1x10 -> 1x10 */
    mcu_softmax_s8(arena + 33888, arena + 33872, 1, 10,
                   1476210432, 24, -124);

    if (output0 != arena + 33872) {
        memmove(output0, arena + 33872, 10);
    }
    return 0;
}
