/*
 * mcu_broadcast.h: the loop nest shared by the int8 binary elementwise kernels
 * (MUL, SUB, MAXIMUM, MINIMUM, PRELU, broadcast ADD).
 *
 * The compiler reduces two broadcast operands to at most four output loops (dims[0]
 * outermost, dims[3] innermost, output in row-major order) and, for each operand, the
 * element stride of each loop, 0 where that operand is broadcast. A same-shape op is
 * {1, 1, 1, size} with strides {0, 0, 0, 1}.
 */
#ifndef MCU_BROADCAST_H
#define MCU_BROADCAST_H

#include "mcu_requant.h"

typedef struct {
    int32_t dims[4];
    int32_t stride1[4];
    int32_t stride2[4];
} mcu_broadcast_t;

/* Number of innermost rows: dims[0] * dims[1] * dims[2]. */
MCU_INLINE int32_t mcu_broadcast_rows(const mcu_broadcast_t *shape)
{
    return shape->dims[0] * shape->dims[1] * shape->dims[2];
}

/* Element offsets in each operand of the first element of innermost row `row`. */
MCU_INLINE void mcu_broadcast_row(const mcu_broadcast_t *shape, int32_t row,
                                  int32_t *offset1, int32_t *offset2)
{
    const int32_t i2 = row % shape->dims[2];
    const int32_t i01 = row / shape->dims[2];
    const int32_t i1 = i01 % shape->dims[1];
    const int32_t i0 = i01 / shape->dims[1];
    *offset1 = i0 * shape->stride1[0] + i1 * shape->stride1[1] + i2 * shape->stride1[2];
    *offset2 = i0 * shape->stride2[0] + i1 * shape->stride2[1] + i2 * shape->stride2[2];
}

#endif /* MCU_BROADCAST_H */
