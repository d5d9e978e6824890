package org.nabla4j.bench;

import static org.nabla4j.Np.exp;
import static org.nabla4j.Np.sin;

import java.util.concurrent.TimeUnit;
import org.nabla4j.JitBiFunction;
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
 * W1: {@code sin(x) * y + exp(-x * x)} on f32 vectors, one fused loop when jitted.
 * Twin: {@code bench/numpy/twins.py w1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
public class ElementwiseBench {
    @Param({"1024", "4194304"})
    public int n;

    NDArray x;
    NDArray y;
    private JitBiFunction<NDArray, NDArray, NDArray> jitted;

    static NDArray f(NDArray x, NDArray y) {
        return sin(x).mul(y).add(exp(x.neg().mul(x)));
    }

    @Setup
    public void setup() {
        x = NDArray.of(Inputs.uniform(1, -3, 3, n));
        y = NDArray.of(Inputs.uniform(2, -1, 1, n));
        jitted = Nabla.jit(ElementwiseBench::f);
        jitted.apply(x, y);
    }

    @Benchmark
    public NDArray jit() {
        return jitted.apply(x, y);
    }
}
