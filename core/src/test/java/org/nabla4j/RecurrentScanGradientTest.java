package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Backpropagation through time of W8's recurrent network, {@code h = tanh(W h + x_t)} with h of
 * size 64 over 1,000 steps written with {@code scan} under {@code jit}: the reverse-mode gradient
 * agrees with central finite differences (f64) along random directions, and the f32 compiled
 * gradient with the f64 one.
 */
class RecurrentScanGradientTest {
    static final int HIDDEN = 64, STEPS = 1000;

    /** Sum of the final state; the scan also stacks every state, which the loss reads at t = STEPS/2. */
    static NDArray loss(NDArray w, NDArray h0, NDArray xs) {
        ScanStep<NDArray, NDArray> r = Nabla.scan((NDArray h, NDArray x) -> {
            NDArray next = Np.tanh(w.matmul(h).add(x));
            return new ScanStep<>(next, next);
        }, h0, xs);
        return r.carry().sum().add(r.y().get(STEPS / 2).mul(0.5).sum());
    }

    @Test
    void gradientThroughAThousandStepsMatchesFiniteDifferences() {
        Random r = new Random(8);
        NDArray w = NDArray.of(gaussian(r, HIDDEN * HIDDEN, 0.9 / Math.sqrt(HIDDEN)), HIDDEN, HIDDEN);
        NDArray h0 = NDArray.of(gaussian(r, HIDDEN, 0.5));
        NDArray xs = NDArray.of(gaussian(r, STEPS * HIDDEN, 1), STEPS, HIDDEN);
        JitFunction3<NDArray, NDArray, NDArray, NDArray> value = Nabla.jit(RecurrentScanGradientTest::loss);
        JitFunction3<NDArray, NDArray, NDArray, NDArray> gradW = Nabla.jit(Nabla.grad(RecurrentScanGradientTest::loss));
        NDArray g = gradW.apply(w, h0, xs);
        double eps = 1e-6;
        for (int trial = 0; trial < 3; trial++) {
            NDArray v = NDArray.of(gaussian(r, HIDDEN * HIDDEN, 1), HIDDEN, HIDDEN);
            double fd = (value.apply(w.add(v.mul(eps)), h0, xs).item() - value.apply(w.sub(v.mul(eps)), h0, xs).item()) / (2 * eps);
            double analytic = g.mul(v).sum().item();
            assertEquals(fd, analytic, 1e-6 * Math.max(1, Math.abs(fd)), "direction " + trial);
        }
        NDArray g32 = gradW.apply(w.astype(DType.F32), h0.astype(DType.F32), xs.astype(DType.F32));
        double scale = Np.max(Np.abs(g)).item(), worst = Np.max(Np.abs(g32.astype(DType.F64).sub(g))).item();
        assertEquals(0, worst / scale, 2e-3, "f32 gradient vs f64, relative to its largest entry " + scale);
    }

    private static double[] gaussian(Random r, int n, double scale) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = r.nextGaussian() * scale;
        return d;
    }
}
