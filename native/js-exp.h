/*
 * exp(x) as V8 computes Math.exp: fdlibm's e_exp.c algorithm (argument reduction by ln 2, a degree-5 Remez
 * polynomial, the same constants and operations), so the native kernels' exponentials, and everything
 * computed from them, equal the JavaScript paths' bit for bit. tests/lib/native compares it with Math.exp.
 *
 * The algorithm and constants are fdlibm's:
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 * Developed at SunSoft, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this software is freely granted, provided that this notice
 * is preserved.
 */
#ifndef MLSD_NATIVE_JS_EXP_H
#define MLSD_NATIVE_JS_EXP_H
#include <stdint.h>
#include <string.h>

static inline uint32_t high_word(double x) {
  uint64_t u;
  memcpy(&u, &x, 8);
  return (uint32_t)(u >> 32);
}
static inline uint32_t low_word(double x) {
  uint64_t u;
  memcpy(&u, &x, 8);
  return (uint32_t)u;
}
static inline double set_high_word(double x, uint32_t hi) {
  uint64_t u;
  memcpy(&u, &x, 8);
  u = (u & 0xffffffffull) | ((uint64_t)hi << 32);
  memcpy(&x, &u, 8);
  return x;
}

static inline double js_exp(double x) {
  static const double half[2] = {0.5, -0.5}, huge = 1.0e+300, twom1000 = 9.33263618503218878990e-302,
                      o_threshold = 7.09782712893383973096e+02, u_threshold = -7.45133219101941108420e+02,
                      ln2_hi[2] = {6.93147180369123816490e-01, -6.93147180369123816490e-01},
                      ln2_lo[2] = {1.90821492927058770002e-10, -1.90821492927058770002e-10},
                      inv_ln2 = 1.44269504088896338700e+00, P1 = 1.66666666666666019037e-01,
                      P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05,
                      P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;
  double hi = 0, lo = 0;
  int32_t k = 0;
  uint32_t hx = high_word(x);
  const int negative = (int)(hx >> 31);
  hx &= 0x7fffffff;
  if (hx >= 0x40862E42) { /* |x| >= 709.78: NaN, infinities, overflow, underflow */
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | low_word(x)) != 0) return x + x;
      return negative ? 0.0 : x;
    }
    if (x > o_threshold) return huge * huge;
    if (x < u_threshold) return twom1000 * twom1000;
  }
  if (hx > 0x3fd62e42) { /* |x| > ln2 / 2: x = k ln2 + r */
    if (hx < 0x3FF0A2B2) {
      hi = x - ln2_hi[negative], lo = ln2_lo[negative], k = 1 - negative - negative;
    } else {
      k = (int32_t)(inv_ln2 * x + half[negative]);
      const double t = k;
      hi = x - t * ln2_hi[0];
      lo = t * ln2_lo[0];
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) { /* |x| < 2^-28 */
    if (huge + x > 1.0) return 1.0 + x;
  }
  const double t = x * x;
  const double c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) return set_high_word(y, high_word(y) + ((uint32_t)k << 20));
  return set_high_word(y, high_word(y) + ((uint32_t)(k + 1000) << 20)) * twom1000;
}
#endif
