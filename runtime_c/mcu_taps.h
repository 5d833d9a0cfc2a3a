/*
 * mcu_taps.h: the filter taps of a window that fall inside the image, so kernels can loop
 * over valid taps only instead of testing bounds at every tap.
 */
#ifndef MCU_TAPS_H
#define MCU_TAPS_H

#include "mcu_requant.h"

/* Taps [*first, *end) of `taps` taps starting at `start`, `dilation` apart, that satisfy
 * 0 <= start + dilation * tap < size (an empty range when none does). */
MCU_INLINE void mcu_tap_range(int32_t start, int32_t dilation, int32_t taps, int32_t size,
                              int32_t *first, int32_t *end)
{
    int32_t lo = 0, hi = taps;
    while (lo < hi && start + dilation * lo < 0) {
        ++lo;
    }
    while (hi > lo && start + dilation * (hi - 1) >= size) {
        --hi;
    }
    *first = lo;
    *end = hi;
}

#endif /* MCU_TAPS_H */
