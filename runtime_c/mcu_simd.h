/*
 * mcu_simd.h: the Cortex-M DSP-extension instructions the SIMD kernels use, each as an
 * inline function. With __ARM_FEATURE_DSP (Cortex-M4/M7/M33/M55) it is the ACLE intrinsic
 * of arm_acle.h, one instruction; otherwise it is an exact C model of that instruction, so
 * the very same kernel source runs (and is tested bit for bit) on the host.
 *
 * Packed values are int32_t holding two int16 halves (lo = bits 0..15, hi = 16..31) or
 * four int8 lanes. The C models are free of undefined behaviour: lanes are extracted with
 * masks and sign-fixed arithmetically, sums wrap through uint32_t as the hardware does.
 * Define MCU_SIMD_PORTABLE to force the C models on a DSP core (used to test them there).
 */
#ifndef MCU_SIMD_H
#define MCU_SIMD_H

#include <stdint.h>
#include <string.h>

#include "mcu_requant.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && !defined(MCU_SIMD_PORTABLE)
#define MCU_SIMD_DSP 1
#include <arm_acle.h>
#else
#define MCU_SIMD_DSP 0
#endif

/* Hot loops kept out of line: inlined into a whole model's invoke, GCC spills their
 * registers (measured: the requant loop went from ~25 to ~45 instructions per output). */
#if defined(__GNUC__)
#define MCU_NOINLINE static __attribute__((noinline, unused))
#else
#define MCU_NOINLINE static
#endif

/* GCC's pre-register-allocation scheduler hoists the loads of a 4-row dot product so far
 * that it spills the accumulators (FC 640 -> 128 on M7: 27 instructions per 16 MACs without
 * it, spills with it). Clang has no such attribute and needs none. */
#if defined(__GNUC__) && !defined(__clang__)
#define MCU_NO_PRESCHEDULE __attribute__((optimize("no-schedule-insns")))
#else
#define MCU_NO_PRESCHEDULE
#endif

/* A 32-bit word of scratch in the int8_t arena, read and written as such: may_alias makes
 * that well-defined in GNU C and lets the compiler pair neighbouring words into LDRD/STRD
 * (memcpy does not, measured). Scratch words are 4-byte aligned. */
#if defined(__GNUC__)
typedef int32_t mcu_word __attribute__((may_alias, aligned(4)));
typedef uint64_t mcu_dword __attribute__((may_alias, aligned(4)));
#else
typedef int32_t mcu_word;
typedef uint64_t mcu_dword;
#endif

/* Two neighbouring 32-bit words (4-byte aligned) in one LDRD: *lo = p[0], *hi = p[1]. */
MCU_INLINE void mcu_load_word_pair(const int32_t *p, int32_t *lo, int32_t *hi)
{
#if MCU_SIMD_DSP && defined(__GNUC__)
    /* GCC 12 splits a 64-bit load into two LDR under register pressure (measured) */
    __asm__("ldrd %0, %1, %2" : "=r"(*lo), "=r"(*hi) : "m"(*(const mcu_dword *)(const void *)p));
#else
    *lo = p[0];
    *hi = p[1];
#endif
}

/* Two words to a word-aligned address, one STRD (GCC 12 emits two STR). */
MCU_INLINE void mcu_store_word_pair(void *p, int32_t lo, int32_t hi)
{
#if MCU_SIMD_DSP && defined(__GNUC__)
    __asm__("strd %1, %2, %0" : "=m"(*(mcu_dword *)p) : "r"(lo), "r"(hi));
#else
    memcpy(p, &lo, sizeof lo);
    memcpy((char *)p + sizeof lo, &hi, sizeof hi);
#endif
}

/* Unaligned little-endian 32-bit load (one LDR on ARMv7-M, which allows unaligned LDR). */
MCU_INLINE int32_t mcu_load_s8x4(const int8_t *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

MCU_INLINE int32_t mcu_load_s16x2(const int16_t *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

MCU_INLINE void mcu_store_s16x2(int16_t *p, int32_t v)
{
    memcpy(p, &v, sizeof v);
}

/* Single int16 through memcpy: scratch lives in the int8_t arena (no aliasing questions). */
MCU_INLINE int32_t mcu_load_s16(const int16_t *p)
{
    int16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

MCU_INLINE void mcu_store_s16(int16_t *p, int32_t v)
{
    const int16_t h = (int16_t)v;
    memcpy(p, &h, sizeof h);
}

/* Sign-extended lanes of a packed word, without implementation-defined conversions. */
MCU_INLINE int32_t mcu_lane_s16(uint32_t v, int32_t lane)
{
    return (int32_t)((v >> (16 * lane)) & 0xFFFFu) - (int32_t)(((v >> (16 * lane)) & 0x8000u) << 1);
}

MCU_INLINE int32_t mcu_lane_s8(uint32_t v, int32_t lane)
{
    return (int32_t)((v >> (8 * lane)) & 0xFFu) - (int32_t)(((v >> (8 * lane)) & 0x80u) << 1);
}

/* Two int16 values (wrapped to 16 bits) packed as lo | hi << 16. */
MCU_INLINE int32_t mcu_pack_s16x2(int32_t lo, int32_t hi)
{
    return (int32_t)(((uint32_t)lo & 0xFFFFu) | (((uint32_t)hi & 0xFFFFu) << 16));
}

MCU_INLINE uint32_t mcu_ror8(uint32_t v)
{
    return (v >> 8) | (v << 24);
}

/* SXTB16: bytes 0 and 2 of x sign-extended to the two halves. */
MCU_INLINE int32_t mcu_sxtb16(int32_t x)
{
#if MCU_SIMD_DSP
    return __sxtb16(x);
#else
    return mcu_pack_s16x2(mcu_lane_s8((uint32_t)x, 0), mcu_lane_s8((uint32_t)x, 2));
#endif
}

/* SXTB16 x, ROR #8: bytes 1 and 3 of x sign-extended to the two halves. (GCC 12 does not
 * fold a separate rotate into SXTB16, hence the one-instruction asm.) */
MCU_INLINE int32_t mcu_sxtb16_ror8(int32_t x)
{
#if MCU_SIMD_DSP && defined(__GNUC__)
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
#elif MCU_SIMD_DSP
    return __sxtb16((int32_t)mcu_ror8((uint32_t)x));
#else
    return mcu_pack_s16x2(mcu_lane_s8((uint32_t)x, 1), mcu_lane_s8((uint32_t)x, 3));
#endif
}

/* SXTAB16 a, x: halves of a plus bytes 0 and 2 of x, each wrapped to 16 bits. */
MCU_INLINE int32_t mcu_sxtab16(int32_t a, int32_t x)
{
#if MCU_SIMD_DSP
    return __sxtab16(a, x);
#else
    return mcu_pack_s16x2(mcu_lane_s16((uint32_t)a, 0) + mcu_lane_s8((uint32_t)x, 0),
                          mcu_lane_s16((uint32_t)a, 1) + mcu_lane_s8((uint32_t)x, 2));
#endif
}

/* SXTAB16 a, x, ROR #8: halves of a plus bytes 1 and 3 of x. */
MCU_INLINE int32_t mcu_sxtab16_ror8(int32_t a, int32_t x)
{
#if MCU_SIMD_DSP && defined(__GNUC__)
    int32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
    return r;
#elif MCU_SIMD_DSP
    return __sxtab16(a, (int32_t)mcu_ror8((uint32_t)x));
#else
    return mcu_pack_s16x2(mcu_lane_s16((uint32_t)a, 0) + mcu_lane_s8((uint32_t)x, 1),
                          mcu_lane_s16((uint32_t)a, 1) + mcu_lane_s8((uint32_t)x, 3));
#endif
}

/* SMLAD: acc + lo(a) * lo(b) + hi(a) * hi(b), wrapping modulo 2^32 (Q flag ignored). */
MCU_INLINE int32_t mcu_smlad(int32_t a, int32_t b, int32_t acc)
{
#if MCU_SIMD_DSP
    return __smlad(a, b, acc);
#else
    const uint32_t lo = (uint32_t)(mcu_lane_s16((uint32_t)a, 0) * mcu_lane_s16((uint32_t)b, 0));
    const uint32_t hi = (uint32_t)(mcu_lane_s16((uint32_t)a, 1) * mcu_lane_s16((uint32_t)b, 1));
    return (int32_t)((uint32_t)acc + lo + hi);
#endif
}

/* SMLABB: acc + lo(a) * lo(b), wrapping. */
MCU_INLINE int32_t mcu_smlabb(int32_t a, int32_t b, int32_t acc)
{
#if MCU_SIMD_DSP
    return __smlabb(a, b, acc);
#else
    return (int32_t)((uint32_t)acc
                     + (uint32_t)(mcu_lane_s16((uint32_t)a, 0) * mcu_lane_s16((uint32_t)b, 0)));
#endif
}

/* SMLATT: acc + hi(a) * hi(b), wrapping. */
MCU_INLINE int32_t mcu_smlatt(int32_t a, int32_t b, int32_t acc)
{
#if MCU_SIMD_DSP
    return __smlatt(a, b, acc);
#else
    return (int32_t)((uint32_t)acc
                     + (uint32_t)(mcu_lane_s16((uint32_t)a, 1) * mcu_lane_s16((uint32_t)b, 1)));
#endif
}

/* SMLABT: acc + lo(a) * hi(b), wrapping. */
MCU_INLINE int32_t mcu_smlabt(int32_t a, int32_t b, int32_t acc)
{
#if MCU_SIMD_DSP
    return __smlabt(a, b, acc);
#else
    return (int32_t)((uint32_t)acc
                     + (uint32_t)(mcu_lane_s16((uint32_t)a, 0) * mcu_lane_s16((uint32_t)b, 1)));
#endif
}

/* SMLATB: acc + hi(a) * lo(b), wrapping. */
MCU_INLINE int32_t mcu_smlatb(int32_t a, int32_t b, int32_t acc)
{
#if MCU_SIMD_DSP
    return __smlatb(a, b, acc);
#else
    return (int32_t)((uint32_t)acc
                     + (uint32_t)(mcu_lane_s16((uint32_t)a, 1) * mcu_lane_s16((uint32_t)b, 0)));
#endif
}

/* PKHBT a, b, LSL #16: lo(a) | lo(b) << 16, one instruction (GCC 12 does not always match
 * the C form and then emits two or three). */
MCU_INLINE int32_t mcu_pkhbt(int32_t a, int32_t b)
{
#if MCU_SIMD_DSP && defined(__GNUC__)
    int32_t r;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return (int32_t)(((uint32_t)a & 0xFFFFu) | ((uint32_t)b << 16));
#endif
}

/* PKHTB a, b, ASR #16: hi(a) << 16 | hi(b), one instruction. */
MCU_INLINE int32_t mcu_pkhtb(int32_t a, int32_t b)
{
#if MCU_SIMD_DSP && defined(__GNUC__)
    int32_t r;
    __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return (int32_t)(((uint32_t)a & 0xFFFF0000u) | ((uint32_t)b >> 16));
#endif
}

/* SMMULR: (a * b + 2^31) >> 32, the rounded high word of the 64-bit product. */
MCU_INLINE int32_t mcu_smmulr(int32_t a, int32_t b)
{
#if MCU_SIMD_DSP && defined(__GNUC__)
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return (int32_t)(uint32_t)((uint64_t)((int64_t)a * b + (1LL << 31)) >> 32);
#endif
}

/* SMMLAR: acc + ((a * b + 2^31) >> 32), wrapping (acc added to the high word). */
MCU_INLINE int32_t mcu_smmlar(int32_t a, int32_t b, int32_t acc)
{
#if MCU_SIMD_DSP && defined(__GNUC__)
    int32_t r;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
#else
    return (int32_t)((uint32_t)acc + (uint32_t)mcu_smmulr(a, b));
#endif
}

/*
 * TFLM's requantization plus the output offset, in five instructions, for the layers the
 * compiler proved it exact on (mcugen/ops/fast_requant.py has the proof and the checks):
 * every channel shifts right (right >= 1), |acc| < 2^30 and |acc| + |c| + 1 < 2^31, with
 * c = 2^(right-1) + (output_offset << right); channels with all-zero weights come as
 * (0, 2 v + 1, 1) and give their constant v. The caller clamps to the activation range.
 */
MCU_INLINE int32_t mcu_requant_bounded(int32_t acc, int32_t multiplier, int32_t c, int32_t right)
{
    const int32_t q = mcu_smmulr((int32_t)((uint32_t)acc << 1), multiplier);
    return (q + c + (q >> 31)) >> right;
}

/*
 * The same for an accumulator that is already doubled (kernels whose weights and bias are
 * stored doubled), with the -1 of a negative value taken from acc2's sign instead of q's:
 * (q + c - [acc2 < 0]) >> right. Equal to mcu_requant_bounded(acc2 / 2, ...) under the same
 * preconditions, because multiplier >= 0 makes q = SMMULR(acc2, m) >= 0 when acc2 >= 0 and
 * q <= 0 when acc2 < 0, and where the two signs differ (q == 0, acc2 < 0) the term changes
 * nothing: c = 2^(right-1) + (output_offset << right) gives c >> right == (c - 1) >> right,
 * and a constant channel's (0, 2 v + 1, 1) gives v either way. On DSP cores the GEMM's
 * assembly does it as SMMLAR (q + c in one), ADD ASR #31, ASR: three instructions.
 */
MCU_INLINE int32_t mcu_requant_doubled(int32_t acc2, int32_t multiplier, int32_t c, int32_t right)
{
    return (mcu_smmlar(acc2, multiplier, c) + (acc2 >> 31)) >> right;
}

/* clamp(v, act_min, act_max) for int8 bounds: SSAT to [-128, 127] (one instruction), then
 * only the bounds that are narrower, which costs nothing when they are constants (a layer
 * without activation, or ReLU with output zero point -128, needs no compare at all). */
MCU_INLINE int32_t mcu_clamp_s8(int32_t v, int32_t act_min, int32_t act_max)
{
#if MCU_SIMD_DSP
    v = __ssat(v, 8);
#else
    v = v < -128 ? -128 : (v > 127 ? 127 : v);
#endif
    if (act_min > -128) {
        v = v < act_min ? act_min : v;
    }
    if (act_max < 127) {
        v = v > act_max ? act_max : v;
    }
    return v;
}

/* The input offset in both halves, the `a` operand of SXTAB16. */
MCU_INLINE int32_t mcu_dup_s16(int32_t v)
{
    return mcu_pack_s16x2(v, v);
}

/* Hand-written assembly (the int16-weight GEMM and FC of mcu_gemm_2x2.h, mcu_fc_dot_s8.h):
 * GCC or Clang on a Thumb-2 core with the DSP extension. */
#if MCU_SIMD_DSP && defined(__GNUC__) && defined(__thumb2__)
#define MCU_ASM 1
#else
#define MCU_ASM 0
#endif

#define MCU_ASM_STR_(x) #x
#define MCU_ASM_STR(x) MCU_ASM_STR_(x)
/* The layer's activation bounds as the gas symbols MCU_ASM_REQUANT reads. */
#define MCU_ASM_BOUNDS(ACT_MIN, ACT_MAX)                                               \
    ".set MCU_ACT_MIN, " MCU_ASM_STR(ACT_MIN) "\n\t"                                    \
    ".set MCU_ACT_MAX, " MCU_ASM_STR(ACT_MAX) "\n\t"
/* PRE copies of `group`, then, while LOOP, passes of 16 copies until `done` (instructions
 * that set the flags EQ at the end) (mcugen/ops/common.py unrolled_groups computes both). */
#define MCU_ASM_GROUPS(PRE, LOOP, group, done)                                         \
    ".rept " MCU_ASM_STR(PRE) "\n\t" group ".endr\n\t"                                 \
    ".if " MCU_ASM_STR(LOOP) "\n\t"                                                     \
    "2:\n\t"                                                                            \
    ".rept 16\n\t" group ".endr\n\t"                                                   \
    done "bne 2b\n\t"                                                                   \
    ".endif\n\t"
/* The bounds [MCU_ACT_MIN, MCU_ACT_MAX] (gas symbols the caller .sets) on r, an int8 value
 * after SSAT, where they are narrower than int8. */
#define MCU_ASM_CLAMP_BOUNDS(r)                                                        \
    ".if MCU_ACT_MIN > -128\n\t"                                                       \
    "cmp " r ", #MCU_ACT_MIN\n\t"                                                      \
    "it lt\n\t"                                                                        \
    "movlt " r ", #MCU_ACT_MIN\n\t"                                                    \
    ".endif\n\t"                                                                       \
    ".if MCU_ACT_MAX < 127\n\t"                                                        \
    "cmp " r ", #MCU_ACT_MAX\n\t"                                                      \
    "it gt\n\t"                                                                        \
    "movgt " r ", #MCU_ACT_MAX\n\t"                                                    \
    ".endif\n\t"
/* mcu_requant_doubled in assembly: acc = (SMMLAR(acc, m, c) + (acc >> 31)) >> right, SSAT
 * to int8, then the bounds; t a free register. */
#define MCU_ASM_REQUANT(acc, m, c, right, t)                                           \
    "smmlar " t ", " acc ", " m ", " c "\n\t"                                          \
    "add " t ", " t ", " acc ", asr #31\n\t"                                           \
    "asr " t ", " t ", " right "\n\t"                                                  \
    "ssat " acc ", #8, " t "\n\t"                                                      \
    MCU_ASM_CLAMP_BOUNDS(acc)

#endif /* MCU_SIMD_H */
