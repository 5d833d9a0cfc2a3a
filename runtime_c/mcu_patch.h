/*
 * mcu_patch.h: windows of NHWC tensors for patch-based inference. A patch of the first
 * stage of the network copies its input window out of the full input tensor, runs the
 * stage's layers on dense local buffers, and pastes its output window into the full
 * output tensor of the stage.
 */
#ifndef MCU_PATCH_H
#define MCU_PATCH_H

#include <stdint.h>
#include <string.h>

#include "mcu_requant.h"

/* dst (h x w x channels, dense) = src[y0 .. y0 + h) x [x0 .. x0 + w) of an src_w-wide tensor. */
MCU_KERNEL void mcu_window_copy_s8(int8_t *dst, const int8_t *src, int32_t src_w, int32_t channels,
                                   int32_t y0, int32_t x0, int32_t h, int32_t w)
{
    const size_t row = (size_t)w * (size_t)channels;
    for (int32_t y = 0; y < h; ++y) {
        memcpy(dst + (size_t)y * row, src + ((size_t)(y0 + y) * (size_t)src_w + (size_t)x0) * (size_t)channels, row);
    }
}

/* dst[y0 .. y0 + h) x [x0 .. x0 + w) of a dst_w-wide tensor = src (h x w x channels, dense). */
MCU_KERNEL void mcu_window_paste_s8(int8_t *dst, int32_t dst_w, int32_t channels, int32_t y0,
                                    int32_t x0, int32_t h, int32_t w, const int8_t *src)
{
    const size_t row = (size_t)w * (size_t)channels;
    for (int32_t y = 0; y < h; ++y) {
        memcpy(dst + ((size_t)(y0 + y) * (size_t)dst_w + (size_t)x0) * (size_t)channels, src + (size_t)y * row, row);
    }
}

#endif /* MCU_PATCH_H */
