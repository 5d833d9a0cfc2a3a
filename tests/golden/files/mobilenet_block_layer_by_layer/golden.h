/*
 * golden.h: model compiled by mcugen 0.1.0. Do not edit.
 *
 * int golden_invoke(const int8_t *input0, int8_t *output0);
 * runs one inference and returns 0. Inputs are copied into the model's arena and
 * outputs out of it; pass the pointers from golden_input_buffer() /
 * golden_output_buffer() to skip those copies. Not reentrant: one inference at a time.
 */
#ifndef GOLDEN_H
#define GOLDEN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of SRAM the model reserves for activations (static, inside golden.c). */
#define GOLDEN_ARENA_BYTES 3488
#define GOLDEN_NUM_INPUTS 1
#define GOLDEN_NUM_OUTPUTS 1

/* input 0: 't0', int8 1x24x24x3, real = 0.021571317687630653 * (q - 76) */
#define GOLDEN_INPUT0_SIZE 1728
#define GOLDEN_INPUT0_RANK 4
#define GOLDEN_INPUT0_DIMS { 1, 24, 24, 3 }
#define GOLDEN_INPUT0_SCALE 0.021571317687630653f
#define GOLDEN_INPUT0_ZERO_POINT 76

/* output 0: 't21', int8 1x10, real = 0.00390625 * (q - -128) */
#define GOLDEN_OUTPUT0_SIZE 10
#define GOLDEN_OUTPUT0_RANK 2
#define GOLDEN_OUTPUT0_DIMS { 1, 10 }
#define GOLDEN_OUTPUT0_SCALE 0.00390625f
#define GOLDEN_OUTPUT0_ZERO_POINT -128

int golden_invoke(const int8_t *input0, int8_t *output0);

/* The arena slots of input/output number `index`: fill/read them in place.
 */
int8_t *golden_input_buffer(int index);
int8_t *golden_output_buffer(int index);

#ifdef __cplusplus
}
#endif

#endif /* GOLDEN_H */
