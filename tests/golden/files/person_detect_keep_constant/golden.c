/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 30 layers, 7157888 MACs, arena 55328 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_conv2d_1x1_s8.h"
#include "runtime/mcu_conv2d_im2col_s8.h"
#include "runtime/mcu_dwconv2d_3x3_image_s8.h"
#include "runtime/mcu_dwconv2d_3x3_s8.h"
#include "runtime/mcu_dwconv2d_ch4_s8.h"
#include "runtime/mcu_pool2d_ch4_s8.h"
#include "runtime/mcu_softmax_s8.h"

extern const int32_t golden_op0_filter[]; /* 88 values */
extern const int8_t golden_t9[]; /* 72 values */
extern const int32_t golden_op1_params[]; /* 32 values */
extern const int32_t golden_op2_filter[]; /* 144 values */
extern const int8_t golden_t11[]; /* 144 values */
extern const int32_t golden_op3_params[]; /* 64 values */
extern const int32_t golden_op4_filter[]; /* 416 values */
extern const int32_t golden_op5_stream[]; /* 320 values */
extern const int32_t golden_op6_filter[]; /* 672 values */
extern const int8_t golden_t15[]; /* 288 values */
extern const int32_t golden_t64[]; /* 32 values */
extern const int32_t golden_op7_requant[]; /* 96 values */
extern const int32_t golden_op7_wide[]; /* 272 values */
extern const int32_t golden_op8_filter[]; /* 1344 values */
extern const int32_t golden_op9_stream[]; /* 640 values */
extern const int32_t golden_op10_filter[]; /* 2368 values */
extern const int8_t golden_t19[]; /* 576 values */
extern const int32_t golden_t72[]; /* 64 values */
extern const int32_t golden_op11_requant[]; /* 192 values */
extern const int32_t golden_op11_wide[]; /* 544 values */
extern const int32_t golden_op12_filter[]; /* 4736 values */
extern const int32_t golden_op13_stream[]; /* 1280 values */
extern const int32_t golden_op14_filter[]; /* 8832 values */
extern const int32_t golden_op15_stream[]; /* 1280 values */
extern const int32_t golden_op16_filter[]; /* 8832 values */
extern const int32_t golden_op17_stream[]; /* 1280 values */
extern const int32_t golden_op18_filter[]; /* 8832 values */
extern const int32_t golden_op19_stream[]; /* 1280 values */
extern const int32_t golden_op20_filter[]; /* 8832 values */
extern const int32_t golden_op21_stream[]; /* 1280 values */
extern const int32_t golden_op22_filter[]; /* 8832 values */
extern const int8_t golden_t5[]; /* 1152 values */
extern const int32_t golden_t44[]; /* 128 values */
extern const int32_t golden_op23_requant[]; /* 384 values */
extern const int32_t golden_op23_wide[]; /* 1088 values */
extern const int32_t golden_op24_filter[]; /* 17664 values */
extern const int8_t golden_t7[]; /* 2304 values */
extern const int32_t golden_t48[]; /* 256 values */
extern const int32_t golden_op25_requant[]; /* 768 values */
extern const int32_t golden_op25_wide[]; /* 2176 values */
extern const int32_t golden_op26_filter[]; /* 34048 values */
extern const int32_t golden_op28_filter[]; /* 266 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[55328] GOLDEN_ALIGNED;

/* op 0: its GEMM with K = 12 (3x3x1, rounded up to 4) and 8 channels baked in, int16 weights */
MCU_GEMM_W16_LAYER(golden_layer0_gemm, 12, 8, -128, 127, 3, 0)

/* op 1: its depthwise 3x3 row with 8 channels, stride 1 and bounds [-128, 127] baked in */
MCU_DWCONV2D_3X3_LAYER(golden_layer1_row, 8, 1, -128, 127)

/* op 2: its pixel-pair loop and GEMM with K = 8 and 16 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer2_pairs, 8, 16, -128, 127, 2, 0)

/* op 3: its depthwise 3x3 row with 16 channels, stride 2 and bounds [-128, 127] baked in */
MCU_DWCONV2D_3X3_LAYER(golden_layer3_row, 16, 2, -128, 127)

/* op 4: its pixel-pair loop and GEMM with K = 16 and 32 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer4_pairs, 16, 32, -128, 127, 4, 0)

/* op 5: its depthwise 3x3 image function with 32 channels, rows of 26 int16 and bounds [-128, 127] baked in */
MCU_DWCONV2D_3X3_IMAGE_LAYER(golden_layer5_image, 32, 26, -128, 127)

/* op 6: its pixel-pair loop and GEMM with K = 32 and 32 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer6_pairs, 32, 32, -128, 127, 8, 0)

/* op 8: its pixel-pair loop and GEMM with K = 32 and 64 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer8_pairs, 32, 64, -128, 127, 8, 0)

/* op 9: its depthwise 3x3 image function with 64 channels, rows of 14 int16 and bounds [-128, 127] baked in */
MCU_DWCONV2D_3X3_IMAGE_LAYER(golden_layer9_image, 64, 14, -128, 127)

/* op 10: its pixel-pair loop and GEMM with K = 64 and 64 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer10_pairs, 64, 64, -128, 127, 16, 0)

/* op 12: its pixel-pair loop and GEMM with K = 64 and 128 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer12_pairs, 64, 128, -128, 127, 16, 0)

/* op 13: its depthwise 3x3 image function with 128 channels, rows of 8 int16 and bounds [-128, 127] baked in */
MCU_DWCONV2D_3X3_IMAGE_LAYER(golden_layer13_image, 128, 8, -128, 127)

/* op 14: its pixel-pair loop and GEMM with K = 128 and 128 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer14_pairs, 128, 128, -128, 127, 0, 1)

/* op 15: the same functions as golden_layer13 */
#define golden_layer15_image golden_layer13_image

/* op 16: the same functions as golden_layer14 */
#define golden_layer16_pairs golden_layer14_pairs

/* op 17: the same functions as golden_layer13 */
#define golden_layer17_image golden_layer13_image

/* op 18: the same functions as golden_layer14 */
#define golden_layer18_pairs golden_layer14_pairs

/* op 19: the same functions as golden_layer13 */
#define golden_layer19_image golden_layer13_image

/* op 20: the same functions as golden_layer14 */
#define golden_layer20_pairs golden_layer14_pairs

/* op 21: the same functions as golden_layer13 */
#define golden_layer21_image golden_layer13_image

/* op 22: the same functions as golden_layer14 */
#define golden_layer22_pairs golden_layer14_pairs

/* op 24: its pixel-pair loop and GEMM with K = 128 and 256 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer24_pairs, 128, 256, -128, 127, 0, 1)
/* and for a lone last pixel (odd pixel counts) its own GEMM */
MCU_GEMM_W16_ONE(golden_layer24_one, 128, 256, -128, 127, 0, 1)
MCU_CONV2D_1X1_W16_LAYER(golden_layer24_block, golden_layer24_one, golden_layer24_one, 128)

/* op 26: its pixel-pair loop and GEMM with K = 256 and 256 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer26_pairs, 256, 256, -128, 127, 0, 1)
/* and for a lone last pixel (odd pixel counts) its own GEMM */
MCU_GEMM_W16_ONE(golden_layer26_one, 256, 256, -128, 127, 0, 1)
MCU_CONV2D_1X1_W16_LAYER(golden_layer26_block, golden_layer26_one, golden_layer26_one, 256)

/* op 28: its pixel-pair loop and GEMM with K = 256 and 2 channels baked in, int16 weights */
MCU_CONV2D_1X1_W16_PAIRS_LAYER(golden_layer28_pairs, 256, 2, -128, 127, 0, 1)
/* and for a lone last pixel (odd pixel counts) its own GEMM */
MCU_GEMM_W16_ONE(golden_layer28_one, 256, 2, -128, 127, 0, 1)
MCU_CONV2D_1X1_W16_LAYER(golden_layer28_block, golden_layer28_one, golden_layer28_one, 256)

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 18432;
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
    if (input0 != arena + 18432) {
        memmove(arena + 18432, input0, 9216);
    }

    /* op 0: DEPTHWISE_CONV_2D 1x96x96x1 -> 1x48x48x8 */
    mcu_conv2d_im2col_w16_s8(golden_layer0_gemm, golden_layer0_gemm, arena + 18432, arena + 0, golden_op0_filter,
                             (int16_t *)(void *)(arena + 27648),
                         1, 96, 96, 1, 48, 48, 8,
                         3, 3, 2, 2,
                         1, 1, 0, 0,
                         1, 4);

    /* op 1: DEPTHWISE_CONV_2D 1x48x48x8 -> 1x48x48x8 */
    mcu_dwconv2d_3x3_s8(golden_layer1_row, arena + 0, arena + 36864, golden_t9, golden_op1_params,
                        (int16_t *)(void *)(arena + 18432), 4, 1, 48, 48, 8,
                        48, 48, 1, 1, 1, 1,
                        -128, 8, 48 * 8, 48 * 8, 8, 3 * 8);

    /* op 2: CONV_2D 1x48x48x8 -> 1x48x48x16 */
    mcu_conv2d_1x1_w16_s8(golden_layer2_pairs, 0, arena + 36864, arena + 0, golden_op2_filter,
                          (mcu_word *)(void *)(arena + 55296), 1 * 48 * 48, 8, 16);

    /* op 3: DEPTHWISE_CONV_2D 1x48x48x16 -> 1x24x24x16 */
    mcu_dwconv2d_3x3_s8(golden_layer3_row, arena + 0, arena + 36864, golden_t11, golden_op3_params,
                        (int16_t *)(void *)(arena + 46080), 4, 1, 48, 48, 16,
                        24, 24, 2, 2, 0, 0,
                        -128, 16, 48 * 16, 24 * 16, 16, 3 * 16);

    /* op 4: CONV_2D 1x24x24x16 -> 1x24x24x32 */
    mcu_conv2d_1x1_w16_s8(golden_layer4_pairs, 0, arena + 36864, arena + 0, golden_op4_filter,
                          (mcu_word *)(void *)(arena + 18432), 1 * 24 * 24, 16, 32);

    /* op 5: DEPTHWISE_CONV_2D 1x24x24x32 -> 1x24x24x32 */
    mcu_dwconv2d_3x3_image_s8(golden_layer5_image, arena + 0, arena + 18432, golden_op5_stream,
                              (int16_t *)(void *)(arena + 36864), 1, 24, 24, 32,
                              24, 24, 1, 1, -128, 26);

    /* op 6: CONV_2D 1x24x24x32 -> 1x24x24x32 */
    mcu_conv2d_1x1_w16_s8(golden_layer6_pairs, 0, arena + 18432, arena + 0, golden_op6_filter,
                          (mcu_word *)(void *)(arena + 36864), 1 * 24 * 24, 32, 32);

    /* op 7: DEPTHWISE_CONV_2D 1x24x24x32 -> 1x12x12x32 */
    mcu_dwconv2d_ch4_3x3_s8(arena + 0, arena + 18432, golden_t15, golden_t64, golden_op7_requant, golden_op7_wide,
                            1, 24, 24, 32, 12, 12,
                            2, 2, 0, 0,
                            128, -128, 127);

    /* op 8: CONV_2D 1x12x12x32 -> 1x12x12x64 */
    mcu_conv2d_1x1_w16_s8(golden_layer8_pairs, 0, arena + 18432, arena + 0, golden_op8_filter,
                          (mcu_word *)(void *)(arena + 9216), 1 * 12 * 12, 32, 64);

    /* op 9: DEPTHWISE_CONV_2D 1x12x12x64 -> 1x12x12x64 */
    mcu_dwconv2d_3x3_image_s8(golden_layer9_image, arena + 0, arena + 9216, golden_op9_stream,
                              (int16_t *)(void *)(arena + 18432), 1, 12, 12, 64,
                              12, 12, 1, 1, -128, 14);

    /* op 10: CONV_2D 1x12x12x64 -> 1x12x12x64 */
    mcu_conv2d_1x1_w16_s8(golden_layer10_pairs, 0, arena + 9216, arena + 0, golden_op10_filter,
                          (mcu_word *)(void *)(arena + 18432), 1 * 12 * 12, 64, 64);

    /* op 11: DEPTHWISE_CONV_2D 1x12x12x64 -> 1x6x6x64 */
    mcu_dwconv2d_ch4_3x3_s8(arena + 0, arena + 9216, golden_t19, golden_t72, golden_op11_requant, golden_op11_wide,
                            1, 12, 12, 64, 6, 6,
                            2, 2, 0, 0,
                            128, -128, 127);

    /* op 12: CONV_2D 1x6x6x64 -> 1x6x6x128 */
    mcu_conv2d_1x1_w16_s8(golden_layer12_pairs, 0, arena + 9216, arena + 0, golden_op12_filter,
                          (mcu_word *)(void *)(arena + 4608), 1 * 6 * 6, 64, 128);

    /* op 13: DEPTHWISE_CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_dwconv2d_3x3_image_s8(golden_layer13_image, arena + 0, arena + 4608, golden_op13_stream,
                              (int16_t *)(void *)(arena + 9216), 1, 6, 6, 128,
                              6, 6, 1, 1, -128, 8);

    /* op 14: CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_conv2d_1x1_w16_s8(golden_layer14_pairs, 0, arena + 4608, arena + 0, golden_op14_filter,
                          (mcu_word *)(void *)(arena + 9216), 1 * 6 * 6, 128, 128);

    /* op 15: DEPTHWISE_CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_dwconv2d_3x3_image_s8(golden_layer15_image, arena + 0, arena + 4608, golden_op15_stream,
                              (int16_t *)(void *)(arena + 9216), 1, 6, 6, 128,
                              6, 6, 1, 1, -128, 8);

    /* op 16: CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_conv2d_1x1_w16_s8(golden_layer16_pairs, 0, arena + 4608, arena + 0, golden_op16_filter,
                          (mcu_word *)(void *)(arena + 9216), 1 * 6 * 6, 128, 128);

    /* op 17: DEPTHWISE_CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_dwconv2d_3x3_image_s8(golden_layer17_image, arena + 0, arena + 4608, golden_op17_stream,
                              (int16_t *)(void *)(arena + 9216), 1, 6, 6, 128,
                              6, 6, 1, 1, -128, 8);

    /* op 18: CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_conv2d_1x1_w16_s8(golden_layer18_pairs, 0, arena + 4608, arena + 0, golden_op18_filter,
                          (mcu_word *)(void *)(arena + 9216), 1 * 6 * 6, 128, 128);

    /* op 19: DEPTHWISE_CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_dwconv2d_3x3_image_s8(golden_layer19_image, arena + 0, arena + 4608, golden_op19_stream,
                              (int16_t *)(void *)(arena + 9216), 1, 6, 6, 128,
                              6, 6, 1, 1, -128, 8);

    /* op 20: CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_conv2d_1x1_w16_s8(golden_layer20_pairs, 0, arena + 4608, arena + 0, golden_op20_filter,
                          (mcu_word *)(void *)(arena + 9216), 1 * 6 * 6, 128, 128);

    /* op 21: DEPTHWISE_CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_dwconv2d_3x3_image_s8(golden_layer21_image, arena + 0, arena + 4608, golden_op21_stream,
                              (int16_t *)(void *)(arena + 9216), 1, 6, 6, 128,
                              6, 6, 1, 1, -128, 8);

    /* op 22: CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_conv2d_1x1_w16_s8(golden_layer22_pairs, 0, arena + 4608, arena + 0, golden_op22_filter,
                          (mcu_word *)(void *)(arena + 9216), 1 * 6 * 6, 128, 128);

    /* op 23: DEPTHWISE_CONV_2D 1x6x6x128 -> 1x3x3x128 */
    mcu_dwconv2d_ch4_3x3_s8(arena + 0, arena + 4608, golden_t5, golden_t44, golden_op23_requant, golden_op23_wide,
                            1, 6, 6, 128, 3, 3,
                            2, 2, 0, 0,
                            128, -128, 127);

    /* op 24: CONV_2D 1x3x3x128 -> 1x3x3x256 */
    mcu_conv2d_1x1_w16_s8(golden_layer24_pairs, golden_layer24_block, arena + 4608, arena + 0, golden_op24_filter,
                          (mcu_word *)(void *)(arena + 2304), 1 * 3 * 3, 128, 256);

    /* op 25: DEPTHWISE_CONV_2D 1x3x3x256 -> 1x3x3x256 */
    mcu_dwconv2d_ch4_3x3_s8(arena + 0, arena + 2304, golden_t7, golden_t48, golden_op25_requant, golden_op25_wide,
                            1, 3, 3, 256, 3, 3,
                            1, 1, 1, 1,
                            128, -128, 127);

    /* op 26: CONV_2D 1x3x3x256 -> 1x3x3x256 */
    mcu_conv2d_1x1_w16_s8(golden_layer26_pairs, golden_layer26_block, arena + 2304, arena + 0, golden_op26_filter,
                          (mcu_word *)(void *)(arena + 4608), 1 * 3 * 3, 256, 256);

    /* op 27: AVERAGE_POOL_2D 1x3x3x256 -> 1x1x1x256 */
    mcu_avgpool2d_ch4_s8(arena + 0, arena + 2304,
        1, 3, 3, 256, 1, 1,
        3, 3, 2, 2,
        0, 0, -128, 127);

    /* op 28: CONV_2D 1x1x1x256 -> 1x1x1x2 */
    mcu_conv2d_1x1_w16_s8(golden_layer28_pairs, golden_layer28_block, arena + 2304, arena + 1024, golden_op28_filter,
                          (mcu_word *)(void *)(arena + 0), 1 * 1 * 1, 256, 2);

    /* op 30: SOFTMAX 1x2 -> 1x2 */
    mcu_softmax_s8(arena + 1024, arena + 0, 1, 2,
                   1720564096, 20, -1984);

    if (output0 != arena + 0) {
        memmove(output0, arena + 0, 2);
    }
    return 0;
}
