package dev.peregrine.engines.eval;

/**
 * NumPy-compatible numerics that Ultralytics' metrics are built from ({@code np.interp}, {@code np.trapz},
 * the box filter {@code smooth}), written so that the Java results agree with Ultralytics to rounding.
 */
final class Curves {
    private Curves() {
    }

    /**
     * {@code np.interp(x, xp, fp, left, right)} for one point: {@code xp} must be non-decreasing. Like NumPy, a
     * point equal to a run of equal {@code xp} values takes the value at the last of them, which matters for
     * precision envelopes with flat recall stretches.
     */
    static double interp(double x, double[] xp, double[] fp, int n, double left, double right) {
        if (n == 0) {
            throw new IllegalArgumentException("interp needs at least one point");
        }
        if (x > xp[n - 1]) {
            return right;
        }
        if (x < xp[0]) {
            return left;
        }
        // largest j with xp[j] <= x (NumPy's binary_search_with_guess returns the same index)
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (x >= xp[mid]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int j = lo - 1;
        if (j == n - 1 || xp[j] == x) {
            return fp[j];
        }
        double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
        double v = slope * (x - xp[j]) + fp[j];
        if (Double.isNaN(v)) {
            v = slope * (x - xp[j + 1]) + fp[j + 1];
            if (Double.isNaN(v) && fp[j] == fp[j + 1]) {
                v = fp[j];
            }
        }
        return v;
    }

    /** {@code np.linspace(0, 1, n)} with NumPy's arithmetic (i * step, last point exactly 1). */
    static double[] linspace01(int n) {
        double[] x = new double[n];
        double step = 1.0 / (n - 1);
        for (int i = 0; i < n; i++) {
            x[i] = i * step;
        }
        x[n - 1] = 1.0;
        return x;
    }

    /** Ultralytics' 101-point COCO grid on recall, 0 to 1. */
    private static final double[] RECALL_GRID = linspace01(101);

    /**
     * Ultralytics {@code compute_ap}: adds the sentinels (recall 0 / precision 1 in front, recall 1 / precision 0
     * behind), takes the monotone precision envelope, samples it at 101 recall points with {@code np.interp} and
     * integrates with the trapezoid rule.
     *
     * @param recall    recall after each prediction, non-decreasing
     * @param precision precision after each prediction
     * @param n         number of predictions used from the arrays
     */
    static double computeAp(double[] recall, double[] precision, int n) {
        double[] mrec = new double[n + 2];
        double[] mpre = new double[n + 2];
        mrec[0] = 0.0;
        mpre[0] = 1.0;
        System.arraycopy(recall, 0, mrec, 1, n);
        System.arraycopy(precision, 0, mpre, 1, n);
        mrec[n + 1] = 1.0;
        mpre[n + 1] = 0.0;
        for (int i = n; i >= 0; i--) {
            mpre[i] = Math.max(mpre[i], mpre[i + 1]);
        }
        double[] x = RECALL_GRID;
        double prev = interp(x[0], mrec, mpre, n + 2, mpre[0], mpre[n + 1]);
        double area = 0;
        for (int i = 1; i < x.length; i++) {
            double y = interp(x[i], mrec, mpre, n + 2, mpre[0], mpre[n + 1]);
            area += (x[i] - x[i - 1]) * (prev + y) / 2.0;
            prev = y;
        }
        return area;
    }

    /**
     * Ultralytics {@code smooth(y, f)}: a centred box filter of {@code round(len * f * 2) // 2 + 1} points, the
     * ends padded with the first and last values.
     */
    static double[] smooth(double[] y, double f) {
        int nf = (int) (Math.rint(y.length * f * 2) / 2) + 1;
        int half = nf / 2;
        int n = y.length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = i - half; k <= i + half; k++) {
                s += k < 0 ? y[0] : k >= n ? y[n - 1] : y[k];
            }
            out[i] = s / nf;
        }
        return out;
    }

    /** Index of the first maximum. */
    static int argmax(double[] y) {
        int best = 0;
        for (int i = 1; i < y.length; i++) {
            if (y[i] > y[best]) {
                best = i;
            }
        }
        return best;
    }
}
