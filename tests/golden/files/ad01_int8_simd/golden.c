/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 10 layers, 264192 MACs, arena 768 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_fc_dot_s8.h"

extern const int32_t golden_op0_filter[]; /* 41472 values */
extern const int32_t golden_op1_filter[]; /* 8704 values */
extern const int32_t golden_op2_filter[]; /* 8704 values */
extern const int32_t golden_op3_filter[]; /* 8704 values */
extern const int32_t golden_op4_filter[]; /* 544 values */
extern const int32_t golden_op5_filter[]; /* 1024 values */
extern const int32_t golden_op6_filter[]; /* 8704 values */
extern const int32_t golden_op7_filter[]; /* 8704 values */
extern const int32_t golden_op8_filter[]; /* 8704 values */
extern const int32_t golden_op9_filter[]; /* 43520 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[768] GOLDEN_ALIGNED;

/* op 0: its dot products with depth 640 and bounds [-128, 127] baked in, int16 weights */
MCU_FC_W16_LAYER(golden_layer0_dot, 640, -128, 127, 0, 1)

/* op 1: its dot products with depth 128 and bounds [-128, 127] baked in, int16 weights */
MCU_FC_W16_LAYER(golden_layer1_dot, 128, -128, 127, 0, 1)

/* op 2: the same functions as golden_layer1 */
#define golden_layer2_dot golden_layer1_dot

/* op 3: the same functions as golden_layer1 */
#define golden_layer3_dot golden_layer1_dot

/* op 4: the same functions as golden_layer1 */
#define golden_layer4_dot golden_layer1_dot

/* op 5: its dot products with depth 8 and bounds [-128, 127] baked in, int16 weights */
MCU_FC_W16_LAYER(golden_layer5_dot, 8, -128, 127, 2, 0)

/* op 6: the same functions as golden_layer1 */
#define golden_layer6_dot golden_layer1_dot

/* op 7: the same functions as golden_layer1 */
#define golden_layer7_dot golden_layer1_dot

/* op 8: the same functions as golden_layer1 */
#define golden_layer8_dot golden_layer1_dot

/* op 9: the same functions as golden_layer1 */
#define golden_layer9_dot golden_layer1_dot

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 0;
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
    if (input0 != arena + 0) {
        memmove(arena + 0, input0, 640);
    }

    /* op 0: FULLY_CONNECTED 1x640 -> 1x128 */
    mcu_fc_w16_s8(golden_layer0_dot, arena + 0, arena + 640, golden_op0_filter,
                  1, 640, 128);

    /* op 1: FULLY_CONNECTED 1x128 -> 1x128 */
    mcu_fc_w16_s8(golden_layer1_dot, arena + 640, arena + 0, golden_op1_filter,
                  1, 128, 128);

    /* op 2: FULLY_CONNECTED 1x128 -> 1x128 */
    mcu_fc_w16_s8(golden_layer2_dot, arena + 0, arena + 128, golden_op2_filter,
                  1, 128, 128);

    /* op 3: FULLY_CONNECTED 1x128 -> 1x128 */
    mcu_fc_w16_s8(golden_layer3_dot, arena + 128, arena + 0, golden_op3_filter,
                  1, 128, 128);

    /* op 4: FULLY_CONNECTED 1x128 -> 1x8 */
    mcu_fc_w16_s8(golden_layer4_dot, arena + 0, arena + 128, golden_op4_filter,
                  1, 128, 8);

    /* op 5: FULLY_CONNECTED 1x8 -> 1x128 */
    mcu_fc_w16_s8(golden_layer5_dot, arena + 128, arena + 0, golden_op5_filter,
                  1, 8, 128);

    /* op 6: FULLY_CONNECTED 1x128 -> 1x128 */
    mcu_fc_w16_s8(golden_layer6_dot, arena + 0, arena + 128, golden_op6_filter,
                  1, 128, 128);

    /* op 7: FULLY_CONNECTED 1x128 -> 1x128 */
    mcu_fc_w16_s8(golden_layer7_dot, arena + 128, arena + 0, golden_op7_filter,
                  1, 128, 128);

    /* op 8: FULLY_CONNECTED 1x128 -> 1x128 */
    mcu_fc_w16_s8(golden_layer8_dot, arena + 0, arena + 640, golden_op8_filter,
                  1, 128, 128);

    /* op 9: FULLY_CONNECTED 1x128 -> 1x640 */
    mcu_fc_w16_s8(golden_layer9_dot, arena + 640, arena + 0, golden_op9_filter,
                  1, 128, 640);

    if (output0 != arena + 0) {
        memmove(output0, arena + 0, 640);
    }
    return 0;
}
