package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Gradients of real models, numerically stable definitions, and transforms composed with each other. */
class GradCompositionTest {
    static final int TRIES = Integer.getInteger("nabla.tries", 60);

    record Params(NDArray w1, NDArray b1, NDArray w2, NDArray b2) {}
    record Batch(NDArray x, NDArray y) {}

    static NDArray loss(Params p, Batch b) {
        NDArray h = Np.tanh(b.x().matmul(p.w1()).add(p.b1()));
        NDArray logits = h.matmul(p.w2()).add(p.b2());
        return Np.logSumExp(logits, 1).sub(Np.takeAlongAxis(logits, b.y(), 1)).mean();
    }

    static NDArray randn(Random r, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextGaussian() * 0.5;
        return NDArray.of(v, shape);
    }

    @Test
    void theMlpGradientAgreesWithFiniteDifferencesInEveryLeaf() {
        Random r = new Random(1);
        Params p = new Params(randn(r, 5, 4), randn(r, 4), randn(r, 4, 3), randn(r, 3));
        Batch b = new Batch(randn(r, 6, 5), NDArray.of(0, 1, 2, 2, 1, 0));
        ValueAndGrad<Params> vg = Nabla.jit(Nabla.valueAndGrad(GradCompositionTest::loss)).apply(p, b);
        assertEquals(loss(p, b).item(), vg.value().item(), 1e-12);
        List<NDArray> params = Trees.leaves(p), grads = Trees.leaves(vg.grad());
        for (int leaf = 0; leaf < params.size(); leaf++) {
            double[] g = grads.get(leaf).toDoubleArray();
            for (int i = 0; i < g.length; i++) {
                double fd = (lossWith(p, b, leaf, i, 1e-6) - lossWith(p, b, leaf, i, -1e-6)) / 2e-6;
                assertEquals(fd, g[i], 1e-7, "leaf " + leaf + " element " + i);
            }
        }
    }

    private static double lossWith(Params p, Batch b, int leaf, int index, double h) {
        List<NDArray> leaves = new java.util.ArrayList<>(Trees.leaves(p));
        double[] v = leaves.get(leaf).toDoubleArray();
        v[index] += h;
        leaves.set(leaf, NDArray.of(v, leaves.get(leaf).shape()));
        return loss((Params) Trees.unflatten(Trees.flatten(p).def(), leaves), b).item();
    }

    @Test
    void gradientsOfLogSumExpAndCrossEntropyStayFiniteAtHugeLogits() {
        NDArray logits = NDArray.of(new float[] {1e4f, -1e4f, 0f, -1e4f, 1e4f, 1e4f}, 2, 3);
        NDArray labels = NDArray.of(1, 0);
        NDArray g1 = Nabla.grad((NDArray z) -> Np.logSumExp(z, 1).sum()).apply(logits);
        NDArray g2 = Nabla.grad((NDArray z) -> Np.logSumExp(z, 1).sub(Np.takeAlongAxis(z, labels, 1)).mean()).apply(logits);
        NDArray g3 = Nabla.grad((NDArray z) -> Np.logSoftmax(z, 1).mul(-1).mean()).apply(logits);
        for (NDArray g : List.of(g1, g2, g3)) {
            for (float v : g.toFloatArray()) assertTrue(Float.isFinite(v), g.toString());
        }
        assertArrayEquals(new float[] {1, 0, 0, 0, 0.5f, 0.5f}, g1.toFloatArray(), 1e-6f);
    }

    @Test
    void stableElementaryFunctionsHaveFiniteGradients() {
        NDArray x = NDArray.of(-1e4f, -30f, 0f, 30f, 1e4f);
        List<Function<NDArray, NDArray>> stable = List.of(Np::softplus, Np::logistic, v -> Np.softmax(v, 0), v -> Np.logSoftmax(v, 0));
        for (Function<NDArray, NDArray> f : stable) {
            NDArray g = Nabla.grad((NDArray v) -> f.apply(v).sum()).apply(x);
            for (float v : g.toFloatArray()) assertTrue(Float.isFinite(v), g.toString());
        }
        assertArrayEquals(new double[] {0, 0}, Nabla.grad(Np::norm).apply(NDArray.of(0.0, 0.0)).toDoubleArray());
        assertArrayEquals(new double[] {0.6, 0.8}, Nabla.grad(Np::norm).apply(NDArray.of(3.0, 4.0)).toDoubleArray(), 1e-12);
    }

    @Test
    void whereWithANanInTheUnselectedBranchNeedsTheDoubleWhereTrick() {
        NDArray x = NDArray.of(0.0, 4.0);
        NDArray naive = Nabla.grad((NDArray v) -> Np.where(v.gt(0), Np.sqrt(v), v.mul(0)).sum()).apply(x);
        assertTrue(Double.isNaN(naive.toDoubleArray()[0]), "the unselected branch poisons the gradient, as in JAX");
        NDArray safe = Nabla.grad((NDArray v) -> {
            NDArray positive = v.gt(0);
            return Np.where(positive, Np.sqrt(Np.where(positive, v, 1.0)), v.mul(0)).sum();
        }).apply(x);
        assertArrayEquals(new double[] {0, 0.25}, safe.toDoubleArray(), 1e-12);
    }

    @Test
    void transformsCompose() {
        Function<NDArray, NDArray> f = v -> v.sin().mul(v).sum();
        NDArray x = NDArray.of(0.3, -1.2, 2.0);
        double[] expected = x.sin().add(x.mul(x.cos())).toDoubleArray();
        assertArrayEquals(expected, Nabla.grad(f).apply(x).toDoubleArray(), 1e-12);
        assertArrayEquals(expected, Nabla.jit(Nabla.grad(f)).apply(x).toDoubleArray(), 1e-12);
        assertArrayEquals(expected, Nabla.grad(Nabla.jit(f)).apply(x).toDoubleArray(), 1e-12);
        // d/dx (sin x + x cos x) = 2 cos x - x sin x, summed through the hessian's diagonal
        NDArray h = Nabla.jacfwd(Nabla.jacrev(f)).apply(x);
        double[] diag = {h.toDoubleArray()[0], h.toDoubleArray()[4], h.toDoubleArray()[8]};
        assertArrayEquals(x.cos().mul(2).sub(x.mul(x.sin())).toDoubleArray(), diag, 1e-12);
        assertArrayEquals(h.toDoubleArray(), Nabla.jit(Nabla.hessian(f)).apply(x).toDoubleArray(), 1e-12);
        // grad of a function that closes over an outer traced value
        NDArray gg = Nabla.grad((NDArray a) -> Nabla.grad((NDArray b) -> a.mul(b).mul(b).sum()).apply(a).sum()).apply(x);
        assertArrayEquals(x.mul(4).toDoubleArray(), gg.toDoubleArray(), 1e-12);
    }

    @Test
    void jacfwdEqualsJacrevOnRandomFunctions() {
        qt().withExamples(Math.max(10, TRIES / 3)).forAll(longs().all(), integers().between(1, 4), integers().between(1, 4))
                .checkAssert((seed, rows, cols) -> {
                    Random r = new Random(seed);
                    var g = JitMatchesEagerTest.randomFunction(seed);
                    NDArray y = randn(r, rows, cols);
                    Function<NDArray, NDArray> f = v -> g.apply(v, y).astype(DType.F64);
                    NDArray x = randn(r, rows, cols);
                    NDArray fwd = Nabla.jacfwd(f).apply(x), rev = Nabla.jacrev(f).apply(x);
                    assertArrayEquals(fwd.shape(), rev.shape());
                    // Where a random function is not differentiable (NaN, a kink), the two modes may disagree on NaN vs 0.
                    if (!allFinite(fwd) || !allFinite(rev)) return;
                    // Some random functions round through f32 (astype), so agreement is to f32 precision.
                    assertArrayEquals(fwd.toDoubleArray(), rev.toDoubleArray(), 1e-5);
                });
    }

    private static boolean allFinite(NDArray x) {
        for (double v : x.toDoubleArray()) if (!Double.isFinite(v)) return false;
        return true;
    }
}
