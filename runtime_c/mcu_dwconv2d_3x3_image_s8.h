/*
 * mcu_dwconv2d_3x3_image_s8: int8 depthwise 3x3 convolution, depth multiplier 1, stride 1,
 * dilation 1, any padding, channels % 4 == 0, where the planner has room for four channels'
 * whole padded images as int16 (vww's and person's 24x24 and smaller layers). Per group of four channels the input is expanded once into four int16
 * images, row after row (the padding holds the input zero point, written once per call); then
 * one call of the layer's image function per channel computes all of its outputs. Against the
 * ring kernel (mcu_dwconv2d_3x3_s8.h) this drops the per-row calls and ring bookkeeping that
 * dominate short rows, and against the 4-channel kernel (mcu_dwconv2d_ch4_s8.h) it pairs taps
 * in SMLAD (two MACs an instruction instead of one) and has no border pixels.
 *
 * The arithmetic is the ring kernel's: weights as int16 pairs per filter row, A = (w0, w1) and
 * B = (w1, w2), the input offset folded into the bias, everything doubled for
 * mcu_requant_doubled; only the rows' layout differs (row after row, so the three filter rows
 * are the same word one and two image rows apart: constant LDRD offsets).
 *
 * Bit-exact with TFLM reference_integer_ops::DepthwiseConvPerChannel.
 * Preconditions: channels % 4 == 0; stream holds per channel the ten words A0 B0 A1 B1 A2 B2
 * (doubled weights), 2 (bias + input_offset * sum of its weights) wrapped to int32, then the
 * multiplier, c, right of fast_requant_table (mcugen/ops/dwconv2d_3x3.py image_stream);
 * pad_value is the input zero point; row_len is the image function's ROW_LEN, at least
 * MCU_DW3X3_ROW_LEN(out_w, 1). In place (output == input) is allowed with one batch: a group's
 * whole images are expanded before any of its outputs is written, and those land on the
 * group's own channels; otherwise input and output do not overlap.
 * Scratch: mcu_dwconv2d_3x3_image_s8_buffer_size(out_h, row_len) bytes, 4-aligned.
 */
#ifndef MCU_DWCONV2D_3X3_IMAGE_S8_H
#define MCU_DWCONV2D_3X3_IMAGE_S8_H

#include "mcu_dwconv2d_3x3_s8.h"

/* four images of the out_h + 2 padded rows the windows cover */
MCU_INLINE int32_t mcu_dwconv2d_3x3_image_s8_buffer_size(int32_t out_h, int32_t row_len)
{
    return 4 * (out_h + 2) * row_len * (int32_t)sizeof(int16_t);
}

/* One channel's outputs from its int16 image: made by MCU_DWCONV2D_3X3_IMAGE_LAYER. */
typedef void (*mcu_dw3x3_image_fn)(const int16_t *image, int8_t *out, int32_t out_w,
                                   int32_t out_h, const int32_t *stream);

/* All outputs of one channel, stride 1, in C: the reference, and what runs where the assembly
 * does not (other cores and compilers, rows of one output). */
MCU_INLINE void mcu_dw3x3_image_s1_c(const int32_t *g, int8_t *out, int32_t out_w, int32_t out_h,
                                     const int32_t *w, const int32_t *q, int32_t channels,
                                     int32_t row_bytes, int32_t act_min, int32_t act_max)
{
    const int32_t r1 = row_bytes / 4;
    for (int32_t oy = 0; oy < out_h; ++oy, g += r1) {
        for (int32_t j = 0; j < out_w; j += 2, out += 2 * channels) {
            int32_t acc0 = q[0], acc1 = q[0];
            for (int32_t k = 0; k < 3; ++k) {
                const int32_t x01 = mcu_dw3x3_load(g + k * r1 + j / 2);
                const int32_t x23 = mcu_dw3x3_load(g + k * r1 + j / 2 + 1);
                acc1 = mcu_smlatb(x01, w[2 * k], acc1);
                acc0 = mcu_smlad(x01, w[2 * k], acc0);
                acc0 = mcu_smlabt(x23, w[2 * k + 1], acc0);
                acc1 = mcu_smlad(x23, w[2 * k + 1], acc1);
            }
            out[0] = mcu_dw3x3_out(acc0, q[1], q[2], q[3], act_min, act_max);
            if (j + 1 < out_w) {
                out[channels] = mcu_dw3x3_out(acc1, q[1], q[2], q[3], act_min, act_max);
            } else {
                out -= channels; /* an odd row's last output: the next row starts here */
            }
        }
    }
}

#if MCU_ASM
/*
 * On DSP cores the image function is a naked assembly function, for GCC and Clang alike: the
 * loops of mcu_dw3x3_image_s1_c, two outputs per word of an image row, then the last one of an
 * odd row, 7 instructions from one row to the next. Registers: r0 g, r1 out, lr the row's end,
 * r2 r3 the two sums, r4-r9 the weight words A0 B0 A1 B1 A2 B2, r10-r12 scratch. Frame: [sp]
 * bias, [sp+4] multiplier, [sp+8] c, [sp+12] right, [sp+16] from a row's end to the next row,
 * [sp+20] rows left. MCU_DW_CH is the channel count, MCU_DW_RB the image row in bytes (at most
 * 512: the LDRD offsets reach two rows). Rows of one output go to the C loops (name##_c).
 */
/* the multiply-accumulates of outputs o, o + 1 from one image row (words x01, x23 in r10,
 * r11): r2 += x0 w0 + x1 w1 + x2 w2, r3 = from + x1 w0 + x2 w1 + x3 w2 */
#define MCU_DW3X3_IMAGE_ROW_ASM(a, b, from)                                               \
    "smlatb r3, r10, " a ", " from "\n\t"                                                  \
    "smlad r2, r10, " a ", r2\n\t"                                                         \
    "smlabt r2, r11, " b ", r2\n\t"                                                        \
    "smlad r3, r11, " b ", r3\n\t"
/* every row of the channel; `tail` the last output of an odd row */
#define MCU_DW3X3_IMAGE_ROWS_ASM(tail)                                                    \
    "1:\n\t"                                                                              \
    "ldr r2, [sp]\n\t"                                                                    \
    "ldrd r10, r11, [r0], #4\n\t"                                                         \
    MCU_DW3X3_IMAGE_ROW_ASM("r4", "r5", "r2")                                             \
    "ldrd r10, r11, [r0, #MCU_DW_RB - 4]\n\t"                                             \
    MCU_DW3X3_IMAGE_ROW_ASM("r6", "r7", "r3")                                             \
    "ldrd r10, r11, [r0, #2 * MCU_DW_RB - 4]\n\t"                                         \
    MCU_DW3X3_IMAGE_ROW_ASM("r8", "r9", "r3")                                             \
    "ldrd r10, r11, [sp, #4]\n\t"                                                         \
    MCU_DW3X3_HIGH_ASM("r2")                                                              \
    MCU_DW3X3_HIGH_ASM("r3")                                                              \
    "ldr r10, [sp, #12]\n\t"                                                              \
    MCU_DW3X3_SHIFT_ASM("r2")                                                             \
    MCU_DW3X3_SHIFT_ASM("r3")                                                             \
    /* two post-indexed stores up to 255 channels (the immediate's reach), else ADDW */ \
    ".if MCU_DW_CH <= 255\n\t"                                                            \
    "strb r2, [r1], #MCU_DW_CH\n\t"                                                       \
    "strb r3, [r1], #MCU_DW_CH\n\t"                                                       \
    ".else\n\t"                                                                           \
    "strb r3, [r1, #MCU_DW_CH]\n\t"                                                       \
    "strb r2, [r1]\n\t"                                                                   \
    "addw r1, r1, #2 * MCU_DW_CH\n\t"                                                     \
    ".endif\n\t"                                                                          \
    "cmp r0, lr\n\t"                                                                      \
    "bne 1b\n\t"                                                                          \
    tail                                                                                  \
    "ldrd r10, r11, [sp, #16]\n\t"                                                        \
    "add r0, r0, r10\n\t"                                                                 \
    "addw lr, lr, #MCU_DW_RB\n\t"                                                         \
    "subs r11, r11, #1\n\t"                                                               \
    "str r11, [sp, #20]\n\t"                                                              \
    "bne 1b\n\t"
/* the last output of an odd row, the first of a pair: x0 w0 + x1 w1 + x2 w2 */
#define MCU_DW3X3_IMAGE_LAST_ASM                                                          \
    "ldr r2, [sp]\n\t"                                                                    \
    "ldrd r10, r11, [r0]\n\t"                                                             \
    "smlad r2, r10, r4, r2\n\t"                                                           \
    "smlabt r2, r11, r5, r2\n\t"                                                          \
    "ldrd r10, r11, [r0, #MCU_DW_RB]\n\t"                                                 \
    "smlad r2, r10, r6, r2\n\t"                                                           \
    "smlabt r2, r11, r7, r2\n\t"                                                          \
    "ldrd r10, r11, [r0, #2 * MCU_DW_RB]\n\t"                                             \
    "smlad r2, r10, r8, r2\n\t"                                                           \
    "smlabt r2, r11, r9, r2\n\t"                                                          \
    MCU_DW3X3_REQUANT_R2_ASM                                                              \
    MCU_DW3X3_STORE_ASM("r2", "MCU_DW_CH")
/* A layer's image function (mcu_dw3x3_image_fn): its channel count, image row length (int16,
 * even) and activation bounds as integer literals; out_w and out_h stay run-time arguments. */
#define MCU_DWCONV2D_3X3_IMAGE_LAYER(name, CHANNELS, ROW_LEN, ACT_MIN, ACT_MAX)                    \
    __attribute__((used, noinline)) static void name##_c(const int16_t *image, int8_t *out,      \
                                                         int32_t out_w, int32_t out_h,            \
                                                         const int32_t *stream)                   \
    {                                                                                             \
        mcu_dw3x3_image_s1_c((const int32_t *)(const void *)image, out, out_w, out_h, stream,     \
                             stream + 6, (CHANNELS), 2 * (ROW_LEN), (ACT_MIN), (ACT_MAX));        \
    }                                                                                             \
    __attribute__((naked, noinline, used)) static void name(                                      \
        __attribute__((unused)) const int16_t *image, __attribute__((unused)) int8_t *out,        \
        __attribute__((unused)) int32_t out_w, __attribute__((unused)) int32_t out_h,             \
        __attribute__((unused)) const int32_t *stream)                                            \
    {                                                                                             \
        __asm__ volatile(                                                                         \
            MCU_ASM_BOUNDS(ACT_MIN, ACT_MAX)                                                      \
            ".set MCU_DW_CH, " MCU_ASM_STR(CHANNELS) "\n\t"                                       \
            ".set MCU_DW_RB, 2 * " MCU_ASM_STR(ROW_LEN) "\n\t"                                    \
            "cmp r2, #2\n\t"                                                                      \
            "bge 7f\n\t"                                                                          \
            "b " #name "_c\n\t"                                                                   \
            "7:\n\t"                                                                              \
            "push {r4-r11, lr}\n\t"                                                               \
            "ldr r12, [sp, #36]\n\t"                                                              \
            "sub sp, sp, #24\n\t"                                                                 \
            "add r4, r12, #24\n\t"                                                                \
            "ldm r4, {r4-r7}\n\t"                                                                 \
            "stm sp, {r4-r7}\n\t"                                                                 \
            "lsr r4, r2, #1\n\t"                                                                  \
            "add lr, r0, r4, lsl #2\n\t"                                                          \
            "movw r5, #MCU_DW_RB\n\t"                                                             \
            "sub r5, r5, r4, lsl #2\n\t"                                                          \
            "strd r5, r3, [sp, #16]\n\t"                                                          \
            "ldm r12, {r4-r9}\n\t"                                                                \
            "tst r2, #1\n\t"                                                                      \
            "bne 5f\n\t"                                                                          \
            MCU_DW3X3_IMAGE_ROWS_ASM("")                                                          \
            "b 6f\n\t"                                                                            \
            "5:\n\t"                                                                              \
            MCU_DW3X3_IMAGE_ROWS_ASM(MCU_DW3X3_IMAGE_LAST_ASM)                                    \
            "6:\n\t"                                                                              \
            "add sp, sp, #24\n\t"                                                                 \
            "pop {r4-r11, pc}\n\t");                                                              \
    }
#else
/* A layer's image function: its channel count, image row length (int16, even) and activation
 * bounds as constants; out_w and out_h stay run-time arguments. */
#define MCU_DWCONV2D_3X3_IMAGE_LAYER(name, CHANNELS, ROW_LEN, ACT_MIN, ACT_MAX)                    \
    MCU_NOINLINE void name(const int16_t *image, int8_t *out, int32_t out_w, int32_t out_h,      \
                           const int32_t *stream)                                                 \
    {                                                                                             \
        mcu_dw3x3_image_s1_c((const int32_t *)(const void *)image, out, out_w, out_h, stream,     \
                             stream + 6, (CHANNELS), 2 * (ROW_LEN), (ACT_MIN), (ACT_MAX));        \
    }
#endif

/* Input row of four channels (src: channel c0 of the row's first pixel that reaches the
 * windows) into the four images, lane_size int16 apart: columns [first, last) of image row
 * `row`. A pixel pair on an even column is one word per image: PKHBT / PKHTB pair the two
 * pixels' words as bytes, SXTB16 gives each channel's int16 pair. */
MCU_INLINE void mcu_dw3x3_image_expand4(int16_t *row, int32_t lane_size, const int8_t *src,
                                        int32_t channels, int32_t first, int32_t last)
{
    int32_t x = first;
    if (x & 1) {
        for (int32_t l = 0; l < 4; ++l) {
            mcu_store_s16(row + l * lane_size + x, src[l]);
        }
        src += channels, ++x;
    }
    int32_t *d = (int32_t *)(void *)(row + x);
    const int32_t lane_words = lane_size / 2;
    for (; x + 2 <= last; x += 2, src += 2 * channels, ++d) {
        const int32_t b = mcu_load_s8x4(src + channels), a = mcu_load_s8x4(src);
        const int32_t lo = mcu_pkhbt(a, b), hi = mcu_pkhtb(b, a);
        mcu_store_s16x2((int16_t *)(void *)d, mcu_sxtb16(lo));
        mcu_store_s16x2((int16_t *)(void *)(d + lane_words), mcu_sxtb16_ror8(lo));
        mcu_store_s16x2((int16_t *)(void *)(d + 2 * lane_words), mcu_sxtb16(hi));
        mcu_store_s16x2((int16_t *)(void *)(d + 3 * lane_words), mcu_sxtb16_ror8(hi));
    }
    if (x < last) {
        for (int32_t l = 0; l < 4; ++l) {
            mcu_store_s16(row + l * lane_size + x, src[l]);
        }
    }
}

MCU_KERNEL void mcu_dwconv2d_3x3_image_s8(
    mcu_dw3x3_image_fn image_fn, const int8_t *input, int8_t *output, const int32_t *stream,
    int16_t *scratch, int32_t batches, int32_t in_h, int32_t in_w, int32_t channels,
    int32_t out_h, int32_t out_w, int32_t pad_top, int32_t pad_left, int32_t pad_value,
    int32_t row_len)
{
    const int32_t rows = out_h + 2;
    const int32_t lane_size = rows * row_len;
    /* columns and rows holding input pixels; the others keep the zero point */
    const int32_t first = pad_left < row_len ? pad_left : row_len;
    const int32_t last = pad_left + in_w < row_len ? pad_left + in_w : row_len;
    const int32_t y_end = rows - pad_top < in_h ? rows - pad_top : in_h;
    const int32_t pad2 = mcu_dup_s16(pad_value);
    for (int32_t i = 0; i < 2 * lane_size; ++i) {
        mcu_store_s16x2(scratch + 2 * i, pad2);
    }
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *image = input + b * in_h * in_w * channels;
        int8_t *out = output + b * out_h * out_w * channels;
        for (int32_t c0 = 0; c0 < channels; c0 += 4) {
            if (last > first) {
                for (int32_t y = 0; y < y_end; ++y) {
                    mcu_dw3x3_image_expand4(scratch + (y + pad_top) * row_len, lane_size,
                                            image + (y * in_w + first - pad_left) * channels + c0,
                                            channels, first, last);
                }
            }
            for (int32_t l = 0; l < 4; ++l) {
                image_fn(scratch + l * lane_size, out + c0 + l, out_w, out_h,
                         stream + 10 * (c0 + l));
            }
        }
    }
}

#endif /* MCU_DWCONV2D_3X3_IMAGE_S8_H */
