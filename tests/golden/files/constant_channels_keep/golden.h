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
#define GOLDEN_ARENA_BYTES 1104
#define GOLDEN_NUM_INPUTS 1
#define GOLDEN_NUM_OUTPUTS 1

/* input 0: 't0', int8 1x8x8x8, real = 0.03257420286536217 * (q - 121) */
#define GOLDEN_INPUT0_SIZE 512
#define GOLDEN_INPUT0_RANK 4
#define GOLDEN_INPUT0_DIMS { 1, 8, 8, 8 }
#define GOLDEN_INPUT0_SCALE 0.03257420286536217f
#define GOLDEN_INPUT0_ZERO_POINT 121

/* output 0: 't14', int8 1x5, real = 0.7437391877174377 * (q - 64) */
#define GOLDEN_OUTPUT0_SIZE 5
#define GOLDEN_OUTPUT0_RANK 2
#define GOLDEN_OUTPUT0_DIMS { 1, 5 }
#define GOLDEN_OUTPUT0_SCALE 0.7437391877174377f
#define GOLDEN_OUTPUT0_ZERO_POINT 64

int golden_invoke(const int8_t *input0, int8_t *output0);

/* The arena slots of input/output number `index`: fill/read them in place.
 */
int8_t *golden_input_buffer(int index);
int8_t *golden_output_buffer(int index);

#ifdef __cplusplus
}
#endif

#endif /* GOLDEN_H */
