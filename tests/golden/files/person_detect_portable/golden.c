/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 30 layers, 7157888 MACs, arena 37408 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_conv2d_s8.h"
#include "runtime/mcu_dwconv2d_s8.h"
#include "runtime/mcu_pool2d_s8.h"
#include "runtime/mcu_softmax_s8.h"

extern const int8_t golden_t0[]; /* 72 values */
extern const int32_t golden_t33[]; /* 8 values */
extern const int32_t golden_op0_multiplier[]; /* 8 values */
extern const int32_t golden_op0_shift[]; /* 8 values */
extern const int8_t golden_t9[]; /* 72 values */
extern const int32_t golden_t52[]; /* 8 values */
extern const int32_t golden_op1_multiplier[]; /* 8 values */
extern const int32_t golden_op1_shift[]; /* 8 values */
extern const int8_t golden_t10[]; /* 128 values */
extern const int32_t golden_t53[]; /* 16 values */
extern const int32_t golden_op2_multiplier[]; /* 16 values */
extern const int32_t golden_op2_shift[]; /* 16 values */
extern const int8_t golden_t11[]; /* 144 values */
extern const int32_t golden_t56[]; /* 16 values */
extern const int32_t golden_op3_multiplier[]; /* 16 values */
extern const int32_t golden_op3_shift[]; /* 16 values */
extern const int8_t golden_t12[]; /* 512 values */
extern const int32_t golden_t57[]; /* 32 values */
extern const int32_t golden_op4_multiplier[]; /* 32 values */
extern const int32_t golden_op4_shift[]; /* 32 values */
extern const int8_t golden_t13[]; /* 288 values */
extern const int32_t golden_t60[]; /* 32 values */
extern const int32_t golden_op5_multiplier[]; /* 32 values */
extern const int32_t golden_op5_shift[]; /* 32 values */
extern const int8_t golden_t14[]; /* 1024 values */
extern const int32_t golden_t61[]; /* 32 values */
extern const int32_t golden_op6_multiplier[]; /* 32 values */
extern const int32_t golden_op6_shift[]; /* 32 values */
extern const int8_t golden_t15[]; /* 288 values */
extern const int32_t golden_t64[]; /* 32 values */
extern const int32_t golden_op7_multiplier[]; /* 32 values */
extern const int32_t golden_op7_shift[]; /* 32 values */
extern const int8_t golden_t16[]; /* 2048 values */
extern const int32_t golden_t65[]; /* 64 values */
extern const int32_t golden_op8_multiplier[]; /* 64 values */
extern const int32_t golden_op8_shift[]; /* 64 values */
extern const int8_t golden_t17[]; /* 576 values */
extern const int32_t golden_t68[]; /* 64 values */
extern const int32_t golden_op9_multiplier[]; /* 64 values */
extern const int32_t golden_op9_shift[]; /* 64 values */
extern const int8_t golden_t18[]; /* 4096 values */
extern const int32_t golden_t69[]; /* 64 values */
extern const int32_t golden_op10_multiplier[]; /* 64 values */
extern const int32_t golden_op10_shift[]; /* 64 values */
extern const int8_t golden_t19[]; /* 576 values */
extern const int32_t golden_t72[]; /* 64 values */
extern const int32_t golden_op11_multiplier[]; /* 64 values */
extern const int32_t golden_op11_shift[]; /* 64 values */
extern const int8_t golden_t20[]; /* 8192 values */
extern const int32_t golden_t73[]; /* 128 values */
extern const int32_t golden_op12_multiplier[]; /* 128 values */
extern const int32_t golden_op12_shift[]; /* 128 values */
extern const int8_t golden_t21[]; /* 1152 values */
extern const int32_t golden_t76[]; /* 128 values */
extern const int32_t golden_op13_multiplier[]; /* 128 values */
extern const int32_t golden_op13_shift[]; /* 128 values */
extern const int8_t golden_t22[]; /* 16384 values */
extern const int32_t golden_t77[]; /* 128 values */
extern const int32_t golden_op14_multiplier[]; /* 128 values */
extern const int32_t golden_op14_shift[]; /* 128 values */
extern const int8_t golden_t23[]; /* 1152 values */
extern const int32_t golden_t80[]; /* 128 values */
extern const int32_t golden_op15_multiplier[]; /* 128 values */
extern const int32_t golden_op15_shift[]; /* 128 values */
extern const int8_t golden_t24[]; /* 16384 values */
extern const int32_t golden_t81[]; /* 128 values */
extern const int32_t golden_op16_multiplier[]; /* 128 values */
extern const int32_t golden_op16_shift[]; /* 128 values */
extern const int8_t golden_t25[]; /* 1152 values */
extern const int32_t golden_t84[]; /* 128 values */
extern const int32_t golden_op17_multiplier[]; /* 128 values */
extern const int32_t golden_op17_shift[]; /* 128 values */
extern const int8_t golden_t26[]; /* 16384 values */
extern const int32_t golden_t85[]; /* 128 values */
extern const int32_t golden_op18_multiplier[]; /* 128 values */
extern const int32_t golden_op18_shift[]; /* 128 values */
extern const int8_t golden_t1[]; /* 1152 values */
extern const int32_t golden_t36[]; /* 128 values */
extern const int32_t golden_op19_multiplier[]; /* 128 values */
extern const int32_t golden_op19_shift[]; /* 128 values */
extern const int8_t golden_t2[]; /* 16384 values */
extern const int32_t golden_t37[]; /* 128 values */
extern const int32_t golden_op20_multiplier[]; /* 128 values */
extern const int32_t golden_op20_shift[]; /* 128 values */
extern const int8_t golden_t3[]; /* 1152 values */
extern const int32_t golden_t40[]; /* 128 values */
extern const int32_t golden_op21_multiplier[]; /* 128 values */
extern const int32_t golden_op21_shift[]; /* 128 values */
extern const int8_t golden_t4[]; /* 16384 values */
extern const int32_t golden_t41[]; /* 128 values */
extern const int32_t golden_op22_multiplier[]; /* 128 values */
extern const int32_t golden_op22_shift[]; /* 128 values */
extern const int8_t golden_t5[]; /* 1152 values */
extern const int32_t golden_t44[]; /* 128 values */
extern const int32_t golden_op23_multiplier[]; /* 128 values */
extern const int32_t golden_op23_shift[]; /* 128 values */
extern const int8_t golden_t6[]; /* 32768 values */
extern const int32_t golden_t45[]; /* 256 values */
extern const int32_t golden_op24_multiplier[]; /* 256 values */
extern const int32_t golden_op24_shift[]; /* 256 values */
extern const int8_t golden_t7[]; /* 2304 values */
extern const int32_t golden_t48[]; /* 256 values */
extern const int32_t golden_op25_multiplier[]; /* 256 values */
extern const int32_t golden_op25_shift[]; /* 256 values */
extern const int8_t golden_t8[]; /* 65536 values */
extern const int32_t golden_t49[]; /* 256 values */
extern const int32_t golden_op26_multiplier[]; /* 256 values */
extern const int32_t golden_op26_shift[]; /* 256 values */
extern const int8_t golden_t30[]; /* 512 values */
extern const int32_t golden_t29[]; /* 2 values */
extern const int32_t golden_op28_multiplier[]; /* 2 values */
extern const int32_t golden_op28_shift[]; /* 2 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[37408] GOLDEN_ALIGNED;

int8_t *golden_input_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 28192;
    default: return 0;
    }
}

int8_t *golden_output_buffer(int index)
{
    switch (index) {
    case 0: return golden_arena + 37392;
    default: return 0;
    }
}

int golden_invoke(const int8_t *input0, int8_t *output0)
{
    int8_t *const arena = golden_arena;
    if (input0 != arena + 28192) {
        memmove(arena + 28192, input0, 9216);
    }

    /* op 0: DEPTHWISE_CONV_2D 1x96x96x1 -> 1x48x48x8 */
    mcu_dwconv2d_s8(arena + 28192, arena + 18864, golden_t0, golden_t33,
                    golden_op0_multiplier, golden_op0_shift,
                    1, 96, 96, 1, 48, 48, 8,
                    8, 3, 3, 2, 2,
                    1, 1, 0, 0,
                    1, -128, -128, 127);

    /* op 1: DEPTHWISE_CONV_2D 1x48x48x8 -> 1x48x48x8 */
    mcu_dwconv2d_s8(arena + 18864, arena + 18464, golden_t9, golden_t52,
                    golden_op1_multiplier, golden_op1_shift,
                    1, 48, 48, 8, 48, 48, 8,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 2: CONV_2D 1x48x48x8 -> 1x48x48x16 */
    mcu_conv2d_s8(arena + 18464, arena + 16, golden_t10, golden_t53,
                  golden_op2_multiplier, golden_op2_shift,
                  1, 48, 48, 8, 48, 48, 16,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 3: DEPTHWISE_CONV_2D 1x48x48x16 -> 1x24x24x16 */
    mcu_dwconv2d_s8(arena + 16, arena + 0, golden_t11, golden_t56,
                    golden_op3_multiplier, golden_op3_shift,
                    1, 48, 48, 16, 24, 24, 16,
                    1, 3, 3, 2, 2,
                    1, 1, 0, 0,
                    128, -128, -128, 127);

    /* op 4: CONV_2D 1x24x24x16 -> 1x24x24x32 */
    mcu_conv2d_s8(arena + 0, arena + 18976, golden_t12, golden_t57,
                  golden_op4_multiplier, golden_op4_shift,
                  1, 24, 24, 16, 24, 24, 32,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 5: DEPTHWISE_CONV_2D 1x24x24x32 -> 1x24x24x32 */
    mcu_dwconv2d_s8(arena + 18976, arena + 18144, golden_t13, golden_t60,
                    golden_op5_multiplier, golden_op5_shift,
                    1, 24, 24, 32, 24, 24, 32,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 6: CONV_2D 1x24x24x32 -> 1x24x24x32 */
    mcu_conv2d_s8(arena + 18144, arena + 18112, golden_t14, golden_t61,
                  golden_op6_multiplier, golden_op6_shift,
                  1, 24, 24, 32, 24, 24, 32,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 7: DEPTHWISE_CONV_2D 1x24x24x32 -> 1x12x12x32 */
    mcu_dwconv2d_s8(arena + 18112, arena + 18080, golden_t15, golden_t64,
                    golden_op7_multiplier, golden_op7_shift,
                    1, 24, 24, 32, 12, 12, 32,
                    1, 3, 3, 2, 2,
                    1, 1, 0, 0,
                    128, -128, -128, 127);

    /* op 8: CONV_2D 1x12x12x32 -> 1x12x12x64 */
    mcu_conv2d_s8(arena + 18080, arena + 28192, golden_t16, golden_t65,
                  golden_op8_multiplier, golden_op8_shift,
                  1, 12, 12, 32, 12, 12, 64,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 9: DEPTHWISE_CONV_2D 1x12x12x64 -> 1x12x12x64 */
    mcu_dwconv2d_s8(arena + 28192, arena + 27296, golden_t17, golden_t68,
                    golden_op9_multiplier, golden_op9_shift,
                    1, 12, 12, 64, 12, 12, 64,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 10: CONV_2D 1x12x12x64 -> 1x12x12x64 */
    mcu_conv2d_s8(arena + 27296, arena + 27232, golden_t18, golden_t69,
                  golden_op10_multiplier, golden_op10_shift,
                  1, 12, 12, 64, 12, 12, 64,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 11: DEPTHWISE_CONV_2D 1x12x12x64 -> 1x6x6x64 */
    mcu_dwconv2d_s8(arena + 27232, arena + 27168, golden_t19, golden_t72,
                    golden_op11_multiplier, golden_op11_shift,
                    1, 12, 12, 64, 6, 6, 64,
                    1, 3, 3, 2, 2,
                    1, 1, 0, 0,
                    128, -128, -128, 127);

    /* op 12: CONV_2D 1x6x6x64 -> 1x6x6x128 */
    mcu_conv2d_s8(arena + 27168, arena + 32800, golden_t20, golden_t73,
                  golden_op12_multiplier, golden_op12_shift,
                  1, 6, 6, 64, 6, 6, 128,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 13: DEPTHWISE_CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_dwconv2d_s8(arena + 32800, arena + 31776, golden_t21, golden_t76,
                    golden_op13_multiplier, golden_op13_shift,
                    1, 6, 6, 128, 6, 6, 128,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 14: CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_conv2d_s8(arena + 31776, arena + 31648, golden_t22, golden_t77,
                  golden_op14_multiplier, golden_op14_shift,
                  1, 6, 6, 128, 6, 6, 128,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 15: DEPTHWISE_CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_dwconv2d_s8(arena + 31648, arena + 30624, golden_t23, golden_t80,
                    golden_op15_multiplier, golden_op15_shift,
                    1, 6, 6, 128, 6, 6, 128,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 16: CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_conv2d_s8(arena + 30624, arena + 30496, golden_t24, golden_t81,
                  golden_op16_multiplier, golden_op16_shift,
                  1, 6, 6, 128, 6, 6, 128,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 17: DEPTHWISE_CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_dwconv2d_s8(arena + 30496, arena + 29472, golden_t25, golden_t84,
                    golden_op17_multiplier, golden_op17_shift,
                    1, 6, 6, 128, 6, 6, 128,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 18: CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_conv2d_s8(arena + 29472, arena + 29344, golden_t26, golden_t85,
                  golden_op18_multiplier, golden_op18_shift,
                  1, 6, 6, 128, 6, 6, 128,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 19: DEPTHWISE_CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_dwconv2d_s8(arena + 29344, arena + 28320, golden_t1, golden_t36,
                    golden_op19_multiplier, golden_op19_shift,
                    1, 6, 6, 128, 6, 6, 128,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 20: CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_conv2d_s8(arena + 28320, arena + 28192, golden_t2, golden_t37,
                  golden_op20_multiplier, golden_op20_shift,
                  1, 6, 6, 128, 6, 6, 128,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 21: DEPTHWISE_CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_dwconv2d_s8(arena + 28192, arena + 32800, golden_t3, golden_t40,
                    golden_op21_multiplier, golden_op21_shift,
                    1, 6, 6, 128, 6, 6, 128,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 22: CONV_2D 1x6x6x128 -> 1x6x6x128 */
    mcu_conv2d_s8(arena + 32800, arena + 32672, golden_t4, golden_t41,
                  golden_op22_multiplier, golden_op22_shift,
                  1, 6, 6, 128, 6, 6, 128,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 23: DEPTHWISE_CONV_2D 1x6x6x128 -> 1x3x3x128 */
    mcu_dwconv2d_s8(arena + 32672, arena + 32544, golden_t5, golden_t44,
                    golden_op23_multiplier, golden_op23_shift,
                    1, 6, 6, 128, 3, 3, 128,
                    1, 3, 3, 2, 2,
                    1, 1, 0, 0,
                    128, -128, -128, 127);

    /* op 24: CONV_2D 1x3x3x128 -> 1x3x3x256 */
    mcu_conv2d_s8(arena + 32544, arena + 35104, golden_t6, golden_t45,
                  golden_op24_multiplier, golden_op24_shift,
                  1, 3, 3, 128, 3, 3, 256,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 25: DEPTHWISE_CONV_2D 1x3x3x256 -> 1x3x3x256 */
    mcu_dwconv2d_s8(arena + 35104, arena + 33824, golden_t7, golden_t48,
                    golden_op25_multiplier, golden_op25_shift,
                    1, 3, 3, 256, 3, 3, 256,
                    1, 3, 3, 1, 1,
                    1, 1, 1, 1,
                    128, -128, -128, 127);

    /* op 26: CONV_2D 1x3x3x256 -> 1x3x3x256 */
    mcu_conv2d_s8(arena + 33824, arena + 33568, golden_t8, golden_t49,
                  golden_op26_multiplier, golden_op26_shift,
                  1, 3, 3, 256, 3, 3, 256,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -128, -128, 127);

    /* op 27: AVERAGE_POOL_2D 1x3x3x256 -> 1x1x1x256 */
    mcu_avgpool2d_s8(arena + 33568, arena + 37152,
        1, 3, 3, 256, 1, 1,
        3, 3, 2, 2,
        0, 0, -128, 127);

    /* op 28: CONV_2D 1x1x1x256 -> 1x1x1x2 */
    mcu_conv2d_s8(arena + 37152, arena + 37136, golden_t30, golden_t29,
                  golden_op28_multiplier, golden_op28_shift,
                  1, 1, 1, 256, 1, 1, 2,
                  1, 1, 1, 1,
                  1, 1, 0, 0,
                  128, -1, -128, 127);

    /* op 30: SOFTMAX 1x2 -> 1x2 */
    mcu_softmax_s8(arena + 37136, arena + 37392, 1, 2,
                   1720564096, 20, -1984);

    if (output0 != arena + 37392) {
        memmove(output0, arena + 37392, 2);
    }
    return 0;
}
