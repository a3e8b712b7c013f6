package io.domsim.scheduler.consolidation;

import java.util.Arrays;

/**
 * The statistics the consolidation policies use, written out so that each can be checked by hand: median,
 * interquartile range, median absolute deviation, weighted least-squares lines (loess with tricube weights,
 * robust loess with bisquare robustness weights), and the coefficient of determination of a multiple
 * regression. Pure functions; no argument is modified.
 */
public final class ConsolidationMath {
  private ConsolidationMath() {}

  /** The middle value, or the mean of the two middle ones. */
  public static double median(double[] data) {
    if (data.length == 0) {
      throw new IllegalArgumentException("the median of nothing");
    }
    double[] s = data.clone();
    Arrays.sort(s);
    int mid = s.length / 2;
    return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  }

  /**
   * Q3 - Q1, each quartile the sorted value at position round(q x (n + 1)), counting from 1, rounding half
   * up: CloudSim 3.0.3's {@code MathUtil.iqr} (the paper does not say which quartile estimate it uses).
   */
  public static double iqr(double[] data) {
    if (data.length == 0) {
      throw new IllegalArgumentException("the IQR of nothing");
    }
    double[] s = data.clone();
    Arrays.sort(s);
    return s[quartileIndex(0.75, s.length)] - s[quartileIndex(0.25, s.length)];
  }

  private static int quartileIndex(double q, int n) {
    return Math.max(0, Math.min(n - 1, (int) Math.round(q * (n + 1)) - 1));
  }

  /** The median of the absolute deviations from the median. */
  public static double mad(double[] data) {
    double m = median(data);
    double[] dev = new double[data.length];
    for (int i = 0; i < data.length; i++) {
      dev[i] = Math.abs(data[i] - m);
    }
    return median(dev);
  }

  /**
   * The tricube neighbourhood weights of loess fitted at the last of {@code n} equally spaced points:
   * T(u) = (1 - u^3)^3 with u the distance to the last point over the largest distance, so the last point
   * weighs 1 and the first 0 (the paper's w_i(x) with the whole window as the neighbourhood).
   */
  public static double[] tricubeWeights(int n) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      double u = n == 1 ? 0 : (double) (n - 1 - i) / (n - 1);
      w[i] = cube(1 - cube(u));
    }
    return w;
  }

  /**
   * The line a + b x minimising the sum of w_i (y_i - a - b x_i)^2, as {a, b}; null when the weights do not
   * determine a line (fewer than two distinct x with positive weight).
   */
  public static double[] weightedLine(double[] x, double[] y, double[] w) {
    double sw = 0;
    double sx = 0;
    double sy = 0;
    for (int i = 0; i < x.length; i++) {
      sw += w[i];
      sx += w[i] * x[i];
      sy += w[i] * y[i];
    }
    if (!(sw > 0)) {
      return null;
    }
    double mx = sx / sw;
    double my = sy / sw;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < x.length; i++) {
      sxx += w[i] * (x[i] - mx) * (x[i] - mx);
      sxy += w[i] * (x[i] - mx) * (y[i] - my);
    }
    if (!(sxx > 0)) {
      return null;
    }
    double b = sxy / sxx;
    return new double[] {my - b * mx, b};
  }

  /** Loess of degree 1 at the last point: the tricube-weighted line through (1, y_1) ... (n, y_n), as {a, b}. */
  public static double[] loess(double[] y) {
    double[] fit = weightedLine(positions(y.length), y, tricubeWeights(y.length));
    if (fit == null) {
      throw new IllegalArgumentException("loess needs at least 3 values, got " + y.length);
    }
    return fit;
  }

  /**
   * Robust loess (Cleveland 1979): the loess line, then one refit with each weight multiplied by the
   * bisquare B(e_i / 6m) of its residual e_i, m the median absolute residual, B(u) = (1 - u^2)^2 for |u| < 1
   * and 0 beyond; the paper's LRR and its author's implementations do one such iteration. When the residuals
   * do not allow it (m = 0: the line already fits most points exactly) the loess line stands.
   */
  public static double[] robustLoess(double[] y) {
    double[] x = positions(y.length);
    double[] w = tricubeWeights(y.length);
    double[] fit = loess(y);
    double[] residuals = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      residuals[i] = Math.abs(y[i] - (fit[0] + fit[1] * x[i]));
    }
    double sixM = 6 * median(residuals);
    if (!(sixM > 0)) {
      return fit;
    }
    double[] robust = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      double u = residuals[i] / sixM;
      robust[i] = u < 1 ? w[i] * square(1 - u * u) : 0;
    }
    double[] refit = weightedLine(x, y, robust);
    return refit == null ? fit : refit;
  }

  /**
   * R^2 of the least-squares regression, with intercept, of {@code y} on the columns {@code x[0]},
   * {@code x[1]}, ... (each as long as y): 1 - SSE / SST. NaN when it is not determined: no more observations
   * than coefficients, a constant y, or regressors that are linearly dependent.
   */
  public static double rSquared(double[] y, double[][] x) {
    int m = y.length;
    int k = x.length;
    if (m <= k + 1) {
      return Double.NaN; // no degrees of freedom left
    }
    // Centred, the intercept drops out: solve (Xc' Xc) b = Xc' yc.
    double my = mean(y);
    double[] yc = new double[m];
    double sst = 0;
    for (int t = 0; t < m; t++) {
      yc[t] = y[t] - my;
      sst += yc[t] * yc[t];
    }
    if (!(sst > 0)) {
      return Double.NaN;
    }
    double[][] xc = new double[k][m];
    for (int j = 0; j < k; j++) {
      double mx = mean(x[j]);
      for (int t = 0; t < m; t++) {
        xc[j][t] = x[j][t] - mx;
      }
    }
    double[][] a = new double[k][k + 1];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        a[i][j] = dot(xc[i], xc[j]);
      }
      a[i][k] = dot(xc[i], yc);
    }
    double[] b = solve(a);
    if (b == null) {
      return Double.NaN;
    }
    double sse = 0;
    for (int t = 0; t < m; t++) {
      double e = yc[t];
      for (int j = 0; j < k; j++) {
        e -= b[j] * xc[j][t];
      }
      sse += e * e;
    }
    return 1 - sse / sst;
  }

  /** Gaussian elimination with partial pivoting on an augmented k x (k + 1) matrix; null when singular. */
  private static double[] solve(double[][] a) {
    int k = a.length;
    double scale = 0;
    for (int i = 0; i < k; i++) {
      scale = Math.max(scale, Math.abs(a[i][i]));
    }
    double tiny = scale * 1e-12;
    for (int col = 0; col < k; col++) {
      int pivot = col;
      for (int r = col + 1; r < k; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      if (!(Math.abs(a[pivot][col]) > tiny)) {
        return null;
      }
      double[] swap = a[col];
      a[col] = a[pivot];
      a[pivot] = swap;
      for (int r = col + 1; r < k; r++) {
        double f = a[r][col] / a[col][col];
        for (int c = col; c <= k; c++) {
          a[r][c] -= f * a[col][c];
        }
      }
    }
    double[] b = new double[k];
    for (int i = k - 1; i >= 0; i--) {
      double s = a[i][k];
      for (int j = i + 1; j < k; j++) {
        s -= a[i][j] * b[j];
      }
      b[i] = s / a[i][i];
    }
    return b;
  }

  private static double[] positions(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i + 1;
    }
    return x;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return s / v.length;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double cube(double v) {
    return v * v * v;
  }

  private static double square(double v) {
    return v * v;
  }
}
