package io.domsim.hypervisor;

/**
 * log(1 + x) exactly as {@link StrictMath#log1p} computes it (fdlibm's s_log1p.c, which Java 17 runs as
 * native code), in Java: the call through JNI cost a tenth of a cluster-day run, which draws one phase
 * length per workload phase. Same operations in the same order, so the same bits; Log1pTest compares
 * the two. Port of:
 *
 * <pre>
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunPro, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 * </pre>
 */
final class Log1p {
  private Log1p() {}

  private static final double LN2_HI = 6.93147180369123816490e-01; // 3fe62e42 fee00000
  private static final double LN2_LO = 1.90821492927058770002e-10; // 3dea39ef 35793c76
  private static final double TWO54 = 1.80143985094819840000e+16; // 43500000 00000000
  private static final double LP1 = 6.666666666666735130e-01; // 3FE55555 55555593
  private static final double LP2 = 3.999999999940941908e-01; // 3FD99999 9997FA04
  private static final double LP3 = 2.857142874366239149e-01; // 3FD24924 94229359
  private static final double LP4 = 2.222219843214978396e-01; // 3FCC71C5 1D8E78AF
  private static final double LP5 = 1.818357216161805012e-01; // 3FC74664 96CB03DE
  private static final double LP6 = 1.531383769920937332e-01; // 3FC39A09 D078C69F
  private static final double LP7 = 1.479819860511658591e-01; // 3FC2F112 DF3E5244

  private static int high(double x) {
    return (int) (Double.doubleToRawLongBits(x) >> 32);
  }

  private static double withHigh(double x, int high) {
    return Double.longBitsToDouble((Double.doubleToRawLongBits(x) & 0xffff_ffffL) | ((long) high << 32));
  }

  static double of(double x) {
    double f = 0;
    double c = 0;
    int hu = 0;
    int hx = high(x);
    int ax = hx & 0x7fff_ffff;
    int k = 1;
    if (hx < 0x3fda_827a) { // x < 0.41422
      if (ax >= 0x3ff0_0000) { // x <= -1.0
        return x == -1.0 ? Double.NEGATIVE_INFINITY : (x - x) / (x - x); // (fdlibm's NaN, to the bit)
      }
      if (ax < 0x3e20_0000) { // |x| < 2**-29
        if (TWO54 + x > 0.0 && ax < 0x3c90_0000) { // |x| < 2**-54
          return x;
        }
        return x - x * x * 0.5;
      }
      if (hx > 0 || hx <= 0xbfd2_bec3) { // -0.2929 < x < 0.41422
        k = 0;
        f = x;
        hu = 1;
      }
    }
    if (hx >= 0x7ff0_0000) {
      return x + x;
    }
    if (k != 0) {
      double u;
      if (hx < 0x4340_0000) {
        u = 1.0 + x;
        hu = high(u);
        k = (hu >> 20) - 1023;
        c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0); // correction term
        c /= u;
      } else {
        u = x;
        hu = high(u);
        k = (hu >> 20) - 1023;
        c = 0;
      }
      hu &= 0x000f_ffff;
      if (hu < 0x6_a09e) {
        u = withHigh(u, hu | 0x3ff0_0000); // normalize u
      } else {
        k += 1;
        u = withHigh(u, hu | 0x3fe0_0000); // normalize u/2
        hu = (0x0010_0000 - hu) >> 2;
      }
      f = u - 1.0;
    }
    double hfsq = 0.5 * f * f;
    if (hu == 0) { // |f| < 2**-20
      if (f == 0.0) {
        if (k == 0) {
          return 0.0;
        }
        c += k * LN2_LO;
        return k * LN2_HI + c;
      }
      double r = hfsq * (1.0 - 0.66666666666666666 * f);
      return k == 0 ? f - r : k * LN2_HI - ((r - (k * LN2_LO + c)) - f);
    }
    double s = f / (2.0 + f);
    double z = s * s;
    double r = z * (LP1 + z * (LP2 + z * (LP3 + z * (LP4 + z * (LP5 + z * (LP6 + z * LP7))))));
    return k == 0 ? f - (hfsq - s * (hfsq + r)) : k * LN2_HI - ((hfsq - (s * (hfsq + r) + (k * LN2_LO + c))) - f);
  }
}
