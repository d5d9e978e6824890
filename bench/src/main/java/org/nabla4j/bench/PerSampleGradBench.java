package org.nabla4j.bench;

import java.util.concurrent.TimeUnit;
import org.nabla4j.InAxes;
import org.nabla4j.JitBiFunction;
import org.nabla4j.NDArray;
import org.nabla4j.Nabla;
import org.nabla4j.Np;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * W6: per-sample gradients of logistic regression, {@code jit(vmap(grad(loss)))} over the rows of
 * X (n x d) with shared weights w (d). Twin: NumPy's closed form {@code (sigmoid(X @ w) - y)[:, None] * X}
 * in {@code bench/numpy/twins.py w6}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
public class PerSampleGradBench {
    @Param({"1024"})
    public int n;

    @Param({"512"})
    public int d;

    /** One example (x f32[d], y f32[]), or a batch of them. */
    public record Example(NDArray x, NDArray y) {}

    /** Binary cross-entropy of one example: softplus(z) - y z with z = x . w. */
    static NDArray loss(NDArray w, Example e) {
        NDArray z = e.x().dot(w);
        return Np.softplus(z).sub(e.y().mul(z));
    }

    NDArray w;
    Example batch;
    private JitBiFunction<NDArray, Example, NDArray> jitted;

    @Setup
    public void setup() {
        w = NDArray.of(Inputs.normal(21, 1, d));
        float[] y = new float[n];
        int[] labels = Inputs.labels(23, 2, n);
        for (int i = 0; i < n; i++) y[i] = labels[i];
        batch = new Example(NDArray.of(Inputs.normal(22, 0.1, n * d), n, d), NDArray.of(y));
        jitted = Nabla.jit(Nabla.vmap(Nabla.grad(PerSampleGradBench::loss), InAxes.of(null, 0)));
        jitted.apply(w, batch);
    }

    @Benchmark
    public NDArray jit() {
        return jitted.apply(w, batch);
    }
}
