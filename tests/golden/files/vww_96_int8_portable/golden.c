/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 30 layers, 3992016 MACs, arena 46080 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_conv2d_s8.h"
#include "runtime/mcu_dwconv2d_s8.h"
#include "runtime/mcu_fc_s8.h"
#include "runtime/mcu_pool2d_s8.h"
#include "runtime/mcu_softmax_s8.h"

extern const int8_t golden_t44[]; /* 216 values */
extern const int32_t golden_t3[]; /* 8 values */
extern const int32_t golden_op0_multiplier[]; /* 8 values */
extern const int32_t golden_op0_shift[]; /* 8 values */
extern const int8_t golden_t5[]; /* 72 values */
extern const int32_t golden_t4[]; /* 8 values */
extern const int32_t golden_op1_multiplier[]; /* 8 values */
extern const int32_t golden_op1_shift[]; /* 8 values */
extern const int8_t golden_t45[]; /* 128 values */
extern const int32_t golden_t21[]; /* 16 values */
extern const int32_t golden_op2_multiplier[]; /* 16 values */
extern const int32_t golden_op2_shift[]; /* 16 values */
extern const int8_t golden_t33[]; /* 144 values */
extern const int32_t golden_t32[]; /* 16 values */
extern const int32_t golden_op3_multiplier[]; /* 16 values */
extern const int32_t golden_op3_shift[]; /* 16 values */
extern const int8_t golden_t46[]; /* 512 values */
extern const int32_t golden_t34[]; /* 32 values */
extern const int32_t golden_op4_multiplier[]; /* 32 values */
extern const int32_t golden_op4_shift[]; /* 32 values */
extern const int8_t golden_t36[]; /* 288 values */
extern const int32_t golden_t35[]; /* 32 values */
extern const int32_t golden_op5_multiplier[]; /* 32 values */
extern const int32_t golden_op5_shift[]; /* 32 values */
extern const int8_t golden_t47[]; /* 1024 values */
extern const int32_t golden_t37[]; /* 32 values */
extern const int32_t golden_op6_multiplier[]; /* 32 values */
extern const int32_t golden_op6_shift[]; /* 32 values */
extern const int8_t golden_t39[]; /* 288 values */
extern const int32_t golden_t38[]; /* 32 values */
extern const int32_t golden_op7_multiplier[]; /* 32 values */
extern const int32_t golden_op7_shift[]; /* 32 values */
extern const int8_t golden_t48[]; /* 2048 values */
extern const int32_t golden_t40[]; /* 64 values */
extern const int32_t golden_op8_multiplier[]; /* 64 values */
extern const int32_t golden_op8_shift[]; /* 64 values */
extern const int8_t golden_t42[]; /* 576 values */
extern const int32_t golden_t41[]; /* 64 values */
extern const int32_t golden_op9_multiplier[]; /* 64 values */
extern const int32_t golden_op9_shift[]; /* 64 values */
extern const int8_t golden_t49[]; /* 4096 values */
extern const int32_t golden_t6[]; /* 64 values */
extern const int32_t golden_op10_multiplier[]; /* 64 values */
extern const int32_t golden_op10_shift[]; /* 64 values */
extern const int8_t golden_t8[]; /* 576 values */
extern const int32_t golden_t7[]; /* 64 values */
extern const int32_t golden_op11_multiplier[]; /* 64 values */
extern const int32_t golden_op11_shift[]; /* 64 values */
extern const int8_t golden_t89[]; /* 7168 values */
extern const int32_t golden_t90[]; /* 112 values */
extern const int32_t golden_op12_multiplier[]; /* 112 values */
extern const int32_t golden_op12_shift[]; /* 112 values */
extern const int8_t golden_t91[]; /* 1008 values */
extern const int32_t golden_t92[]; /* 112 values */
extern const int32_t golden_op13_multiplier[]; /* 112 values */
extern const int32_t golden_op13_shift[]; /* 112 values */
extern const int8_t golden_t93[]; /* 8064 values */
extern const int32_t golden_t94[]; /* 72 values */
extern const int32_t golden_op14_multiplier[]; /* 72 values */
extern const int32_t golden_op14_shift[]; /* 72 values */
extern const int8_t golden_t95[]; /* 648 values */
extern const int32_t golden_t96[]; /* 72 values */
extern const int32_t golden_op15_multiplier[]; /* 72 values */
extern const int32_t golden_op15_shift[]; /* 72 values */
extern const int8_t golden_t97[]; /* 2880 values */
extern const int32_t golden_t98[]; /* 40 values */
extern const int32_t golden_op16_multiplier[]; /* 40 values */
extern const int32_t golden_op16_shift[]; /* 40 values */
extern const int8_t golden_t99[]; /* 360 values */
extern const int32_t golden_t100[]; /* 40 values */
extern const int32_t golden_op17_multiplier[]; /* 40 values */
extern const int32_t golden_op17_shift[]; /* 40 values */
extern const int8_t golden_t101[]; /* 960 values */
extern const int32_t golden_t102[]; /* 24 values */
extern const int32_t golden_op18_multiplier[]; /* 24 values */
extern const int32_t golden_op18_shift[]; /* 24 values */
extern const int8_t golden_t103[]; /* 216 values */
extern const int32_t golden_t104[]; /* 24 values */
extern const int32_t golden_op19_multiplier[]; /* 24 values */
extern const int32_t golden_op19_shift[]; /* 24 values */
extern const int8_t golden_t105[]; /* 576 values */
extern const int32_t golden_t106[]; /* 24 values */
extern const int32_t golden_op20_multiplier[]; /* 24 values */
extern const int32_t golden_op20_shift[]; /* 24 values */
extern const int8_t golden_t107[]; /* 216 values */
extern const int32_t golden_t108[]; /* 24 values */
extern const int32_t golden_op21_multiplier[]; /* 24 values */
extern const int32_t golden_op21_shift[]; /* 24 values */
extern const int8_t golden_t109[]; /* 960 values */
extern const int32_t golden_t110[]; /* 40 values */
extern const int32_t golden_op22_multiplier[]; /* 40 values */
extern const int32_t golden_op22_shift[]; /* 40 values */
extern const int8_t golden_t111[]; /* 360 values */
extern const int32_t golden_t112[]; /* 40 values */
extern const int32_t golden_op23_multiplier[]; /* 40 values */
extern const int32_t golden_op23_shift[]; /* 40 values */
extern const int8_t golden_t113[]; /* 2240 values */
extern const int32_t golden_t114[]; /* 56 values */
extern const int32_t golden_op24_multiplier[]; /* 56 values */
extern const int32_t golden_op24_shift[]; /* 56 values */
extern const int8_t golden_t115[]; /* 504 values */
extern const int32_t golden_t116[]; /* 56 values */
extern const int32_t golden_op25_multiplier[]; /* 56 values */
extern const int32_t golden_op25_shift[]; /* 56 values */
extern const int8_t golden_t117[]; /* 1344 values */
extern const int32_t golden_t118[]; /* 24 values */
extern const int32_t golden_op26_multiplier[]; /* 24 values */
extern const int32_t golden_op26_shift[]; /* 24 values */
extern const int8_t golden_t119[]; /* 48 values */
extern const int32_t golden_t120[]; /* 2 values */
extern const int32_t golden_op29_multiplier[]; /* 1 values */
extern const int32_t golden_op29_shift[]; /* 1 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[46080] GOLDEN_ALIGNED;

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
    case 0: return golden_arena + 16;
    default: return 0;
    }
}

int golden_invoke(const int8_t *input0, int8_t *output0)
{
    int8_t *const arena = golden_arena;
    if (input0 != arena + 0) {
        memmove(arena + 0, input0, 27648);
    }

    /* op 0: CONV_2D 1x96x96x3 -> 1x48x48x8 */
    mcu_conv2d_s8(arena + 0, arena + 27648, golden_t44, golden_t3,
                  golden_op0_multiplier, golden_op0_shift,
                  1, 96, 96, 3, 48, 48, 8,
                  3, 3, 2, 2,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 1: DEPTHWISE_CONV_2D 1x48x48x8 -> 1x48x48x8 */
    mcu_dwconv2d_s8(arena + 27648, arena + 18448, golden_t5, golden_t4,
                    golden_op1_multiplier, golden_op1_shift,
                    1, 48, 48, 8, 48, 48, 8,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 2: CONV_2D 1x48x48x8 -> 1x48x48x16 */
    mcu_conv2d_s8(arena + 18448, arena + 0, golden_t45, golden_t21,
                  golden_op2_multiplier, golden_op2_shift,
                  1, 48, 48, 8, 48, 48, 16,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 3: DEPTHWISE_CONV_2D 1x48x48x16 -> 1x24x24x16 */
    mcu_dwconv2d_s8(arena + 0, arena + 36864, golden_t33, golden_t32,
                    golden_op3_multiplier, golden_op3_shift,
                    1, 48, 48, 16, 24, 24, 16,
                    1, 3, 3, 2, 2,
                    1, 1, 0, 0,
                    128, -128, -128, 127);

    /* op 4: CONV_2D 1x24x24x16 -> 1x24x24x32 */
    mcu_conv2d_s8(arena + 36864, arena + 0, golden_t46, golden_t34,
                  golden_op4_multiplier, golden_op4_shift,
                  1, 24, 24, 16, 24, 24, 32,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 5: DEPTHWISE_CONV_2D 1x24x24x32 -> 1x24x24x32 */
    mcu_dwconv2d_s8(arena + 0, arena + 18432, golden_t36, golden_t35,
                    golden_op5_multiplier, golden_op5_shift,
                    1, 24, 24, 32, 24, 24, 32,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 6: CONV_2D 1x24x24x32 -> 1x24x24x32 */
    mcu_conv2d_s8(arena + 18432, arena + 0, golden_t47, golden_t37,
                  golden_op6_multiplier, golden_op6_shift,
                  1, 24, 24, 32, 24, 24, 32,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 7: DEPTHWISE_CONV_2D 1x24x24x32 -> 1x12x12x32 */
    mcu_dwconv2d_s8(arena + 0, arena + 18432, golden_t39, golden_t38,
                    golden_op7_multiplier, golden_op7_shift,
                    1, 24, 24, 32, 12, 12, 32,
                    1, 3, 3, 2, 2,
                    1, 1, 0, 0,
                    128, -128, -128, 127);

    /* op 8: CONV_2D 1x12x12x32 -> 1x12x12x64 */
    mcu_conv2d_s8(arena + 18432, arena + 0, golden_t48, golden_t40,
                  golden_op8_multiplier, golden_op8_shift,
                  1, 12, 12, 32, 12, 12, 64,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 9: DEPTHWISE_CONV_2D 1x12x12x64 -> 1x12x12x64 */
    mcu_dwconv2d_s8(arena + 0, arena + 9216, golden_t42, golden_t41,
                    golden_op9_multiplier, golden_op9_shift,
                    1, 12, 12, 64, 12, 12, 64,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 10: CONV_2D 1x12x12x64 -> 1x12x12x64 */
    mcu_conv2d_s8(arena + 9216, arena + 0, golden_t49, golden_t6,
                  golden_op10_multiplier, golden_op10_shift,
                  1, 12, 12, 64, 12, 12, 64,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 11: DEPTHWISE_CONV_2D 1x12x12x64 -> 1x6x6x64 */
    mcu_dwconv2d_s8(arena + 0, arena + 9216, golden_t8, golden_t7,
                    golden_op11_multiplier, golden_op11_shift,
                    1, 12, 12, 64, 6, 6, 64,
                    1, 3, 3, 2, 2,
                    1, 1, 0, 0,
                    128, -128, -128, 127);

    /* op 12: CONV_2D 1x6x6x64 -> 1x6x6x112 */
    mcu_conv2d_s8(arena + 9216, arena + 0, golden_t89, golden_t90,
                  golden_op12_multiplier, golden_op12_shift,
                  1, 6, 6, 64, 6, 6, 112,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 13: DEPTHWISE_CONV_2D 1x6x6x112 -> 1x6x6x112 */
    mcu_dwconv2d_s8(arena + 0, arena + 4032, golden_t91, golden_t92,
                    golden_op13_multiplier, golden_op13_shift,
                    1, 6, 6, 112, 6, 6, 112,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 14: CONV_2D 1x6x6x112 -> 1x6x6x72 */
    mcu_conv2d_s8(arena + 4032, arena + 0, golden_t93, golden_t94,
                  golden_op14_multiplier, golden_op14_shift,
                  1, 6, 6, 112, 6, 6, 72,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 15: DEPTHWISE_CONV_2D 1x6x6x72 -> 1x6x6x72 */
    mcu_dwconv2d_s8(arena + 0, arena + 2592, golden_t95, golden_t96,
                    golden_op15_multiplier, golden_op15_shift,
                    1, 6, 6, 72, 6, 6, 72,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 16: CONV_2D 1x6x6x72 -> 1x6x6x40 */
    mcu_conv2d_s8(arena + 2592, arena + 0, golden_t97, golden_t98,
                  golden_op16_multiplier, golden_op16_shift,
                  1, 6, 6, 72, 6, 6, 40,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 17: DEPTHWISE_CONV_2D 1x6x6x40 -> 1x6x6x40 */
    mcu_dwconv2d_s8(arena + 0, arena + 1440, golden_t99, golden_t100,
                    golden_op17_multiplier, golden_op17_shift,
                    1, 6, 6, 40, 6, 6, 40,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 18: CONV_2D 1x6x6x40 -> 1x6x6x24 */
    mcu_conv2d_s8(arena + 1440, arena + 0, golden_t101, golden_t102,
                  golden_op18_multiplier, golden_op18_shift,
                  1, 6, 6, 40, 6, 6, 24,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 19: DEPTHWISE_CONV_2D 1x6x6x24 -> 1x6x6x24 */
    mcu_dwconv2d_s8(arena + 0, arena + 864, golden_t103, golden_t104,
                    golden_op19_multiplier, golden_op19_shift,
                    1, 6, 6, 24, 6, 6, 24,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 20: CONV_2D 1x6x6x24 -> 1x6x6x24 */
    mcu_conv2d_s8(arena + 864, arena + 0, golden_t105, golden_t106,
                  golden_op20_multiplier, golden_op20_shift,
                  1, 6, 6, 24, 6, 6, 24,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 21: DEPTHWISE_CONV_2D 1x6x6x24 -> 1x6x6x24 */
    mcu_dwconv2d_s8(arena + 0, arena + 864, golden_t107, golden_t108,
                    golden_op21_multiplier, golden_op21_shift,
                    1, 6, 6, 24, 6, 6, 24,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 22: CONV_2D 1x6x6x24 -> 1x6x6x40 */
    mcu_conv2d_s8(arena + 864, arena + 0, golden_t109, golden_t110,
                  golden_op22_multiplier, golden_op22_shift,
                  1, 6, 6, 24, 6, 6, 40,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 23: DEPTHWISE_CONV_2D 1x6x6x40 -> 1x3x3x40 */
    mcu_dwconv2d_s8(arena + 0, arena + 1440, golden_t111, golden_t112,
                    golden_op23_multiplier, golden_op23_shift,
                    1, 6, 6, 40, 3, 3, 40,
                    1, 3, 3, 2, 2,
                    1, 1, 0, 0,
                    128, -128, -128, 127);

    /* op 24: CONV_2D 1x3x3x40 -> 1x3x3x56 */
    mcu_conv2d_s8(arena + 1440, arena + 0, golden_t113, golden_t114,
                  golden_op24_multiplier, golden_op24_shift,
                  1, 3, 3, 40, 3, 3, 56,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 25: DEPTHWISE_CONV_2D 1x3x3x56 -> 1x3x3x56 */
    mcu_dwconv2d_s8(arena + 0, arena + 512, golden_t115, golden_t116,
                    golden_op25_multiplier, golden_op25_shift,
                    1, 3, 3, 56, 3, 3, 56,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 26: CONV_2D 1x3x3x56 -> 1x3x3x24 */
    mcu_conv2d_s8(arena + 512, arena + 0, golden_t117, golden_t118,
                  golden_op26_multiplier, golden_op26_shift,
                  1, 3, 3, 56, 3, 3, 24,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 27: AVERAGE_POOL_2D 1x3x3x24 -> 1x1x1x24 */
    mcu_avgpool2d_s8(arena + 0, arena + 224,
        1, 3, 3, 24, 1, 1,
        3, 3, 3, 3,
        0, 0, -128, 127);

    /* op 29: FULLY_CONNECTED 1x24 -> 1x2 */
    mcu_fc_s8(arena + 224, arena + 0, golden_t119, golden_t120,
              golden_op29_multiplier, golden_op29_shift,
              1, 24, 2, 0,
              128, 0, -5, -128, 127);

    /* op 30: SOFTMAX 1x2 -> 1x2 */
    mcu_softmax_s8(arena + 0, arena + 16, 1, 2,
                   2011586560, 20, -1984);

    if (output0 != arena + 16) {
        memmove(output0, arena + 16, 2);
    }
    return 0;
}
