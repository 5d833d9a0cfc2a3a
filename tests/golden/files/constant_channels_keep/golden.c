/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 5 layers, 29756 MACs, arena 1104 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_conv2d_s8.h"
#include "runtime/mcu_dwconv2d_3x3_s8.h"
#include "runtime/mcu_fc_dot_s8.h"
#include "runtime/mcu_pool2d_ch4_s8.h"

extern const int8_t golden_t1[]; /* 128 values */
extern const int32_t golden_t2[]; /* 16 values */
extern const int32_t golden_op0_multiplier[]; /* 16 values */
extern const int32_t golden_op0_shift[]; /* 16 values */
extern const int8_t golden_t4[]; /* 144 values */
extern const int32_t golden_op1_params[]; /* 64 values */
extern const int8_t golden_t7[]; /* 192 values */
extern const int32_t golden_t8[]; /* 12 values */
extern const int32_t golden_op2_multiplier[]; /* 12 values */
extern const int32_t golden_op2_shift[]; /* 12 values */
extern const int32_t golden_op5_filter[]; /* 80 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[1104] GOLDEN_ALIGNED;

/* op 1: its depthwise 3x3 row with 16 channels, stride 1 and bounds [-128, 127] baked in */
MCU_DWCONV2D_3X3_LAYER(golden_layer1_row, 16, 1, -128, 127)

/* op 5: its dot products with depth 12 and bounds [-128, 127] baked in, int16 weights */
MCU_FC_W16_LAYER(golden_layer5_dot, 12, -128, 127, 3, 0)

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 592;
    default: return 0;
    }
}

int8_t *golden_output_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 1072;
    default: return 0;
    }
}

int golden_invoke(const int8_t *input0, int8_t *output0)
{
    int8_t *const arena = golden_arena;
    if (input0 != arena + 592) {
        memmove(arena + 592, input0, 512);
    }

    /* op 0: CONV_2D 1x8x8x8 -> 1x8x8x16 */
    mcu_conv2d_s8(arena + 592, arena + 64, golden_t1, golden_t2,
                  golden_op0_multiplier, golden_op0_shift,
                  1, 8, 8, 8, 8, 8, 16,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  -121, 114, -128, 127);

    /* op 1: DEPTHWISE_CONV_2D 1x8x8x16 -> 1x8x8x16 */
    mcu_dwconv2d_3x3_s8(golden_layer1_row, arena + 64, arena + 64, golden_t4, golden_op1_params,
                        (int16_t *)(void *)(arena + 0), 1, 1, 8, 8, 16,
                        8, 8, 1, 1, 1, 1,
                        114, 16, 8 * 16, 8 * 16, 16, 3 * 16);

    /* op 2: CONV_2D 1x8x8x16 -> 1x8x8x12 */
    mcu_conv2d_s8(arena + 64, arena + 48, golden_t7, golden_t8,
                  golden_op2_multiplier, golden_op2_shift,
                  1, 8, 8, 16, 8, 8, 12,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  -71, -74, -74, 106);

    /* op 3: AVERAGE_POOL_2D 1x8x8x12 -> 1x1x1x12 */
    mcu_avgpool2d_ch4_s8(arena + 48, arena + 1088,
        1, 8, 8, 12, 1, 1,
        8, 8, 1, 1,
        0, 0, -128, 127);

    /* op 5: FULLY_CONNECTED 1x12 -> 1x5 */
    mcu_fc_w16_s8(golden_layer5_dot, arena + 1088, arena + 1072, golden_op5_filter,
                  1, 12, 5);

    if (output0 != arena + 1072) {
        memmove(output0, arena + 1072, 5);
    }
    return 0;
}
