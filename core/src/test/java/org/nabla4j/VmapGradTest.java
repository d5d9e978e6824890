package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Per-sample gradients of logistic regression (X 1024×512, w 512): {@code vmap(grad(loss))} over
 * the examples equals the Java loop of {@code grad} calls and the closed form
 * {@code (sigmoid(x·w) - y) x}, and the batched program does not grow with the batch size.
 */
class VmapGradTest {
    private static final System.Logger LOG = System.getLogger(VmapGradTest.class.getName());
    private static final int N = 1024, D = 512;

    /** One example, or a batch of them (x f32[n,512], y f32[n]). */
    record Example(NDArray x, NDArray y) {}

    /** Binary cross-entropy of one example: softplus(z) - y z with z = x·w. */
    static NDArray loss(NDArray w, Example e) {
        NDArray z = e.x().dot(w);
        return Np.softplus(z).sub(e.y().mul(z));
    }

    private static final BiFunction<NDArray, Example, NDArray> GRAD = Nabla.grad(VmapGradTest::loss);
    private static final BiFunction<NDArray, Example, NDArray> PER_EXAMPLE = Nabla.vmap(GRAD, InAxes.of(null, 0));

    private static Example data(Random r, int n) {
        float[] x = new float[n * D], y = new float[n];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 0.1);
        for (int i = 0; i < n; i++) y[i] = r.nextBoolean() ? 1 : 0;
        return new Example(NDArray.of(x, n, D), NDArray.of(y));
    }

    private static NDArray weights(Random r) {
        float[] w = new float[D];
        for (int i = 0; i < D; i++) w[i] = (float) r.nextGaussian();
        return NDArray.of(w);
    }

    private static NDArray loopOfGrads(NDArray w, Example batch) {
        List<NDArray> grads = new ArrayList<>();
        for (int i = 0; i < batch.y().size(); i++) {
            grads.add(GRAD.apply(w, new Example(Np.take(batch.x(), i, 0), Np.take(batch.y(), i, 0))));
        }
        return Np.stack(grads, 0);
    }

    @Test
    void perSampleGradientsEqualTheLoopOverExamplesAndTheClosedForm() {
        Random r = new Random(7);
        NDArray w = weights(r);
        Example batch = data(r, N);
        NDArray batched = PER_EXAMPLE.apply(w, batch);
        assertArrayEquals(new int[] {N, D}, batched.shape());
        assertArrayEquals(loopOfGrads(w, batch).toFloatArray(), batched.toFloatArray(), 1e-6f);
        NDArray residual = Np.logistic(batch.x().matmul(w)).sub(batch.y());
        assertArrayEquals(batch.x().mul(residual.reshape(N, 1)).toFloatArray(), batched.toFloatArray(), 1e-5f);
    }

    /** The same loss with x and y as separate arguments, as the issue writes it. */
    static NDArray loss3(NDArray w, NDArray x, NDArray y) {
        NDArray z = x.dot(w);
        return Np.softplus(z).sub(y.mul(z));
    }

    @Test
    void perSampleGradientsOfAThreeArgumentLossWithInAxesNullZeroZero() {
        Random r = new Random(10);
        NDArray w = weights(r);
        Example batch = data(r, N);
        NDArray batched = Nabla.vmap(Nabla.grad(VmapGradTest::loss3), InAxes.of(null, 0, 0)).apply(w, batch.x(), batch.y());
        assertArrayEquals(loopOfGrads(w, batch).toFloatArray(), batched.toFloatArray(), 1e-6f);
    }

    @Test
    void theBatchedProgramHasTheSameEquationsForAnyBatchSize() {
        Random r = new Random(8);
        NDArray w = weights(r);
        Jaxpr big = Nabla.makeJaxpr(PER_EXAMPLE, w, data(r, N));
        Jaxpr small = Nabla.makeJaxpr(PER_EXAMPLE, w, data(r, 3));
        assertEquals(small.program().equations().size(), big.program().equations().size(), () -> small + "\n" + big);
    }

    /**
     * The figure for the closing note (interpreter backend; best of two after a warm-up):
     * {@code mvn -B -q -ntp -pl ir,core -am test -Dtest=VmapGradTest -Dsurefire.failIfNoSpecifiedTests=false}.
     */
    @Test
    void vmapIsFasterThanALoopOfGradCalls() {
        Random r = new Random(9);
        NDArray w = weights(r);
        Example batch = data(r, N);
        long vmap = bestOfTwo(() -> PER_EXAMPLE.apply(w, batch));
        long loop = bestOfTwo(() -> loopOfGrads(w, batch));
        LOG.log(System.Logger.Level.INFO, "per-sample gradients, X " + N + "x" + D + ": vmap(grad) " + vmap / 1_000_000 + " ms, Java loop of grad "
                + loop / 1_000_000 + " ms (" + String.format("%.1f", (double) loop / vmap) + "x)");
        // A measurement for the closing note, not an assertion: tests make no timing claims.
        assertTrue(vmap > 0 && loop > 0);
    }

    private static long bestOfTwo(Runnable work) {
        work.run();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            long t = System.nanoTime();
            work.run();
            best = Math.min(best, System.nanoTime() - t);
        }
        return best;
    }
}
