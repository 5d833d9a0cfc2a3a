/*
 * golden.h: model compiled by mcugen 0.1.0. Do not edit.
 *
 * int golden_invoke(const float *input0, float *output0);
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
#define GOLDEN_ARENA_BYTES 720
#define GOLDEN_NUM_INPUTS 1
#define GOLDEN_NUM_OUTPUTS 1

/* input 0: 't0', float32 1x6x6x2 (C type float: the model
 * quantizes it to int8 itself; its arena slot is 16-byte aligned, cast it to float *) */
#define GOLDEN_INPUT0_SIZE 72
#define GOLDEN_INPUT0_RANK 4
#define GOLDEN_INPUT0_DIMS { 1, 6, 6, 2 }

/* output 0: 't5', float32 1x6x6x4 (C type float: the model
 * dequantizes it from int8 itself; its arena slot is 16-byte aligned, cast it to float *) */
#define GOLDEN_OUTPUT0_SIZE 144
#define GOLDEN_OUTPUT0_RANK 4
#define GOLDEN_OUTPUT0_DIMS { 1, 6, 6, 4 }

int golden_invoke(const float *input0, float *output0);

/* The arena slots of input/output number `index`: fill/read them in place.
 */
int8_t *golden_input_buffer(int index);
int8_t *golden_output_buffer(int index);

#ifdef __cplusplus
}
#endif

#endif /* GOLDEN_H */
