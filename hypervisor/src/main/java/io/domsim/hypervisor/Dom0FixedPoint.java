package io.domsim.hypervisor;

import static io.domsim.hypervisor.HostRates.ATTEMPT;
import static io.domsim.hypervisor.HostRates.C0;
import static io.domsim.hypervisor.HostRates.COMPUTE;
import static io.domsim.hypervisor.HostRates.CS;
import static io.domsim.hypervisor.HostRates.GCPI;
import static io.domsim.hypervisor.HostRates.ONE_OH;
import static io.domsim.hypervisor.HostRates.VCPUS;

/**
 * {@link HostRates}' Dom0 fixed point (see {@link #solve}), on its host's slots, with scratch arrays of its
 * own. Not thread-safe; owned by one HostRates.
 */
final class Dom0FixedPoint {
  private double[] grantF0 = new double[1]; // probe at f = 0
  private double[] grantF = new double[1]; // other probes
  private double[] demF = new double[1];
  private double[] satF0 = new double[0];
  private double[] satF = new double[0];
  private double[] uncF = new double[0];
  /** The allocation and shares of the last answer. */
  double[] grant;
  double[] sat;
  /** The last answer was 1 without the probe at f = 0. */
  boolean probeSkipped;

  void grow(int size) {
    grantF0 = new double[size + 1];
    grantF = new double[size + 1];
    demF = new double[size + 1];
    satF0 = new double[size];
    satF = new double[size];
    uncF = new double[size];
  }

  /**
   * The common fraction {@code f} of every guest's I/O that Dom0 can serve when it is the bottleneck.
   * Guests size their demand for {@code f}; Dom0 asks for all the I/O work and so takes whatever the
   * guests leave (up to its vCPUs and its weighted share). {@code f} is the fixed point of
   * {@code servable(r, f) = f}, where {@code servable} is the fraction Dom0's grant covers: it falls as
   * {@code f} grows, since busier guests leave Dom0 less. Found by the Illinois variant of regula falsi,
   * a handful of allocations. Leaves {@link #grant} and {@link #sat} as allocated for the answer; then
   * {@code io = attempt × sat × f}.
   *
   * @param needAll Dom0's need with all I/O issued (round 1's)
   * @param satRound1 the shares of round 1 (null: SAT_U), whose allocation, in {@link HostRates#grantA}, is the
   *     probe at {@code f = 1}
   */
  double solve(HostRates r, double needAll, double[] satRound1) {
    double b = 1;
    double fb = servable(r, r.grantA, satRound1) - 1;
    // The answer is 1 when fb >= 0, unless servable(r, 0) is 0, which needs Dom0's grant at f = 0 not above its
    // base load. Weighted max-min is monotone: with every guest asking no more (at f = 0 each asks at most
    // what it asks at f = 1, Dom0 the same), Dom0 gets no less. So when its grant at f = 1 exceeds its base
    // by more than the water-filling's rounding could take away (and than its 1e-12 cut), the probe at
    // f = 0, an allocation, cannot change the answer and is skipped.
    probeSkipped = fb >= 0 && r.grantA[0] - r.base > 1e-9 + r.cores * (r.n + 2.0) * (r.n + 2.0) * 1e-15;
    if (probeSkipped) {
      grant = r.grantA;
      sat = satRound1;
      return 1;
    }
    double a = 0;
    double fa = probeNoIo(r, needAll);
    if (fa <= 0) {
      grant = grantF0;
      sat = satF0;
      return 0; // Dom0 cannot serve any I/O: its share does not exceed its own base load
    }
    if (fb >= 0) {
      grant = r.grantA;
      sat = satRound1;
      return 1; // not Dom0-bound after all, once the guests' demands are sized consistently
    }
    int side = 0;
    for (int step = 0; step < 60 && b - a > 1e-9; step++) {
      double cc = (a * fb - b * fa) / (fb - fa);
      if (!(cc > a && cc < b)) {
        cc = (a + b) / 2;
      }
      double fc = servableMinus(r, needAll, cc, grantF, satF);
      if (fc >= 0) {
        a = cc;
        fa = fc;
        if (side == 1) {
          fb /= 2; // Illinois: keep the stale end from stalling the secant
        }
        side = 1;
      } else {
        b = cc;
        fb = fc;
        if (side == -1) {
          fa /= 2;
        }
        side = -1;
      }
    }
    if (a == 0) {
      grant = grantF0;
      sat = satF0;
    } else {
      servableMinus(r, needAll, a, grantF, satF);
      grant = grantF;
      sat = satF;
    }
    return a;
  }

  /**
   * servable(0) − 0, allocated into {@link #grantF0}. When Dom0's grant does not exceed its base load,
   * servable is 0 if any guest would issue I/O at all, so the shares are derived only up to the first that
   * does (the answer is then 0 whatever the rest; the I/O served is 0, whatever the shares).
   */
  private double probeNoIo(HostRates r, double needAll) {
    allocateFor(r, needAll, 0, grantF0);
    if (grantF0[0] - r.base <= 0) {
      for (int i = 0; i < r.n; i++) {
        double s = uncF[i] > 0 ? Math.min(1, grantF0[i + 1] / uncF[i]) : 1;
        if (r.c[i * CS + ATTEMPT] * s * r.c[i * CS + C0] > 0) {
          return 0; // servable = 0 / perUnit with perUnit > 0
        }
      }
    }
    for (int i = 0; i < r.n; i++) {
      satF0[i] = uncF[i] > 0 ? Math.min(1, grantF0[i + 1] / uncF[i]) : 1;
    }
    return servable(r, grantF0, satF0);
  }

  /** The allocation with the guests sized for I/O fraction {@code f} (their needs left in {@link #uncF}). */
  private void allocateFor(HostRates r, double needAll, double f, double[] g) {
    for (int i = 0; i < r.n; i++) {
      int b = i * CS;
      uncF[i] = r.c[b + COMPUTE] * r.c[b + ONE_OH] + r.c[b + ATTEMPT] * f * r.c[b + GCPI];
      demF[i + 1] = Math.min(r.c[b + VCPUS], uncF[i]);
    }
    demF[0] = Math.min(r.dom0Vcpus, needAll);
    CreditShares.allocate(r.cores, demF, r.weight, r.n + 1, g, r.active);
  }

  /** Allocates with the guests sized for I/O fraction {@code f}, into {@code g} and {@code s}; answers servable(r, f) − f. */
  private double servableMinus(HostRates r, double needAll, double f, double[] g, double[] s) {
    allocateFor(r, needAll, f, g);
    for (int i = 0; i < r.n; i++) {
      // A guest's own share may hold its I/O back further; Dom0 only serves what is issued.
      s[i] = uncF[i] > 0 ? Math.min(1, g[i + 1] / uncF[i]) : 1;
    }
    return servable(r, g, s) - f;
  }

  /** The fraction of the issued I/O that Dom0's grant covers beyond its base load (capped at 2). */
  private double servable(HostRates r, double[] g, double[] s) {
    double perUnit = 0;
    for (int i = 0; i < r.n; i++) {
      perUnit += r.c[i * CS + ATTEMPT] * r.satOf(s, i) * r.c[i * CS + C0];
    }
    double servable = perUnit > 0 ? Math.max(0, g[0] - r.base) / perUnit : Double.MAX_VALUE;
    return Math.min(servable, 2);
  }
}
