/*
 * golden_weights.c: constant data of model (240 bytes), compiled by
 * mcugen 0.1.0. Do not edit. `const` keeps it in flash.
 */
#include <stdint.h>

#if defined(__GNUC__)
#define GOLDEN_WEIGHT_ALIGN __attribute__((aligned(16)))
#else
#define GOLDEN_WEIGHT_ALIGN
#endif

/* op 1 (CONV_2D) filter */
extern const int32_t golden_op1_filter[60];
const int32_t golden_op1_filter[60] GOLDEN_WEIGHT_ALIGN = {
    -5426, -5426, 5764, 5764, 13827882, -13697116, -8192194, 5636248, -4128962, 7274434, 14811160, 10223652, 3604436, 8716172, -2097090, 16122042,
    3211054, -1114178, 3604252, -655234, 65532, 65506, 30, 208, 1356616911, -18176, 9, 1651859062, -18176, 9, 3004, 3004,
    7228, 7228, -7733198, -14679950, -3276680, 6749980, -12451690, -13631420, -14810976, -13959284, 4849750, 15990834, -7012404, -15859592, 7471152, 5832678,
    7078060, 11272376, 65402, 65500, 2, 65310, 1241390227, -18176, 9, 2134017858, -36352, 10,
};
