package org.nabla4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nabla4j.NDArray;

/**
 * Each benchmark, on small sizes, computes what a plain Java loop (in double precision) computes:
 * a benchmark cannot silently measure something else.
 */
class WorkloadsTest {
    @Test
    void w1ElementwiseChain() {
        for (int n : new int[] {1, 7, 1024, 4099}) {
            ElementwiseBench b = new ElementwiseBench();
            b.n = n;
            b.setup();
            float[] x = b.x.toFloatArray(), y = b.y.toFloatArray(), got = b.jit().toFloatArray();
            assertEquals(n, got.length);
            for (int i = 0; i < n; i++) {
                double expected = Math.sin(x[i]) * y[i] + Math.exp(-x[i] * (double) x[i]);
                assertEquals(expected, got[i], 1e-5, "element " + i + " of " + n);
            }
        }
    }

    @Test
    void w2SumOfSquares() {
        for (int n : new int[] {1, 17, 4099, 100_000}) {
            SumSquaresBench b = new SumSquaresBench();
            b.n = n;
            b.setup();
            double expected = 0;
            for (float v : b.x.toFloatArray()) expected += (double) v * v;
            NDArray got = b.jit();
            assertEquals(0, got.ndim());
            assertEquals(expected, got.item(), 1e-5 * expected, "n = " + n);
        }
    }

    @Test
    void w3RowSoftmax() {
        SoftmaxBench b = new SoftmaxBench();
        b.rows = 5;
        b.cols = 37;
        b.setup();
        float[] x = b.x.toFloatArray(), got = b.jit().toFloatArray();
        assertArrayEquals(new int[] {5, 37}, b.jit().shape());
        for (int r = 0; r < b.rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < b.cols; c++) max = Math.max(max, x[r * b.cols + c]);
            for (int c = 0; c < b.cols; c++) sum += Math.exp(x[r * b.cols + c] - max);
            for (int c = 0; c < b.cols; c++) {
                assertEquals(Math.exp(x[r * b.cols + c] - max) / sum, got[r * b.cols + c], 1e-6, "row " + r + " col " + c);
            }
        }
    }

    @Test
    void w5MlpStepIsLossAndSgdUpdateOfHandWrittenBackprop() {
        MlpStepBench b = new MlpStepBench();
        b.in = 9;
        b.hidden = 6;
        b.classes = 4;
        b.batch = 5;
        b.setup();
        MlpStepBench.Step got = b.jit();
        Reference ref = new Reference(b);
        assertEquals(ref.loss, got.loss().item(), 1e-5);
        assertEquals(ref.loss, b.firstCall().loss().item(), 1e-5);
        MlpStepBench.Params p = got.params();
        NDArray[] updated = {p.w1(), p.b1(), p.w2(), p.b2(), p.w3(), p.b3()};
        for (int k = 0; k < updated.length; k++) {
            float[] v = updated[k].toFloatArray();
            for (int i = 0; i < v.length; i++) assertEquals(ref.updated[k][i], v[i], 1e-6, "parameter " + k + " element " + i);
        }
    }

    @Test
    void w6PerSampleGradientsAreTheClosedForm() {
        PerSampleGradBench b = new PerSampleGradBench();
        b.n = 7;
        b.d = 13;
        b.setup();
        float[] x = b.batch.x().toFloatArray(), y = b.batch.y().toFloatArray(), w = b.w.toFloatArray();
        NDArray g = b.jit();
        assertArrayEquals(new int[] {7, 13}, g.shape());
        float[] got = g.toFloatArray();
        for (int i = 0; i < b.n; i++) {
            double z = 0;
            for (int j = 0; j < b.d; j++) z += (double) x[i * b.d + j] * w[j];
            double residual = 1 / (1 + Math.exp(-z)) - y[i];
            for (int j = 0; j < b.d; j++) assertEquals(residual * x[i * b.d + j], got[i * b.d + j], 1e-6, "sample " + i + " weight " + j);
        }
    }

    @Test
    void w7CachedJitCall() {
        DispatchBench b = new DispatchBench();
        b.setup();
        assertArrayEquals(new float[] {3, 5, 7, 9, 11, 13, 15, 17}, b.jit().toFloatArray());
    }

    @Test
    void w8RecurrentScanIsTheJavaLoopAndItsGradientIsBackpropagationThroughTime() {
        RnnScanBench b = new RnnScanBench();
        b.hidden = 5;
        b.steps = 9;
        b.setup();
        int n = b.hidden;
        float[] w = b.w.toFloatArray(), xs = b.xs.toFloatArray();
        double[][] hs = new double[b.steps + 1][n];
        for (int t = 0; t < b.steps; t++) {
            for (int i = 0; i < n; i++) {
                double a = xs[t * n + i];
                for (int j = 0; j < n; j++) a += (double) w[i * n + j] * hs[t][j];
                hs[t + 1][i] = Math.tanh(a);
            }
        }
        assertArrayEquals(toFloats(hs[b.steps]), b.jit().toFloatArray(), 1e-5f);
        // d(sum of the final state)/dW by hand: g_t = dL/dh_t, dW += (g ⊙ (1 - h²)) h_{t-1}ᵀ, g_{t-1} = Wᵀ (g ⊙ (1 - h²)).
        double[] g = new double[n];
        java.util.Arrays.fill(g, 1);
        double[] dw = new double[n * n];
        for (int t = b.steps; t >= 1; t--) {
            double[] delta = new double[n], next = new double[n];
            for (int i = 0; i < n; i++) delta[i] = g[i] * (1 - hs[t][i] * hs[t][i]);
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
                dw[i * n + j] += delta[i] * hs[t - 1][j];
                next[j] += w[i * n + j] * delta[i];
            }
            g = next;
        }
        float[] got = b.jitGrad().toFloatArray();
        for (int i = 0; i < n * n; i++) assertEquals(dw[i], got[i], 1e-5, "dW[" + i + "]");
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** Forward and backward pass of the MLP in double precision with loops, then the SGD update. */
    private static final class Reference {
        final double loss;
        final double[][] updated = new double[6][];

        Reference(MlpStepBench b) {
            int n = b.batch, in = b.in, h = b.hidden, k = b.classes;
            MlpStepBench.Params p = b.params;
            double[] x = d(b.data.x()), w1 = d(p.w1()), b1 = d(p.b1()), w2 = d(p.w2()), b2 = d(p.b2()), w3 = d(p.w3()), b3 = d(p.b3());
            int[] y = b.data.y().toIntArray();
            double[] h1 = tanh(affine(x, w1, b1, n, in, h)), h2 = tanh(affine(h1, w2, b2, n, h, h)), logits = affine(h2, w3, b3, n, h, k);
            double total = 0;
            double[] dLogits = new double[n * k];
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]);
                for (int c = 0; c < k; c++) sum += Math.exp(logits[i * k + c] - max);
                total += Math.log(sum) + max - logits[i * k + y[i]];
                for (int c = 0; c < k; c++) dLogits[i * k + c] = (Math.exp(logits[i * k + c] - max) / sum - (c == y[i] ? 1 : 0)) / n;
            }
            loss = total / n;
            double[] dh2 = backTanh(times(dLogits, w3, n, k, h), h2), dh1 = backTanh(times(dh2, w2, n, h, h), h1);
            double[][] params = {w1, b1, w2, b2, w3, b3};
            double[][] grads = {weightGrad(x, dh1, n, in, h), colSums(dh1, n, h), weightGrad(h1, dh2, n, h, h), colSums(dh2, n, h),
                    weightGrad(h2, dLogits, n, h, k), colSums(dLogits, n, k)};
            for (int q = 0; q < 6; q++) {
                updated[q] = new double[params[q].length];
                for (int i = 0; i < params[q].length; i++) updated[q][i] = params[q][i] - MlpStepBench.LR * grads[q][i];
            }
        }

        private static double[] d(NDArray a) {
            float[] f = a.toFloatArray();
            double[] r = new double[f.length];
            for (int i = 0; i < f.length; i++) r[i] = f[i];
            return r;
        }

        /** a (n x m) . w (m x o) + bias (o). */
        private static double[] affine(double[] a, double[] w, double[] bias, int n, int m, int o) {
            double[] r = new double[n * o];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < o; j++) {
                    double s = bias[j];
                    for (int q = 0; q < m; q++) s += a[i * m + q] * w[q * o + j];
                    r[i * o + j] = s;
                }
            }
            return r;
        }

        private static double[] tanh(double[] v) {
            double[] r = new double[v.length];
            for (int i = 0; i < v.length; i++) r[i] = Math.tanh(v[i]);
            return r;
        }

        /** g (n x o) . w^T where w is (m x o). */
        private static double[] times(double[] g, double[] w, int n, int o, int m) {
            double[] r = new double[n * m];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    double s = 0;
                    for (int q = 0; q < o; q++) s += g[i * o + q] * w[j * o + q];
                    r[i * m + j] = s;
                }
            }
            return r;
        }

        private static double[] backTanh(double[] g, double[] t) {
            double[] r = new double[g.length];
            for (int i = 0; i < g.length; i++) r[i] = g[i] * (1 - t[i] * t[i]);
            return r;
        }

        /** a^T (m x n) . g (n x o). */
        private static double[] weightGrad(double[] a, double[] g, int n, int m, int o) {
            double[] r = new double[m * o];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    for (int q = 0; q < o; q++) r[j * o + q] += a[i * m + j] * g[i * o + q];
                }
            }
            return r;
        }

        private static double[] colSums(double[] g, int n, int o) {
            double[] r = new double[o];
            for (int i = 0; i < n; i++) for (int q = 0; q < o; q++) r[q] += g[i * o + q];
            return r;
        }
    }
}
