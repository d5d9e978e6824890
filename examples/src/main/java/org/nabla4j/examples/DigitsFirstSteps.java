package org.nabla4j.examples;

import static org.nabla4j.Np.argmin;
import static org.nabla4j.Np.equal;
import static org.nabla4j.Np.iota;

import org.nabla4j.DType;
import org.nabla4j.Nabla;
import org.nabla4j.NDArray;

/**
 * A first look at nabla4j on real data: a nearest-centroid classifier of the digits, written as
 * one function over arrays, traced to IR, then run eagerly and under {@code jit}.
 */
public final class DigitsFirstSteps {
    private DigitsFirstSteps() {}

    /** Fraction of images whose nearest class centroid (in pixel space) has their label. */
    static NDArray centroidAccuracy(NDArray x, NDArray y) {
        int n = x.shape()[0];
        NDArray oneHot = equal(y.reshape(n, 1), iota(new int[] {n, 10}, 1)).astype(DType.F32);   // (n, 10)
        NDArray centroids = oneHot.T().matmul(x).div(oneHot.sum(0).reshape(10, 1));              // (10, 64)
        NDArray distances = x.mul(x).sum(1).reshape(n, 1)                                           // |x - c|^2
                .sub(x.matmul(centroids.T()).mul(2))
                .add(centroids.mul(centroids).sum(1));
        return equal(argmin(distances, 1), y).astype(DType.F32).mean();
    }

    public static void main(String[] args) {
        Digits d = Digits.load();
        System.out.printf("digits: pixels %s, labels %s%n", java.util.Arrays.toString(d.pixels().shape()),
                java.util.Arrays.toString(d.labels().shape()));
        System.out.println("first labels: " + d.labels().slice(0, 0, 10));

        System.out.println("\nThe traced program of centroidAccuracy:");
        System.out.println(Nabla.makeJaxpr(DigitsFirstSteps::centroidAccuracy, d.pixels(), d.labels()));

        var jitted = Nabla.jit(DigitsFirstSteps::centroidAccuracy);
        int reps = 50;
        double eager = time(() -> centroidAccuracy(d.pixels(), d.labels()).item(), reps);
        long t0 = System.nanoTime();
        jitted.apply(d.pixels(), d.labels());
        double firstCall = (System.nanoTime() - t0) / 1e6;
        double compiled = time(() -> jitted.apply(d.pixels(), d.labels()).item(), reps);

        System.out.printf("%naccuracy, eager:  %.4f  (%.2f ms per call, mean of %d)%n", centroidAccuracy(d.pixels(), d.labels()).item(), eager, reps);
        System.out.printf("accuracy, jitted: %.4f  (%.2f ms per call; first call with tracing %.1f ms)%n",
                jitted.apply(d.pixels(), d.labels()).item(), compiled, firstCall);
        System.out.println("jit cache: " + jitted.cacheStats());
        System.out.println("backend: " + Nabla.config().backend());
    }

    private static double time(java.util.function.DoubleSupplier f, int reps) {
        for (int i = 0; i < 5; i++) f.getAsDouble();
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) f.getAsDouble();
        return (System.nanoTime() - t0) / 1e6 / reps;
    }
}
