package org.nabla4j.bench;

import java.util.concurrent.TimeUnit;
import org.nabla4j.JitFunction;
import org.nabla4j.NDArray;
import org.nabla4j.Nabla;
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
 * W2: {@code sum(x * x)} of an f32 vector, a reduction fused with its elementwise producer.
 * Twins: {@code np.sum(x*x)} and {@code np.dot(x, x)} in {@code bench/numpy/twins.py w2}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
public class SumSquaresBench {
    @Param({"16777216"})
    public int n;

    NDArray x;
    private JitFunction<NDArray, NDArray> jitted;

    static NDArray f(NDArray x) {
        return x.mul(x).sum();
    }

    @Setup
    public void setup() {
        x = NDArray.of(Inputs.uniform(3, -1, 1, n));
        jitted = Nabla.jit(SumSquaresBench::f);
        jitted.apply(x);
    }

    @Benchmark
    public NDArray jit() {
        return jitted.apply(x);
    }
}
