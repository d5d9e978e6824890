package org.nabla4j.bench;

import java.util.concurrent.TimeUnit;
import org.nabla4j.JitFunction;
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
 * W3: row softmax of an f32 (rows, cols) matrix: {@code Np.softmax(x, 1)} (max, exp of the shifted
 * values, sum, divide). Twin: {@code bench/numpy/twins.py w3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
public class SoftmaxBench {
    @Param({"4096"})
    public int rows;

    @Param({"1024"})
    public int cols;

    NDArray x;
    private JitFunction<NDArray, NDArray> jitted;

    static NDArray f(NDArray x) {
        return Np.softmax(x, 1);
    }

    @Setup
    public void setup() {
        x = NDArray.of(Inputs.normal(4, 2, rows * cols), rows, cols);
        jitted = Nabla.jit(SoftmaxBench::f);
        jitted.apply(x);
    }

    @Benchmark
    public NDArray jit() {
        return jitted.apply(x);
    }
}
