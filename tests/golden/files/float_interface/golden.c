/*
 * golden.c: model compiled by mcugen 0.1.0. Do not edit.
 * 3 layers, 2592 MACs, arena 720 bytes.
 */
#include <string.h>

#include "golden.h"
#include "runtime/mcu_conv2d_im2col_s8.h"
#include "runtime/mcu_quantize.h"

extern const int32_t golden_op1_filter[]; /* 60 values */

#if defined(__GNUC__)
#define GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define GOLDEN_ALIGNED
#endif

static int8_t golden_arena[720] GOLDEN_ALIGNED;

/* op 1: its GEMM with K = 20 (3x3x2, rounded up to 4) and 4 channels baked in, int16 weights */
MCU_GEMM_W16_LAYER(golden_layer1_gemm, 20, 4, -128, 127, 5, 0)

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

int golden_invoke(const float *input0, float *output0)
{
    int8_t *const arena = golden_arena;
    if ((const void *)input0 != (const void *)(arena + 0)) {
        memmove(arena + 0, input0, 288);
    }

    /* op 0: QUANTIZE 1x6x6x2 -> 1x6x6x2 */
    mcu_quantize_f32_s8(arena + 0, arena + 288, 72, 1034790296, 39);

    /* op 1: CONV_2D 1x6x6x2 -> 1x6x6x4 */
    mcu_conv2d_im2col_w16_s8(golden_layer1_gemm, golden_layer1_gemm, arena + 288, arena + 576, golden_op1_filter,
                             (int16_t *)(void *)(arena + 0),
                         1, 6, 6, 2, 6, 6, 4,
                         3, 3, 1, 1,
                         1, 1, 1, 1,
                         -39, 6);

    /* op 2: DEQUANTIZE 1x6x6x4 -> 1x6x6x4 */
    mcu_dequantize_s8_f32(arena + 576, arena + 0, 144, 1075566430, -36);

    if ((void *)output0 != (void *)(arena + 0)) {
        memmove(output0, arena + 0, 576);
    }
    return 0;
}
