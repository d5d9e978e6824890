package org.nabla4j.bench;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.nabla4j.NDArray;
import org.nabla4j.Nabla;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-call overhead on a tiny array (W7): {@code x * 2 + 1} on 8 f32 elements, eagerly (two
 * dispatched operations) and through a cached {@code jit} call (W7 is {@code jit}). Twins:
 * {@code bench/numpy/dispatch.py} and {@code bench/numpy/twins.py w7}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
public class DispatchBench {
    private NDArray x;
    private Function<NDArray, NDArray> jitted;

    static NDArray f(NDArray x) {
        return x.mul(2).add(1);
    }

    @Setup
    public void setup() {
        x = NDArray.of(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f);
        jitted = Nabla.jit(DispatchBench::f);
        jitted.apply(x);
    }

    @Benchmark
    public NDArray eager() {
        return f(x);
    }

    @Benchmark
    public NDArray jit() {
        return jitted.apply(x);
    }
}
