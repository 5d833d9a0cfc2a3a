/*
 * golden_weights.c: constant data of model (444 bytes), compiled by
 * mcugen 0.1.0. Do not edit. `const` keeps it in flash.
 */
#include <stdint.h>

#if defined(__GNUC__)
#define GOLDEN_WEIGHT_ALIGN __attribute__((aligned(16)))
#else
#define GOLDEN_WEIGHT_ALIGN
#endif

/* tensor 'sequential/dense/MatMul' */
extern const int8_t golden_t6[16];
const int8_t golden_t6[16] GOLDEN_WEIGHT_ALIGN = {
    -9, -54, 57, 71, 104, 115, 98, 99, 64, -26, 127, 25, -82, 68, 95, 86,
};

/* tensor 'sequential/dense/BiasAdd/ReadVariableOp' */
extern const int32_t golden_t5[16];
const int32_t golden_t5[16] GOLDEN_WEIGHT_ALIGN = {
    0, 0, -5438, -5515, -1352, -1500, -4152, -84, 3396, 0, 1981, -5581, 0, -6964, 3407, -7217,
};

/* op 0 (FULLY_CONNECTED) multiplier */
extern const int32_t golden_op0_multiplier[1];
const int32_t golden_op0_multiplier[1] GOLDEN_WEIGHT_ALIGN = {
    2039655759,
};

/* op 0 (FULLY_CONNECTED) shift */
extern const int32_t golden_op0_shift[1];
const int32_t golden_op0_shift[1] GOLDEN_WEIGHT_ALIGN = {
    -7,
};

/* tensor 'sequential/dense_1/MatMul' */
extern const int8_t golden_t4[256];
const int8_t golden_t4[256] GOLDEN_WEIGHT_ALIGN = {
    -12, 26, -19, 9, 25, 33, -12, 36, -32, 33, -17, -68, -9, -11, -6, 25,
    3, -36, -46, 2, 6, -7, -12, 2, -1, -6, -17, -15, -17, -45, 39, -31,
    -5, 39, -35, -21, -37, -28, 5, 26, 23, -4, 36, 18, 21, -17, 30, -28,
    16, -2, 20, -38, 28, -8, -13, -15, -17, -30, -13, 9, -29, -23, -19, -29,
    -28, 21, 7, 11, 4, 27, 26, -2, -21, 1, -34, 33, -26, 11, -20, 3,
    35, 10, 34, 36, 30, 39, 3, -26, 3, 36, -1, -64, 17, -8, -4, -15,
    17, 12, -11, -32, -13, 7, 23, -27, -24, -19, -6, -36, -24, 35, -5, 7,
    -35, -5, -3, 0, 20, 38, 17, 23, -25, -15, 17, -22, 2, 38, 4, 4,
    37, 33, 29, 10, -37, 29, -36, 32, 1, -6, -29, 55, 11, -15, 26, 22,
    -17, 28, -25, 3, -32, 22, 2, 3, 33, 24, 9, 46, -39, -27, 20, 11,
    -22, 26, -4, -40, 19, 0, -60, -40, -20, -39, -2, 13, 25, 32, -40, -42,
    -30, 31, -23, -41, -54, -30, -35, -58, 19, -25, 4, 62, 0, 1, 20, -57,
    -37, -25, 21, 21, -11, 6, -42, 26, -36, 9, 34, -2, 8, 2, 19, -17,
    25, 30, -30, 9, -3, -13, 20, -35, -38, 32, -39, 15, -29, -7, -9, -18,
    -23, 36, -26, 41, 0, 7, 22, -30, 30, 13, 35, -45, -35, -9, 20, -6,
    8, 34, 38, 33, 9, 8, 15, 11, -32, 18, -12, 127, -36, 88, -27, 38,
};

/* tensor 'sequential/dense_1/BiasAdd/ReadVariableOp' */
extern const int32_t golden_t3[16];
const int32_t golden_t3[16] GOLDEN_WEIGHT_ALIGN = {
    -729, 1954, 610, 0, 241, -471, -35, -867, 571, 581, 4260, 3943, 591, 0, -889, -5103,
};

/* op 1 (FULLY_CONNECTED) multiplier */
extern const int32_t golden_op1_multiplier[1];
const int32_t golden_op1_multiplier[1] GOLDEN_WEIGHT_ALIGN = {
    1561796740,
};

/* op 1 (FULLY_CONNECTED) shift */
extern const int32_t golden_op1_shift[1];
const int32_t golden_op1_shift[1] GOLDEN_WEIGHT_ALIGN = {
    -6,
};

/* tensor 'sequential/dense_2/MatMul' */
extern const int8_t golden_t2[16];
const int8_t golden_t2[16] GOLDEN_WEIGHT_ALIGN = {
    -39, 59, 39, 21, 28, -32, -34, -35, 15, 27, -59, -41, 18, -35, -7, 127,
};

/* tensor 'sequential/dense_2/BiasAdd/ReadVariableOp' */
extern const int32_t golden_t1[1];
const int32_t golden_t1[1] GOLDEN_WEIGHT_ALIGN = {
    429,
};

/* op 2 (FULLY_CONNECTED) multiplier */
extern const int32_t golden_op2_multiplier[1];
const int32_t golden_op2_multiplier[1] GOLDEN_WEIGHT_ALIGN = {
    1630361784,
};

/* op 2 (FULLY_CONNECTED) shift */
extern const int32_t golden_op2_shift[1];
const int32_t golden_op2_shift[1] GOLDEN_WEIGHT_ALIGN = {
    -5,
};
