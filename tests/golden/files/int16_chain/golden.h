/*
 * golden.h: model compiled by mcugen 0.1.0. Do not edit.
 *
 * int golden_invoke(const int16_t *input0, int16_t *output0);
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
#define GOLDEN_ARENA_BYTES 1152
#define GOLDEN_NUM_INPUTS 1
#define GOLDEN_NUM_OUTPUTS 1

/* input 0: 't0', int16 1x6x6x4, real = 0.0008783178054727614 * (q - 0) */
#define GOLDEN_INPUT0_SIZE 144
#define GOLDEN_INPUT0_RANK 4
#define GOLDEN_INPUT0_DIMS { 1, 6, 6, 4 }
#define GOLDEN_INPUT0_SCALE 0.0008783178054727614f
#define GOLDEN_INPUT0_ZERO_POINT 0

/* output 0: 't6', int16 1x6x6x8, real = 0.0026642868760973215 * (q - 0) */
#define GOLDEN_OUTPUT0_SIZE 288
#define GOLDEN_OUTPUT0_RANK 4
#define GOLDEN_OUTPUT0_DIMS { 1, 6, 6, 8 }
#define GOLDEN_OUTPUT0_SCALE 0.0026642868760973215f
#define GOLDEN_OUTPUT0_ZERO_POINT 0

int golden_invoke(const int16_t *input0, int16_t *output0);

/* The arena slots of input/output number `index`: fill/read them in place.
 */
int8_t *golden_input_buffer(int index);
int8_t *golden_output_buffer(int index);

#ifdef __cplusplus
}
#endif

#endif /* GOLDEN_H */
